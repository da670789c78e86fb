"""Ticket figures (METRICS.md, Tickets; Imported and inconsistent records; Keys).

Every figure is computed by replaying each ticket's event log up to `as_of`, for many
(community, period) targets in one SQL statement: per-ticket facts at `as_of` (status, first
response, final resolution, latest rating, hand-offs, supervision, paused time), then sums per
(period, category, exclusion reason) and percentiles per period. Python only adds the sums of
the categories up and divides. docs/metrics.md gives the reading of every figure.
"""

import json
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from operator import add

from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Ticket, TicketEvent, TicketKind

from .base import Figure, Figures, Target, count, mean, percentile, percentile_cont, rate

LABELS = {
    "tickets.count": _("Tickets"),
    "tickets.ineligible_count": _("Ineligible tickets"),
    "tickets.response_minutes.median": _("Response time, median (minutes)"),
    "tickets.response_minutes.p90": _("Response time, 90th percentile (minutes)"),
    "tickets.resolution_hours.median": _("Resolution time, median (hours)"),
    "tickets.resolution_hours.p90": _("Resolution time, 90th percentile (hours)"),
    "tickets.closure_rate": _("Closure rate"),
    "tickets.on_time_response_rate": _("On-time response rate"),
    "tickets.on_time_resolution_rate": _("On-time resolution rate"),
    "tickets.satisfaction_rate": _("Satisfaction rate"),
    "tickets.rating_mean": _("Mean rating"),
    "tickets.rating_coverage": _("Rating coverage"),
    "tickets.handoffs_mean": _("Hand-offs per ticket"),
    "tickets.handoffs_two_plus_rate": _("Tickets handed off twice or more"),
    "complaints.per_100_households": _("Complaints per 100 households"),
    "complaints.per_100_households.yoy_points": _(
        "Complaints per 100 households, change from last year (points)"
    ),
    "complaints.per_100_households.yoy_change": _(
        "Complaints per 100 households, change from last year (relative)"
    ),
    "complaints.property_closure_rate": _("Closure rate of complaints against the property"),
    "complaints.supervised_count": _("Supervised complaints"),
    "complaints.supervised_closure_rate": _("Closure rate of supervised complaints"),
    "work_orders.repair_response_minutes.median": _("Repair response time, median (minutes)"),
    "work_orders.repair_response_minutes.p90": _("Repair response time, 90th percentile (minutes)"),
    "work_orders.repair_completion_rate": _("Repair completion rate"),
    "tech.online_submission_rate": _("Online submission rate"),
}
# Keys with a parameter: "tickets.closure_rate[category=<code>]" and so on.
PARAMETRISED_LABELS = {
    "tickets.closure_rate[category": _("Closure rate, category {}"),
    "tickets.satisfaction_rate[category": _("Satisfaction rate, category {}"),
    "tickets.ineligible_count[status": _("Ineligible tickets, {}"),
}
ARGUMENT_LABELS = {"tickets.ineligible_count[status": lambda code: Ticket.Status(code).label}

INELIGIBLE = tuple(str(s) for s in Ticket.INELIGIBLE)
DONE = tuple(str(s) for s in Ticket.DONE)
ONLINE = tuple(str(c) for c in Ticket.ONLINE_CHANNELS)
RESPONSE_ACTORS = (TicketEvent.ActorKind.STAFF.value, TicketEvent.ActorKind.IMPORT.value)
RESPONSE_STATUSES = ("accepted", "dispatched", "rejected", "resolved")
SKEW_SECONDS = 60  # METRICS.md: a close up to 60 s before the open is clock skew (duration 0)
NO_REASON = "excluded_from_durations"  # an excluded ticket without a data flag

