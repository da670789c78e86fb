"""Generated tickets with consistent event logs, written with INSERT ... SELECT generate_series.

`communities_generate(prefix, count)` makes communities with six categories each (one without
SLA); `tickets_generate(communities, total, start, end)` spreads `total` tickets evenly over the
communities and uniformly over [start, end), each with the log its life implies, following the
ticket core's conventions (docs/metrics.md, tickets/services.py): '' -> submitted at
submitted_at; staff accept, dispatch, start, resolve; the system closes 7 days later; the
submitter cancels, reopens (resolved -> reopened -> in_progress at one instant) and rates
(sometimes twice); transfers, supervision, pause/resume pairs; a few imported tickets left out
of durations. Lives run past `end`: the metrics replay only what happened by as_of.
The derived columns (status, first response, resolved/closed, rating, ...) are those of the
whole log.
"""

from django.db import connection, transaction

# code, kind, responsible party, facility fault, property service, response h, resolution h
CATEGORIES = [
    ("noise", "complaint", "neighbourhood_committee", False, False, 24, 72),
    ("property_service", "complaint", "property_company", False, True, 4, 48),
    ("parking", "complaint", "property_company", False, True, 8, 120),
    ("elevator", "work_order", "property_company", True, False, 1, 24),
    ("plumbing", "work_order", "property_company", True, False, 2, 48),
    ("greenery", "work_order", "property_company", False, False, None, None),
]

_PLAN = """
CREATE TEMP TABLE plan ON COMMIT DROP AS
WITH r AS (
  SELECT n, random() AS r_fate, random() AS r_kind, random() AS r_cat, random() AS r_chan,
         random() AS r_sub, random() AS r_resp, random() AS r_res, random() AS r_close,
         random() AS r_rate, random() AS r_score, random() AS r_transfer, random() AS r_super,
         random() AS r_pause, random() AS r_flag
  FROM generate_series(1, %(total)s) n
), d AS (
  SELECT r.*, %(base)s + r.n AS id,
    (%(communities)s::bigint[])[1 + r.n %% cardinality(%(communities)s::bigint[])] AS community_id,
    CASE WHEN r.r_kind < 0.7 THEN 'complaint' ELSE 'work_order' END AS kind,
    %(start)s::timestamptz + r.r_sub * (%(end)s::timestamptz - %(start)s::timestamptz)
      AS submitted_at,
    (ARRAY['web', 'app', 'mini_program', 'phone', 'visit'])[1 + floor(r.r_chan * 5)::int]
      AS channel,
    CASE WHEN r.r_fate < 0.03 THEN 'rejected' WHEN r.r_fate < 0.05 THEN 'cancelled'
         WHEN r.r_fate < 0.06 THEN 'duplicate' WHEN r.r_fate < 0.12 THEN 'submitted'
         WHEN r.r_fate < 0.16 THEN 'accepted' WHEN r.r_fate < 0.20 THEN 'in_progress'
         ELSE 'done' END AS fate,
    make_interval(secs => 30 + (-ln(1 - r.r_resp) * 10800)::int) AS to_response,
    make_interval(secs => 6 * 3600 + (-ln(1 - r.r_res) * 216000)::int) AS to_resolution
  FROM r
)
SELECT d.id, d.community_id, c.id AS category_id, d.kind, d.channel, d.submitted_at, d.fate,
  c.responsible_party,
  d.submitted_at + make_interval(hours => c.response_target) AS response_due_at,
  d.submitted_at + make_interval(hours => c.resolution_target) AS resolution_due_at,
  d.submitted_at + d.to_response AS responded_at,
  d.submitted_at + d.to_response + d.to_resolution AS resolved_at,
  d.fate = 'done' AND d.r_close < 0.05 AS reopened,
  d.fate = 'done' AND d.r_close >= 0.05 AND d.r_close < 0.75 AS closed,
  CASE WHEN d.fate = 'done' AND d.r_rate < 0.5 THEN 1 + floor(d.r_score * 5)::int END AS rating,
  d.fate = 'done' AND d.r_rate < 0.05 AS rating_changed,
  CASE WHEN d.r_transfer < 0.03 THEN 2 WHEN d.r_transfer < 0.13 THEN 1 ELSE 0 END AS transfers,
  d.kind = 'complaint' AND d.fate NOT IN ('rejected', 'cancelled', 'duplicate')
    AND d.r_super < 0.02 AS supervised,
  d.fate IN ('in_progress', 'done') AND d.r_pause < 0.03 AS paused,
  d.fate = 'in_progress' AND d.r_pause < 0.005 AS still_paused,
  d.r_flag < 0.005 AS flagged
FROM d JOIN tickets_category c ON c.community_id = d.community_id
 AND c.code = (CASE WHEN d.kind = 'complaint' THEN ARRAY['noise', 'property_service', 'parking']
               ELSE ARRAY['elevator', 'plumbing', 'greenery'] END)[1 + floor(d.r_cat * 3)::int]
"""

