"""Writes of the reports app: computing and storing metric values (DESIGN.md, Data flow 3)."""

import json
from collections.abc import Iterator
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from psycopg2.errors import UniqueViolation

from community.models import Community
from tickets.importing.bulk import COPY_CHUNK, COPY_ESCAPES, CopyStream

from .metrics import Figure, Figures, Target, figures_iterate
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
    are: identical recomputations write nothing).

    Returns {target: {key: Figure}}. Raises IntegrityError when a target's community does not
    exist (the check of a foreign key, made once per community: MetricValue.community).
    """
    if not targets:
        return {}
    as_of = as_of or timezone.now()
    _communities_lock(sorted({target.community.pk for target in targets}))
    figures = figures_iterate(targets=targets, as_of=as_of)  # every query runs here
    return _metric_values_store(figures, as_of=as_of, computed_at=timezone.now())


_FIGURE_FIELDS = ("value", "numerator", "denominator", "n", "excluded", "unit")
# PostgreSQL: the rows of a new as_of (every nightly run: as_of = now) are COPYed straight into
# the table, encoded as PostgreSQL reads them. When some already exist (a retry, the
# dashboard's button at the same instant), the primary key refuses that COPY; the rows are
# then COPYed into a temporary table and upserted with ON CONFLICT, which leaves rows stored
# with the same figures untouched (an UPDATE that changes nothing still writes each row).
# Both paths find existing rows through the primary key, one probe a row, whatever the
# planner's statistics say. An INSERT ... WHERE NOT EXISTS joining the table, as this store was
# first written, ran for minutes on a table analyzed while empty: planned as a nested loop
# over a sequential scan of the table it was filling (bench/metrics.py).
# Measured on 369,600 rows: COPY 1.9 s against 4.8 s for one array literal per column.
# The locks (_LOCK, taken before computing) keep two runs of one community from inserting the
# same row at once: they compute and store one after the other.
# created_at and updated_at are left to their database default (Now(): the statement's time):
# 0.3 s less of COPY for a run's 369,600 rows (two instants parsed per row).
_COLUMNS = (
    "community_id, period, key, value, numerator, denominator, n, excluded, unit, as_of,"
    " computed_at"
)
# The communities locked FOR KEY SHARE, as a foreign-key trigger would lock each (none can be
# deleted or change id before the commit: the table has no foreign-key constraint, see
# MetricValue.community), then pg_advisory_xact_lock(int, int) of each, its bigint id hashed
# into the second key (two communities sharing a hash only wait for each other), taken in the
# order of the keys (volatile functions are evaluated after the sort). Returns the ids found.
_LOCK = """
SELECT c.id, pg_advisory_xact_lock(%(namespace)s, hashint8(c.id))
FROM (SELECT id FROM {communities} WHERE id = ANY(%(communities)s::bigint[]) FOR KEY SHARE) c
ORDER BY hashint8(c.id), c.id
"""
_LOCK_NAMESPACE = 7_301  # this lock's own first key
_ROWS_TABLE = """
CREATE TEMPORARY TABLE metricvalue_rows AS
SELECT {columns} FROM {table} WITH NO DATA
"""
_UPSERT = """
INSERT INTO {table} ({columns}) SELECT {columns} FROM metricvalue_rows
ON CONFLICT (community_id, period, as_of, key) DO UPDATE SET
  value = EXCLUDED.value, numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator,
  n = EXCLUDED.n, excluded = EXCLUDED.excluded, unit = EXCLUDED.unit,
  computed_at = EXCLUDED.computed_at, updated_at = statement_timestamp()
WHERE ({table}.value, {table}.numerator, {table}.denominator, {table}.n, {table}.excluded,
       {table}.unit)
  IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.n,
                    EXCLUDED.excluded, EXCLUDED.unit)
"""


def _communities_lock(communities: list[int]) -> None:
    """Lock the communities for the store (_LOCK) and raise IntegrityError for an id that is
    not there. Other databases than PostgreSQL only check."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _LOCK.format(communities=Community._meta.db_table),
                {"namespace": _LOCK_NAMESPACE, "communities": communities},
            )
            found = {pk for pk, _ in cursor.fetchall()}
    else:
        found = set(Community.objects.filter(pk__in=communities).values_list("pk", flat=True))
    missing = [pk for pk in communities if pk not in found]
    if missing:
        raise IntegrityError(
            f"{MetricValue._meta.db_table}.community_id: no community with id {missing}"
        )


