"""Community records built directly (not through the services), with explicit instants, so every
expected value in the tests is computed by hand from the rows written here.

`Records(community)` writes one community's rows; `year_of_records(community)` writes a varied
year (2015) that moves every figure of the non-ticket dimensions, for the tenant-isolation test
and the PostgreSQL/SQLite comparison (tests/reports/test_engines.py).
"""

import datetime as dt
import itertools
import re
from decimal import Decimal

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Community,
    Compound,
    Disclosure,
    DisclosureChannel,
    Drill,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    Opinion,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Training,
    TrainingAttendance,
    VolunteerHours,
)
from complaints.models import Dispute
from property_ops.models import (
    ConvenienceService,
    Facility,
    FacilityStatusChange,
    Hazard,
    HazardInspection,
    HazardStep,
    HygieneInspection,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)
from tests import factories
from tests.reports.conftest import at, households

D = dt.date
H = dt.timedelta(hours=1)
_numbers = itertools.count(1)
QUESTION_KEY = re.compile(r"\[question=(\d+)\]")


class Records:
    """Writes records of one community; instants are aware, days are local dates."""

    def __init__(self, community: Community):
        self.c = community
        self.tz = community.timezone

    def at(self, *args) -> dt.datetime:
        """A wall time in the community's time zone."""
        return at(*args, tz=self.tz)

    def _new(self, model, **fields):
        return model.objects.create(community=self.c, **fields)

    # --- environment, facilities, services
    def run(self, due, done=None) -> None:
        self._new(
            SanitationRun,
            collection_point="1号点",
            waste_kind="household",
            due_at=due,
            done_at=done,
        )

    def compound(self, land, green, created: dt.datetime) -> None:
        compound = self._new(
            Compound,
            name=f"绿化小区{next(_numbers)}",
            land_area_m2=None if land is None else Decimal(land),
            green_area_m2=None if green is None else Decimal(green),
        )
        Compound.objects.filter(pk=compound.pk).update(created_at=created)

    def hygiene(self, day: dt.date, score: str, grade: str) -> None:
        self._new(
            HygieneInspection,
            area="公共区域",
            inspected_on=day,
            inspector="王",
            score=Decimal(score),
            grade=grade,
        )

    def facility(self, *changes: tuple[dt.datetime, str]) -> None:
        """changes: (at, status); the first is the registration."""
        facility = self._new(
            Facility, kind="elevator", name=f"设施{next(_numbers)}", registered_at=changes[0][0]
        )
        for instant, status in changes:
            self._new(FacilityStatusChange, facility=facility, status=status, at=instant)

    def service(self, kind: str, started: dt.date, ended: dt.date | None = None):
        return self._new(
            ConvenienceService,
            kind=kind,
            name=f"服务{next(_numbers)}",
            started_on=started,
            ended_on=ended,
        )

    def use(self, service, used: dt.datetime, rating: int | None = None) -> None:
        self._new(ServiceUse, service=service, used_at=used, rating=rating)

    # --- safety and emergency
    def visit(self, start: dt.datetime, end: dt.datetime, visited=None) -> None:
        patrol = self._new(PatrolRound, route="环线", planned_start=start, planned_end=end)
        self._new(
            PatrolVisit,
            patrol_round=patrol,
            checkpoint="东门",
            window_start=start,
            window_end=end,
            visited_at=visited,
        )

    def hazard(self, found: dt.datetime, *steps: tuple[str, dt.datetime], kind="other") -> None:
        hazard = self._new(
            Hazard,
            kind=kind,
            place="车棚",
            description="隐患",
            found_at=found,
            rectify_by=found.date(),
        )
        for step, instant in steps:
            self._new(HazardStep, hazard=hazard, kind=step, at=instant)

    def hazard_inspection(self, held: dt.datetime) -> None:
        self._new(HazardInspection, kind="routine", held_at=held, area="全域", inspectors="李")

    def incident(self, reported: dt.datetime, responded=None, kind="other") -> None:
        self._new(
            Incident, kind=kind, title="事件", reported_at=reported, first_response_at=responded
        )

    def drill(self, held: dt.datetime, participants: int) -> None:
        self._new(Drill, title="消防演练", held_at=held, participants=participants)

    def plan(self, in_force: dt.date, *revised: dt.date, retired: dt.date | None = None) -> None:
        plan = self._new(
            EmergencyPlan, kind="fire", title="预案", in_force_from=in_force, retired_on=retired
        )
        for n, day in enumerate(revised):
            self._new(EmergencyPlanRevision, plan=plan, version=f"v{n + 2}", revised_on=day)

    # --- governance
    def meeting(self, held: dt.datetime, kind="joint") -> None:
        self._new(Meeting, kind=kind, title="会议", held_at=held)

    def topic(self, raised: dt.datetime, resolved=None) -> None:
        self._new(
            AgendaTopic,
            title="议题",
            source="staff",
            raised_at=raised,
            status="resolved" if resolved else "raised",
            resolved_at=resolved,
        )

    def opinion(self, received: dt.datetime, decision="pending", decided=None) -> None:
        self._new(
            Opinion,
            channel="online",
            content="意见",
            received_at=received,
            decision=decision,
            decided_at=decided,
        )

    def dispute(self, concluded: dt.datetime | None, outcome="") -> None:
        self._new(
            Dispute,
            title="纠纷",
            kind="noise",
            reported_at=at(2014, 1, 1),
            outcome=outcome,
            concluded_at=concluded,
        )

    # --- participation, disclosure, surveys
    def activity(self, starts: dt.datetime, *people: str, absent=(), cancelled=False) -> None:
        activity = self._new(
            Activity,
            kind="culture",
            title="活动",
            place="活动室",
            starts_at=starts,
            ends_at=starts + 2 * H,
            is_cancelled=cancelled,
        )
        for person in people:
            self._new(
                ActivitySignup,
                activity=activity,
                name=person,
                person_key=f"n:{person}|",
                source="staff",
                attended=person not in absent,
            )

    def volunteer(self, person: str, day: dt.date, hours: str) -> None:
        self._new(
            VolunteerHours,
            name=person,
            person_key=f"n:{person}|",
            served_on=day,
            hours=Decimal(hours),
        )

    def channel(self, channel: str, started: dt.date, ended: dt.date | None = None) -> None:
        self._new(DisclosureChannel, channel=channel, started_on=started, ended_on=ended)

    def disclosure(self, kind: str, published: dt.datetime, *channels: str, corrects=None):
        seq = Disclosure.objects.filter(community=self.c).count() + 1
        return self._new(
            Disclosure,
            kind=kind,
            title="公示",
            body="内容",
            period_start=D(2015, 1, 1),
            period_end=D(2015, 12, 31),
            channels=list(channels),
            published_at=published,
            version=corrects.version + 1 if corrects else 1,
            supersedes=corrects,
            seq=seq,
            prev_hash="0" * 64,
            content_hash=f"{seq:064d}",
        )

    def survey(self, opens: dt.datetime, kinds: tuple[str, ...], *answers) -> list[int]:
        """answers: (submitted_at, number-or-None per question); returns the question ids."""
        survey = self._new(Survey, title="调查", opens_at=opens, closes_at=opens + 30 * 24 * H)
        questions = [
            self._new(SurveyQuestion, survey=survey, position=n, kind=kind, text=f"问题{n}")
            for n, kind in enumerate(kinds, 1)
        ]
        for submitted, *numbers in answers:
            response = self._new(
                SurveyResponse,
                survey=survey,
                respondent_key=f"k{next(_numbers)}",
                submitted_at=submitted,
            )
            for question, number in zip(questions, numbers, strict=True):
                self._new(SurveyAnswer, response=response, question=question, number=number)
        return [q.pk for q in questions]

    # --- team
    def staff(self, started: dt.date, ended=None, role="committee_staff", user=None):
        user = user or factories.UserFactory()
        factories.MembershipFactory(
            community=self.c, user=user, role=role, started_on=started, ended_on=ended
        )
        return user

    def training(self, day: dt.date, *users) -> None:
        training = self._new(Training, topic="培训", held_on=day, hours=Decimal("2.0"))
        for user in users:
            self._new(TrainingAttendance, training=training, user=user)


