"""Writes to the community records (issue 4). Every function is keyword-only, runs in one
transaction and raises django ValidationError keyed by field name (translated) on bad input, so
nothing is half-saved. What each record feeds is named in METRICS.md, "Other dimensions"."""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Community,
    Disclosure,
    DisclosureDocument,
    DisclosureObjection,
    Drill,
    DrillAction,
    Meeting,
    MeetingAttachment,
    MeetingAttendance,
    Membership,
    Opinion,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TenantModel,
    Training,
    TrainingAttendance,
    User,
    VolunteerHours,
)
from residents.models import Resident

from . import tickets_bridge

# Staff for trainings and training coverage: committee and property staff.
STAFF_ROLES = (
    Membership.Role.COMMITTEE_STAFF,
    Membership.Role.PROPERTY_MANAGER,
    Membership.Role.TECHNICIAN,
)
GENESIS_HASH = "0" * 64


# --- generic record writes -------------------------------------------------------------------


@transaction.atomic
def record_save(
    *, community: Community, instance: TenantModel, data: dict[str, Any]
) -> TenantModel:
    """Assign `data` (field name -> value) to `instance` (new or existing) of `community`,
    validate and save it. For records whose writes carry no rule beyond their fields (meetings,
    activities, teams, plans, plan revisions, drills, incidents, trainings).

    Raises ValidationError {field: [message]} when a value is invalid or a related row belongs
    to another community.
    """
    instance.community = community
    for name, value in data.items():
        setattr(instance, name, value)
    _check_related(instance)
    _full_clean(instance)
    instance.save()
    return instance


def _check_related(instance: models.Model) -> None:
    errors = {}
    for field in instance._meta.concrete_fields:
        if field.is_relation and field.is_cached(instance):
            target = getattr(instance, field.name)
            if isinstance(target, TenantModel) and target.community_id != instance.community_id:
                errors[field.name] = [_("Choose one of this community's records.")]
    if errors:
        raise ValidationError(errors)


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"__all__": exc.messages}) from exc


def _check_order(start, end, field: str) -> None:
    if start and end and end < start:
        raise ValidationError({field: _("The end must not be before the start.")})


def person_key(
    *, resident: Resident | None = None, user: User | None = None, name: str = "", phone: str = ""
) -> str:
    """Who a participation or volunteer row is about, for "distinct" counts (METRICS.md):
    the registered resident, else the account, else name and phone as written."""
    if resident is not None:
        return f"r:{resident.pk}"
    if user is not None:
        return f"u:{user.pk}"
    return f"n:{name.strip()}|{phone}"[:80]


def resident_for_user(*, community: Community, user: User) -> Resident | None:
    """The user's registered resident record in `community`, if any."""
    return (
        Resident.objects.filter(community=community, user=user).select_related("household").first()
    )


# --- meetings and agenda topics ---------------------------------------------------------------


@transaction.atomic
def meeting_save(
    *,
    community: Community,
    meeting: Meeting | None,
    data: dict[str, Any],
    attendances: list[dict[str, Any]],
    user: User | None = None,
) -> Meeting:
    """Create or change a meeting and replace its attendance by organisation.

    `attendances`: [{"organisation": Organisation, "attendees": "names", "headcount": int}],
    one per organisation. Raises ValidationError {field: [message]}; `attendances` names a
    repeated organisation.
    """
    meeting = meeting or Meeting(recorded_by=user)
    record_save(community=community, instance=meeting, data=data)
    organisations = [a["organisation"].pk for a in attendances]
    if len(set(organisations)) != len(organisations):
        raise ValidationError({"attendances": _("Each organisation may be listed once.")})
    meeting.attendances.all().delete()
    for row in attendances:
        attendance = MeetingAttendance(community=community, meeting=meeting, **row)
        _full_clean(attendance)
        attendance.save()
    return meeting


@transaction.atomic
def meeting_attachment_add(*, meeting: Meeting, upload: UploadedFile) -> MeetingAttachment:
    """Attach a file to a meeting; stored under a generated name, the original name kept."""
    return MeetingAttachment.objects.create(
        community_id=meeting.community_id, meeting=meeting, file=upload, name=upload.name[:200]
    )


