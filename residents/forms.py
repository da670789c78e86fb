"""Page forms of the registry. They only collect input: services validate and save, and their
errors come back onto the fields (form_add_service_errors)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Community
from community.validators import record_upload_check

from . import selectors
from .models import Building, Household, IdentityAccessLog, Resident, Unit


def form_add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the form, for other keys)."""
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class BuildingForm(forms.Form):
    compound = forms.ModelChoiceField(queryset=None, label=_("Compound"))
    name = forms.CharField(label=_("Building"), max_length=50, help_text=_("For example 3号楼."))
    floors = forms.IntegerField(label=_("Floors"), min_value=1, max_value=200, required=False)

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = selectors.compound_list(community=community)

    @staticmethod
    def initial_for(building: Building) -> dict:
        return {"compound": building.compound, "name": building.name, "floors": building.floors}


class UnitForm(forms.Form):
    building = forms.ModelChoiceField(queryset=None, label=_("Building"))
    name = forms.CharField(label=_("Unit"), max_length=50, help_text=_("For example 2单元."))

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        field.queryset = selectors.building_list(community=community)
        field.label_from_instance = lambda b: f"{b.compound.name} · {b.name}"

    @staticmethod
    def initial_for(unit: Unit) -> dict:
        return {"building": unit.building, "name": unit.name}


class HouseholdForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=None, label=_("Unit"))
    room = forms.CharField(label=_("Room"), max_length=20, help_text=_("For example 502."))
    floor_area_m2 = forms.DecimalField(
        label=_("Floor area (m²)"), max_digits=8, decimal_places=2, min_value=0.01
    )
    occupancy = forms.ChoiceField(label=_("Occupancy"), choices=Household.Occupancy.choices)

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = selectors.unit_list(community=community)
        field.label_from_instance = lambda u: (
            f"{u.building.compound.name} · {u.building.name}{u.name}"
        )

    @staticmethod
    def initial_for(household: Household) -> dict:
        return {
            "unit": household.unit,
            "room": household.room,
            "floor_area_m2": household.floor_area_m2,
            "occupancy": household.occupancy,
        }


class ResidentForm(forms.Form):
    """Phone and ID-card number are never filled in with the stored value (that would show them
    in full): on edit, an empty box keeps what is stored."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    relation = forms.ChoiceField(label=_("Relation"), choices=Resident.Relation.choices)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("Mobile or landline, e.g. 138 0013 8000 or 010-6552 9988."),
    )
    id_number = forms.CharField(
        label=_("ID-card number"),
        max_length=40,
        required=False,
        help_text=_("18 characters; stored encrypted and shown masked."),
    )

    def __init__(self, *args, community: Community, resident: Resident | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if resident is not None:
            keep = _("Leave empty to keep the stored value (%s).")
            if resident.phone:
                self.fields["phone"].help_text = keep % resident.phone_masked
            if resident.id_number_masked:
                self.fields["id_number"].help_text = keep % resident.id_number_masked

    @staticmethod
    def initial_for(resident: Resident) -> dict:
        return {"name": resident.name, "relation": resident.relation}

    def changes(self) -> dict:
        """The cleaned data as resident_update's `data`: empty identifiers are left out."""
        return {k: v for k, v in self.cleaned_data.items() if v or k not in ("phone", "id_number")}


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=IdentityAccessLog.Field.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Kept in the access log with your name and the time."),
    )


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_("Register file"))  # help text: __init__ (the limit)
    compound = forms.CharField(
        label=_("Compound"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "compound-names", "autocomplete": "off"}),
        help_text=_("Name of the compound the rows belong to; created when it does not exist."),
    )
    mapping = forms.FileField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_('A JSON file naming the header of each field, e.g. {"phone": "手机号码"}.'),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(".xlsx, or .csv in UTF-8 or GBK; up to %(max)d MB.") % {
            "max": settings.RECORD_UPLOAD_MAX_MB
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Upload an .xlsx or .csv file."))
        record_upload_check(upload, label=str(self.fields["file"].label), extensions=None)
        return upload

    def clean_mapping(self):
        """The mapping is read whole into memory: the same size limit as the register file."""
        upload = self.cleaned_data["mapping"]
        if upload:
            record_upload_check(upload, label=str(self.fields["mapping"].label), extensions=None)
        return upload
