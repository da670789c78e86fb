"""API shapes of the community records. Instants are ISO 8601 with the community's offset;
hours are decimal strings in hours; rates are fractions in [0, 1] (None: no data). Foreign keys
accept only rows of the request's community (another community's id: "does not exist")."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.api import (
    CommunityRelatedField,
    IdField,
    InstantField,
    ModelSerializer,
    RecordFileField,
)
from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Disclosure,
    DisclosureChannel,
    DisclosureDocument,
    Drill,
    DrillAction,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    MeetingAttendance,
    Opinion,
    Organisation,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Training,
    User,
    VolunteerHours,
    VolunteerTeam,
)
from residents.identifiers import phone_mask

from . import forms, selectors


class OrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation acting in the request's community (forms.community_organisations)."""

    def get_queryset(self):
        return forms.community_organisations(self.context["community"])


class AttendanceSerializer(ModelSerializer):
    organisation = OrganisationField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = MeetingAttendance
        fields = ["organisation", "organisation_name", "attendees", "headcount"]


class MeetingSerializer(ModelSerializer):
    attendances = AttendanceSerializer(many=True, required=False)
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "held_at",
            "place",
            "resident_representatives",
            "minutes",
            "attendances",
            "topics",
            "attachments",
            "created_at",
            "updated_at",
        ]

    def get_attachments(self, meeting) -> list[dict]:
        return [{"id": a.pk, "name": a.name} for a in meeting.attachments.all()]


