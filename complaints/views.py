"""Dispute pages (`/c/<slug>/disputes/...`): list with filters, search and pagination; detail
with parties, sessions and outcome; create, edit, add a session, conclude. Readers who may not
write disputes (evaluators) see the de-identified record (`selectors.identifies`)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from property_ops.forms import household_label
from property_ops.pages import RecordDetailView, RecordFormView, RecordListView

from . import forms, selectors, services
from .filters import DisputeFilter


def _now():
    return timezone.localtime().replace(second=0, microsecond=0)


class DisputePage:
    app = "complaints"
    resource = "dispute"


class DisputeList(DisputePage, RecordListView):
    title = _("Disputes and mediation")
    list_selector = staticmethod(selectors.dispute_list)
    filterset_class = DisputeFilter
    columns = [
        (_("Title"), "title"),
        (_("Kind"), "kind"),
        (_("Reported at"), "reported_at"),
        (_("Sessions"), "session_count"),
        (_("Outcome"), lambda d: d.get_outcome_display() or _("Being mediated")),
        (_("Concluded at"), "concluded_at"),
    ]
    detail_url_name = "dispute-detail"
    create_url_name = "dispute-create"

    def get_queryset(self):
        # The list shows counts only: leave the parties unloaded.
        return super().get_queryset().prefetch_related(None)


class DisputeDetail(DisputePage, RecordDetailView):
    template_name = "complaints/dispute_detail.html"
    get_selector = staticmethod(selectors.dispute_get)
    fields = ["kind", "reported_at", "description", "outcome", "concluded_at", "outcome_note"]
    list_url_name = "dispute-list"
    edit_url_name = "dispute-edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        identifies = selectors.identifies(self.tenancy)
        if not identifies:
            hidden = {"description", "outcome_note"}
            context["field_rows"] = [
                row
                for row, f in zip(context["field_rows"], self.fields, strict=True)
                if f not in hidden
            ]
        context["identifies"] = identifies
        context["parties"] = [
            (p.get_side_display(), household_label(p.household)) for p in self.object.parties.all()
        ]
        return context


class DisputeCreate(DisputePage, RecordFormView):
    title = _("Record a dispute")
    form_class = forms.DisputeForm
    success_url_name = "dispute-detail"

    def get_initial(self):
        return {"reported_at": _now()}

    def get_cancel_url(self):
        return self.url("dispute-list")

    def save(self, form):
        return services.dispute_create(
            community=self.community, actor=self.request.user, **form.cleaned_data
        )


class DisputeEdit(DisputePage, RecordFormView):
    title = _("Edit dispute")
    form_class = forms.DisputeForm
    success_url_name = "dispute-detail"

    def get_instance(self):
        return selectors.dispute_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("dispute-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.dispute_update(dispute=form.instance, **form.cleaned_data)


class SessionCreate(DisputePage, RecordFormView):
    title = _("Record a mediation session")
    form_class = forms.MediationSessionForm
    success_url_name = "dispute-detail"
    parent_selector = staticmethod(selectors.dispute_get)

    def get_initial(self):
        return {"held_at": _now(), "mediator": self.request.user.get_full_name()}

    def get_cancel_url(self):
        return self.url("dispute-detail", pk=self.kwargs["pk"])

    def save(self, form):
        services.mediation_session_add(dispute=self.parent, **form.cleaned_data)
        return self.parent


class DisputeConclude(DisputePage, RecordFormView):
    title = _("Conclude the mediation")
    form_class = forms.ConcludeForm
    success_url_name = "dispute-detail"
    parent_selector = staticmethod(selectors.dispute_get)

    def get_initial(self):
        return {"concluded_at": _now()}

    def get_cancel_url(self):
        return self.url("dispute-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.dispute_conclude(dispute=self.parent, **form.cleaned_data)
