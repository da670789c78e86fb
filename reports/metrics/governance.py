"""Governance (METRICS.md, Other dimensions): joint meetings, agenda topics, resident opinions
and the mediation of disputes. One statement for all targets; docs/metrics.md gives the reading
of every figure.
"""

# ruff: noqa: S608 (the SQL is built from constants and table names; values are parameters)

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from community.models import AgendaTopic, Meeting, Opinion
from complaints.models import Dispute

from .base import Figure, Figures, Target, count, rate
from .records import IN_PERIOD, quarters, read

LABELS = {
    "governance.joint_meetings_count": _("Joint meetings held"),
    "governance.topic_resolution_rate": _("Agenda topic resolution rate"),
    "governance.opinion_adoption_rate": _("Resident opinion adoption rate"),
    "governance.mediation_success_rate": _("Mediation success rate"),
}
PARAMETRISED_LABELS = {
    "governance.joint_meetings_count[quarter": _("Joint meetings held, {}"),
}

DECIDED = f"o.decision <> '{Opinion.Decision.PENDING}' AND o.decided_at <= %(as_of)s"

SECTIONS = [
    f"""SELECT p.pi, 'joint_meetings', NULL, COUNT(*), 0, 0, NULL
    FROM p JOIN {Meeting._meta.db_table} m ON m.community_id = p.community_id
      AND m.kind = '{Meeting.Kind.JOINT}' AND {IN_PERIOD.format("m.held_at")}
    GROUP BY p.pi""",
    # Topics raised in the period: (raised, resolved by as_of).
    f"""SELECT p.pi, 'topics', NULL, COUNT(*),
      SUM(CASE WHEN t.resolved_at <= %(as_of)s THEN 1 ELSE 0 END), 0, NULL
    FROM p JOIN {AgendaTopic._meta.db_table} t ON t.community_id = p.community_id
      AND {IN_PERIOD.format("t.raised_at")}
    GROUP BY p.pi""",
    # Opinions received in the period: (received, decided by as_of, adopted by as_of).
    f"""SELECT p.pi, 'opinions', NULL, COUNT(*),
      SUM(CASE WHEN {DECIDED} THEN 1 ELSE 0 END),
      SUM(CASE WHEN {DECIDED} AND o.decision = '{Opinion.Decision.ADOPTED}' THEN 1 ELSE 0 END),
      NULL
    FROM p JOIN {Opinion._meta.db_table} o ON o.community_id = p.community_id
      AND {IN_PERIOD.format("o.received_at")}
    GROUP BY p.pi""",
    # Disputes whose mediation concluded in the period, by outcome.
    f"""SELECT p.pi, 'disputes', d.outcome, COUNT(*), 0, 0, NULL
    FROM p JOIN {Dispute._meta.db_table} d ON d.community_id = p.community_id
      AND {IN_PERIOD.format("d.concluded_at")}
    GROUP BY p.pi, d.outcome""",
]


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """The governance figures of each target as of `as_of`.

    Returns (target, {key: Figure}) pairs (base.Figures): `governance.joint_meetings_count`
    (and per quarter of a year, `[quarter=2015-Q1]`), `governance.topic_resolution_rate`,
    `governance.opinion_adoption_rate` (over opinions decided by as_of) and
    `governance.mediation_success_rate` (agreements ÷ every concluded outcome). One statement.
    """
    found = read(SECTIONS, targets, as_of, quarterly=True)

    def target_figures(target: Target) -> dict[str, Figure]:
        out = _figures(found[target])
        for quarter in quarters(target):
            key = f"governance.joint_meetings_count[quarter={quarter.period.key}]"
            out[key] = count(found[quarter]["joint_meetings", None][0])
        return out

    return ((target, target_figures(target)) for target in targets)


_DISPUTE_OUTCOMES = tuple(Dispute.Outcome.values)  # Choices.values builds a list on each call


def _figures(found: dict) -> dict[str, Figure]:
    raised, resolved, _ = found["topics", None]
    received, decided, adopted = found["opinions", None]
    outcomes = {o: found["disputes", o][0] for o in _DISPUTE_OUTCOMES}
    return {
        "governance.joint_meetings_count": count(found["joint_meetings", None][0]),
        "governance.topic_resolution_rate": rate(resolved, raised),
        "governance.opinion_adoption_rate": rate(
            adopted, decided, excluded={"undecided": received - decided}
        ),
        "governance.mediation_success_rate": rate(
            outcomes[Dispute.Outcome.AGREEMENT], sum(outcomes.values())
        ),
    }