def _metric_values_store(
    figures: Figures, *, as_of: datetime, computed_at: datetime
) -> dict[Target, dict[str, Figure]]:
    """Upsert one MetricValue per (target, key) of `figures`, keyed by (community, period,
    as_of, key), within the caller's transaction, once _communities_lock has locked their
    communities. On PostgreSQL each target's figures are built as the COPY reads them
    (base.Figures): the database inserts the rows of one target while Python builds the next.
    Returns the figures, {target: {key: Figure}}."""
    found: dict[Target, dict[str, Figure]] = {}
    if connection.vendor != "postgresql":
        found.update(figures)
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
                for target, built in found.items()
                for key, figure in built.items()
            ],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["community", "period", "as_of", "key"],
            update_fields=[*_FIGURE_FIELDS, "computed_at", "updated_at"],
        )
        return found

    failed: list[BaseException] = []

    def kept() -> Figures:  # the figures as the COPY reads them, kept for the caller
        try:
            for target, built in figures:
                found[target] = built
                yield target, built
        except BaseException as exc:  # psycopg2 would report it as a failed COPY
            failed.append(exc)
            raise

    def rows(pairs: Figures) -> CopyStream:  # encoded as COPY reads them
        return CopyStream(_copy_lines(pairs, as_of=as_of, computed_at=computed_at))

    table = MetricValue._meta.db_table
    with connection.cursor() as cursor:
        try:
            # A savepoint: the refused COPY leaves nothing behind. The raw cursor's errors
            # become Django's (IntegrityError, DataError), as every other statement's.
            with transaction.atomic(), connection.wrap_database_errors:
                cursor.cursor.copy_expert(
                    f"COPY {table} ({_COLUMNS}) FROM STDIN", rows(kept()), size=COPY_CHUNK
                )
            return found
        except Exception as exc:
            if failed:  # building the figures failed: that error, not the COPY's (nor a retry)
                raise failed[0] from None
            if not (isinstance(exc, IntegrityError) and isinstance(exc.__cause__, UniqueViolation)):
                raise
        # Some row of this as_of is stored: upsert them all, the refused COPY's and the rest.
        found.update(figures)
        cursor.execute(_ROWS_TABLE.format(columns=_COLUMNS, table=table))
        with connection.wrap_database_errors:
            cursor.cursor.copy_expert(
                f"COPY metricvalue_rows ({_COLUMNS}) FROM STDIN",
                rows(iter(found.items())),
                size=COPY_CHUNK,
            )
        cursor.execute(
            f"{_UPSERT.format(table=table, columns=_COLUMNS)}; DROP TABLE metricvalue_rows"
        )
    return found


def _copy_lines(figures: Figures, *, as_of: datetime, computed_at: datetime) -> Iterator[str]:
    """The figures as COPY text lines, in the columns of _COLUMNS."""
    texts: dict[str, str] = {}  # keys, units and excluded repeat: each is escaped once

    def text(value: str) -> str:
        escaped = texts.get(value)
        if escaped is None:
            escaped = texts[value] = value.translate(COPY_ESCAPES)
        return escaped

    instants = f"\t{as_of.isoformat()}\t{computed_at.isoformat()}\n"
    for target, built in figures:
        head = f"{target.community.pk}\t{text(target.period.key)}\t"
        for key, f in built.items():
            value, numerator, denominator, n = f.value, f.numerator, f.denominator, f.n
            yield (
                f"{head}{text(key)}"
                f"\t{_NULL if value is None else repr(float(value))}"
                f"\t{_NULL if numerator is None else repr(float(numerator))}"
                f"\t{_NULL if denominator is None else repr(float(denominator))}"
                f"\t{_NULL if n is None else int(n)}"
                f"\t{text(json.dumps(f.excluded)) if f.excluded else '{}'}\t{text(f.unit)}"
                f"{instants}"
            )


_NULL = "\\N"  # COPY's text format


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
