"""Writes of the reports app: computing and storing metric values (DESIGN.md, Data flow 3)."""

import io
import json
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from community.models import Community

from .metrics import Figure, Target, figures_compute
from .models import MetricValue
from .periods import Period


def metrics_compute(
    *, community: Community, period: Period | str, as_of: datetime | None = None
) -> dict[str, dict]:
    """Compute every registered figure of `community` for `period` as of `as_of` (default now)
    and store them (upsert keyed by community, period, key, as_of).

    Returns {key: {"value", "numerator", "denominator", "n", "excluded", "unit"}}, the keys of
    METRICS.md. Raises ValidationError for a malformed period (see Period.parse).
    """
    if isinstance(period, str):
        period = Period.parse(period)
    target = Target(community, period)
    found = metrics_compute_many(targets=[target], as_of=as_of)[target]
    return {key: figure.as_dict() for key, figure in found.items()}


@transaction.atomic
def metrics_compute_many(
    *, targets: list[Target], as_of: datetime | None = None
) -> dict[Target, dict[str, Figure]]:
    """Compute and store the figures of many (community, period) targets with one set of
    queries per dimension. Idempotent: a second run with the same as_of overwrites the rows
    whose figures changed (on PostgreSQL the others, computed_at included, are left as they
    are: identical recomputations write nothing)."""
    as_of = as_of or timezone.now()
    found = figures_compute(targets=targets, as_of=as_of)
    _metric_values_store(found, as_of=as_of, computed_at=timezone.now())
    return found


_FIGURE_FIELDS = ("value", "numerator", "denominator", "n", "excluded", "unit")
# PostgreSQL: the rows are COPYed into a temporary table, then one statement updates the stored
# rows whose figures changed and one inserts the new ones (a run with a new as_of: all of them).
# Measured on 369,600 rows (bench/metrics.py): COPY 1.9 s against 4.8 s for one array literal
# per column; plain INSERT about 1 s less than INSERT ... ON CONFLICT, whose speculative
# insertion probes the unique index twice a row. Rows stored with the same figures are not
# touched (an UPDATE that changes nothing still writes each row). The advisory locks (_LOCK)
# keep two stores of one community from inserting the same row at once.
_ROWS_TABLE = """
CREATE TEMPORARY TABLE metricvalue_rows (
  community_id bigint, period varchar, key varchar, value float8, numerator float8,
  denominator float8, n integer, excluded jsonb, unit varchar
)
"""
# pg_advisory_xact_lock(int, int): the community's bigint id hashed into the second key (two
# communities sharing a hash only wait for each other), taken in the order of the keys.
_LOCK = (
    "SELECT pg_advisory_xact_lock(%(namespace)s, k)"
    " FROM (SELECT DISTINCT hashint8(c) AS k FROM unnest(%(communities)s::bigint[]) c) keys"
    " ORDER BY k"
)
_LOCK_NAMESPACE = 7_301  # this lock's own first key
_UPDATE = """
UPDATE {table} m SET value = r.value, numerator = r.numerator, denominator = r.denominator,
  n = r.n, excluded = r.excluded, unit = r.unit, computed_at = %(now)s, updated_at = %(now)s
FROM metricvalue_rows r
WHERE m.community_id = r.community_id AND m.period = r.period AND m.as_of = %(as_of)s
  AND m.key = r.key
  AND (m.value, m.numerator, m.denominator, m.n, m.excluded, m.unit)
    IS DISTINCT FROM (r.value, r.numerator, r.denominator, r.n, r.excluded, r.unit)
"""
_INSERT = """
INSERT INTO {table} (community_id, period, key, value, numerator, denominator, n, excluded,
                     unit, as_of, computed_at, created_at, updated_at)
SELECT r.*, %(as_of)s, %(now)s, %(now)s, %(now)s FROM metricvalue_rows r
WHERE NOT EXISTS (
  SELECT FROM {table} m
  WHERE m.community_id = r.community_id AND m.period = r.period AND m.as_of = %(as_of)s
    AND m.key = r.key)
"""


def _metric_values_store(
    found: dict[Target, dict[str, Figure]], *, as_of: datetime, computed_at: datetime
) -> None:
    """Upsert one MetricValue per (target, key), keyed by (community, period, as_of, key).
    Runs inside the caller's transaction."""
    if connection.vendor != "postgresql":
        MetricValue.objects.bulk_create(
            [
                MetricValue(
                    community=target.community,
                    period=target.period.key,
                    key=key,
                    as_of=as_of,
                    computed_at=computed_at,
                    **figure.as_dict(),
                )
                for target, figures in found.items()
                for key, figure in figures.items()
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["community", "period", "as_of", "key"],
            update_fields=[*_FIGURE_FIELDS, "computed_at", "updated_at"],
        )
        return
    if not any(found.values()):
        return
    table = MetricValue._meta.db_table
    params = {"as_of": as_of, "now": computed_at}
    with connection.cursor() as cursor:
        communities = sorted({target.community.pk for target in found})
        cursor.execute(
            f"{_LOCK}; {_ROWS_TABLE}",
            {"namespace": _LOCK_NAMESPACE, "communities": communities},
        )
        cursor.cursor.copy_expert("COPY metricvalue_rows FROM STDIN", _copy_rows(found))
        cursor.execute(
            f"{_UPDATE.format(table=table)}; {_INSERT.format(table=table)};"
            " DROP TABLE metricvalue_rows",
            params,
        )


def _copy_rows(found: dict[Target, dict[str, Figure]]) -> io.StringIO:
    """The figures as COPY text rows (the columns of _ROWS_TABLE)."""
    texts: dict[str, str] = {}  # keys, units and excluded repeat: each is escaped once

    def text(value: str) -> str:
        escaped = texts.get(value)
        if escaped is None:
            escaped = texts[value] = value.translate(_COPY_ESCAPES)
        return escaped

    lines = []
    for target, figures in found.items():
        head = f"{target.community.pk}\t{text(target.period.key)}\t"
        for key, f in figures.items():
            value, numerator, denominator, n = f.value, f.numerator, f.denominator, f.n
            lines.append(
                f"{head}{text(key)}"
                f"\t{_NULL if value is None else repr(float(value))}"
                f"\t{_NULL if numerator is None else repr(float(numerator))}"
                f"\t{_NULL if denominator is None else repr(float(denominator))}"
                f"\t{_NULL if n is None else int(n)}"
                f"\t{text(json.dumps(f.excluded)) if f.excluded else '{}'}\t{text(f.unit)}\n"
            )
    return io.StringIO("".join(lines))


# COPY's text format: backslash escapes, \N for NULL.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"


def metrics_recompute_request(*, community: Community, period: Period | str) -> datetime:
    """Queue a recomputation of one community and period as of now (the dashboard's button).

    Returns the as_of instant the values will carry; the task runs after the transaction
    commits. Raises ValidationError for a malformed period.
    """
    from .tasks import metrics_compute_task

    if isinstance(period, str):
        period = Period.parse(period)
    as_of = timezone.now()
    transaction.on_commit(
        lambda: metrics_compute_task.delay(community.pk, period.key, as_of.isoformat())
    )
    return as_of
