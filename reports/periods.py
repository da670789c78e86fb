"""Report periods: a month, a quarter or a year (METRICS.md, Time).

A period is the half-open interval [local midnight of its first day, local midnight after its
last day) in the community's time zone. Its identifier is `2015`, `2015-Q3` or `2015-07`.
"""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


@dataclass(frozen=True, order=True)
class Period:
    """`first` is the first local date of the period, `after` the local date after its last."""

    first: dt.date
    after: dt.date

    @classmethod
    def parse(cls, text: str) -> "Period":
        """`2015` | `2015-Q3` | `2015-07` -> Period. Raises ValidationError naming the period."""
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise ValidationError(
                _("period: “%(value)s” is not a year (2015), quarter (2015-Q3) or month (2015-07)"),
                params={"value": text},
            )
        year = int(match["year"])
        if match["quarter"]:
            start_month, months = 3 * int(match["quarter"]) - 2, 3
        elif match["month"]:
            start_month, months = int(match["month"]), 1
        else:
            start_month, months = 1, 12
        return cls._from(year, start_month, months)

    @classmethod
    def month_of(cls, day: dt.date) -> "Period":
        return cls._from(day.year, day.month, 1)

    @classmethod
    def _from(cls, year: int, month: int, months: int) -> "Period":
        end = year * 12 + month - 1 + months
        return cls(dt.date(year, month, 1), dt.date(end // 12, end % 12 + 1, 1))

    @property
    def months(self) -> int:
        return (self.after.year - self.first.year) * 12 + self.after.month - self.first.month

    @property
    def key(self) -> str:
        if self.months == 12:
            return f"{self.first.year}"
        if self.months == 3:
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        return f"{self.first.year}-{self.first.month:02d}"

    def __str__(self) -> str:
        return self.key

    def previous(self) -> "Period":
        """The period of the same kind just before this one (last month, last quarter, ...)."""
        start = self.first.year * 12 + self.first.month - 1 - self.months
        return self._from(start // 12, start % 12 + 1, self.months)

    def year_before(self) -> "Period":
        """The same period one year earlier (for year-over-year changes)."""
        return self._from(self.first.year - 1, self.first.month, self.months)

    def bounds(self, timezone: str) -> tuple[dt.datetime, dt.datetime]:
        """(start, end) as UTC instants: local midnights of `first` and `after` in `timezone`.

        Wall times are read with fold=0: an ambiguous midnight takes its first occurrence and a
        midnight inside a DST gap moves forward by the gap (METRICS.md reads wall times so).
        """
        tz = zoneinfo.ZoneInfo(timezone)
        start, end = (
            dt.datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(dt.UTC)
            for d in (self.first, self.after)
        )
        return start, end
