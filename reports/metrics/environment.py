"""Service quality and environment beyond tickets (METRICS.md, Other dimensions): garbage
clearance, green coverage, hygiene inspections, facility integrity and convenience services.

One statement for all targets (reports/metrics/records.py); docs/metrics.md gives the reading of
every figure.
"""

# ruff: noqa: S608 (the SQL is built from constants and table names; values are parameters)

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Compound
from property_ops.models import (
    ConvenienceService,
    Facility,
    FacilityStatusChange,
    HygieneInspection,
    SanitationRun,
    ServiceUse,
)

from .base import Figure, Figures, Target, count, mean, rate
from .records import IN_PERIOD, ON_DAY, quarters, read

LABELS = {
    "environment.garbage_on_time_rate": _("Garbage clearance on-time rate"),
    "environment.green_coverage_rate": _("Green coverage rate"),
    "environment.hygiene_inspections_count": pgettext_lazy("count", "Hygiene inspections"),
    "environment.hygiene_score_mean": _("Hygiene inspection score, mean"),
    "environment.hygiene_passed_count": _("Hygiene inspections passed"),
    "environment.hygiene_pass_rate": _("Hygiene inspection pass rate"),
    "environment.hygiene_excellent_count": _("Hygiene inspections graded excellent"),
    "environment.hygiene_excellent_rate": _("Hygiene inspections graded excellent, share"),
    "facilities.integrity_rate": _("Facility integrity rate"),
    "services.kinds_count": _("Convenience service kinds offered"),
    "services.uses_count": _("Convenience service uses"),
    "services.satisfaction_rate": _("Convenience service satisfaction rate"),
}
PARAMETRISED_LABELS = {
    "environment.hygiene_score_mean[quarter": _("Hygiene inspection score, mean, {}"),
}

PASSED = tuple(g.value for g in HygieneInspection.Grade if g != HygieneInspection.Grade.FAIL)

SECTIONS = [
    # Runs due in the period: (due by as_of, done by their due time, due after as_of).
    f"""SELECT p.pi, 'garbage', NULL,
      SUM(CASE WHEN r.due_at <= %(as_of)s THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.due_at <= %(as_of)s AND r.done_at <= r.due_at THEN 1 ELSE 0 END),
      SUM(CASE WHEN r.due_at > %(as_of)s THEN 1 ELSE 0 END), NULL
    FROM p JOIN {SanitationRun._meta.db_table} r ON r.community_id = p.community_id
      AND r.due_at >= p.start_at AND r.due_at < p.end_at
    GROUP BY p.pi""",
    # Compounds registered at period end, by which areas they have: (compounds, green area,
    # land area), areas in hundredths of m² so the sums are exact integers on both engines.
    f"""SELECT p.pi, 'green',
      CASE WHEN c.land_area_m2 IS NULL THEN 'no_land_area'
           WHEN c.green_area_m2 IS NULL THEN 'no_green_area' END,
      COUNT(*),
      SUM(CAST(ROUND(COALESCE(c.green_area_m2, 0) * 100) AS BIGINT)),
      SUM(CAST(ROUND(COALESCE(c.land_area_m2, 0) * 100) AS BIGINT)), NULL
    FROM p JOIN {Compound._meta.db_table} c ON c.community_id = p.community_id
      AND c.created_at < p.end_at AND c.created_at <= %(as_of)s
    GROUP BY p.pi, 3""",
    # Inspections on a day of the period by as_of, per grade: (inspections, score in tenths).
    f"""SELECT p.pi, 'hygiene', h.grade, COUNT(*), SUM(CAST(ROUND(h.score * 10) AS BIGINT)),
      0, NULL
    FROM p JOIN {HygieneInspection._meta.db_table} h ON h.community_id = p.community_id
      AND {ON_DAY.format("h.inspected_on")}
    GROUP BY p.pi, h.grade""",
    # Facilities by their status at period end (or as_of, if earlier): the last change before.
    f"""SELECT x.pi, 'facilities', x.status, COUNT(*), 0, 0, NULL FROM (
      SELECT p.pi, c.status, ROW_NUMBER() OVER (
        PARTITION BY p.pi, c.facility_id ORDER BY c.at DESC, c.id DESC) AS rn
      FROM p JOIN {FacilityStatusChange._meta.db_table} c ON c.community_id = p.community_id
        AND c.at < p.end_at AND c.at <= %(as_of)s
    ) x WHERE x.rn = 1 GROUP BY x.pi, x.status""",
    # Services offered on a day of the period by as_of: (distinct kinds).
    f"""SELECT p.pi, 'services', NULL, COUNT(DISTINCT s.kind), 0, 0, NULL
    FROM p JOIN {ConvenienceService._meta.db_table} s ON s.community_id = p.community_id
      AND s.started_on < p.until_on AND (s.ended_on IS NULL OR s.ended_on >= p.first_on)
    GROUP BY p.pi""",
    # Uses in the period: (uses, rated, rated 4-5).
    f"""SELECT p.pi, 'uses', NULL, COUNT(*),
      SUM(CASE WHEN u.rating IS NOT NULL THEN 1 ELSE 0 END),
      SUM(CASE WHEN u.rating >= 4 THEN 1 ELSE 0 END), NULL
    FROM p JOIN {ServiceUse._meta.db_table} u ON u.community_id = p.community_id
      AND {IN_PERIOD.format("u.used_at")}
    GROUP BY p.pi""",
]


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """The environment, facilities and services figures of each target as of `as_of`.

    Returns (target, {key: Figure}) pairs (base.Figures): `environment.garbage_on_time_rate`,
    `environment.green_coverage_rate` (m² ÷ m²), the hygiene figures (score out of 100, counts
    and shares of inspections; the mean also per quarter of a year), `facilities.integrity_rate`
    and the `services.*` figures. One statement.
    """
    found = read(SECTIONS, targets, as_of, quarterly=True)

    def target_figures(target: Target) -> dict[str, Figure]:
        out = _figures(found[target])
        for quarter in quarters(target):
            key = f"environment.hygiene_score_mean[quarter={quarter.period.key}]"
            out[key] = _hygiene(found[quarter])["environment.hygiene_score_mean"]
        return out

    return ((target, target_figures(target)) for target in targets)


