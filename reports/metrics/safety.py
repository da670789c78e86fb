"""Safety, emergency management and risk prevention (METRICS.md, Other dimensions): patrols,
hazards and their rectification, hazard inspections, burglaries and other incidents, drills and
emergency plans. They share the hazard and incident records, so they are one statement.

docs/metrics.md gives the reading of every figure.
"""

# ruff: noqa: S608 (the SQL is built from constants and table names; values are parameters)

from datetime import datetime

from django.db import connection
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Drill, EmergencyPlan, EmergencyPlanRevision, Incident
from property_ops.models import Hazard, HazardInspection, HazardStep, PatrolVisit

from .base import Figure, Figures, Target, count, rate
from .records import IN_PERIOD, RUNNING, params, percentiles, read, timing
from .tickets import EPOCH, SKEW_SECONDS, households_at_period_end

LABELS = {
    "safety.patrol_completion_rate": _("Patrol completion rate"),
    "safety.fire_hazard_rectification_rate": _("Fire hazard rectification rate"),
    "safety.burglaries_per_1000_households": _("Burglaries per 1,000 households"),
    "emergency.hazard_rectification_rate": _("Hazard rectification rate"),
    "emergency.hazard_inspections_count": pgettext_lazy("count", "Hazard inspections"),
    "emergency.drills_count": _("Emergency drills"),
    "emergency.drill_participants_count": _("Emergency drill participants"),
    "emergency.plan_currency_rate": _("Emergency plans revised within 12 months"),
    "emergency.incidents_count": pgettext_lazy("count", "Incidents"),
    "emergency.incident_response_minutes.median": _("Incident response time, median (minutes)"),
    "emergency.incident_response_minutes.p90": _(
        "Incident response time, 90th percentile (minutes)"
    ),
}
PARAMETRISED_LABELS: dict = {}

RECTIFIED = (HazardStep.Kind.RECTIFIED.value, HazardStep.Kind.REINSPECTION_PASSED.value)