@transaction.atomic
def agenda_topic_save(
    *, community: Community, topic: AgendaTopic | None, data: dict[str, Any]
) -> AgendaTopic:
    """Create or change an agenda topic.

    `resolved_at` follows the status: set to now (or the given instant) when the topic becomes
    resolved, cleared when it leaves resolved, so the topic resolution rate (METRICS.md) reads
    `resolved_at <= as_of`. Raises ValidationError; a `complaint` source needs the complaint.
    """
    topic = topic or AgendaTopic()
    data = dict(data)
    data.setdefault("raised_at", topic.raised_at or timezone.now())
    status = data.get("status", topic.status)
    if status == AgendaTopic.Status.RESOLVED:
        data["resolved_at"] = data.get("resolved_at") or topic.resolved_at or timezone.now()
        if data["resolved_at"] < data["raised_at"]:
            raise ValidationError(
                {"resolved_at": _("A topic cannot be resolved before it was raised.")}
            )
    else:
        data["resolved_at"] = None
    record_save(community=community, instance=topic, data=data)
    return topic


@transaction.atomic
def agenda_topic_create_work_order(
    *, topic: AgendaTopic, user: User, category, description: str = ""
):
    """Turn a topic's decision into a work order residents can follow (ticket core).

    Submits a work order through tickets.services on behalf of the committee (channel `staff`),
    links it to the topic and moves the topic to in progress. Returns the ticket. Raises
    ValidationError when the topic already has one or the category is not a work-order category
    of the community.
    """
    if topic.work_order_id:
        raise ValidationError({"work_order": _("This topic already has a work order.")})
    ticket = tickets_bridge.work_order_for_decision(
        community=topic.community,
        user=user,
        category=category,
        title=topic.title,
        description=description or topic.decision or topic.description,
    )
    topic.work_order = ticket
    fields = ["work_order", "updated_at"]
    if topic.status == AgendaTopic.Status.RAISED:
        topic.status = AgendaTopic.Status.IN_PROGRESS
        fields.append("status")
    topic.save(update_fields=fields)
    return ticket


# --- opinions ---------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(
    *,
    community: Community,
    user: User,
    content: str,
    channel: str = Opinion.Channel.ONLINE,
    received_at: datetime | None = None,
    submitter_name: str = "",
) -> Opinion:
    """Record a resident opinion (online by the resident, or from a box or forum by staff).
    `received_at` defaults to now. Raises ValidationError when the content is empty."""
    if not submitter_name:
        resident = resident_for_user(community=community, user=user)
        submitter_name = resident.name if resident else (user.get_full_name() or user.username)
    opinion = Opinion(
        submitter=user,
        submitter_name=submitter_name,
        channel=channel,
        content=content,
        received_at=received_at or timezone.now(),
    )
    return record_save(community=community, instance=opinion, data={})


@transaction.atomic
def opinion_decide(
    *,
    opinion: Opinion,
    decision: str,
    reason: str = "",
    topic: AgendaTopic | None = None,
    decided_at: datetime | None = None,
) -> Opinion:
    """Decide an opinion adopted or not adopted (or back to pending), optionally linking the
    topic that took it up. Not adopted needs a reason. `decided_at` defaults to now and may not
    precede `received_at`; pending clears it. Raises ValidationError."""
    if decision == Opinion.Decision.NOT_ADOPTED and not reason.strip():
        raise ValidationError({"decision_reason": _("Say why the opinion was not adopted.")})
    if decision == Opinion.Decision.PENDING:
        decided_at = None
    else:
        decided_at = decided_at or opinion.decided_at or timezone.now()
        if decided_at < opinion.received_at:
            raise ValidationError(
                {"decided_at": _("An opinion cannot be decided before it was received.")}
            )
    data = {
        "decision": decision,
        "decision_reason": reason,
        "topic": topic,
        "decided_at": decided_at,
    }
    return record_save(community=opinion.community, instance=opinion, data=data)


# --- activities and volunteers ---------------------------------------------------------------


def activity_save(
    *, community: Community, activity: Activity | None, data: dict[str, Any]
) -> Activity:
    """Create or change an activity; the end may not precede the start and the capacity may
    not fall below the sign-ups already taken. Raises ValidationError."""
    activity = activity or Activity()
    _check_order(data.get("starts_at"), data.get("ends_at"), "ends_at")
    capacity = data.get("capacity")
    if activity.pk and capacity is not None and capacity < activity.signups.count():
        raise ValidationError({"capacity": _("More people have signed up than this capacity.")})
    return record_save(community=community, instance=activity, data=data)


