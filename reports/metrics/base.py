"""What every dimension's metric function returns: `Figure`s, per `Target` (METRICS.md, Rules).

A dimension function has the signature

    def figures(*, targets: list[Target], as_of: datetime) -> Figures

and computes all of its figures for many (community, period) targets at once, with a few
set-based queries (never one per record). It runs every query when called and returns an
iterator that builds the figures of each target as it is read, in the order of `targets`: the
store COPYs the figures of one target while the next are built (reports.services), so a query
run later would find the connection busy with that COPY. A generator function (`yield`) would
defer the queries too: the function returns a generator expression over what it has read.
"""

import math
from collections.abc import Iterator
from typing import NamedTuple

from community.models import Community
from reports.periods import Period


class Target(NamedTuple):
    community: Community
    period: Period

    def __hash__(self) -> int:  # by id: a Model's own hash is slow, and a batch hashes ~10^5 times
        return hash((self.community.pk, self.period))

    @property
    def before_records(self) -> bool:
        """True when the period ends on or before the community's `records_since`: it has no
        data, not zeros (reports.metrics.figures_compute)."""
        since = self.community.records_since
        return since is not None and self.period.after <= since

    @property
    def before_ticket_records(self) -> bool:
        """As before_records for the ticket figures, whose records may begin earlier
        (`tickets_since`, moved back by an import)."""
        since = min(
            (d for d in (self.community.records_since, self.community.tickets_since) if d),
            default=None,
        )
        return since is not None and self.period.after <= since


class Figure(NamedTuple):
    """A figure with the exact counts behind it (immutable: a named tuple, which a batch of
    370,000 builds in half the time of a frozen dataclass).

    value: in `unit`; None means "no data" (denominator 0, or no values for a percentile).
    numerator / denominator: the exact counts (or sums) the value is built from, where it is a
    ratio; n: how many records the figure rests on; excluded: {reason code: records left out},
    never mutated (the default is shared).
    """

    value: float | None
    unit: str
    numerator: float | None = None
    denominator: float | None = None
    n: int | None = None
    excluded: dict[str, int] = {}  # read only (see above)

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "n": self.n,
            "excluded": self.excluded,
            "unit": self.unit,
        }


Figures = Iterator[tuple["Target", dict[str, "Figure"]]]  # see the module's docstring


def rate(numerator: int, denominator: int, *, excluded: dict[str, int] | None = None) -> Figure:
    """numerator ÷ denominator as a fraction in [0, 1]; None when the denominator is 0."""
    return Figure(
        value=numerator / denominator if denominator else None,
        unit="fraction",
        numerator=numerator,
        denominator=denominator,
        n=denominator,
        excluded=_clean(excluded),
    )


def mean(total: float, count: int, *, unit: str, excluded: dict[str, int] | None = None) -> Figure:
    """total ÷ count in `unit`; None when count is 0."""
    return Figure(
        value=total / count if count else None,
        unit=unit,
        numerator=total,
        denominator=count,
        n=count,
        excluded=_clean(excluded),
    )


def count(value: int, *, excluded: dict[str, int] | None = None) -> Figure:
    return Figure(value=value, unit="count", numerator=value, n=value, excluded=_clean(excluded))


def percentile(
    value: float | None, n: int, *, unit: str, excluded: dict[str, int] | None = None
) -> Figure:
    return Figure(value=value, unit=unit, n=n, excluded=_clean(excluded))


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont over values sorted ascending (linear interpolation), with
    the same float arithmetic (PostgreSQL's float8 lerp: lo + (hi - lo) * (pos - floor(pos)))."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lo_index = math.floor(position)
    lo = ordered[lo_index]
    if position == lo_index:
        return lo
    hi = ordered[lo_index + 1]
    return lo + (hi - lo) * (position - lo_index)


def _clean(excluded: dict[str, int] | None) -> dict[str, int]:
    if not excluded:  # most figures: nothing left out (called ~170,000 times in a large batch)
        return {}
    return {reason: n for reason, n in sorted((excluded or {}).items()) if n}