def _sections() -> list[str]:
    ep = EPOCH[connection.vendor].format
    secs = f"({ep('i.first_response_at')} - {ep('i.reported_at')})"
    responded = "i.first_response_at IS NOT NULL AND i.first_response_at <= %(as_of)s"
    incidents = (
        f"FROM p JOIN {Incident._meta.db_table} i ON i.community_id = p.community_id"
        f" AND {IN_PERIOD.format('i.reported_at')}"
    )
    return [
        # Visits planned in the period: (window closed by as_of, visited in the window,
        # window still open at as_of).
        f"""SELECT p.pi, 'patrol', NULL,
          SUM(CASE WHEN v.window_end <= %(as_of)s THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.window_end <= %(as_of)s AND v.visited_at >= v.window_start
                    AND v.visited_at <= v.window_end THEN 1 ELSE 0 END),
          SUM(CASE WHEN v.window_end > %(as_of)s THEN 1 ELSE 0 END), NULL
        FROM p JOIN {PatrolVisit._meta.db_table} v ON v.community_id = p.community_id
          AND v.window_start >= p.start_at AND v.window_start < p.end_at
        GROUP BY p.pi""",
        # Hazards found in the period, fire or other: (found, rectified at as_of: the last
        # step by as_of is a rectification or a passed re-inspection).
        f"""SELECT h.pi, 'hazards', h.fire, COUNT(*),
          SUM(CASE WHEN s.kind IN {RECTIFIED} THEN 1 ELSE 0 END), 0, NULL
        FROM (
          SELECT p.pi, z.id, CASE WHEN z.kind = '{Hazard.Kind.FIRE}' THEN 'fire' END AS fire
          FROM p JOIN {Hazard._meta.db_table} z ON z.community_id = p.community_id
            AND {IN_PERIOD.format("z.found_at")}
        ) h LEFT JOIN (
          SELECT hazard_id, kind,
            ROW_NUMBER() OVER (PARTITION BY hazard_id ORDER BY at DESC, id DESC) AS rn
          FROM {HazardStep._meta.db_table}
          WHERE community_id IN (SELECT community_id FROM p) AND at <= %(as_of)s
        ) s ON s.hazard_id = h.id AND s.rn = 1
        GROUP BY h.pi, h.fire""",
        f"""SELECT p.pi, 'hazard_inspections', NULL, COUNT(*), 0, 0, NULL
        FROM p JOIN {HazardInspection._meta.db_table} x ON x.community_id = p.community_id
          AND {IN_PERIOD.format("x.held_at")}
        GROUP BY p.pi""",
        # Incidents reported in the period, by kind: (incidents, responded by as_of, responded
        # more than the clock-skew tolerance before the report).
        f"""SELECT p.pi, 'incidents', i.kind, COUNT(*),
          SUM(CASE WHEN {responded} THEN 1 ELSE 0 END),
          SUM(CASE WHEN {responded} AND {secs} < -{SKEW_SECONDS} THEN 1 ELSE 0 END), NULL
        {incidents} GROUP BY p.pi, i.kind""",
        percentiles(
            "response",
            f"(CASE WHEN {secs} < 0 THEN 0 ELSE {secs} END) / 60.0",
            f"{incidents} WHERE {responded} AND {secs} >= -{SKEW_SECONDS}",
        ),
        # Drills held in the period: (drills, participants).
        f"""SELECT p.pi, 'drills', NULL, COUNT(*), SUM(d.participants), 0, NULL
        FROM p JOIN {Drill._meta.db_table} d ON d.community_id = p.community_id
          AND {IN_PERIOD.format("d.held_at")}
        GROUP BY p.pi""",
        # Plans in force on the last day (of the period, or as_of's if earlier): (in force,
        # put in force or revised within the twelve months up to that day).
        f"""SELECT p.pi, 'plans', NULL, COUNT(*),
          SUM(CASE WHEN e.in_force_from >= p.year_ago_on OR EXISTS (
            SELECT 1 FROM {EmergencyPlanRevision._meta.db_table} r
            WHERE r.community_id = e.community_id AND r.plan_id = e.id
              AND r.revised_on >= p.year_ago_on AND r.revised_on < p.until_on
          ) THEN 1 ELSE 0 END), 0, NULL
        FROM p JOIN {EmergencyPlan._meta.db_table} e ON e.community_id = p.community_id
          AND {RUNNING.format("e.in_force_from", "e.retired_on")}
        GROUP BY p.pi""",
    ]


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """The safety and emergency figures of each target as of `as_of`.

    Returns (target, {key: Figure}) pairs (base.Figures): `safety.patrol_completion_rate`, the
    hazard rectification rates (fire and all), `safety.burglaries_per_1000_households`
    (households at period end, as for the complaint rate), `emergency.hazard_inspections_count`,
    drills and participants, `emergency.plan_currency_rate`, incidents and their response time
    in minutes (median, p90). Two statements: the figures, and the households (tickets.py's).
    """
    found = read(_sections(), targets, as_of)
    households = households_at_period_end(len(targets), params(targets, as_of))
    return ((target, _figures(found[target], households[i])) for i, target in enumerate(targets))


_INCIDENT_KINDS = tuple(Incident.Kind.values)  # Choices.values builds a list on each call


def _figures(found: dict, households: int) -> dict[str, Figure]:
    planned, visited, open_windows = found["patrol", None]
    fire, fire_rectified, _ = found["hazards", "fire"]
    other, other_rectified, _ = found["hazards", None]
    kinds = {kind: found["incidents", kind] for kind in _INCIDENT_KINDS}
    burglaries = kinds[Incident.Kind.BURGLARY][0]
    incidents = sum(n for n, _responded, _negative in kinds.values())
    responded = sum(r for _n, r, _negative in kinds.values())
    negative = sum(neg for _n, _r, neg in kinds.values())
    drills, participants, _ = found["drills", None]
    plans, current, _ = found["plans", None]
    return {
        "safety.patrol_completion_rate": rate(
            visited, planned, excluded={"window_not_closed": open_windows}
        ),
        "safety.fire_hazard_rectification_rate": rate(fire_rectified, fire),
        "safety.burglaries_per_1000_households": Figure(
            value=1000 * burglaries / households if households else None,
            unit="per_1000_households",
            numerator=burglaries,
            denominator=households,
            n=burglaries,
        ),
        "emergency.hazard_rectification_rate": rate(fire_rectified + other_rectified, fire + other),
        "emergency.hazard_inspections_count": count(found["hazard_inspections", None][0]),
        "emergency.drills_count": count(drills),
        "emergency.drill_participants_count": Figure(
            value=participants, unit="count", numerator=participants, n=drills
        ),
        "emergency.plan_currency_rate": rate(current, plans),
        "emergency.incidents_count": count(incidents),
        **timing(
            found,
            "response",
            "emergency.incident_response_minutes",
            unit="minutes",
            excluded={"no_response": incidents - responded, "negative_duration": negative},
        ),
    }