@transaction.atomic
def activity_signup(*, activity: Activity, user: User) -> ActivitySignup:
    """Sign `user` up for `activity` on the web.

    Race-safe: the activity row is locked while the seats are counted, and the unique
    (activity, person) constraint refuses a second sign-up of the same person. Raises
    ValidationError when sign-up is closed, the activity has started or is cancelled, it is
    full, or the person has signed up already.
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_cancelled or not activity.signup_open or activity.starts_at <= timezone.now():
        raise ValidationError({"activity": _("Sign-up for this activity is closed.")})
    resident = resident_for_user(community=activity.community, user=user)
    key = person_key(resident=resident, user=None if resident else user)
    if activity.signups.filter(person_key=key).exists():
        raise ValidationError({"activity": _("You have signed up for this activity already.")})
    if activity.capacity is not None and activity.signups.count() >= activity.capacity:
        raise ValidationError({"activity": _("This activity is full.")})
    try:
        with transaction.atomic():
            return ActivitySignup.objects.create(
                community_id=activity.community_id,
                activity=activity,
                resident=resident,
                user=user,
                name=resident.name if resident else (user.get_full_name() or user.username),
                phone=resident.phone if resident else "",
                person_key=key,
                source=ActivitySignup.Source.WEB,
            )
    except IntegrityError as exc:
        raise ValidationError(
            {"activity": _("You have signed up for this activity already.")}
        ) from exc


@transaction.atomic
def activity_signup_withdraw(*, signup: ActivitySignup) -> None:
    """Withdraw a sign-up before the activity starts (frees the seat). Raises ValidationError
    once the activity has started or attendance was taken."""
    if signup.attended or signup.activity.starts_at <= timezone.now():
        raise ValidationError({"activity": _("The activity has started; the sign-up stays.")})
    signup.delete()


@transaction.atomic
def activity_attendance_record(
    *,
    activity: Activity,
    attended: Iterable[int],
    walk_ins: Iterable[dict[str, Any]] = (),
    source: str = ActivitySignup.Source.STAFF,
) -> list[ActivitySignup]:
    """Take attendance: sign-ups whose id is in `attended` attended, the others did not;
    `walk_ins` ([{"name", "phone", "resident"?}]) are people who came without signing up
    (capacity is a sign-up limit, not an attendance limit). Returns the new walk-in rows.
    Raises ValidationError for a walk-in without a name, a bad phone, or a person already
    listed."""
    from residents.identifiers import phone_normalise

    attended = set(attended)
    signups = activity.signups.all()
    signups.filter(id__in=attended).update(attended=True, updated_at=timezone.now())
    signups.exclude(id__in=attended).update(attended=False, updated_at=timezone.now())
    created = []
    for row in walk_ins:
        name = (row.get("name") or "").strip()
        if not name:
            raise ValidationError({"name": _("Enter the participant's name.")})
        phone = phone_normalise(row.get("phone", ""))
        resident = row.get("resident")
        key = person_key(resident=resident, name=name, phone=phone)
        if activity.signups.filter(person_key=key).exists():
            raise ValidationError({"name": _("%(name)s is listed already.") % {"name": name}})
        created.append(
            ActivitySignup.objects.create(
                community_id=activity.community_id,
                activity=activity,
                resident=resident,
                name=name,
                phone=phone,
                person_key=key,
                source=source,
                attended=True,
            )
        )
    return created


@transaction.atomic
def volunteer_hours_log(
    *, community: Community, entry: VolunteerHours | None, data: dict[str, Any]
) -> VolunteerHours:
    """Log (or correct) the hours one volunteer served: `name`, `phone`, `resident`, `team`,
    `activity`, `served_on`, `hours` (0 < hours <= 24, one decimal). One row per person per
    activity. Raises ValidationError (the phone, the hours, a repeated person)."""
    from residents.identifiers import phone_normalise

    entry = entry or VolunteerHours()
    data = dict(data)
    try:
        data["phone"] = phone_normalise(data.get("phone", ""))
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from exc
    resident = data.get("resident")
    if resident is not None and not data.get("name"):
        data["name"] = resident.name
    data["person_key"] = person_key(
        resident=resident, name=data.get("name", ""), phone=data["phone"]
    )
    hours = data.get("hours")
    if hours is not None and not 0 < hours <= 24:
        raise ValidationError({"hours": _("Hours must be more than 0 and at most 24.")})
    activity = data.get("activity")
    if activity is not None and (
        VolunteerHours.objects.filter(
            community=community, activity=activity, person_key=data["person_key"]
        )
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": _("This volunteer's hours for this activity are logged already.")}
        )
    return record_save(community=community, instance=entry, data=data)


# --- disclosures ------------------------------------------------------------------------------


def disclosure_canonical(disclosure: Disclosure, documents: Iterable[DisclosureDocument]) -> bytes:
    """The canonical serialisation a disclosure's hash covers: its content fields, its
    documents' names and SHA-256, and the previous link's hash, as sorted-key compact JSON in
    UTF-8. Instants in UTC ISO 8601 with microseconds."""
    content = {
        "community": disclosure.community_id,
        "seq": disclosure.seq,
        "kind": disclosure.kind,
        "title": disclosure.title,
        "body": disclosure.body,
        "period_start": disclosure.period_start.isoformat(),
        "period_end": disclosure.period_end.isoformat(),
        "channels": sorted(disclosure.channels),
        "published_at": disclosure.published_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "version": disclosure.version,
        "supersedes": disclosure.supersedes_id,
        "correction_reason": disclosure.correction_reason,
        "documents": [{"name": d.name, "sha256": d.sha256} for d in documents],
        "prev_hash": disclosure.prev_hash,
    }
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def disclosure_hash(disclosure: Disclosure, documents: Iterable[DisclosureDocument]) -> str:
    """SHA-256 (hex) of `disclosure_canonical`."""
    return hashlib.sha256(disclosure_canonical(disclosure, documents)).hexdigest()


@transaction.atomic
def disclosure_publish(
    *,
    community: Community,
    user: User | None,
    data: dict[str, Any],
    uploads: Iterable[UploadedFile] = (),
    supersedes: Disclosure | None = None,
) -> Disclosure:
    """Publish a disclosure, or a correction of `supersedes` (a new version; the old one stays).

    `data`: kind, title, body, period_start, period_end, channels (list of
    DisclosureChannel.Channel values), published_at (default now), correction_reason (required
    for a correction). The new row is appended to the community's hash chain; the community row
    is locked meanwhile so two publications never take the same place in the chain. Raises
    ValidationError {field: [message]}.
    """
    from community.models import DisclosureChannel

    data = dict(data)
    data.setdefault("published_at", timezone.now())
    channels = list(dict.fromkeys(data.get("channels") or []))
    unknown = set(channels) - set(DisclosureChannel.Channel.values)
    if not channels or unknown:
        raise ValidationError({"channels": _("Choose at least one channel it was published on.")})
    data["channels"] = channels
    _check_order(data.get("period_start"), data.get("period_end"), "period_end")
    if supersedes is not None:
        if not data.get("correction_reason", "").strip():
            raise ValidationError({"correction_reason": _("Say what the correction changes.")})
        data["version"] = supersedes.version + 1
    Community.objects.select_for_update().filter(pk=community.pk).first()
    # Under the chain lock, so of two corrections of one version sent at once the second sees
    # the first and is refused by this rule.
    if supersedes is not None and supersedes.corrections.exists():
        raise ValidationError({"supersedes": _("Only the latest version can be corrected.")})
    last = Disclosure.objects.filter(community=community).order_by("-seq").first()
    disclosure = Disclosure(
        community=community,
        published_by=user,
        supersedes=supersedes,
        seq=(last.seq + 1) if last else 1,
        prev_hash=last.content_hash if last else GENESIS_HASH,
        content_hash=GENESIS_HASH,
    )
    record_save(community=community, instance=disclosure, data=data)
    documents = []
    for upload in uploads:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        documents.append(
            DisclosureDocument.objects.create(
                community=community,
                disclosure=disclosure,
                file=upload,
                name=upload.name[:200],
                sha256=digest.hexdigest(),
            )
        )
    disclosure.content_hash = disclosure_hash(disclosure, documents)
    disclosure.save(update_fields=["content_hash"])
    return disclosure


@transaction.atomic
def disclosure_object(*, disclosure: Disclosure, user: User, reason: str) -> DisclosureObjection:
    """A resident objects to a disclosure: the objection is recorded and submitted as a
    complaint through the ticket core (channel web, submitter the resident). Returns the
    objection with its `complaint`. Raises ValidationError when the reason is empty."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what you object to.")})
    complaint = tickets_bridge.complaint_for_objection(
        community=disclosure.community, user=user, disclosure=disclosure, reason=reason
    )
    return DisclosureObjection.objects.create(
        community_id=disclosure.community_id,
        disclosure=disclosure,
        user=user,
        reason=reason,
        complaint=complaint,
    )