class AgendaTopicSerializer(ModelSerializer):
    meeting = CommunityRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    responsible_organisation = OrganisationField(required=False, allow_null=True)
    work_order_status = serializers.CharField(
        source="work_order.status", read_only=True, default=None
    )

    class Meta:
        model = AgendaTopic
        fields = [
            "id",
            "meeting",
            "title",
            "description",
            "source",
            "complaint",
            "responsible_organisation",
            "raised_at",
            "due_date",
            "status",
            "resolved_at",
            "decision",
            "work_order",
            "work_order_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["complaint", "work_order"]
        extra_kwargs = {"raised_at": {"required": False}}


class WorkOrderRequestSerializer(serializers.Serializer):
    category = IdField(help_text=_("A work-order category of the community."))
    description = serializers.CharField(required=False, allow_blank=True, default="")


class OpinionSerializer(ModelSerializer):
    """Residents send only `content` (channel online, received now); staff may send `channel`,
    `submitter_name` and `received_at` for opinions from a box or a forum."""

    class Meta:
        model = Opinion
        fields = [
            "id",
            "channel",
            "content",
            "submitter_name",
            "received_at",
            "decision",
            "decision_reason",
            "decided_at",
            "topic",
            "created_at",
        ]
        read_only_fields = ["decision", "decision_reason", "decided_at", "topic"]
        extra_kwargs = {"channel": {"required": False}, "received_at": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context["request"]
        if not selectors.opinion_identifies(
            tenancy=request.tenancy, user=request.user, opinion=instance
        ):
            data["submitter_name"] = ""
        return data


class OpinionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Opinion.Decision.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    topic = CommunityRelatedField(
        queryset=AgendaTopic.objects.all(), required=False, allow_null=True, default=None
    )
    decided_at = InstantField(required=False, allow_null=True, default=None)


class ActivitySerializer(ModelSerializer):
    signup_count = serializers.IntegerField(read_only=True)
    attended_count = serializers.IntegerField(
        read_only=True, help_text=_("Participations (person-times).")
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "kind",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "signup_open",
            "is_cancelled",
            "signup_count",
            "attended_count",
            "created_at",
        ]


class WalkInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    phone = serializers.CharField(required=False, allow_blank=True, default="")


class AttendanceRequestSerializer(serializers.Serializer):
    attended = serializers.ListField(
        child=IdField(),
        help_text=_("Ids of sign-ups who came."),
    )
    walk_ins = WalkInSerializer(many=True, required=False, default=list)


class ActivitySignupSerializer(ModelSerializer):
    phone = serializers.SerializerMethodField()
    activity_title = serializers.CharField(source="activity.title", read_only=True)

    class Meta:
        model = ActivitySignup
        fields = [
            "id",
            "activity",
            "activity_title",
            "name",
            "phone",
            "source",
            "attended",
            "created_at",
        ]
        read_only_fields = fields

    def get_phone(self, signup) -> str:
        return phone_mask(signup.phone)


class VolunteerTeamSerializer(ModelSerializer):
    volunteer_count = serializers.IntegerField(read_only=True)
    hours_total = serializers.DecimalField(max_digits=9, decimal_places=1, read_only=True)

    class Meta:
        model = VolunteerTeam
        fields = ["id", "name", "leader", "description", "volunteer_count", "hours_total"]


class VolunteerHoursSerializer(ModelSerializer):
    team = CommunityRelatedField(
        queryset=VolunteerTeam.objects.all(), required=False, allow_null=True
    )
    activity = CommunityRelatedField(
        queryset=Activity.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = VolunteerHours
        fields = ["id", "team", "activity", "name", "phone", "served_on", "hours", "note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["phone"] = phone_mask(instance.phone)
        return data


class DisclosureChannelSerializer(ModelSerializer):
    class Meta:
        model = DisclosureChannel
        fields = ["id", "channel", "started_on", "ended_on"]


class DisclosureDocumentSerializer(ModelSerializer):
    class Meta:
        model = DisclosureDocument
        fields = ["id", "name", "sha256"]


class DisclosureSerializer(ModelSerializer):
    """`chain_status` (on detail and list): ok, altered (content changed behind the portal's
    back) or broken (the link to the previous version does not hold)."""

    channels = serializers.MultipleChoiceField(choices=DisclosureChannel.Channel.choices)
    documents = DisclosureDocumentSerializer(many=True, read_only=True)
    uploads = serializers.ListField(
        child=RecordFileField(label=_("Document")), write_only=True, required=False
    )
    corrected_by = serializers.IntegerField(read_only=True, allow_null=True)
    chain_status = serializers.SerializerMethodField()

    class Meta:
        model = Disclosure
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "period_start",
            "period_end",
            "channels",
            "published_at",
            "version",
            "supersedes",
            "corrected_by",
            "correction_reason",
            "documents",
            "uploads",
            "seq",
            "prev_hash",
            "content_hash",
            "chain_status",
        ]
        read_only_fields = ["version", "supersedes", "seq", "prev_hash", "content_hash"]
        extra_kwargs = {"published_at": {"required": False}}

    def get_chain_status(self, disclosure) -> str:
        return self.context["chain"].status(disclosure.pk)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["channels"] = sorted(data["channels"])
        return data


class ObjectionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class QuestionSerializer(ModelSerializer):
    class Meta:
        model = SurveyQuestion
        fields = ["id", "position", "kind", "text", "choices", "is_required"]
        read_only_fields = ["id", "position"]


class SurveySerializer(ModelSerializer):
    questions = QuestionSerializer(many=True)
    response_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "scope",
            "is_anonymous",
            "questions",
            "response_count",
            "created_at",
        ]


class SurveyAnswerRequestSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_("Question id -> 1..5, true/false, a choice, a list of choices or text."),
    )


class SurveyAnswerSerializer(ModelSerializer):
    class Meta:
        model = SurveyAnswer
        fields = ["question", "number", "selected", "text"]


class SurveyResponseSerializer(ModelSerializer):
    """`user` and `household` are null on anonymous surveys, and for readers who may not write
    surveys (evaluators read de-identified responses; context `identified` False)."""

    answers = SurveyAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "user", "household", "submitted_at", "answers"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("identified"):
            data["user"] = data["household"] = None
        return data


class PlanRevisionSerializer(ModelSerializer):
    plan = CommunityRelatedField(queryset=EmergencyPlan.objects.all())
    document = RecordFileField(label=_("Document"), required=False)

    class Meta:
        model = EmergencyPlanRevision
        fields = ["id", "plan", "version", "revised_on", "summary", "document"]


class EmergencyPlanSerializer(ModelSerializer):
    revisions = serializers.SerializerMethodField()
    drill_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = EmergencyPlan
        fields = ["id", "kind", "title", "in_force_from", "retired_on", "revisions", "drill_count"]

    def get_revisions(self, plan) -> list[dict]:
        return [
            {
                "id": r.pk,
                "version": r.version,
                "revised_on": r.revised_on.isoformat(),
                "summary": r.summary,
            }
            for r in plan.revisions.all()
        ]


class DrillActionSerializer(ModelSerializer):
    drill = CommunityRelatedField(queryset=Drill.objects.all())

    class Meta:
        model = DrillAction
        fields = ["id", "drill", "description", "responsible", "due_date", "done_at"]


class DrillSerializer(ModelSerializer):
    plan = CommunityRelatedField(
        queryset=EmergencyPlan.objects.all(), required=False, allow_null=True
    )
    action_count = serializers.IntegerField(read_only=True)
    open_action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Drill
        fields = [
            "id",
            "plan",
            "title",
            "held_at",
            "place",
            "participants",
            "findings",
            "action_count",
            "open_action_count",
        ]


class IncidentSerializer(ModelSerializer):
    class Meta:
        model = Incident
        fields = [
            "id",
            "kind",
            "title",
            "place",
            "description",
            "reported_at",
            "first_response_at",
            "resolved_at",
        ]


class StaffField(serializers.PrimaryKeyRelatedField):
    """A user with an active staff membership in the request's community; any other id is
    refused as "does not exist", never named."""

    queryset = User.objects.all()  # its model types the field in the OpenAPI schema

    def get_queryset(self):
        from . import services

        return services.staff_users(community=self.context["community"])


class TrainingSerializer(ModelSerializer):
    attendees = serializers.SerializerMethodField()
    # Only staff of the request's community: any other id is "does not exist", never a name.
    attendee_ids = StaffField(many=True, write_only=True, required=False, label=_("Attendees"))
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Training
        fields = [
            "id",
            "topic",
            "held_on",
            "hours",
            "organiser",
            "description",
            "attendees",
            "attendee_ids",
            "attendee_count",
        ]

    def get_attendees(self, training) -> list[int]:
        return [a.user_id for a in training.attendances.all()]


class ImportRequestSerializer(serializers.Serializer):
    # The type is the importer's to check (.xlsx or .csv).
    file = RecordFileField(label=_("File"), extensions=None)
    dry_run = serializers.BooleanField(default=True)


__all__ = ["Organisation"]
