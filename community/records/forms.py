"""Page forms of the community records. Forms only parse and validate input; views hand
`cleaned_data` to services. Every choice of a related row is limited to the page's community."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import (
    Activity,
    AgendaTopic,
    Community,
    Disclosure,
    DisclosureChannel,
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
    SurveyQuestion,
    Training,
    VolunteerHours,
    VolunteerTeam,
)
from community.validators import RecordFileField, instant_in_range

from . import services
from .services import SURVEY_TEXT_MAX_CHARS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


WIDGETS = {
    forms.DateTimeField: DateTimeInput,
    forms.DateField: DateInput,
}


def community_organisations(community: Community):
    """Organisations acting in `community`: its members' organisations, the property companies of
    its compounds and its street office."""
    return (
        Organisation.objects.filter(
            Q(members__community=community)
            | Q(compounds__community=community)
            | Q(communities=community)
        )
        .distinct()
        .order_by("kind", "name")
    )


class CommunityModelForm(forms.ModelForm):
    """A model form for one community: date inputs use the browser's pickers, and foreign keys
    to tenant rows offer only this community's rows."""

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community
        for field in self.fields.values():
            widget = WIDGETS.get(type(field))
            if widget is not None:
                field.widget = widget()
                if isinstance(field, forms.DateTimeField):
                    field.input_formats = [DATETIME_FORMAT, *field.input_formats]
                    field.validators.append(instant_in_range)
            queryset = getattr(field, "queryset", None)
            if queryset is not None:
                model = queryset.model
                if model is Organisation:
                    field.queryset = community_organisations(community)
                elif any(f.name == "community" for f in model._meta.fields):
                    field.queryset = queryset.filter(community=community)

    def data_for_service(self) -> dict:
        """cleaned_data of the model fields, for `services.record_save` and friends."""
        return {
            name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data
        }


class MeetingForm(CommunityModelForm):
    attachment = RecordFileField(label=_("Attachment"), required=False)

    class Meta:
        model = Meeting
        fields = ["kind", "title", "held_at", "place", "resident_representatives", "minutes"]
        widgets = {
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "resident_representatives": forms.Textarea(attrs={"rows": 3}),
        }


class AttendanceForm(CommunityModelForm):
    class Meta:
        model = MeetingAttendance
        fields = ["organisation", "attendees", "headcount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No initial value: an untouched extra row stays empty and is skipped.
        self.fields["headcount"].initial = None
        self.fields["headcount"].required = False
        self.fields["headcount"].help_text = _("Empty: 1.")

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data["headcount"] = data.get("headcount") or 1
        return data


class NewTopicForm(CommunityModelForm):
    """A topic entered together with its meeting (raised at the meeting's time)."""

    class Meta:
        model = AgendaTopic
        fields = ["title", "source", "responsible_organisation", "due_date", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class CommunityFormSet(forms.BaseFormSet):
    """A formset whose forms take the community; empty extra forms are skipped."""

    def __init__(self, *args, community: Community, **kwargs):
        self.community = community
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "community": self.community}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            community=self.community,
        )
        self.add_fields(form, None)
        return form

    def rows(self) -> list[dict]:
        return [
            f.data_for_service()
            for f in self.forms
            if f.has_changed() and not f.cleaned_data.get("DELETE")
        ]


AttendanceFormSet = forms.formset_factory(AttendanceForm, formset=CommunityFormSet, extra=3)
NewTopicFormSet = forms.formset_factory(NewTopicForm, formset=CommunityFormSet, extra=2)


class AgendaTopicForm(CommunityModelForm):
    class Meta:
        model = AgendaTopic
        fields = [
            "meeting",
            "title",
            "description",
            "source",
            "responsible_organisation",
            "raised_at",
            "due_date",
            "status",
            "resolved_at",
            "decision",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "decision": forms.Textarea(attrs={"rows": 3}),
        }