# Seconds since the Unix epoch of a timestamp column as a float8 on both engines. Exact for
# whole seconds (every import) and within 0.3 us otherwise; an instant compares equal to itself.
# PostgreSQL: date_part(), not EXTRACT() (numeric since PostgreSQL 14, whose arithmetic cost
# 1.5 s of a 20 s statement over 1M tickets, bench/metrics.py). SQLite stores text; julianday()
# is integer milliseconds underneath, so rounding recovers them exactly.
EPOCH = {
    "postgresql": "date_part('epoch', {})",
    "sqlite": "((ROUND(JULIANDAY({}) * 86400000) - 210866760000000) / 1000.0)",
}


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _conditions() -> dict[str, str]:
    """The per-ticket conditions behind every count: name -> SQL condition on a `g` row.

    `g` rows are (period, ticket) at as_of; the sums count the rows meeting each condition and
    the drill-down (RECORDS) lists them.
    """
    elig = "g.eligible = 1"
    done = f"{elig} AND g.done = 1"
    repair = f"{elig} AND g.kind = '{TicketKind.WORK_ORDER}' AND g.facility"
    complaint = f"{elig} AND g.kind = '{TicketKind.COMPLAINT}'"
    clean = "g.flags IS NULL"
    neg_response = f"g.response_secs < -{SKEW_SECONDS}"
    neg_resolution = f"g.done = 1 AND g.resolution_secs < -{SKEW_SECONDS}"
    # Not negative beyond clock skew. Spelled out rather than NOT (...): a ticket never
    # answered (or not done) has no duration, and NOT (NULL) would drop it from the rate.
    usable_response = f"(g.response_secs IS NULL OR g.response_secs >= -{SKEW_SECONDS})"
    usable_resolution = (
        f"(g.done = 0 OR g.resolution_secs IS NULL OR g.resolution_secs >= -{SKEW_SECONDS})"
    )
    passed_response = f"{elig} AND g.response_passed = 1"
    ok_response = f"{passed_response} AND {clean} AND {usable_response}"
    passed_resolution = f"{elig} AND g.resolution_passed = 1"
    ok_resolution = f"{passed_resolution} AND {clean} AND {usable_resolution}"
    return {
        "total": "1 = 1",
        **{status: f"g.status = '{status}'" for status in INELIGIBLE},
        "eligible": elig,
        "done": done,
        "complaints": complaint,
        "property": f"{complaint} AND g.property",
        "property_done": f"{complaint} AND g.property AND g.done = 1",
        "supervised": f"{complaint} AND g.supervised = 1",
        "supervised_done": f"{complaint} AND g.supervised = 1 AND g.done = 1",
        "repair": repair,
        "repair_done": f"{repair} AND g.done = 1",
        "online": f"{elig} AND g.channel IN {_in(ONLINE)}",
        "handoffs_two_plus": f"{elig} AND g.handoffs >= 2",
        "rated": f"{elig} AND g.rating IS NOT NULL",
        "satisfied": f"{elig} AND g.rating >= 4",
        "done_rated": f"{done} AND g.rating IS NOT NULL",
        # Left out of the durations: flagged by the importer, or negative beyond clock skew.
        "response_flagged": f"{elig} AND g.response_secs IS NOT NULL AND NOT {clean}",
        "response_negative": f"{elig} AND {clean} AND {neg_response}",
        "repair_response_flagged": f"{repair} AND g.response_secs IS NOT NULL AND NOT {clean}",
        "repair_response_negative": f"{repair} AND {clean} AND {neg_response}",
        "resolution_flagged": f"{done} AND NOT {clean}",
        "resolution_negative": f"{done} AND {clean} AND g.resolution_secs < -{SKEW_SECONDS}",
        # On-time rates: among eligible tickets whose effective deadline passed by as_of.
        "response_no_deadline": f"{elig} AND g.response_passed IS NULL",
        "response_due_flagged": f"{passed_response} AND NOT {clean}",
        "response_due_negative": f"{passed_response} AND {clean} AND {neg_response}",
        "response_due": ok_response,
        "response_on_time": f"{ok_response} AND g.response_in_time = 1",
        "resolution_no_deadline": f"{elig} AND g.resolution_passed IS NULL",
        "resolution_due_flagged": f"{passed_resolution} AND NOT {clean}",
        "resolution_due_negative": f"{passed_resolution} AND {clean} AND {neg_resolution}",
        "resolution_due": ok_resolution,
        "resolution_on_time": (f"{ok_resolution} AND g.done = 1 AND g.resolution_in_time = 1"),
    }


