-- The ticket figures of METRICS.md for every community and local month of a range, as of an
-- instant, written plainly by hand (the baseline of bench/metrics.py): replay each ticket's
-- events up to as_of, then aggregate per (community, month) and per (community, month,
-- category). Parameters: %(communities)s, %(first)s / %(after)s (local dates), %(as_of)s.
WITH t AS (
  SELECT t.id, t.community_id, t.category_id, t.kind, t.channel, t.exclude_from_durations,
         date_part('epoch', t.submitted_at) AS submitted,
         date_part('epoch', t.nominal_response_due_at) AS response_due,
         date_part('epoch', t.nominal_resolution_due_at) AS resolution_due,
         k.is_facility_fault AS facility, k.is_property_service AS property,
         date_trunc('month', t.submitted_at AT TIME ZONE c.timezone) AS month
  FROM tickets_ticket t
  JOIN community_community c ON c.id = t.community_id
  JOIN tickets_category k ON k.id = t.category_id
  WHERE t.community_id = ANY(%(communities)s)
    AND t.submitted_at >= %(first)s::timestamp AT TIME ZONE c.timezone
    AND t.submitted_at < %(after)s::timestamp AT TIME ZONE c.timezone
    AND t.submitted_at <= %(as_of)s
),
-- The state at as_of: the last transition (not the opening '' -> submitted one), the latest
-- rating, the first staff or import answer, the last resolution (else the last close).
replay AS (
  SELECT e.ticket_id,
    (array_agg(e.to_status ORDER BY e.at DESC, e.id DESC)
      FILTER (WHERE e.kind = 'transition' AND e.from_status <> ''))[1] AS status,
    (array_agg(e.rating ORDER BY e.at DESC, e.id DESC) FILTER (WHERE e.kind = 'rate'))[1]
      AS rating,
    date_part('epoch', MIN(e.at) FILTER (WHERE e.actor_kind IN ('staff', 'import')
      AND (e.kind = 'reply' OR (e.kind = 'transition'
           AND e.to_status IN ('accepted', 'dispatched', 'rejected', 'resolved')))))
      AS responded,
    date_part('epoch', COALESCE(
      MAX(e.at) FILTER (WHERE e.kind = 'transition' AND e.to_status = 'resolved'),
      MAX(e.at) FILTER (WHERE e.kind = 'transition' AND e.to_status = 'closed'))) AS resolved,
    COUNT(*) FILTER (WHERE e.kind = 'transfer') AS handoffs,
    bool_or(e.kind = 'supervise') AS supervised
  FROM tickets_ticketevent e JOIN t ON t.id = e.ticket_id
  WHERE e.at <= %(as_of)s
  GROUP BY e.ticket_id
),
-- Pauses: each ends at the next pause or resume (an unended one runs to as_of); a pause moves
-- a deadline when it began, on the ticket's active clock, before that deadline.
pause_events AS (
  SELECT e.ticket_id, e.kind, date_part('epoch', e.at) AS at,
    date_part('epoch', LEAD(e.at) OVER (PARTITION BY e.ticket_id ORDER BY e.at, e.id)) AS ended
  FROM tickets_ticketevent e JOIN t ON t.id = e.ticket_id
  WHERE e.at <= %(as_of)s AND e.kind IN ('pause', 'resume')
),
pauses AS (
  SELECT ticket_id, ended IS NULL AS waiting,
    COALESCE(ended, date_part('epoch', %(as_of)s::timestamptz)) - at AS secs,
    at - COALESCE(SUM(COALESCE(ended, date_part('epoch', %(as_of)s::timestamptz)) - at)
      OVER (PARTITION BY ticket_id ORDER BY at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
      0) AS active_at
  FROM pause_events WHERE kind = 'pause'
),
paused AS (
  SELECT p.ticket_id,
    COALESCE(SUM(p.secs) FILTER (WHERE p.active_at < t.response_due), 0) AS response_pause,
    COALESCE(bool_or(p.waiting AND p.active_at < t.response_due), false) AS response_waiting,
    COALESCE(SUM(p.secs) FILTER (WHERE p.active_at < t.resolution_due), 0) AS resolution_pause,
    COALESCE(bool_or(p.waiting AND p.active_at < t.resolution_due), false) AS resolution_waiting
  FROM pauses p JOIN t ON t.id = p.ticket_id
  GROUP BY p.ticket_id
),
facts AS (
  SELECT t.*, COALESCE(r.status, 'submitted') AS status, r.rating,
    COALESCE(r.handoffs, 0) AS handoffs, COALESCE(r.supervised, false) AS supervised,
    r.responded, r.resolved,
    r.responded - t.submitted AS response_secs, r.resolved - t.submitted AS resolution_secs,
    t.response_due + COALESCE(z.response_pause, 0) AS response_deadline,
    t.resolution_due + COALESCE(z.resolution_pause, 0) AS resolution_deadline,
    COALESCE(z.response_waiting, false) AS response_waiting,
    COALESCE(z.resolution_waiting, false) AS resolution_waiting
  FROM t LEFT JOIN replay r ON r.ticket_id = t.id LEFT JOIN paused z ON z.ticket_id = t.id
),
g AS (
  SELECT f.*,
    f.status NOT IN ('rejected', 'cancelled', 'duplicate') AS eligible,
    f.status IN ('resolved', 'closed') AS done,
    -- Durations: not flagged by the importer; up to 60 s negative is clock skew (0).
    NOT f.exclude_from_durations AND f.response_secs >= -60 AS response_usable,
    NOT f.exclude_from_durations AND f.resolution_secs >= -60 AS resolution_usable,
    -- On-time rates: deadline passed by as_of (not waiting on the submitter), nothing left out.
    f.response_deadline <= date_part('epoch', %(as_of)s::timestamptz) AND NOT f.response_waiting
      AND NOT f.exclude_from_durations AND COALESCE(f.response_secs >= -60, true)
      AS response_judged,
    f.resolution_deadline <= date_part('epoch', %(as_of)s::timestamptz)
      AND NOT f.resolution_waiting AND NOT f.exclude_from_durations
      AND NOT (f.status IN ('resolved', 'closed') AND f.resolution_secs < -60)
      AS resolution_judged
  FROM facts f
)
SELECT community_id, to_char(month, 'YYYY-MM') AS period, category_id,
  COUNT(*) FILTER (WHERE eligible) AS eligible,
  COUNT(*) FILTER (WHERE NOT eligible) AS ineligible,
  COUNT(*) FILTER (WHERE eligible AND done) AS done,
  COUNT(*) FILTER (WHERE eligible AND response_usable) AS response_n,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(response_secs, 0) / 60.0)
    FILTER (WHERE eligible AND response_usable) AS response_p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY GREATEST(response_secs, 0) / 60.0)
    FILTER (WHERE eligible AND response_usable) AS response_p90,
  COUNT(*) FILTER (WHERE eligible AND done AND resolution_usable) AS resolution_n,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(resolution_secs, 0) / 3600.0)
    FILTER (WHERE eligible AND done AND resolution_usable) AS resolution_p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY GREATEST(resolution_secs, 0) / 3600.0)
    FILTER (WHERE eligible AND done AND resolution_usable) AS resolution_p90,
  COUNT(*) FILTER (WHERE eligible AND response_judged) AS response_due,
  COUNT(*) FILTER (WHERE eligible AND response_judged AND responded <= response_deadline)
    AS response_on_time,
  COUNT(*) FILTER (WHERE eligible AND resolution_judged) AS resolution_due,
  COUNT(*) FILTER (WHERE eligible AND resolution_judged AND done
    AND resolved <= resolution_deadline) AS resolution_on_time,
  COUNT(*) FILTER (WHERE eligible AND rating IS NOT NULL) AS rated,
  COUNT(*) FILTER (WHERE eligible AND rating >= 4) AS satisfied,
  COALESCE(SUM(rating) FILTER (WHERE eligible), 0) AS rating_sum,
  COUNT(*) FILTER (WHERE eligible AND done AND rating IS NOT NULL) AS done_rated,
  COALESCE(SUM(handoffs) FILTER (WHERE eligible), 0) AS handoffs,
  COUNT(*) FILTER (WHERE eligible AND handoffs >= 2) AS handoffs_two_plus,
  COUNT(*) FILTER (WHERE eligible AND kind = 'complaint' AND property) AS property,
  COUNT(*) FILTER (WHERE eligible AND kind = 'complaint' AND property AND done) AS property_done,
  COUNT(*) FILTER (WHERE eligible AND kind = 'complaint' AND supervised) AS supervised,
  COUNT(*) FILTER (WHERE eligible AND kind = 'work_order' AND facility) AS repair,
  COUNT(*) FILTER (WHERE eligible AND kind = 'work_order' AND facility AND done) AS repair_done,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY GREATEST(response_secs, 0) / 60.0)
    FILTER (WHERE eligible AND kind = 'work_order' AND facility AND response_usable)
    AS repair_response_p50,
  COUNT(*) FILTER (WHERE eligible AND channel IN ('web', 'app', 'mini_program')) AS online
FROM g
GROUP BY GROUPING SETS ((community_id, month), (community_id, month, category_id))