# Derived instants: the final resolution (after a reopening), the close, the ratings.
_TIMES = """
CREATE TEMP TABLE life ON COMMIT DROP AS
SELECT p.*,
  p.resolved_at + interval '1 day' AS reopened_at,
  CASE WHEN p.reopened THEN p.resolved_at + interval '3 days' ELSE p.resolved_at END AS final_at,
  p.responded_at + interval '40 minutes' AS paused_at
FROM plan p
"""

_TICKETS = """
INSERT INTO tickets_ticket (
  id, created_at, updated_at, community_id, kind, number, source, external_id, channel,
  category_id, title, description, submitter_name, submitter_phone, location_text, submitted_at,
  response_due_at, resolution_due_at, nominal_response_due_at, nominal_resolution_due_at,
  status, first_response_at, resolved_at, closed_at,
  handoff_count, paused_since, paused_seconds, responsible_party, is_supervised,
  idempotency_key, data_flags, exclude_from_durations, rating, rating_count, first_rated_at)
SELECT l.id, l.submitted_at, l.submitted_at, l.community_id, l.kind, 'B' || l.id, 'portal', '',
  l.channel, l.category_id, 'Generated ticket ' || l.id, 'Generated for the benchmarks.',
  '', '', '', l.submitted_at, l.response_due_at,
  -- A resumed pause (after the response) moved the resolution deadline (event_apply).
  l.resolution_due_at + CASE WHEN l.paused AND NOT l.still_paused THEN interval '5 hours'
                             ELSE interval '0' END,
  l.response_due_at, l.resolution_due_at,
  CASE WHEN l.fate = 'done' AND l.closed THEN 'closed' WHEN l.fate = 'done' THEN 'resolved'
       ELSE l.fate END,
  CASE WHEN l.fate IN ('accepted', 'in_progress', 'done', 'rejected') THEN l.responded_at END,
  CASE WHEN l.fate = 'done' THEN l.final_at END,
  CASE WHEN l.closed THEN l.final_at + interval '7 days' END,
  l.transfers, CASE WHEN l.still_paused THEN l.paused_at END,
  CASE WHEN l.paused AND NOT l.still_paused THEN 5 * 3600 ELSE 0 END,
  l.responsible_party, l.supervised, '',
  CASE WHEN l.flagged THEN '["closed_without_close_time"]' ELSE '[]' END::jsonb, l.flagged,
  CASE WHEN l.rating_changed THEN 5 ELSE l.rating END,
  CASE WHEN l.rating_changed THEN 2 WHEN l.rating IS NOT NULL THEN 1 ELSE 0 END,
  CASE WHEN l.rating IS NOT NULL THEN l.final_at + interval '1 day' END
FROM life l
"""