CONDITIONS = _conditions()
# Additive columns of the per-(period, category, reason) sums: name -> SQL expression.
SUMS = {name: f"COUNT(*) FILTER (WHERE {cond})" for name, cond in CONDITIONS.items()}
SUMS["handoffs"] = f"COALESCE(SUM(g.handoffs) FILTER (WHERE {CONDITIONS['eligible']}), 0)"
SUMS["rating_sum"] = f"COALESCE(SUM(g.rating) FILTER (WHERE {CONDITIONS['eligible']}), 0)"
# Durations for percentiles: name -> (condition, SQL value in the figure's unit).
DURATIONS = {
    "response": (
        f"g.eligible = 1 AND g.flags IS NULL AND g.response_secs >= -{SKEW_SECONDS}",
        "(CASE WHEN g.response_secs < 0 THEN 0 ELSE g.response_secs END) / 60.0",
    ),
    "repair_response": (
        f"g.eligible = 1 AND g.kind = '{TicketKind.WORK_ORDER}' AND g.facility"
        f" AND g.flags IS NULL AND g.response_secs >= -{SKEW_SECONDS}",
        "(CASE WHEN g.response_secs < 0 THEN 0 ELSE g.response_secs END) / 60.0",
    ),
    "resolution": (
        f"g.eligible = 1 AND g.done = 1 AND g.flags IS NULL"
        f" AND g.resolution_secs >= -{SKEW_SECONDS}",
        "(CASE WHEN g.resolution_secs < 0 THEN 0 ELSE g.resolution_secs END) / 3600.0",
    ),
}

_FACTS = """
WITH p (pi, community_id, start_at, end_at) AS (VALUES {values}),
t AS (
  SELECT p.pi, t.id, t.community_id, t.kind, t.category_id, t.channel, t.submitted_at,
         t.nominal_response_due_at, t.nominal_resolution_due_at,
         CASE WHEN t.exclude_from_durations THEN t.data_flags END AS flags,
         c.is_facility_fault AS facility, c.is_property_service AS property
  FROM p
  JOIN tickets_ticket t ON t.community_id = p.community_id
   AND t.submitted_at >= p.start_at AND t.submitted_at < p.end_at
  JOIN tickets_category c ON c.id = t.category_id
  WHERE t.submitted_at <= %(as_of)s
),
e AS ({replay}),
zr AS (
  -- Only the few paused tickets: their pause and resume events, read without the tickets.
  SELECT e.ticket_id, e.kind, e.at AS paused_at,
         LEAD(e.at) OVER (PARTITION BY e.ticket_id ORDER BY e.at, e.id) AS ended_at,
         ROW_NUMBER() OVER (PARTITION BY e.ticket_id ORDER BY e.at, e.id) AS seq
  FROM tickets_ticketevent e
  WHERE e.kind IN ('pause', 'resume') AND e.at <= %(as_of)s
    AND e.community_id IN ({communities})
),
zd AS (
  SELECT ticket_id, seq, ended_at,
         {ep_paused} AS paused, {ep_ended} - {ep_paused} AS secs
  FROM zr WHERE kind = 'pause'
),
zc AS (
  SELECT ticket_id, ended_at, secs,
         paused - COALESCE(SUM(secs) OVER (PARTITION BY ticket_id ORDER BY seq
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS active
  FROM zd
),
z AS (
  SELECT zc.ticket_id,
    SUM(CASE WHEN zc.active < {ep_response_due} THEN zc.secs ELSE 0 END) AS response_pause,
    MAX(CASE WHEN zc.ended_at IS NULL AND zc.active < {ep_response_due} THEN 1 ELSE 0 END)
      AS response_waiting,
    SUM(CASE WHEN zc.active < {ep_resolution_due} THEN zc.secs ELSE 0 END) AS resolution_pause,
    MAX(CASE WHEN zc.ended_at IS NULL AND zc.active < {ep_resolution_due} THEN 1 ELSE 0 END)
      AS resolution_waiting
  FROM zc JOIN tickets_ticket k ON k.id = zc.ticket_id
  GROUP BY zc.ticket_id
),
f AS (
  SELECT t.pi, t.id AS ticket_id, t.category_id, t.flags, t.kind, t.channel, t.facility, t.property,
    COALESCE(e.status, 'submitted') AS status, e.rating,
    COALESCE(e.handoffs, 0) AS handoffs, COALESCE(e.supervised, 0) AS supervised,
    {ep_submitted} AS submitted,
    {ep_responded} AS responded,
    {ep_resolved} AS resolved,
    {ep_response_due_t} + COALESCE(z.response_pause, 0) AS response_due,
    COALESCE(z.response_waiting, 0) AS response_waiting,
    {ep_resolution_due_t} + COALESCE(z.resolution_pause, 0) AS resolution_due,
    COALESCE(z.resolution_waiting, 0) AS resolution_waiting
  FROM t LEFT JOIN e ON e.ticket_id = t.id LEFT JOIN z ON z.ticket_id = t.id
),
g AS {materialized} (
  -- Narrow rows (the sums sort them): the instants become durations and 0/1 facts.
  -- response_passed / resolution_passed: NULL without a deadline, 1 when the effective
  -- deadline passed by as_of (the clock not waiting on the submitter), else 0.
  SELECT f.pi, f.ticket_id, f.category_id, f.flags, f.kind, f.channel, f.facility, f.property,
    f.status, f.rating, f.handoffs, f.supervised,
    CASE WHEN f.status IN {ineligible} THEN 0 ELSE 1 END AS eligible,
    CASE WHEN f.status IN {done} THEN 1 ELSE 0 END AS done,
    f.responded - f.submitted AS response_secs,
    f.resolved - f.submitted AS resolution_secs,
    CASE WHEN f.response_due IS NULL THEN NULL
      WHEN f.response_waiting = 0 AND f.response_due <= {ep_as_of} THEN 1 ELSE 0 END
      AS response_passed,
    CASE WHEN f.responded <= f.response_due THEN 1 ELSE 0 END AS response_in_time,
    CASE WHEN f.resolution_due IS NULL THEN NULL
      WHEN f.resolution_waiting = 0 AND f.resolution_due <= {ep_as_of} THEN 1 ELSE 0 END
      AS resolution_passed,
    CASE WHEN f.resolved <= f.resolution_due THEN 1 ELSE 0 END AS resolution_in_time
  FROM f
)
"""
# Per ticket at as_of: the last transition (not the opening '' -> submitted one: an import can
# date a close before it, and the status is authoritative), the latest rating, the first staff
# or import answer, the last resolution and close, hand-offs, supervision. PostgreSQL takes the
# latest with ordered aggregates in the one grouping; SQLite numbers the events first.
_REPLAY_COMMON = f"""
    MIN(CASE WHEN e.actor_kind IN {_in(RESPONSE_ACTORS)} AND (e.kind = 'reply'
        OR (e.kind = 'transition' AND e.to_status IN {_in(RESPONSE_STATUSES)})) THEN e.at END)
      AS responded_at,
    MAX(CASE WHEN e.kind = 'transition' AND e.to_status = 'resolved' THEN e.at END)
      AS resolved_at,
    MAX(CASE WHEN e.kind = 'transition' AND e.to_status = 'closed' THEN e.at END) AS closed_at,
    SUM(CASE WHEN e.kind = 'transfer' THEN 1 ELSE 0 END) AS handoffs,
    MAX(CASE WHEN e.kind = 'supervise' THEN 1 ELSE 0 END) AS supervised"""