# --- surveys ----------------------------------------------------------------------------------


@transaction.atomic
def survey_save(
    *,
    community: Community,
    survey: Survey | None,
    data: dict[str, Any],
    questions: list[dict[str, Any]] | None = None,
) -> Survey:
    """Create or change a survey and (when `questions` is given) replace its questions.

    `questions`: [{"kind", "text", "choices": [str], "is_required"}] in order. Choice
    questions need at least two choices. Questions cannot change once answers exist. Raises
    ValidationError {field: [message]} (question errors under `questions`).
    """
    survey = survey or Survey()
    _check_order(data.get("opens_at"), data.get("closes_at"), "closes_at")
    if survey.pk and questions is not None and survey.responses.exists():
        raise ValidationError({"questions": _("Questions cannot change once answers exist.")})
    record_save(community=community, instance=survey, data=data)
    if questions is None:
        return survey
    if not questions:
        raise ValidationError({"questions": _("Add at least one question.")})
    survey.questions.all().delete()
    choice_kinds = (SurveyQuestion.Kind.SINGLE_CHOICE, SurveyQuestion.Kind.MULTIPLE_CHOICE)
    for position, row in enumerate(questions, start=1):
        choices = [c.strip() for c in row.get("choices") or [] if c.strip()]
        if row["kind"] in choice_kinds and len(set(choices)) < 2:
            raise ValidationError(
                {
                    "questions": _("Question %(n)s: give at least two different choices.")
                    % {"n": position}
                }
            )
        question = SurveyQuestion(
            community=community,
            survey=survey,
            position=position,
            kind=row["kind"],
            text=row["text"],
            choices=choices if row["kind"] in choice_kinds else [],
            is_required=row.get("is_required", True),
        )
        _full_clean(question)
        question.save()
    return survey


