"""Resident participation, disclosure and surveys (METRICS.md, Other dimensions): activities and
their participants, volunteer hours, disclosures and their channels, and the survey rates
(awareness and satisfaction). One statement for all targets; docs/metrics.md gives the reading
of every figure.
"""

# ruff: noqa: S608 (the SQL is built from constants and table names; values are parameters)

from datetime import datetime

from django.db import connection
from django.utils.translation import gettext_lazy as _

from community.models import (
    Activity,
    ActivitySignup,
    Disclosure,
    DisclosureChannel,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    VolunteerHours,
)

from .base import Figure, Figures, Target, count, rate
from .records import IN_PERIOD, ON_DAY, RUNNING, quarters, read

LABELS = {
    "participation.activities_count": _("Activities held"),
    "participation.participations_count": _("Activity participations (person-times)"),
    "participation.participants_count": _("Activity participants (distinct people)"),
    "participation.volunteer_hours": _("Volunteer hours"),
    "participation.volunteers_count": _("Volunteers (distinct people)"),
    "disclosure.count": _("Disclosures published"),
    "disclosure.channel_coverage_rate": _("Disclosure channel coverage"),
    "disclosure.awareness_rate": _("Resident awareness rate"),
    "survey.satisfaction_rate": _("Survey satisfaction rate"),
}
PARAMETRISED_LABELS = {
    "disclosure.count[kind": _("Disclosures published, {}"),
    "disclosure.count[quarter": _("Disclosures published, {}"),
    "disclosure.channel_coverage_rate[kind": _("Disclosure channel coverage, {}"),
    "disclosure.awareness_rate[question": _("Resident awareness rate, question {}"),
    "survey.satisfaction_rate[question": _("Survey satisfaction rate, question {}"),
}


def _kind_label(code: str) -> str:
    return Disclosure.Kind(code).label


ARGUMENT_LABELS = {
    "disclosure.count[kind": _kind_label,
    "disclosure.channel_coverage_rate[kind": _kind_label,
}

# The channels of a disclosure (a JSON list of codes), one row each, as `ch.value`.
CHANNELS = {
    "postgresql": "jsonb_array_elements_text(d.channels) AS ch(value)",
    "sqlite": "json_each(d.channels) AS ch",
}
SCORED = (SurveyQuestion.Kind.SATISFACTION.value, SurveyQuestion.Kind.AWARENESS.value)


def _sections() -> list[str]:
    disclosures = (
        f"FROM p JOIN {Disclosure._meta.db_table} d ON d.community_id = p.community_id"
        f" AND {IN_PERIOD.format('d.published_at')}"
    )
    running = (
        f"SELECT p.pi, c.channel FROM p JOIN {DisclosureChannel._meta.db_table} c"
        f" ON c.community_id = p.community_id AND {RUNNING.format('c.started_on', 'c.ended_on')}"
    )
    return [
        # Activities starting in the period: (held, cancelled).
        f"""SELECT p.pi, 'activities', NULL, SUM(CASE WHEN a.is_cancelled THEN 0 ELSE 1 END),
          SUM(CASE WHEN a.is_cancelled THEN 1 ELSE 0 END), 0, NULL
        FROM p JOIN {Activity._meta.db_table} a ON a.community_id = p.community_id
          AND {IN_PERIOD.format("a.starts_at")}
        GROUP BY p.pi""",
        # Attended sign-ups of those: (person-times and distinct people at activities held,
        # person-times at cancelled ones).
        f"""SELECT p.pi, 'participations', NULL,
          SUM(CASE WHEN a.is_cancelled THEN 0 ELSE 1 END),
          COUNT(DISTINCT CASE WHEN a.is_cancelled THEN NULL ELSE s.person_key END),
          SUM(CASE WHEN a.is_cancelled THEN 1 ELSE 0 END), NULL
        FROM p JOIN {Activity._meta.db_table} a ON a.community_id = p.community_id
          AND {IN_PERIOD.format("a.starts_at")}
        JOIN {ActivitySignup._meta.db_table} s ON s.community_id = a.community_id
          AND s.activity_id = a.id AND s.attended
        GROUP BY p.pi""",
        # Volunteer hours served on a day of the period: (hours in tenths, rows, people).
        f"""SELECT p.pi, 'volunteers', NULL, SUM(CAST(ROUND(v.hours * 10) AS BIGINT)), COUNT(*),
          COUNT(DISTINCT v.person_key), NULL
        FROM p JOIN {VolunteerHours._meta.db_table} v ON v.community_id = p.community_id
          AND {ON_DAY.format("v.served_on")}
        GROUP BY p.pi""",
        # Disclosures published in the period, per kind: (first versions, corrections).
        f"""SELECT p.pi, 'disclosures', d.kind, SUM(CASE WHEN d.version = 1 THEN 1 ELSE 0 END),
          SUM(CASE WHEN d.version = 1 THEN 0 ELSE 1 END), 0, NULL
        {disclosures} GROUP BY p.pi, d.kind""",
        # Channels each kind was published on: (running at period end, not running).
        f"""SELECT x.pi, 'kind_channels', x.kind, SUM(CASE WHEN r.pi IS NULL THEN 0 ELSE 1 END),
          SUM(CASE WHEN r.pi IS NULL THEN 1 ELSE 0 END), 0, NULL
        FROM (SELECT DISTINCT p.pi, d.kind, ch.value AS channel
              {disclosures} CROSS JOIN {CHANNELS[connection.vendor]}) x
        LEFT JOIN ({running}) r ON r.pi = x.pi AND r.channel = x.channel
        GROUP BY x.pi, x.kind""",
        f"SELECT r.pi, 'channels', NULL, COUNT(*), 0, 0, NULL FROM ({running}) r GROUP BY r.pi",
        # Satisfaction and awareness questions of surveys opened in the period, named by kind:
        # (answers by as_of, satisfied 4-5 or aware, left blank).
        f"""SELECT p.pi, q.kind, CAST(q.id AS TEXT),
          SUM(CASE WHEN a.number IS NULL THEN 0 ELSE 1 END),
          SUM(CASE WHEN (q.kind = '{SurveyQuestion.Kind.SATISFACTION}' AND a.number >= 4)
                     OR (q.kind = '{SurveyQuestion.Kind.AWARENESS}' AND a.number = 1)
              THEN 1 ELSE 0 END),
          SUM(CASE WHEN a.id IS NOT NULL AND a.number IS NULL THEN 1 ELSE 0 END), NULL
        FROM p JOIN {Survey._meta.db_table} y ON y.community_id = p.community_id
          AND {IN_PERIOD.format("y.opens_at")}
        JOIN {SurveyQuestion._meta.db_table} q ON q.community_id = y.community_id
          AND q.survey_id = y.id AND q.kind IN {SCORED}
        LEFT JOIN (
          SELECT a.id, a.question_id, a.number FROM {SurveyAnswer._meta.db_table} a
          JOIN {SurveyResponse._meta.db_table} r ON r.community_id = a.community_id
            AND r.id = a.response_id AND r.submitted_at <= %(as_of)s
          WHERE a.community_id IN (SELECT community_id FROM p)
        ) a ON a.question_id = q.id
        GROUP BY p.pi, q.kind, q.id""",
    ]