_EVENTS = """tickets_ticketevent e ON e.ticket_id = t.id
  WHERE e.at <= %(as_of)s"""
REPLAY = {
    "postgresql": f"""
  SELECT e.ticket_id,
    (array_agg(e.to_status ORDER BY e.at DESC, e.id DESC)
      FILTER (WHERE e.kind = 'transition' AND e.from_status <> ''))[1] AS status,
    (array_agg(e.rating ORDER BY e.at DESC, e.id DESC) FILTER (WHERE e.kind = 'rate'))[1]
      AS rating,{_REPLAY_COMMON}
  FROM t JOIN {_EVENTS}
  GROUP BY e.ticket_id""",  # noqa: S608 (constants)
    "sqlite": f"""
  SELECT e.ticket_id,
    MAX(CASE WHEN e.kind = 'transition' AND e.from_status <> '' AND e.rn = 1
      THEN e.to_status END) AS status,
    MAX(CASE WHEN e.kind = 'rate' AND e.rn = 1 THEN e.rating END) AS rating,{_REPLAY_COMMON}
  FROM (
    SELECT e.*, ROW_NUMBER() OVER (PARTITION BY e.ticket_id, e.kind, e.from_status = ''
                                   ORDER BY e.at DESC, e.id DESC) AS rn
    FROM t JOIN {_EVENTS}
  ) e
  GROUP BY e.ticket_id""",  # noqa: S608 (constants)
}


def _facts(vendor: str, n_targets: int, n_communities: int) -> str:
    """The WITH clause ending in `g`: one row per (period, ticket) with its facts at as_of,
    with the placeholders of _params."""
    ep = EPOCH[vendor].format
    return _FACTS.format(
        values=", ".join(f"({i}, %(c{i})s, %(s{i})s, %(e{i})s)" for i in range(n_targets)),
        communities=", ".join(f"%(m{j})s" for j in range(n_communities)),
        replay=REPLAY[vendor],
        ineligible=_in(INELIGIBLE),
        done=_in(DONE),
        ep_paused=ep("paused_at"),
        ep_ended=ep("COALESCE(ended_at, %(as_of)s)"),
        ep_response_due=ep("k.nominal_response_due_at"),
        ep_resolution_due=ep("k.nominal_resolution_due_at"),
        ep_submitted=ep("t.submitted_at"),
        ep_responded=ep("e.responded_at"),
        ep_resolved=ep("COALESCE(e.resolved_at, e.closed_at)"),
        ep_response_due_t=ep("t.nominal_response_due_at"),
        ep_resolution_due_t=ep("t.nominal_resolution_due_at"),
        ep_as_of=ep("%(as_of)s"),
        # SQLite reads g once per section (below); PostgreSQL once, so it is not written out.
        materialized="MATERIALIZED" if vendor == "sqlite" else "",
    )


