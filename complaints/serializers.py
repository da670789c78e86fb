"""API shapes of disputes. Instants are ISO 8601 with offset (a naive instant is read in the
community's time zone). Readers who may not write disputes (evaluators) get the de-identified
record: no parties' addresses, no description, notes or outcome note."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.api import CommunityRelatedField, InstantField, ModelSerializer
from property_ops.forms import household_label
from residents.models import Household

from .models import Complaint, Dispute, MediationSession

PRIVATE_FIELDS = ("description", "applicants", "respondents", "outcome_note")


class MediationSessionSerializer(ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "held_at", "mediator", "notes"]


class DisputeSerializer(ModelSerializer):
    """`applicants` and `respondents`: household ids (output: [{"id", "address"}]).
    `outcome` and `concluded_at` are set through `conclude/`. `session_count`: sessions held."""

    applicants = serializers.ListField(
        child=CommunityRelatedField(queryset=Household.objects.all()),
        label=_("Applicant households"),
        allow_empty=False,
        write_only=True,
    )
    respondents = serializers.ListField(
        child=CommunityRelatedField(queryset=Household.objects.all()),
        label=_("Respondent households"),
        required=False,
        default=list,
        write_only=True,
    )
    complaint = CommunityRelatedField(
        queryset=Complaint.objects.all(),
        label=_("Related complaint"),
        required=False,
        allow_null=True,
    )
    session_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "reported_at",
            "applicants",
            "respondents",
            "complaint",
            "session_count",
            "outcome",
            "concluded_at",
            "outcome_note",
        ]
        read_only_fields = ["outcome", "concluded_at", "outcome_note"]

    def to_representation(self, dispute):
        data = super().to_representation(dispute)
        for side in ("applicants", "respondents"):
            data[side] = [
                {"id": p.household_id, "address": household_label(p.household)}
                for p in dispute.parties.all()
                if p.side == side[:-1]
            ]
        if not self.context.get("identifies"):
            for name in PRIVATE_FIELDS:
                data.pop(name, None)
        return data


class DisputeDetailSerializer(DisputeSerializer):
    """A dispute with its mediation sessions (notes only for those who see parties)."""

    sessions = serializers.SerializerMethodField()

    class Meta(DisputeSerializer.Meta):
        fields = [*DisputeSerializer.Meta.fields, "sessions"]

    def get_sessions(self, dispute) -> list[dict]:
        sessions = MediationSessionSerializer(dispute.sessions.all(), many=True).data
        if not self.context.get("identifies"):
            for session in sessions:
                session.pop("notes")
        return sessions


class ConcludeInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Dispute.Outcome.choices, label=_("Outcome"))
    concluded_at = InstantField(label=_("Concluded at"))
    outcome_note = serializers.CharField(
        required=False, default="", allow_blank=True, label=_("Outcome note")
    )
