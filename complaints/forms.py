"""Page forms of disputes. Households and complaints offered are the page's community's only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from property_ops.forms import NOTE_WIDGET, ActionForm, RecordForm, household_choices
from residents.models import Household

from .models import Dispute, MediationSession


class DisputeForm(RecordForm):
    applicants = forms.ModelMultipleChoiceField(
        label=_("Applicant households"), queryset=Household.objects.all()
    )
    respondents = forms.ModelMultipleChoiceField(
        label=_("Respondent households"), queryset=Household.objects.all(), required=False
    )

    class Meta:
        model = Dispute
        fields = ["title", "kind", "reported_at", "applicants", "respondents", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for side in ("applicants", "respondents"):
            household_choices(self.fields[side])
            self.fields[side].widget.attrs["size"] = 8
        if self.instance.pk:
            parties = list(self.instance.parties.all())
            for side in ("applicants", "respondents"):
                self.initial[side] = [p.household_id for p in parties if p.side == side[:-1]]


class MediationSessionForm(RecordForm):
    class Meta:
        model = MediationSession
        fields = ["held_at", "mediator", "notes"]


class ConcludeForm(ActionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Dispute.Outcome.choices)
    concluded_at = forms.DateTimeField(label=_("Concluded at"))
    outcome_note = forms.CharField(label=_("Outcome note"), widget=NOTE_WIDGET, required=False)