def _statement(vendor: str, n_targets: int, n_communities: int) -> str:
    """The one statement: sums per (pi, category, flags) (rows named NULL), then on PostgreSQL
    one row per pi named 'durations' with (n, p50, p90) of every duration, on SQLite one row per
    (pi, duration name, value)."""
    facts = _facts(vendor, n_targets, n_communities)
    sums = ", ".join(f"{sql} AS {name}" for name, sql in SUMS.items())
    no_durations = ", ".join(["NULL"] * (3 * len(DURATIONS)))
    if vendor == "postgresql":
        # One sort of g for both: (pi) is a prefix of (pi, category, flags). The per-pi row
        # also carries sums and the per-category rows durations; _read takes neither.
        durations = ", ".join(
            f"COUNT(*) FILTER (WHERE {condition}),"
            f" percentile_cont(0.5) WITHIN GROUP (ORDER BY ({value})::float8)"
            f" FILTER (WHERE {condition}),"
            f" percentile_cont(0.9) WITHIN GROUP (ORDER BY ({value})::float8)"
            f" FILTER (WHERE {condition})"
            for condition, value in DURATIONS.values()
        )
        return (
            f"{facts} SELECT g.pi, g.category_id, g.flags,"  # noqa: S608 (constants)
            " CASE WHEN GROUPING(g.category_id) = 1 THEN 'durations' END,"
            f" {sums}, {durations}, NULL"
            " FROM g GROUP BY GROUPING SETS ((g.pi, g.category_id, g.flags), (g.pi))"
        )
    blanks = ", ".join(f"NULL AS {name}" for name in SUMS)
    sections = [
        f"SELECT g.pi, g.category_id, g.flags, NULL AS name, {sums}, {no_durations}, NULL AS v"  # noqa: S608 (constants)
        " FROM g GROUP BY g.pi, g.category_id, g.flags"
    ]
    for name, (condition, value) in DURATIONS.items():  # the sorted values; _read
        sections.append(  # interpolates them as percentile_cont() does
            f"SELECT g.pi, NULL, NULL, '{name}', {blanks}, {no_durations}, {value}"  # noqa: S608
            f" FROM g WHERE {condition}"
        )
    return facts + "\nUNION ALL\n".join(sections)


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """Every ticket figure of METRICS.md for each (community, period) target, as of `as_of`.

    Returns (target, {key: Figure}) pairs (base.Figures) with the keys of METRICS.md (plus the
    per-category and per-status keys and the complaint rate's year-over-year change). Per
    length of period (month, quarter, year): one statement for the targets and the same periods
    a year earlier (for the change of the complaint rate), one counting households; then one
    reading the category codes.
    """
    periods = list(dict.fromkeys([*targets, *(_year_before(t) for t in targets)]))
    found: dict[Target, tuple] = {}
    # Periods of one length never partly overlap, so within one statement a ticket belongs to
    # one period at most, and its events are read once.
    for months in sorted({t.period.months for t in periods}):
        found |= _compute([t for t in periods if t.period.months == months], as_of)
    codes = dict(
        Category.objects.filter(id__in={c for t in targets for c in found[t][3]}).values_list(
            "id", "code"
        )
    )

    def target_figures(target: Target) -> dict[str, Figure]:
        sums, by_reason, durations, by_category, households = found[target]
        year_before = _year_before(target)
        before = found[year_before]
        # A year before the community's records has no complaint rate to compare with.
        complaints_before, households_before = (
            (0, 0) if year_before.before_ticket_records else (before[0]["complaints"], before[4])
        )
        return _figures(
            sums,
            by_reason,
            durations,
            {codes[c]: category_sums for c, category_sums in by_category.items()},
            complaint_rate=_per_100(sums["complaints"], households),
            complaint_rate_before=_per_100(complaints_before, households_before),
        )

    return ((target, target_figures(target)) for target in targets)


