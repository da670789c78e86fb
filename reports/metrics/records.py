"""What the figures over community records share (every dimension but tickets).

A dimension runs one statement for all its (community, period) targets. The statement starts
with the periods as a VALUES list (`COLUMNS`):

    p (pi, community_id, start_at, end_at, first_on, until_on, year_ago_on)

- `start_at`, `end_at`: the period's bounds as UTC instants. A record with an instant belongs to
  the period when `start_at <= instant < end_at`, and exists at as_of when `instant <= as_of`.
- `first_on`: the period's first local date.
- `until_on`: the earlier of the local date after the period's last and the local date after
  as_of's. A dated record (an inspection on a day) belongs to the period and exists at as_of
  when `first_on <= day < until_on`; a state "at period end" is read on the day before `until_on`
  (active on that day: `started_on < until_on AND (ended_on IS NULL OR ended_on >= until_on)`).
- `year_ago_on`: `until_on` twelve months earlier.

Its body is sections joined by UNION ALL, each giving rows `(pi, name, param, a, b, c, v)`:
`name` says what the row counts, `param` a parameter (a kind, a question id) or NULL, `a`-`c`
numbers, and `v` one value of a percentile set on SQLite (see `percentiles`).
"""

import datetime as dt
from collections import defaultdict

from django.db import connection

from reports.periods import Period

from .base import Figure, Target, percentile, percentile_cont

COLUMNS = "(pi, community_id, start_at, end_at, first_on, until_on, year_ago_on)"
Key = tuple[str, str | None]
PERCENTILES = "percentiles"  # the param of a PostgreSQL percentile row
# A record whose instant {0} is in the period and at or before as_of.
IN_PERIOD = "{0} >= p.start_at AND {0} < p.end_at AND {0} <= %(as_of)s"
# A record whose day {0} is in the period and has begun by as_of.
ON_DAY = "{0} >= p.first_on AND {0} < p.until_on"
# Something running (from {0} until {1}, a day it no longer runs) on the last day.
RUNNING = "{0} < p.until_on AND ({1} IS NULL OR {1} >= p.until_on)"


def quarters(target: Target) -> list[Target]:
    """The four quarters of a year target (none for a month or a quarter), for the per-quarter
    keys `...[quarter=2015-Q1]`."""
    if target.period.months != 12:
        return []
    year = target.period.first.year
    return [Target(target.community, Period.parse(f"{year}-Q{q}")) for q in range(1, 5)]


def read(
    sections: list[str], targets: list[Target], as_of: dt.datetime, *, quarterly: bool = False
) -> dict[Target, dict[Key, tuple]]:
    """Run `WITH p ... <sections joined by UNION ALL>` once for all targets (and, when
    `quarterly`, the quarters of the year targets) and return {target: {(name, param): (a, b,
    c)}}; a missing row reads as zeros, a percentile section's row as (n, median, p90).
    Sections refer to the periods as `p` and to as_of as `%(as_of)s`."""
    extra = [q for target in targets for q in quarters(target)] if quarterly else []
    periods = list(dict.fromkeys([*targets, *extra]))
    values = ", ".join(
        f"({i}, %(c{i})s, %(s{i})s, %(e{i})s, %(f{i})s, %(u{i})s, %(y{i})s)"
        for i in range(len(periods))
    )
    sql = f"WITH p {COLUMNS} AS (VALUES {values})\n" + "\nUNION ALL\n".join(sections)
    found: list[dict[Key, tuple]] = [defaultdict(lambda: (0, 0, 0)) for _ in periods]
    samples: dict[tuple[int, str], list[float]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params(periods, as_of))
        for pi, name, param, a, b, c, v in cursor.fetchall():
            if v is not None:  # SQLite: one sample of a percentile set
                samples[pi, name].append(float(v))
            elif param == PERCENTILES:  # PostgreSQL: percentile_cont computed in the database
                found[pi][name, None] = (int(a), b, c)
            else:  # counts and scaled sums (Decimal or, beside a float8 column, float)
                found[pi][name, param] = tuple(None if x is None else int(x) for x in (a, b, c))
    for (pi, name), ordered in samples.items():  # the interpolation percentile_cont does
        ordered.sort()
        found[pi][name, None] = (
            len(ordered),
            percentile_cont(ordered, 0.5),
            percentile_cont(ordered, 0.9),
        )
    return dict(zip(periods, found, strict=True))


def timing(
    found: dict[Key, tuple], name: str, key: str, *, unit: str, excluded: dict[str, int]
) -> dict[str, Figure]:
    """The `key.median` and `key.p90` figures of a percentile section `name`."""
    n, p50, p90 = found[name, None]
    return {
        f"{key}.median": percentile(p50 if n else None, n, unit=unit, excluded=excluded),
        f"{key}.p90": percentile(p90 if n else None, n, unit=unit, excluded=excluded),
    }


def percentiles(name: str, value: str, source: str) -> str:
    """A section of (n, median, 90th percentile) of `value` over `source` ("FROM p JOIN ...
    WHERE ..."), per period: PostgreSQL's percentile_cont, or on SQLite the values themselves,
    which `read` interpolates the same way (reports.metrics.base.percentile_cont)."""
    if connection.vendor == "postgresql":
        ordered = f"WITHIN GROUP (ORDER BY ({value})::float8)"
        return (
            f"SELECT p.pi, '{name}', '{PERCENTILES}', COUNT(*), percentile_cont(0.5) {ordered},"
            f" percentile_cont(0.9) {ordered}, NULL {source} GROUP BY p.pi"
        )
    return f"SELECT p.pi, '{name}', NULL, NULL, NULL, NULL, {value} {source}"


def params(targets: list[Target], as_of: dt.datetime) -> dict:
    """The VALUES parameters: c, s, e (as tickets.py names them), f, u, y per target."""
    instant = connection.ops.adapt_datetimefield_value
    day = connection.ops.adapt_datefield_value
    found = {"as_of": instant(as_of)}
    for i, (community, period) in enumerate(targets):
        start, end = period.bounds(community.timezone)
        until = min(period.after, as_of.astimezone(community.tz).date() + dt.timedelta(days=1))
        found |= {
            f"c{i}": community.pk,
            f"s{i}": instant(start),
            f"e{i}": instant(end),
            f"f{i}": day(period.first),
            f"u{i}": day(until),
            f"y{i}": day(_year_before(until)),
        }
    return found


def _year_before(day: dt.date) -> dt.date:
    """The same date a year earlier; 29 February becomes 1 March (twelve whole months)."""
    if (day.month, day.day) == (2, 29):
        return dt.date(day.year - 1, 3, 1)
    return day.replace(year=day.year - 1)