_FACILITY_STATUSES = tuple(Facility.Status.values)  # Choices.values builds a list on each call


def _figures(found: dict) -> dict[str, Figure]:
    due, on_time, not_yet_due = found["garbage", None]
    status = {s: found["facilities", s][0] for s in _FACILITY_STATUSES}
    offered_kinds = found["services", None][0]
    uses, rated, satisfied = found["uses", None]
    return {
        "environment.garbage_on_time_rate": rate(
            on_time, due, excluded={"not_yet_due": not_yet_due}
        ),
        "environment.green_coverage_rate": _green(found),
        **_hygiene(found),
        "facilities.integrity_rate": rate(
            status[Facility.Status.IN_SERVICE],
            status[Facility.Status.IN_SERVICE] + status[Facility.Status.OUT_OF_SERVICE],
            excluded={"retired": status[Facility.Status.RETIRED]},
        ),
        "services.kinds_count": count(offered_kinds),
        "services.uses_count": count(uses),
        "services.satisfaction_rate": rate(satisfied, rated, excluded={"unrated": uses - rated}),
    }


def _green(found: dict) -> Figure:
    compounds, green, land = found["green", None]
    return Figure(
        value=green / land if land else None,
        unit="fraction",
        numerator=green / 100,
        denominator=land / 100,
        n=compounds,
        excluded={
            reason: found["green", reason][0]
            for reason in ("no_green_area", "no_land_area")
            if found["green", reason][0]
        },
    )


_HYGIENE_GRADES = tuple(HygieneInspection.Grade.values)  # Choices.values builds a list on each call


def _hygiene(found: dict) -> dict[str, Figure]:
    grades = {g: found["hygiene", g] for g in _HYGIENE_GRADES}
    held = sum(n for n, _tenths, _ in grades.values())
    tenths = sum(t for _n, t, _ in grades.values())
    passed = sum(grades[g][0] for g in PASSED)
    excellent = grades[HygieneInspection.Grade.EXCELLENT][0]
    return {
        "environment.hygiene_inspections_count": count(held),
        "environment.hygiene_score_mean": mean(tenths / 10, held, unit="score"),
        "environment.hygiene_passed_count": count(passed),
        "environment.hygiene_pass_rate": rate(passed, held),
        "environment.hygiene_excellent_count": count(excellent),
        "environment.hygiene_excellent_rate": rate(excellent, held),
    }
