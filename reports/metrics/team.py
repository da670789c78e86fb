"""Team building (METRICS.md, Other dimensions): trainings and the training coverage of the
staff. One statement for all targets; docs/metrics.md gives the reading of every figure.
"""

# ruff: noqa: S608 (the SQL is built from constants and table names; values are parameters)

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from community.models import Membership, Training, TrainingAttendance

from .base import Figure, Figures, Target, count, rate
from .records import ON_DAY, RUNNING, read

LABELS = {
    "team.trainings_count": _("Trainings held"),
    "team.training_coverage_rate": _("Training coverage of staff"),
}
PARAMETRISED_LABELS: dict = {}

# Staff: the committee's and the property company's people (DESIGN.md, Who uses it).
STAFF = (
    Membership.Role.COMMITTEE_STAFF.value,
    Membership.Role.PROPERTY_MANAGER.value,
    Membership.Role.TECHNICIAN.value,
)
# A staff membership of the period's community active on the last day (of the period, or as_of's).
ACTIVE_STAFF = (
    f"m.community_id = p.community_id AND m.role IN {STAFF}"
    f" AND {RUNNING.format('m.started_on', 'm.ended_on')}"
)

SECTIONS = [
    f"""SELECT p.pi, 'trainings', NULL, COUNT(*), 0, 0, NULL
    FROM p JOIN {Training._meta.db_table} t ON t.community_id = p.community_id
      AND {ON_DAY.format("t.held_on")}
    GROUP BY p.pi""",
    f"""SELECT p.pi, 'staff', NULL, COUNT(DISTINCT m.user_id), 0, 0, NULL
    FROM p JOIN {Membership._meta.db_table} m ON {ACTIVE_STAFF}
    GROUP BY p.pi""",
    # People who attended a training of the period: (active staff, others).
    f"""SELECT x.pi, 'trained', NULL, SUM(x.staff), SUM(1 - x.staff), 0, NULL FROM (
      SELECT DISTINCT p.pi, a.user_id, CASE WHEN EXISTS (
        SELECT 1 FROM {Membership._meta.db_table} m WHERE {ACTIVE_STAFF} AND m.user_id = a.user_id
      ) THEN 1 ELSE 0 END AS staff
      FROM p JOIN {Training._meta.db_table} t ON t.community_id = p.community_id
        AND {ON_DAY.format("t.held_on")}
      JOIN {TrainingAttendance._meta.db_table} a ON a.community_id = t.community_id
        AND a.training_id = t.id
    ) x GROUP BY x.pi""",
]


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """`team.trainings_count` and `team.training_coverage_rate` (distinct active staff who
    attended a training of the period ÷ distinct active staff on the period's last day) of each
    target as of `as_of`. One statement."""
    found = read(SECTIONS, targets, as_of)

    def target_figures(target: Target) -> dict[str, Figure]:
        trained, others, _ = found[target]["trained", None]
        return {
            "team.trainings_count": count(found[target]["trainings", None][0]),
            "team.training_coverage_rate": rate(
                trained,
                found[target]["staff", None][0],
                excluded={"not_active_staff": others},
            ),
        }

    return ((target, target_figures(target)) for target in targets)