def _compute(periods: list[Target], as_of: datetime) -> dict[Target, tuple]:
    """{target: (sums, by_reason, durations, by_category, households)} for non-overlapping
    periods."""
    params = _params(periods, as_of)
    sums, by_category, by_reason, durations = _read(
        _statement(connection.vendor, len(periods), len({t.community.pk for t in periods})), params
    )
    households = households_at_period_end(len(periods), params)
    categories: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    for (pi, category), category_sums in by_category.items():
        categories[pi][category] = category_sums
    return {
        target: (sums[i], by_reason[i], durations[i], categories[i], households[i])
        for i, target in enumerate(periods)
    }


def _year_before(target: Target) -> Target:
    return Target(target.community, target.period.year_before())


def _params(periods: list[Target], as_of: datetime) -> dict:
    adapt = connection.ops.adapt_datetimefield_value
    params = {"as_of": adapt(as_of)}
    for i, (community, period) in enumerate(periods):
        start, end = period.bounds(community.timezone)
        params |= {f"c{i}": community.pk, f"s{i}": adapt(start), f"e{i}": adapt(end)}
    for j, pk in enumerate(dict.fromkeys(t.community.pk for t in periods)):
        params[f"m{j}"] = pk  # each community once
    return params


@contextmanager
def replay_settings():
    """A transaction tuned for the replay statements (the figures and the drill-down)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # JIT compilation (about 1 s) costs more than a month's statement runs; the
                # sorts and hashes of a large batch fit in memory with 64 MB, not on disk.
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
        yield


def _read(sql: str, params: dict):
    """Run the statement; returns per-period sums, per-(period, category) sums, per-(period,
    exclusion reason) sums and per-period durations {name: (n, p50, p90)}."""
    names = list(SUMS)
    zeros = [0] * len(names)
    # Lists added element-wise while reading (map(add) runs in C), named at the end.
    sums: dict[int, list[int]] = defaultdict(lambda: zeros)
    by_category: dict[tuple[int, int], list[int]] = defaultdict(lambda: zeros)
    by_reason: dict[int, dict[str, list[int]]] = defaultdict(dict)
    values: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    durations: dict[int, dict[str, tuple]] = defaultdict(dict)
    with replay_settings(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pi, category, flags, name, *row in cursor.fetchall():
            if name is None:
                counts = list(map(int, row[: len(names)]))
                sums[pi] = list(map(add, sums[pi], counts))
                by_category[pi, category] = list(map(add, by_category[pi, category], counts))
                if flags is not None:
                    reason = "+".join(json.loads(flags)) or NO_REASON
                    mine = by_reason[pi].get(reason, zeros)
                    by_reason[pi][reason] = list(map(add, mine, counts))
            elif name == "durations":  # PostgreSQL: percentile_cont computed in the database
                found = row[len(names) : -1]
                for i, duration in enumerate(DURATIONS):
                    durations[pi][duration] = tuple(found[3 * i : 3 * i + 3])
            else:
                values[pi][name].append(float(row[-1]))
    for pi, named in values.items():  # SQLite: the same interpolation over the sorted values
        for name, found in named.items():
            found.sort()
            durations[pi][name] = (
                len(found),
                percentile_cont(found, 0.5),
                percentile_cont(found, 0.9),
            )

    def named(found: list[int]) -> dict[str, int]:
        return dict(zip(names, found, strict=True))

    return (
        defaultdict(lambda: named(zeros), {pi: named(found) for pi, found in sums.items()}),
        {key: named(found) for key, found in by_category.items()},
        defaultdict(
            dict,
            {
                pi: {reason: named(found) for reason, found in reasons.items()}
                for pi, reasons in by_reason.items()
            },
        ),
        durations,
    )


def households_at_period_end(n_periods: int, params: dict) -> dict[int, int]:
    """Households registered at each period end (and by as_of) (METRICS.md, Complaint rate)."""
    values = ", ".join(f"({i}, %(c{i})s, %(e{i})s)" for i in range(n_periods))
    sql = (
        f"WITH p (pi, community_id, end_at) AS (VALUES {values})"  # noqa: S608 (placeholders)
        " SELECT p.pi, COUNT(h.id) FROM p LEFT JOIN residents_household h"
        " ON h.community_id = p.community_id AND h.created_at < p.end_at"
        " AND h.created_at <= %(as_of)s GROUP BY p.pi"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def _per_100(complaints: int, households: int) -> Figure:
    return Figure(
        value=100 * complaints / households if households else None,
        unit="per_100_households",
        numerator=complaints,
        denominator=households,
        n=complaints,
    )


def _figures(s, by_reason, durations, by_category, *, complaint_rate, complaint_rate_before):
    def excluded(flagged: str, negative: str | None = None, **more: int) -> dict[str, int]:
        found = {reason: sums[flagged] for reason, sums in by_reason.items()}
        if negative:
            found["negative_duration"] = found.get("negative_duration", 0) + s[negative]
        return found | more

    def timing(name: str, key: str, unit: str, left_out: dict[str, int]) -> dict[str, Figure]:
        n, p50, p90 = durations.get(name, (0, None, None))
        return {
            f"{key}.median": percentile(p50, n, unit=unit, excluded=left_out),
            f"{key}.p90": percentile(p90, n, unit=unit, excluded=left_out),
        }

    ineligible = {status: s[status] for status in INELIGIBLE}
    now, before = complaint_rate.value, complaint_rate_before.value
    change = now - before if now is not None and before is not None else None
    out = {
        "tickets.count": count(s["eligible"], excluded=ineligible),
        "tickets.ineligible_count": count(sum(ineligible.values())),
        **{
            f"tickets.ineligible_count[status={status}]": count(n)
            for status, n in ineligible.items()
        },
        **timing(
            "response",
            "tickets.response_minutes",
            "minutes",
            excluded("response_flagged", "response_negative"),
        ),
        **timing(
            "resolution",
            "tickets.resolution_hours",
            "hours",
            excluded("resolution_flagged", "resolution_negative"),
        ),
        "tickets.closure_rate": rate(s["done"], s["eligible"]),
        "tickets.on_time_response_rate": rate(
            s["response_on_time"],
            s["response_due"],
            excluded=excluded(
                "response_due_flagged",
                "response_due_negative",
                no_deadline=s["response_no_deadline"],
            ),
        ),
        "tickets.on_time_resolution_rate": rate(
            s["resolution_on_time"],
            s["resolution_due"],
            excluded=excluded(
                "resolution_due_flagged",
                "resolution_due_negative",
                no_deadline=s["resolution_no_deadline"],
            ),
        ),
        "tickets.satisfaction_rate": rate(s["satisfied"], s["rated"]),
        "tickets.rating_mean": mean(s["rating_sum"], s["rated"], unit="rating"),
        "tickets.rating_coverage": rate(s["done_rated"], s["done"]),
        "tickets.handoffs_mean": mean(s["handoffs"], s["eligible"], unit="handoffs"),
        "tickets.handoffs_two_plus_rate": rate(s["handoffs_two_plus"], s["eligible"]),
        "complaints.per_100_households": complaint_rate,
        "complaints.per_100_households.yoy_points": Figure(
            value=change, unit="points", numerator=now, denominator=before
        ),
        "complaints.per_100_households.yoy_change": Figure(
            value=change / before if change is not None and before else None,
            unit="fraction",
            numerator=change,
            denominator=before,
        ),
        "complaints.property_closure_rate": rate(s["property_done"], s["property"]),
        "complaints.supervised_count": count(s["supervised"]),
        "complaints.supervised_closure_rate": rate(s["supervised_done"], s["supervised"]),
        **timing(
            "repair_response",
            "work_orders.repair_response_minutes",
            "minutes",
            excluded("repair_response_flagged", "repair_response_negative"),
        ),
        "work_orders.repair_completion_rate": rate(s["repair_done"], s["repair"]),
        "tech.online_submission_rate": rate(s["online"], s["eligible"]),
    }
    for code, c in sorted(by_category.items()):
        out[f"tickets.closure_rate[category={code}]"] = rate(c["done"], c["eligible"])
        out[f"tickets.satisfaction_rate[category={code}]"] = rate(c["satisfied"], c["rated"])
    return out


def _records() -> dict[str, tuple[str, str | None, str | None]]:
    """key -> (condition of the tickets the figure's n counts, condition of its numerator or
    None, SQL of the ticket's own value in the figure's unit or None), built from the very
    CONDITIONS and DURATIONS the sums and percentiles use."""
    c = CONDITIONS

    def timing(name: str, key: str) -> dict[str, tuple[str, None, str]]:
        condition, value = DURATIONS[name]
        return {f"{key}.median": (condition, None, value), f"{key}.p90": (condition, None, value)}

    return {
        "tickets.count": (c["eligible"], None, None),
        "tickets.ineligible_count": (" OR ".join(f"({c[s]})" for s in INELIGIBLE), None, None),
        **{f"tickets.ineligible_count[status={s}]": (c[s], None, None) for s in INELIGIBLE},
        **timing("response", "tickets.response_minutes"),
        **timing("resolution", "tickets.resolution_hours"),
        "tickets.closure_rate": (c["eligible"], c["done"], None),
        "tickets.on_time_response_rate": (c["response_due"], c["response_on_time"], None),
        "tickets.on_time_resolution_rate": (c["resolution_due"], c["resolution_on_time"], None),
        "tickets.satisfaction_rate": (c["rated"], c["satisfied"], "g.rating"),
        "tickets.rating_mean": (c["rated"], None, "g.rating"),
        "tickets.rating_coverage": (c["done"], c["done_rated"], None),
        "tickets.handoffs_mean": (c["eligible"], None, "g.handoffs"),
        "tickets.handoffs_two_plus_rate": (c["eligible"], c["handoffs_two_plus"], "g.handoffs"),
        "complaints.per_100_households": (c["complaints"], None, None),
        "complaints.property_closure_rate": (c["property"], c["property_done"], None),
        "complaints.supervised_count": (c["supervised"], None, None),
        "complaints.supervised_closure_rate": (c["supervised"], c["supervised_done"], None),
        **timing("repair_response", "work_orders.repair_response_minutes"),
        "work_orders.repair_completion_rate": (c["repair"], c["repair_done"], None),
        "tech.online_submission_rate": (c["eligible"], c["online"], None),
    }


# Drill-down (reports.selectors.metric_tickets): the tickets behind each figure. The per-category
# keys "<key>[category=<code>]" take the conditions of <key> restricted to the category, as the
# per-category sums do. The year-over-year keys have no tickets of their own.
RECORDS = _records()
PER_CATEGORY = ("tickets.closure_rate", "tickets.satisfaction_rate")
_CATEGORY_KEY = re.compile(r"^(?P<key>[a-z_.]+)\[category=(?P<code>[-\w]+)\]$")


def has_records(key: str) -> bool:
    """True when `key` is a ticket figure whose tickets the drill-down can list."""
    match = _CATEGORY_KEY.match(key)
    return key in RECORDS or bool(match and match["key"] in PER_CATEGORY)


def records_value_unit(key: str) -> str | None:
    """The unit of each ticket's own value in figure `key` (see records_query): "minutes",
    "hours", "rating" or "handoffs"; None when the figure has no per-ticket value."""
    match = _CATEGORY_KEY.match(key)
    value = RECORDS[match["key"] if match else key][2]
    units = {
        DURATIONS["response"][1]: "minutes",
        DURATIONS["resolution"][1]: "hours",
        "g.rating": "rating",
        "g.handoffs": "handoffs",
    }
    return units.get(value) if value else None


def records_query(key: str, *, target: Target, as_of: datetime, ids_only: bool) -> tuple[str, list]:
    """The SQL listing the tickets `key`'s n counts for `target` as of `as_of`, with positional
    parameters (for a raw query or a RawSQL subquery).

    Columns: `ticket_id` only when `ids_only`; else ticket_id, in_numerator (1 when the ticket
    is in the figure's numerator, 0 otherwise and for figures without one), value (the ticket's
    own value in the figure's unit, e.g. its response minutes, or NULL) and status at as_of.
    Raises KeyError for a key without ticket records (see has_records).
    """
    match = _CATEGORY_KEY.match(key)
    params = _params([target], as_of)
    if match and match["key"] in PER_CATEGORY:
        records, numerator, value = RECORDS[match["key"]]
        category = (
            " AND g.category_id = (SELECT k.id FROM tickets_category k"
            " WHERE k.community_id = %(c0)s AND k.code = %(category)s)"
        )
        records, numerator = f"({records}){category}", numerator and f"({numerator}){category}"
        params["category"] = match["code"]
    else:
        records, numerator, value = RECORDS[key]
    columns = (
        "g.ticket_id"
        if ids_only
        else (
            f"g.ticket_id, CASE WHEN {numerator or '1 = 0'} THEN 1 ELSE 0 END AS in_numerator,"
            f" {value or 'NULL'} AS value, g.status"
        )
    )
    sql = f"{_facts(connection.vendor, 1, 1)} SELECT {columns} FROM g WHERE {records}"  # noqa: S608
    ordered: list = []

    def positional(found: re.Match) -> str:
        ordered.append(params[found[1]])
        return "%s"

    return re.sub(r"%\((\w+)\)s", positional, sql), ordered
