"""Reads of the community records. Lists load what their rows display in a fixed number of
queries; `<entity>_get` answers 404 for a missing row, another community's row and a row the
viewer may not see alike. Row-level rules on top of the permission matrix: a resident reads only
the opinions they submitted and their own activity sign-ups."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Community,
    Disclosure,
    DisclosureChannel,
    Drill,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    Membership,
    Opinion,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    Training,
    User,
    VolunteerHours,
    VolunteerTeam,
)

from . import services

Role = Membership.Role


def _is_only_resident(roles) -> bool:
    return Role.RESIDENT in roles and not (
        set(roles)
        & {Role.COMMITTEE_STAFF, Role.EVALUATOR, Role.PROPERTY_MANAGER, Role.OWNERS_COMMITTEE}
    )


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- meetings, topics, opinions ---------------------------------------------------------------


def meeting_list(*, community: Community) -> QuerySet[Meeting]:
    """Meetings, newest first, with `topic_count` and `attendee_count` (organisation head
    counts, resident representatives not included)."""
    return (
        Meeting.objects.filter(community=community)
        .annotate(topic_count=Count("topics", distinct=True))
        .order_by("-held_at", "-id")
    )


def meeting_get(*, community: Community, user: User, pk) -> Meeting:
    """One meeting with attendances (and organisations), topics and attachments loaded."""
    return _get(
        Meeting.objects.filter(community=community).prefetch_related(
            Prefetch("attendances", queryset=_attendances()),
            Prefetch("topics", queryset=agenda_topic_list(community=community)),
            "attachments",
        ),
        pk,
    )


def _attendances():
    from community.models import MeetingAttendance

    return MeetingAttendance.objects.select_related("organisation").order_by("id")


def agenda_topic_list(*, community: Community) -> QuerySet[AgendaTopic]:
    """Agenda topics, newest raised first, with meeting, responsible organisation and work
    order."""
    return (
        AgendaTopic.objects.filter(community=community)
        .select_related("meeting", "responsible_organisation", "work_order", "complaint")
        .order_by("-raised_at", "-id")
    )


def agenda_topic_get(*, community: Community, user: User, pk) -> AgendaTopic:
    """One agenda topic with the opinions it took up."""
    return _get(
        agenda_topic_list(community=community).prefetch_related("opinions"),
        pk,
    )


def opinion_list(*, community: Community, user: User, roles) -> QuerySet[Opinion]:
    """Opinions, newest first, with their topic; a resident sees only their own."""
    queryset = (
        Opinion.objects.filter(community=community)
        .select_related("topic")
        .order_by("-received_at", "-id")
    )
    if _is_only_resident(roles):
        queryset = queryset.filter(submitter=user)
    return queryset


def opinion_get(*, community: Community, user: User, roles, pk) -> Opinion:
    """One opinion (Http404 also for another resident's opinion)."""
    return _get(opinion_list(community=community, user=user, roles=roles), pk)


def opinion_identifies(*, tenancy, user: User, opinion: Opinion | None = None) -> bool:
    """Whether the viewer sees who gave an opinion (`submitter_name`, and searching by it):
    those who decide opinions (committee staff), and the submitter their own. Evaluators, the
    owners' committee and the property manager read opinions without the name, as they read
    tickets (tickets.selectors.ticket_identity)."""
    return tenancy.can("agenda_topic", "write") or (
        opinion is not None and opinion.submitter_id == user.pk
    )


# --- activities and volunteers ---------------------------------------------------------------


def activity_list(*, community: Community) -> QuerySet[Activity]:
    """Activities, latest start first, with `signup_count` and `attended_count` (person-times)."""
    return (
        Activity.objects.filter(community=community)
        .annotate(
            signup_count=Count("signups"),
            attended_count=Count("signups", filter=Q(signups__attended=True)),
        )
        .order_by("-starts_at", "-id")
    )


def activity_get(*, community: Community, user: User, pk) -> Activity:
    """One activity with its counts."""
    return _get(activity_list(community=community), pk)


def activity_signup_list(*, community: Community, user: User, roles) -> QuerySet[ActivitySignup]:
    """Sign-ups with their activity; a resident sees only their own."""
    queryset = (
        ActivitySignup.objects.filter(community=community)
        .select_related("activity")
        .order_by("-activity__starts_at", "id")
    )
    if _is_only_resident(roles):
        resident = services.resident_for_user(community=community, user=user)
        queryset = queryset.filter(
            Q(user=user) | Q(resident=resident) if resident else Q(user=user)
        )
    return queryset


def activity_signup_get(*, community: Community, user: User, roles, pk) -> ActivitySignup:
    """One sign-up (Http404 also for another resident's)."""
    return _get(activity_signup_list(community=community, user=user, roles=roles), pk)


def activity_signup_of(*, activity: Activity, user: User) -> ActivitySignup | None:
    """The user's own sign-up for `activity`, if any."""
    resident = services.resident_for_user(community=activity.community, user=user)
    key = services.person_key(resident=resident, user=None if resident else user)
    return activity.signups.filter(person_key=key).first()


def volunteer_team_list(*, community: Community) -> QuerySet[VolunteerTeam]:
    """Teams by name with `volunteer_count` (distinct people who logged hours) and
    `hours_total`."""
    from django.db.models import Sum

    return (
        VolunteerTeam.objects.filter(community=community)
        .annotate(
            volunteer_count=Count("hours__person_key", distinct=True),
            hours_total=Sum("hours__hours"),
        )
        .order_by("name")
    )


def volunteer_team_get(*, community: Community, user: User, pk) -> VolunteerTeam:
    return _get(volunteer_team_list(community=community), pk)


def volunteer_hours_list(*, community: Community) -> QuerySet[VolunteerHours]:
    """Logged hours, latest first, with team and activity."""
    return (
        VolunteerHours.objects.filter(community=community)
        .select_related("team", "activity")
        .order_by("-served_on", "-id")
    )


def volunteer_hours_get(*, community: Community, user: User, pk) -> VolunteerHours:
    return _get(volunteer_hours_list(community=community), pk)


# --- disclosures ------------------------------------------------------------------------------


def disclosure_list(*, community: Community) -> QuerySet[Disclosure]:
    """Every version of every disclosure, newest first, with documents and the id of the
    version that corrects it (`corrected_by`: None for the current version)."""
    from django.db.models import OuterRef, Subquery

    return (
        Disclosure.objects.filter(community=community)
        .annotate(
            corrected_by=Subquery(
                Disclosure.objects.filter(supersedes=OuterRef("pk")).values("pk")[:1]
            )
        )
        .prefetch_related("documents")
        .order_by("-published_at", "-seq")
    )


def disclosure_get(*, community: Community, user: User | None, pk) -> Disclosure:
    """One disclosure version (public: `user` may be None)."""
    return _get(disclosure_list(community=community).select_related("supersedes"), pk)


def disclosure_versions(*, disclosure: Disclosure) -> list[Disclosure]:
    """All versions of the disclosure `disclosure` belongs to, oldest first."""
    by_id = {
        d.pk: d
        for d in Disclosure.objects.filter(
            community_id=disclosure.community_id, kind=disclosure.kind
        )
        .prefetch_related("documents")
        .order_by("seq")
    }
    first = disclosure
    while first.supersedes_id in by_id:
        first = by_id[first.supersedes_id]
    chain, current = [], by_id.get(first.pk, first)
    successor = {d.supersedes_id: d for d in by_id.values() if d.supersedes_id}
    while current is not None:
        chain.append(current)
        current = successor.get(current.pk)
    return chain


@dataclass
class ChainCheck:
    """The result of recomputing a community's disclosure hash chain.

    `altered`: ids whose stored content no longer matches their hash (edited behind the
    portal's back); `broken`: ids whose `prev_hash` is not the hash of the row before (a row
    removed, inserted or its hash rewritten); `checked`: rows checked.
    """

    checked: int = 0
    altered: set[int] = field(default_factory=set)
    broken: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not (self.altered or self.broken)

    def status(self, pk: int) -> str:
        return "altered" if pk in self.altered else "broken" if pk in self.broken else "ok"


def disclosure_chain_check(*, community: Community) -> ChainCheck:
    """Recompute every link of the community's disclosure chain (2 queries).

    A row is `altered` when SHA-256 over its canonical content and its `prev_hash` differs
    from its stored `content_hash`; `broken` when its `prev_hash` differs from the previous
    row's stored `content_hash` or its `seq` does not follow (a deleted row).
    """
    result = ChainCheck()
    expected_prev, expected_seq = services.GENESIS_HASH, 1
    rows = (
        Disclosure.objects.filter(community=community).prefetch_related("documents").order_by("seq")
    )
    for row in rows:
        result.checked += 1
        if services.disclosure_hash(row, row.documents.all()) != row.content_hash:
            result.altered.add(row.pk)
        if row.prev_hash != expected_prev or row.seq != expected_seq:
            result.broken.add(row.pk)
        expected_prev, expected_seq = row.content_hash, row.seq + 1
    return result


def disclosure_channel_list(*, community: Community) -> QuerySet[DisclosureChannel]:
    """The channels the community runs or ran."""
    return DisclosureChannel.objects.filter(community=community).order_by("channel")


def disclosure_channels_running(*, community: Community, on: date) -> set[str]:
    """Channels running on the local date `on` (the channel coverage denominator)."""
    return set(
        DisclosureChannel.objects.filter(community=community, started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
        .values_list("channel", flat=True)
    )


# --- surveys ----------------------------------------------------------------------------------


def survey_list(*, community: Community) -> QuerySet[Survey]:
    """Surveys, latest opening first, with `question_count` and `response_count`."""
    return (
        Survey.objects.filter(community=community)
        .annotate(
            question_count=Count("questions", distinct=True),
            response_count=Count("responses", distinct=True),
        )
        .order_by("-opens_at", "-id")
    )


def survey_get(*, community: Community, user: User, pk) -> Survey:
    """One survey with its questions in order."""
    return _get(survey_list(community=community).prefetch_related("questions"), pk)


def survey_answered(*, survey: Survey, user: User) -> bool:
    """True when `user` (or, for a per-household survey, their household) has answered."""
    resident = services.resident_for_user(community=survey.community, user=user)
    try:
        key = services.survey_respondent_key(survey, user=user, resident=resident)
    except ValidationError:
        return False
    return survey.responses.filter(respondent_key=key).exists()


def survey_is_open(survey: Survey, at: datetime | None = None) -> bool:
    at = at or timezone.now()
    return survey.opens_at <= at < survey.closes_at


@dataclass
class QuestionResult:
    """Counts for one question over its answers. `n`: answers to the question. `counts`:
    value -> answers (1..5, yes/no, each choice). `rate`: satisfied (4–5) ÷ n for satisfaction,
    yes ÷ n for awareness (METRICS.md awareness rate / resident satisfaction survey), None when
    n is 0 or the kind has no rate. `mean`: mean score (satisfaction). `texts`: free texts."""

    question: SurveyQuestion
    n: int = 0
    counts: dict = field(default_factory=dict)
    rate: float | None = None
    numerator: int = 0
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float | None:
        """`rate` in percent, for display (rounded only there)."""
        return None if self.rate is None else self.rate * 100

    def shares(self) -> list[tuple[str, int, float | None]]:
        """(label, count, percent of n) per counted value."""
        return [
            (label, count, count * 100 / self.n if self.n else None)
            for label, count in self.counts.items()
        ]


def survey_results(*, survey: Survey) -> list[QuestionResult]:
    """Per question counts and rates (2 queries)."""
    Kind = SurveyQuestion.Kind
    questions = list(survey.questions.all())
    answers = SurveyAnswer.objects.filter(community_id=survey.community_id, question__survey=survey)
    by_question: dict[int, list[SurveyAnswer]] = {q.pk: [] for q in questions}
    for answer in answers.only("question_id", "number", "selected", "text"):
        by_question[answer.question_id].append(answer)
    results = []
    for q in questions:
        rows = by_question[q.pk]
        result = QuestionResult(question=q, n=len(rows))
        if q.kind == Kind.SATISFACTION:
            counted = Counter(a.number for a in rows)
            result.counts = {str(score): counted.get(score, 0) for score in range(5, 0, -1)}
            result.numerator = counted.get(4, 0) + counted.get(5, 0)
            if rows:
                result.mean = sum(a.number for a in rows) / len(rows)
        elif q.kind == Kind.AWARENESS:
            counted = Counter(a.number for a in rows)
            result.counts = {"yes": counted.get(1, 0), "no": counted.get(0, 0)}
            result.numerator = counted.get(1, 0)
        elif q.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
            counted = Counter(choice for a in rows for choice in a.selected)
            result.counts = {choice: counted.get(choice, 0) for choice in q.choices}
        else:
            result.texts = [a.text for a in rows]
        if q.kind in (Kind.SATISFACTION, Kind.AWARENESS) and rows:
            result.rate = result.numerator / len(rows)
        results.append(result)
    return results


# --- emergency and team -----------------------------------------------------------------------


def emergency_plan_list(*, community: Community) -> QuerySet[EmergencyPlan]:
    """Plans with their revisions (newest first) and `drill_count`."""
    return (
        EmergencyPlan.objects.filter(community=community)
        .annotate(drill_count=Count("drills", distinct=True))
        .prefetch_related(
            Prefetch(
                "revisions", queryset=EmergencyPlanRevision.objects.order_by("-revised_on", "-id")
            )
        )
        .order_by("kind", "title", "id")
    )


def emergency_plan_get(*, community: Community, user: User, pk) -> EmergencyPlan:
    return _get(emergency_plan_list(community=community), pk)


def plan_revision_get(*, community: Community, user: User, pk) -> EmergencyPlanRevision:
    return _get(
        EmergencyPlanRevision.objects.filter(community=community).select_related("plan"), pk
    )


def drill_list(*, community: Community) -> QuerySet[Drill]:
    """Drills, latest first, with plan, `action_count` and `open_action_count`."""
    return (
        Drill.objects.filter(community=community)
        .select_related("plan")
        .annotate(
            action_count=Count("actions"),
            open_action_count=Count("actions", filter=Q(actions__done_at__isnull=True)),
        )
        .order_by("-held_at", "-id")
    )


def drill_get(*, community: Community, user: User, pk) -> Drill:
    """One drill with its after-action items."""
    return _get(drill_list(community=community).prefetch_related("actions"), pk)


def incident_list(*, community: Community) -> QuerySet[Incident]:
    """Incidents, latest reported first."""
    return Incident.objects.filter(community=community).order_by("-reported_at", "-id")


def incident_get(*, community: Community, user: User, pk) -> Incident:
    return _get(incident_list(community=community), pk)


def training_list(*, community: Community) -> QuerySet[Training]:
    """Trainings, latest first, with `attendee_count`."""
    return (
        Training.objects.filter(community=community)
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "-id")
    )


def training_get(*, community: Community, user: User, pk) -> Training:
    """One training with its attendees."""
    from community.models import TrainingAttendance

    return _get(
        training_list(community=community).prefetch_related(
            Prefetch("attendances", queryset=TrainingAttendance.objects.select_related("user"))
        ),
        pk,
    )