def figures(*, targets: list[Target], as_of: datetime) -> Figures:
    """The participation, disclosure and survey figures of each target as of `as_of`.

    Returns (target, {key: Figure}) pairs (base.Figures): activities, participations and
    participants, volunteer hours (unit hours) and volunteers, `disclosure.count` (also
    `[kind=...]` and, for a year, `[quarter=...]`), `disclosure.channel_coverage_rate` (also
    per kind), `disclosure.awareness_rate` and `survey.satisfaction_rate` (also
    `[question=<id>]`).
    One statement.
    """
    found = read(_sections(), targets, as_of, quarterly=True)

    def target_figures(target: Target) -> dict[str, Figure]:
        out = _figures(found[target])
        for quarter in quarters(target):
            key = f"disclosure.count[quarter={quarter.period.key}]"
            out[key] = _disclosures(found[quarter])["disclosure.count"]
        return out

    return ((target, target_figures(target)) for target in targets)


def _figures(found: dict) -> dict[str, Figure]:
    held, cancelled, _ = found["activities", None]
    person_times, people, at_cancelled = found["participations", None]
    tenths, rows, volunteers = found["volunteers", None]
    return {
        "participation.activities_count": count(held, excluded={"cancelled": cancelled}),
        "participation.participations_count": count(
            person_times, excluded={"cancelled_activity": at_cancelled}
        ),
        "participation.participants_count": count(people),
        "participation.volunteer_hours": Figure(
            value=tenths / 10, unit="hours", numerator=tenths / 10, n=rows
        ),
        "participation.volunteers_count": count(volunteers),
        **_disclosures(found),
        **_survey(found, SurveyQuestion.Kind.AWARENESS, "disclosure.awareness_rate"),
        **_survey(found, SurveyQuestion.Kind.SATISFACTION, "survey.satisfaction_rate"),
    }


def _disclosures(found: dict) -> dict[str, Figure]:
    """Counts of first versions by kind, and the channel coverage of the kinds published."""
    kinds = sorted(kind for name, kind in found if name == "disclosures")
    running = found["channels", None][0]
    per_kind, first, corrections, covered, off_list = {}, 0, 0, 0, 0
    for kind in kinds:
        kind_first, kind_corrections, _ = found["disclosures", kind]
        on, off, _ = found["kind_channels", kind]
        first, corrections = first + kind_first, corrections + kind_corrections
        covered, off_list = covered + on, off_list + off
        per_kind[f"disclosure.count[kind={kind}]"] = count(
            kind_first, excluded={"correction": kind_corrections}
        )
        per_kind[f"disclosure.channel_coverage_rate[kind={kind}]"] = rate(
            on, running, excluded={"channel_not_running": off}
        )
    return {
        "disclosure.count": count(first, excluded={"correction": corrections}),
        "disclosure.channel_coverage_rate": rate(
            covered, len(kinds) * running, excluded={"channel_not_running": off_list}
        ),
        **per_kind,
    }


def _survey(found: dict, kind: str, key: str) -> dict[str, Figure]:
    """The rate over every answer to questions of `kind`, and per question."""
    questions = sorted((int(q) for name, q in found if name == kind))
    out = {}
    for question in questions:
        answers, yes, blank = found[kind, str(question)]
        out[f"{key}[question={question}]"] = rate(yes, answers, excluded={"blank": blank})
    totals = [sum(found[kind, str(q)][i] for q in questions) for i in range(3)]
    return {key: rate(totals[1], totals[0], excluded={"blank": totals[2]}), **out}