_EVENTS = """
INSERT INTO tickets_ticketevent (created_at, updated_at, community_id, ticket_id, kind,
  from_status, to_status, actor_kind, at, note, rating, data)
SELECT e.at, e.at, l.community_id, l.id, e.kind, e.from_status, e.to_status, e.actor_kind,
  e.at, '', e.rating, e.data::jsonb
FROM life l CROSS JOIN LATERAL (VALUES
  (true, 'transition', '', 'submitted', 'submitter', l.submitted_at, NULL::int, '{}'),
  (l.transfers >= 1, 'transfer', '', '', 'staff', l.submitted_at + interval '1 minute', NULL,
   '{"from": "property_company", "to": "neighbourhood_committee"}'),
  (l.transfers >= 2, 'transfer', '', '', 'staff', l.submitted_at + interval '2 minutes', NULL,
   '{"from": "neighbourhood_committee", "to": "property_company"}'),
  (l.supervised, 'supervise', '', '', 'staff', l.submitted_at + interval '3 minutes', NULL,
   '{"due_at": "' || to_char((l.submitted_at + interval '3 days') AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '"}'),
  (l.fate = 'rejected', 'transition', 'submitted', 'rejected', 'staff', l.responded_at, NULL,
   '{}'),
  (l.fate = 'duplicate', 'transition', 'submitted', 'duplicate', 'staff', l.responded_at, NULL,
   '{}'),
  (l.fate = 'cancelled', 'transition', 'submitted', 'cancelled', 'submitter', l.responded_at,
   NULL, '{}'),
  (l.fate IN ('accepted', 'in_progress', 'done'), 'transition', 'submitted', 'accepted',
   'staff', l.responded_at, NULL, '{}'),
  (l.fate IN ('in_progress', 'done'), 'transition', 'accepted', 'dispatched', 'staff',
   l.responded_at + interval '10 minutes', NULL, '{}'),
  (l.fate IN ('in_progress', 'done'), 'transition', 'dispatched', 'in_progress', 'staff',
   l.responded_at + interval '30 minutes', NULL, '{}'),
  (l.paused, 'pause', '', '', 'staff', l.paused_at, NULL, '{}'),
  (l.paused AND NOT l.still_paused, 'resume', '', '', 'submitter',
   l.paused_at + interval '5 hours', NULL, '{}'),
  (l.fate = 'done', 'transition', 'in_progress', 'resolved', 'staff', l.resolved_at, NULL,
   '{}'),
  (l.reopened, 'transition', 'resolved', 'reopened', 'submitter', l.reopened_at, NULL, '{}'),
  (l.reopened, 'transition', 'reopened', 'in_progress', 'system', l.reopened_at, NULL, '{}'),
  (l.reopened, 'transition', 'in_progress', 'resolved', 'staff', l.final_at, NULL, '{}'),
  (l.closed, 'transition', 'resolved', 'closed', 'system', l.final_at + interval '7 days',
   NULL, '{}'),
  (l.rating IS NOT NULL, 'rate', '', '', 'submitter', l.final_at + interval '1 day',
   l.rating, '{}'),
  (l.rating_changed, 'rate', '', '', 'submitter', l.final_at + interval '2 days', 5, '{}')
) e(keep, kind, from_status, to_status, actor_kind, at, rating, data)
WHERE e.keep
"""


def communities_generate(prefix: str, count: int) -> list[int]:
    """Communities `<prefix>-000`... (Asia/Shanghai) with the CATEGORIES; their ids, in order."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO community_community (created_at, updated_at, slug, name, timezone)"
            " SELECT now(), now(), %(p)s || '-' || lpad(i::text, 3, '0'),"
            " 'Bench ' || %(p)s || ' ' || i, 'Asia/Shanghai' FROM generate_series(0, %(n)s - 1) i"
            " ON CONFLICT (slug) DO NOTHING",
            {"p": prefix, "n": count},
        )
        cursor.execute(
            "SELECT id FROM community_community WHERE slug LIKE %s ORDER BY slug", [prefix + "-%"]
        )
        ids = [row[0] for row in cursor.fetchall()]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(CATEGORIES))
        cursor.execute(
            "INSERT INTO tickets_category (created_at, updated_at, community_id, kind, code, name,"
            " responsible_party, is_facility_fault, is_property_service, response_target,"
            " response_unit, resolution_target, resolution_unit, is_active)"
            " SELECT now(), now(), c.id, k.kind, k.code, k.code, k.party, k.facility, k.property,"
            " k.response, 'hours', k.resolution, 'hours', true"
            f" FROM unnest(%s::bigint[]) c(id) CROSS JOIN (VALUES {values})"
            " k(code, kind, party, facility, property, response, resolution)"
            " ON CONFLICT (community_id, code) DO NOTHING",
            [ids, *[v for category in CATEGORIES for v in category]],
        )
    return ids


def tickets_generate(*, communities: list[int], total: int, start, end) -> None:
    """`total` tickets with their events (see module docstring), ids taken from the sequence."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("SELECT pg_get_serial_sequence('tickets_ticket', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (base,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, base + total])
        params = {"total": total, "base": base, "communities": communities}
        cursor.execute(_PLAN, params | {"start": start, "end": end})
        cursor.execute(_TIMES)
        cursor.execute(_TICKETS)
        cursor.execute(_EVENTS)
    with connection.cursor() as cursor:  # visibility map and statistics for the planner
        cursor.execute("VACUUM ANALYZE tickets_ticket")
        cursor.execute("VACUUM ANALYZE tickets_ticketevent")
        # What autovacuum would have analysed by now (it is off on some machines).
        for table in ("community_community", "tickets_category"):
            cursor.execute(f"ANALYZE {table}")


def tickets_count(communities: list[int]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE community_id = ANY(%s)", [communities]
        )
        return cursor.fetchone()[0]
