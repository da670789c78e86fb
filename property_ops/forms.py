"""Page forms of the safety and operations logs. Forms parse and validate input; views hand
`cleaned_data` to services. Every choice of a related row is limited to the page's community.
Times are entered in the community's local time (the pages activate its time zone)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.models import Community
from community.validators import RecordFileField, instant_in_range

from .models import (
    ConvenienceService,
    Facility,
    Hazard,
    HazardInspection,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    SanitationRun,
    ServiceUse,
)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def style(form: forms.BaseForm, community: Community | None = None) -> None:
    """Date and time pickers, and related choices limited to `community` (Bootstrap classes
    come from the shared `partials/field.html`)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            field.widget = DateTimeInput()
            field.validators.append(instant_in_range)
        elif isinstance(field, forms.DateField):
            field.widget = DateInput()
        if isinstance(field, forms.ModelChoiceField) and community is not None:
            field.queryset = field.queryset.filter(community=community)


NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})


def household_label(household) -> str:
    """幸福里一期 1号楼1单元101: the household's compound, building, unit and room ("" for
    none); several compounds of a community may each have a 1号楼1单元101."""
    if household is None:
        return ""
    building = household.unit.building
    return f"{building.compound.name} {building.name}{household.unit.name}{household.room}"


def household_choices(field: forms.ModelChoiceField) -> None:
    """Label households by address, loading their unit and building in the same query."""
    field.queryset = field.queryset.select_related("unit__building__compound")
    field.label_from_instance = household_label


class RecordForm(forms.ModelForm):
    """A ModelForm bound to a community: `RecordForm(data, community=c, instance=...)`."""

    def __init__(self, *args, community: Community, **kwargs):
        kwargs.setdefault("instance", self._meta.model(community=community))
        super().__init__(*args, **kwargs)
        style(self, community)


class ActionForm(forms.Form):
    """A plain form (a step of a loop, a status change) styled like the record forms."""

    def __init__(self, *args, community: Community | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        style(self, community)


class FacilityForm(RecordForm):
    class Meta:
        model = Facility
        fields = [
            "kind",
            "name",
            "code",
            "compound",
            "location",
            "installed_on",
            "registered_at",
            "notes",
        ]


class FacilityStatusForm(ActionForm):
    status = forms.ChoiceField(label=_("Status"), choices=Facility.Status.choices)
    at = forms.DateTimeField(label=_("Since"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MaintenanceRecordForm(RecordForm):
    class Meta:
        model = MaintenanceRecord
        fields = ["kind", "performed_at", "performed_by", "description", "cost", "next_due_on"]


class SanitationRunForm(RecordForm):
    class Meta:
        model = SanitationRun
        fields = ["compound", "collection_point", "waste_kind", "due_at", "done_at", "crew", "note"]


class PatrolRoundForm(RecordForm):
    checkpoints = forms.CharField(
        label=_("Checkpoints"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One checkpoint per line, in patrol order."),
    )

    class Meta:
        model = PatrolRound
        fields = ["route", "guard", "planned_start", "planned_end", "checkpoints", "note"]

    def clean_checkpoints(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["checkpoints"].splitlines()]


class PatrolRoundEditForm(RecordForm):
    class Meta:
        model = PatrolRound
        fields = ["route", "guard", "note"]


class PatrolVisitForm(ActionForm):
    visited_at = forms.DateTimeField(
        label=_("Visited at"), required=False, help_text=_("Leave empty: not visited.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class HygieneInspectionForm(RecordForm):
    class Meta:
        model = HygieneInspection
        fields = ["compound", "area", "inspected_on", "inspector", "score", "grade", "findings"]


class HazardInspectionForm(RecordForm):
    class Meta:
        model = HazardInspection
        fields = ["kind", "held_at", "area", "inspectors", "notes"]


class HazardForm(RecordForm):
    class Meta:
        model = Hazard
        fields = [
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
        ]


class RectifyForm(ActionForm):
    at = forms.DateTimeField(label=_("Rectified at"))
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ReinspectForm(ActionForm):
    at = forms.DateTimeField(label=_("Re-inspected at"))
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed: close the hazard")), ("0", _("Failed: rectify again"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class HazardImportForm(ActionForm):
    file = RecordFileField(
        extensions=None,  # the importer's to check (.xlsx or .csv)
        label=_("Hazard register"),
        help_text=_("An .xlsx workbook or a .csv file (UTF-8 or GBK)."),
    )
    dry_run = forms.BooleanField(label=_("Check only, save nothing"), required=False, initial=True)


class ConvenienceServiceForm(RecordForm):
    class Meta:
        model = ConvenienceService
        fields = [
            "kind",
            "name",
            "provider",
            "location",
            "schedule",
            "started_on",
            "ended_on",
            "description",
        ]


class ServiceUseForm(RecordForm):
    class Meta:
        model = ServiceUse
        fields = ["used_at", "household", "rating", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        household_choices(self.fields["household"])
