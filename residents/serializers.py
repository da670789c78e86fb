"""API shapes of the registry. Identifiers go out masked only (`phone_masked`,
`id_number_masked`); `phone` and `id_number` are accepted on input and never returned."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from community.api import CommunityRelatedField, ModelSerializer
from community.models import Compound

from .models import Building, Household, IdentityAccessLog, Resident, Unit


class BuildingSerializer(ModelSerializer):
    compound = CommunityRelatedField(queryset=Compound.objects.all(), label=_("Compound"))
    compound_name = serializers.CharField(source="compound.name", read_only=True)
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Building
        fields = ["id", "compound", "compound_name", "name", "floors", "unit_count"]


class UnitSerializer(ModelSerializer):
    building = CommunityRelatedField(queryset=Building.objects.all(), label=_("Building"))
    building_name = serializers.CharField(source="building.name", read_only=True)
    household_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "building", "building_name", "name", "household_count"]


class HouseholdSerializer(ModelSerializer):
    """`floor_area_m2`: square metres, a decimal string with 2 places."""

    unit = CommunityRelatedField(queryset=Unit.objects.all(), label=_("Unit"))
    address = serializers.SerializerMethodField()
    resident_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Household
        fields = ["id", "unit", "address", "room", "floor_area_m2", "occupancy", "resident_count"]

    def get_address(self, household: Household) -> str:
        """Building, unit and room, e.g. 1号楼1单元101."""
        return f"{household.unit.building.name}{household.unit.name}{household.room}"


class ResidentSerializer(ModelSerializer):
    """`phone` (any mainland notation) and `id_number` (18 characters) are write-only;
    output carries `phone_masked` (138****8000) and `id_number_masked` (110105********123X)."""

    household = CommunityRelatedField(queryset=Household.objects.all(), label=_("Household"))
    address = serializers.SerializerMethodField()
    phone = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=40, label=_("Phone")
    )
    phone_masked = serializers.CharField(read_only=True)
    id_number = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=40, label=_("ID-card number")
    )
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id",
            "household",
            "address",
            "name",
            "relation",
            "phone",
            "phone_masked",
            "id_number",
            "id_number_masked",
            "has_account",
        ]
        read_only_fields = ["id_number_masked"]

    def get_address(self, resident: Resident) -> str:
        """Building, unit and room of the resident's household."""
        unit = resident.household.unit
        return f"{unit.building.name}{unit.name}{resident.household.room}"

    def get_has_account(self, resident: Resident) -> bool:
        return resident.user_id is not None


class RevealSerializer(serializers.Serializer):
    """Input of the reveal action: which identifier, and why (kept in the access log)."""

    field = serializers.ChoiceField(choices=IdentityAccessLog.Field.choices)
    reason = serializers.CharField(max_length=200)


class RevealedSerializer(serializers.Serializer):
    """Output of the reveal action: the identifier in full (E.164 for a phone)."""

    field = serializers.CharField()
    value = serializers.CharField()