def year_of_records(community: Community) -> None:
    """A varied 2015 (and a few rows around it) touching every non-ticket figure, with decimals,
    percentiles, JSON channels, booleans, dates and instants near the period bounds."""
    r = Records(community)
    for n in range(12):
        month = 1 + n
        due = r.at(2015, month, 10, 8)
        r.run(due, due + (n % 3 - 1) * H if n % 4 else None)
        r.hygiene(
            D(2015, month, 28), f"{70 + n * 2.5:.1f}", ("fail", "pass", "good", "excellent")[n % 4]
        )
        r.visit(due, due + H, due + (n % 3) * 40 * 60 * dt.timedelta(seconds=1) if n % 5 else None)
        r.hazard(
            due,
            *([("rectified", due + 24 * H)] if n % 2 else []),
            *([("reinspection_failed", due + 48 * H)] if n % 6 == 1 else []),
            kind="fire" if n % 3 == 0 else "electrical",
        )
        r.hazard_inspection(due)
        r.incident(
            due,
            due + (n * 7 % 45 + 1) * 60 * dt.timedelta(seconds=1) if n % 4 != 3 else None,
            kind="burglary" if n % 5 == 0 else "flood",
        )
        r.drill(due, 10 + n)
        r.meeting(due, kind="joint" if n % 2 == 0 else "residents_forum")
        r.topic(due, due + 30 * 24 * H if n % 3 else None)
        r.opinion(
            due, *(("adopted", due + H) if n % 2 else ("not_adopted", due + H) if n % 3 else ())
        )
        r.dispute(due, ("agreement", "no_agreement", "withdrawn")[n % 3])
        r.activity(
            due, *[f"居民{k}" for k in range(n % 4 + 1)], absent=("居民2",), cancelled=n == 7
        )
        r.volunteer(f"志愿者{n % 5}", D(2015, month, 3), f"{1 + n % 4}.5")
        r.disclosure(
            ("property_fee", "public_revenue", "maintenance_fund")[n % 3],
            due,
            *(("portal", "notice_board") if n % 2 else ("wechat_group",)),
        )
    r.compound("10000.50", "3500.25", at(2014, 1, 1))
    r.compound("8000", "2999.99", at(2014, 1, 1))
    r.compound("5000", None, at(2014, 1, 1))
    r.facility((r.at(2014, 6, 1), "in_service"), (r.at(2015, 9, 1), "out_of_service"))
    r.facility((r.at(2014, 6, 1), "in_service"))
    r.facility((r.at(2015, 2, 1), "in_service"), (r.at(2015, 3, 1), "retired"))
    parcel = r.service("parcel", D(2014, 1, 1))
    r.service("haircut", D(2015, 3, 1), D(2015, 5, 31))
    for n, rating in enumerate((5, 4, 2, None, 3, 5)):
        r.use(parcel, r.at(2015, 2 + n, 5, 10), rating)
    r.plan(D(2013, 1, 1), D(2015, 4, 1))
    r.plan(D(2013, 1, 1), D(2014, 6, 1))
    r.plan(D(2015, 8, 1))
    r.channel("portal", D(2014, 1, 1))
    r.channel("notice_board", D(2014, 1, 1))
    r.channel("official_account", D(2014, 1, 1))
    first = r.disclosure("property_fee", r.at(2015, 4, 2, 9), "portal")
    r.disclosure("property_fee", r.at(2015, 4, 9, 9), "portal", "official_account", corrects=first)
    r.survey(
        r.at(2015, 6, 1, 9),
        ("satisfaction", "awareness", "satisfaction"),
        (r.at(2015, 6, 2, 9), 5, 1, 3),
        (r.at(2015, 6, 3, 9), 4, 0, None),
        (r.at(2015, 6, 4, 9), 2, 1, 4),
    )
    households(community, at(2014, 1, 1), at(2014, 1, 1), at(2015, 5, 1))
    staff = [r.staff(D(2014, 1, 1)) for _ in range(3)]
    r.staff(D(2014, 1, 1), role="technician", user=staff[0])
    leaver = r.staff(D(2014, 1, 1), D(2015, 10, 1))
    r.training(D(2015, 3, 5), staff[0], leaver)
    r.training(D(2015, 6, 5), staff[0], staff[1])


def by_position(found: dict) -> dict:
    """The figures with `[question=<id>]` keys renamed `[question=#<position>]`: ids differ
    between databases, positions do not (one survey per community here)."""
    positions = dict(SurveyQuestion.objects.values_list("id", "position"))
    return {
        QUESTION_KEY.sub(lambda m: f"[question=#{positions[int(m[1])]}]", key): value
        for key, value in found.items()
    }