def survey_respondent_key(survey: Survey, *, user: User, resident: Resident | None) -> str:
    """The keyed hash enforcing one response per resident or household (the survey's scope).
    Raises ValidationError for a per-household survey when the user has no household."""
    if survey.scope == Survey.Scope.HOUSEHOLD:
        if resident is None:
            raise ValidationError(
                {
                    "survey": _(
                        "This survey takes one answer per household; your account is not "
                        "registered in a household."
                    )
                }
            )
        subject = f"h:{resident.household_id}"
    else:
        subject = f"r:{resident.pk}" if resident else f"u:{user.pk}"
    # Keyed so an anonymous response cannot be traced back by hashing known ids.
    return salted_hmac("gongzhi.survey-respondent", f"{survey.pk}:{subject}").hexdigest()


SURVEY_TEXT_MAX_CHARS = 2000  # a free-text answer, in characters


@transaction.atomic
def survey_answer(*, survey: Survey, user: User, answers: dict[int, Any]) -> SurveyResponse:
    """Record `user`'s answers to `survey` while it is open.

    `answers`: question id -> 1..5 (satisfaction), True/False (awareness), a choice text
    (single), a list of choice texts (multiple) or text (free). One response per resident or
    per household (the survey's scope), enforced by a unique keyed hash; an anonymous survey
    stores neither the user nor the household. Raises ValidationError keyed `survey` (closed,
    answered already) or `q<id>` (a missing or invalid answer).
    """
    now = timezone.now()
    if not survey.opens_at <= now < survey.closes_at:
        raise ValidationError({"survey": _("This survey is not open.")})
    resident = resident_for_user(community=survey.community, user=user)
    key = survey_respondent_key(survey, user=user, resident=resident)
    if SurveyResponse.objects.filter(
        community=survey.community, survey=survey, respondent_key=key
    ).exists():
        raise ValidationError({"survey": _("This survey has been answered already.")})
    rows, errors = [], {}
    for question in survey.questions.all():
        try:
            value = _answer_value(question, answers.get(question.pk))
        except ValidationError as exc:
            errors[f"q{question.pk}"] = exc.messages
            continue
        if value is not None:
            rows.append((question, value))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                community_id=survey.community_id,
                survey=survey,
                respondent_key=key,
                user=None if survey.is_anonymous else user,
                household=None if survey.is_anonymous or resident is None else resident.household,
                submitted_at=now,
            )
    except IntegrityError as exc:
        raise ValidationError({"survey": _("This survey has been answered already.")}) from exc
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(community_id=survey.community_id, response=response, question=q, **value)
        for q, value in rows
    )
    return response


