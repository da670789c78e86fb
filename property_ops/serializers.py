"""API shapes of the safety and operations logs. Instants are ISO 8601 with offset (a naive
instant is read in the community's time zone); money in yuan as decimal strings; scores out
of 100; ratings 1–5."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.api import CommunityRelatedField, InstantField, ModelSerializer, RecordFileField
from community.models import Compound
from residents.models import Household

from .models import (
    ConvenienceService,
    Facility,
    FacilityStatusChange,
    Hazard,
    HazardInspection,
    HazardStep,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)


def _compound_field():
    return CommunityRelatedField(
        queryset=Compound.objects.all(), label=_("Compound"), required=False, allow_null=True
    )


class FacilityStatusChangeSerializer(ModelSerializer):
    class Meta:
        model = FacilityStatusChange
        fields = ["id", "status", "at", "note"]


class FacilitySerializer(ModelSerializer):
    """`status` is the state now (read-only after creation; change it through `status/`).
    On creation it is the initial status at `registered_at` (default in service)."""

    compound = _compound_field()
    status = serializers.ChoiceField(
        choices=Facility.Status.choices, default=Facility.Status.IN_SERVICE, label=_("Status")
    )

    class Meta:
        model = Facility
        fields = [
            "id",
            "compound",
            "kind",
            "name",
            "code",
            "location",
            "installed_on",
            "registered_at",
            "status",
            "notes",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["status"].read_only = True
        return fields


class FacilityDetailSerializer(FacilitySerializer):
    """A facility with its in-service history, oldest change first."""

    status_changes = FacilityStatusChangeSerializer(many=True, read_only=True)

    class Meta(FacilitySerializer.Meta):
        fields = [*FacilitySerializer.Meta.fields, "status_changes"]


class MaintenanceRecordSerializer(ModelSerializer):
    facility = CommunityRelatedField(queryset=Facility.objects.all(), label=_("Facility"))
    facility_name = serializers.CharField(source="facility.name", read_only=True)

    class Meta:
        model = MaintenanceRecord
        fields = [
            "id",
            "facility",
            "facility_name",
            "kind",
            "performed_at",
            "performed_by",
            "description",
            "cost",
            "next_due_on",
        ]


class SanitationRunSerializer(ModelSerializer):
    """`is_on_time`: done by `due_at` (null while not done)."""

    compound = _compound_field()
    is_on_time = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = SanitationRun
        fields = [
            "id",
            "compound",
            "collection_point",
            "waste_kind",
            "due_at",
            "done_at",
            "is_on_time",
            "crew",
            "note",
        ]


class PatrolVisitSerializer(ModelSerializer):
    """`in_window`: visited between `window_start` and `window_end` inclusive."""

    in_window = serializers.BooleanField(read_only=True)

    class Meta:
        model = PatrolVisit
        fields = [
            "id",
            "checkpoint",
            "window_start",
            "window_end",
            "visited_at",
            "in_window",
            "note",
        ]
        read_only_fields = ["checkpoint", "window_start", "window_end"]


class PatrolRoundSerializer(ModelSerializer):
    """`checkpoints` (names, write-only, on creation) plans one visit each in the round's
    window; the plan is fixed afterwards. `done_count` counts visits made in their window."""

    checkpoints = serializers.ListField(
        child=serializers.CharField(max_length=200), write_only=True, label=_("Checkpoints")
    )
    visits = PatrolVisitSerializer(many=True, read_only=True)
    planned_count = serializers.IntegerField(read_only=True)
    done_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PatrolRound
        fields = [
            "id",
            "route",
            "guard",
            "planned_start",
            "planned_end",
            "note",
            "checkpoints",
            "planned_count",
            "done_count",
            "visits",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in ("checkpoints", "planned_start", "planned_end"):
                fields[name].read_only = True
        return fields


class HygieneInspectionSerializer(ModelSerializer):
    compound = _compound_field()

    class Meta:
        model = HygieneInspection
        fields = [
            "id",
            "compound",
            "area",
            "inspected_on",
            "inspector",
            "score",
            "grade",
            "findings",
        ]


class HazardInspectionSerializer(ModelSerializer):
    hazard_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = HazardInspection
        fields = ["id", "kind", "held_at", "area", "inspectors", "notes", "hazard_count"]


class HazardStepSerializer(ModelSerializer):
    class Meta:
        model = HazardStep
        fields = ["id", "kind", "at", "note"]


class HazardSerializer(ModelSerializer):
    """A finding. `status`, `rectified_at`, `reinspected_at`, `reinspection_passed` are the loop
    now, moved by `rectify/` and `reinspect/`. `photo` is write-only (multipart upload);
    `photo_url` is the page that serves it to members allowed to read hazards."""

    inspection = CommunityRelatedField(
        queryset=HazardInspection.objects.all(),
        label=_("Found during inspection"),
        required=False,
        allow_null=True,
    )
    photo = serializers.ImageField(write_only=True, required=False, label=_("Photo"))
    photo_url = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "reference",
            "inspection",
            "kind",
            "place",
            "description",
            "found_at",
            "found_by",
            "rectify_by",
            "responsible",
            "photo",
            "photo_url",
            "status",
            "rectified_at",
            "reinspected_at",
            "reinspection_passed",
        ]
        read_only_fields = ["status", "rectified_at", "reinspected_at", "reinspection_passed"]

    def get_photo_url(self, hazard: Hazard) -> str | None:
        if not hazard.photo:
            return None
        return reverse(
            "property_ops:hazard-photo", kwargs={"slug": self.context["slug"], "pk": hazard.pk}
        )


class HazardDetailSerializer(HazardSerializer):
    """A finding with its steps, oldest first."""

    steps = HazardStepSerializer(many=True, read_only=True)

    class Meta(HazardSerializer.Meta):
        fields = [*HazardSerializer.Meta.fields, "steps"]


class StatusChangeInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Facility.Status.choices, label=_("Status"))
    at = InstantField(label=_("Since"))
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class RectifyInputSerializer(serializers.Serializer):
    at = InstantField(label=_("Rectified at"))
    note = serializers.CharField(required=False, default="", allow_blank=True, label=_("Note"))


class ReinspectInputSerializer(serializers.Serializer):
    at = InstantField(label=_("Re-inspected at"))
    passed = serializers.BooleanField(label=_("Re-inspection passed"))
    note = serializers.CharField(required=False, default="", allow_blank=True, label=_("Note"))


class VisitInputSerializer(serializers.Serializer):
    visited_at = InstantField(allow_null=True, label=_("Visited at"))
    note = serializers.CharField(
        max_length=300, required=False, default="", allow_blank=True, label=_("Note")
    )


class ImportInputSerializer(serializers.Serializer):
    # The type is the importer's to check (.xlsx or .csv).
    file = RecordFileField(label=_("File"), extensions=None)
    dry_run = serializers.BooleanField(default=False, label=_("Check only"))


class ConvenienceServiceSerializer(ModelSerializer):
    """`use_count`, `rated_count`, `satisfied_count` (ratings 4–5) over all time."""

    use_count = serializers.IntegerField(read_only=True)
    rated_count = serializers.IntegerField(read_only=True)
    satisfied_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ConvenienceService
        fields = [
            "id",
            "kind",
            "name",
            "provider",
            "location",
            "schedule",
            "started_on",
            "ended_on",
            "description",
            "use_count",
            "rated_count",
            "satisfied_count",
        ]


class ServiceUseSerializer(ModelSerializer):
    service = CommunityRelatedField(queryset=ConvenienceService.objects.all(), label=_("Service"))
    service_name = serializers.CharField(source="service.name", read_only=True)
    household = CommunityRelatedField(
        queryset=Household.objects.all(), label=_("Household"), required=False, allow_null=True
    )

    class Meta:
        model = ServiceUse
        fields = ["id", "service", "service_name", "used_at", "household", "rating", "comment"]

    def to_representation(self, instance):
        """`household` is null for a de-identified viewer (context `households_shown` False)."""
        data = super().to_representation(instance)
        if not self.context.get("households_shown", True):
            data["household"] = None
        return data