class WorkOrderForm(forms.Form):
    """Create a work order from a topic's decision."""

    category = forms.ModelChoiceField(queryset=None, label=_("Category"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        from tickets.models import Category, TicketKind

        self.fields["category"].queryset = Category.objects.filter(
            community=community, kind=TicketKind.WORK_ORDER, is_active=True
        )


class OpinionForm(CommunityModelForm):
    """Staff record an opinion from a box, a forum or another channel."""

    class Meta:
        model = Opinion
        fields = ["channel", "content", "submitter_name", "received_at"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}


class ResidentOpinionForm(forms.Form):
    content = forms.CharField(
        label=_("Your opinion or suggestion"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )

    def __init__(self, *args, community: Community | None = None, **kwargs):
        super().__init__(*args, **kwargs)


class OpinionDecisionForm(CommunityModelForm):
    class Meta:
        model = Opinion
        fields = ["decision", "decision_reason", "topic", "decided_at"]
        widgets = {"decision_reason": forms.Textarea(attrs={"rows": 3})}


class ActivityForm(CommunityModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "signup_open",
            "is_cancelled",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class AttendanceTakeForm(forms.Form):
    """Tick who came; add walk-ins one per line as "name" or "name phone"."""

    attended = forms.MultipleChoiceField(
        label=_("Attended"), required=False, widget=forms.CheckboxSelectMultiple
    )
    walk_ins = forms.CharField(
        label=_("Walk-ins"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("People who came without signing up: one per line, name and optionally phone."),
    )

    def __init__(self, *args, signups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(s.pk, s.name) for s in signups]
        self.initial.setdefault("attended", [s.pk for s in signups if s.attended])

    def walk_in_rows(self) -> list[dict]:
        rows = []
        for line in self.cleaned_data["walk_ins"].splitlines():
            parts = line.split()
            if parts:
                rows.append({"name": parts[0], "phone": "".join(parts[1:])})
        return rows


class VolunteerTeamForm(CommunityModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["name", "leader", "description"]


class VolunteerHoursForm(CommunityModelForm):
    class Meta:
        model = VolunteerHours
        fields = ["team", "activity", "name", "phone", "served_on", "hours", "note"]


class DisclosureForm(CommunityModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Published on"),
        choices=DisclosureChannel.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    document = RecordFileField(label=_("Document"), required=False)

    class Meta:
        model = Disclosure
        fields = ["kind", "title", "body", "period_start", "period_end", "channels", "published_at"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_at"].required = False
        self.fields["published_at"].help_text = _("Empty: now.")

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        if not data.get("published_at"):
            data.pop("published_at", None)
        return data


class DisclosureCorrectionForm(DisclosureForm):
    class Meta(DisclosureForm.Meta):
        fields = [*DisclosureForm.Meta.fields, "correction_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["correction_reason"].required = True


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label=_("What do you object to?"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class DisclosureChannelForm(CommunityModelForm):
    class Meta:
        model = DisclosureChannel
        fields = ["channel", "started_on", "ended_on"]


class SurveyForm(CommunityModelForm):
    class Meta:
        model = Survey
        fields = ["title", "description", "opens_at", "closes_at", "scope", "is_anonymous"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionForm(CommunityModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Choice questions: one choice per line."),
    )
    # Unticked by default, so an untouched extra row stays empty and is skipped.
    optional = forms.BooleanField(
        label=pgettext_lazy("survey question", "Optional"), required=False
    )

    class Meta:
        model = SurveyQuestion
        fields = ["kind", "text"]

    def data_for_service(self) -> dict:
        data = super().data_for_service()
        data["choices"] = self.cleaned_data.get("choices_text", "").splitlines()
        data["is_required"] = not self.cleaned_data.get("optional")
        return data


QuestionFormSet = forms.formset_factory(QuestionForm, formset=CommunityFormSet, extra=3)


class SurveyAnswerForm(forms.Form):
    """One field per question, named q<id>."""

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        Kind = SurveyQuestion.Kind
        for q in survey.questions.all():
            common = {"label": q.text, "required": q.is_required}
            if q.kind == Kind.SATISFACTION:
                scores = [(str(n), str(n)) for n in range(5, 0, -1)]
                field = forms.ChoiceField(choices=scores, widget=forms.RadioSelect, **common)
            elif q.kind == Kind.AWARENESS:
                yes_no = [("yes", _("Yes")), ("no", _("No"))]
                field = forms.ChoiceField(choices=yes_no, widget=forms.RadioSelect, **common)
            elif q.kind == Kind.SINGLE_CHOICE:
                field = forms.ChoiceField(
                    choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common
                )
            elif q.kind == Kind.MULTIPLE_CHOICE:
                field = forms.MultipleChoiceField(
                    choices=[(c, c) for c in q.choices],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            else:
                # The length is checked by services.survey_answer (one message for page and API).
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3, "maxlength": SURVEY_TEXT_MAX_CHARS}),
                    **common,
                )
            self.fields[f"q{q.pk}"] = field

    def answers(self) -> dict[int, object]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class EmergencyPlanForm(CommunityModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ["kind", "title", "in_force_from", "retired_on"]


class PlanRevisionForm(CommunityModelForm):
    document = RecordFileField(label=_("Document"), required=False)

    class Meta:
        model = EmergencyPlanRevision
        fields = ["version", "revised_on", "summary", "document"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}


class DrillForm(CommunityModelForm):
    class Meta:
        model = Drill
        fields = ["plan", "title", "held_at", "place", "participants", "findings"]
        widgets = {"findings": forms.Textarea(attrs={"rows": 4})}


class DrillActionForm(CommunityModelForm):
    class Meta:
        model = DrillAction
        fields = ["description", "responsible", "due_date"]


DrillActionFormSet = forms.formset_factory(DrillActionForm, formset=CommunityFormSet, extra=2)


class IncidentForm(CommunityModelForm):
    class Meta:
        model = Incident
        fields = [
            "kind",
            "title",
            "place",
            "description",
            "reported_at",
            "first_response_at",
            "resolved_at",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class TrainingForm(CommunityModelForm):
    attendees = forms.ModelMultipleChoiceField(
        queryset=None, label=_("Attendees"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Training
        fields = ["topic", "held_on", "hours", "organiser", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = services.staff_users(community=self.community).order_by(
            "username"
        )
        if self.instance.pk:
            self.initial["attendees"] = [a.user_id for a in self.instance.attendances.all()]
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name() or u.username
