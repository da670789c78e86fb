"""SLA deadlines (METRICS.md, Time).

A target is N calendar hours or N China working days:
- hours: the submission instant + N × 3600 s (absolute time, not wall-clock time);
- working days: "the same local time on the N-th working day after the local date of
  submission", in the community's timezone. Working days follow the mainland China statutory
  calendar with its adjusted working weekends (调休), from the `chinesecalendar` package.
  A local time that does not exist that day (a DST gap) moves forward by the gap; an ambiguous
  one takes its first occurrence (zoneinfo fold=0). Asia/Shanghai has neither.

Pauses (the ticket waits on its submitter) move deadlines later by the paused time; that
happens when the clock resumes (tickets.events.apply_event), not here.
"""

import datetime
import zoneinfo

import chinese_calendar
from django.utils.translation import gettext_lazy as _

HOURS = "hours"
WORKING_DAYS = "working_days"


class WorkingCalendarUnknown(Exception):
    """The calendar library has no statutory calendar for a year (it is never guessed)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar for %(year)s is not known yet (update the "
                "chinesecalendar package); a working-day deadline in %(year)s cannot be computed."
            )
            % {"year": year}
        )


def is_working_day(day: datetime.date) -> bool:
    """True on a mainland China working day (weekdays that are not statutory holidays, plus
    adjusted working weekends). Raises WorkingCalendarUnknown outside the library's years."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        raise WorkingCalendarUnknown(day.year) from None


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (n = 0 returns `day` itself)."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def deadline(
    *, start: datetime.datetime, target: int | None, unit: str, tz: zoneinfo.ZoneInfo
) -> datetime.datetime | None:
    """The deadline (aware, UTC) of a target of `target` `unit`s from the aware instant `start`.

    None when `target` is None (no SLA). Raises WorkingCalendarUnknown when a working-day target
    runs into a year the calendar library does not know, ValueError for an unknown unit.
    """
    if target is None:
        return None
    if unit == HOURS:
        # In UTC: aware arithmetic within one zone would add wall-clock time across DST.
        return start.astimezone(datetime.UTC) + datetime.timedelta(hours=target)
    if unit == WORKING_DAYS:
        local = start.astimezone(tz)
        day = add_working_days(local.date(), target)
        wall = datetime.datetime.combine(day, local.time(), tzinfo=tz).replace(fold=0)
        # Round-trip through UTC resolves gaps forward (fold=0 of a non-existent wall time).
        return wall.astimezone(datetime.UTC)
    raise ValueError(f"unknown SLA unit {unit!r}")