def _answer_value(question: SurveyQuestion, raw: Any) -> dict[str, Any] | None:
    """The stored fields of one answer, None for a skipped optional question."""
    Kind = SurveyQuestion.Kind
    empty = raw is None or raw == "" or raw == []
    if empty:
        if question.is_required:
            raise ValidationError(_("Answer this question."))
        return None
    if question.kind == Kind.SATISFACTION:
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 5:
            raise ValidationError(_("Choose a score from 1 to 5."))
        return {"number": number}
    if question.kind == Kind.AWARENESS:
        if raw in (True, "yes", "1", 1, "true"):
            return {"number": 1}
        if raw in (False, "no", "0", 0, "false"):
            return {"number": 0}
        raise ValidationError(_("Answer yes or no."))
    if question.kind in (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE):
        selected = [raw] if isinstance(raw, str) else list(raw)
        if question.kind == Kind.SINGLE_CHOICE and len(selected) != 1:
            raise ValidationError(_("Choose one answer."))
        if not set(selected) <= set(question.choices) or len(set(selected)) != len(selected):
            raise ValidationError(_("Choose among the offered answers."))
        return {"selected": selected}
    text = str(raw).strip()
    if len(text) > SURVEY_TEXT_MAX_CHARS:
        raise ValidationError(
            _("Answer in at most %(max)s characters (this answer has %(count)s)."),
            params={"max": f"{SURVEY_TEXT_MAX_CHARS:,}", "count": f"{len(text):,}"},
            code="max_length",
        )
    return {"text": text}


# --- emergency and team -----------------------------------------------------------------------


@transaction.atomic
def drill_save(
    *,
    community: Community,
    drill: Drill | None,
    data: dict[str, Any],
    actions: list[dict[str, Any]] | None = None,
) -> Drill:
    """Create or change a drill; `actions` (when given) adds after-action items
    [{"description", "responsible", "due_date"}]. Raises ValidationError."""
    drill = record_save(community=community, instance=drill or Drill(), data=data)
    for row in actions or []:
        action = DrillAction(community=community, drill=drill, **row)
        _full_clean(action)
        action.save()
    return drill


@transaction.atomic
def drill_action_set_done(
    *, action: DrillAction, done: bool, at: datetime | None = None
) -> DrillAction:
    """Mark an after-action item done (at `at`, default now) or open again."""
    action.done_at = (at or timezone.now()) if done else None
    action.save(update_fields=["done_at", "updated_at"])
    return action


def incident_save(*, community: Community, incident, data: dict[str, Any]):
    """Create or change an incident; first response and resolution may not precede the report.
    Raises ValidationError."""
    from community.models import Incident

    reported = data.get("reported_at")
    _check_order(reported, data.get("first_response_at"), "first_response_at")
    _check_order(reported, data.get("resolved_at"), "resolved_at")
    return record_save(community=community, instance=incident or Incident(), data=data)


def staff_users(*, community: Community) -> models.QuerySet[User]:
    """Users holding an active staff membership (STAFF_ROLES) in `community`."""
    return User.objects.filter(
        memberships__community=community,
        memberships__is_active=True,
        memberships__role__in=STAFF_ROLES,
    ).distinct()


@transaction.atomic
def training_save(
    *,
    community: Community,
    training: Training | None,
    data: dict[str, Any],
    attendees: Iterable[User],
) -> Training:
    """Create or change a training and replace its attendees. Attendees must be staff of the
    community (STAFF_ROLES, active). `hours` in hours (one decimal). Raises ValidationError."""
    attendees = list(attendees)
    staff = set(
        staff_users(community=community)
        .filter(pk__in=[u.pk for u in attendees])
        .values_list("pk", flat=True)
    )
    strangers = [u for u in attendees if u.pk not in staff]
    if strangers:
        raise ValidationError(
            {
                "attendees": _("%(names)s is not staff of this community.")
                % {"names": "、".join(u.username for u in strangers)}
            }
        )
    if data.get("hours") is not None and data["hours"] <= 0:
        raise ValidationError({"hours": _("Hours must be more than 0.")})
    training = record_save(community=community, instance=training or Training(), data=data)
    training.attendances.all().delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(community=community, training=training, user=u) for u in attendees
    )
    return training
