"""Pages of the safety and operations logs (`/c/<slug>/ops/...`): for each kind a list with
filters, search and pagination, a detail page, and create/edit pages for the roles the
permission matrix lets write; plus the steps of the loops (facility status, patrol visits,
hazard rectification and re-inspection), the hazard register import and the hazard photo."""

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View

from residents.importer import ImportFileError

from . import forms, selectors, services
from .filters import (
    ConvenienceServiceFilter,
    FacilityFilter,
    HazardFilter,
    HazardInspectionFilter,
    HygieneInspectionFilter,
    MaintenanceRecordFilter,
    PatrolRoundFilter,
    SanitationRunFilter,
    ServiceUseFilter,
)
from .importer import hazard_import
from .pages import RecordDetailView, RecordFormView, RecordListView, RecordPage


def now_to_the_minute():
    """Now in local time, to the minute: the default of "when" fields."""
    return timezone.localtime().replace(second=0, microsecond=0)


# Facilities ------------------------------------------------------------------------------------


class FacilityList(RecordListView):
    resource = "facility"
    title = _("Facilities")
    list_selector = staticmethod(selectors.facility_list)
    filterset_class = FacilityFilter
    columns = [
        (_("Name"), "name"),
        (_("Kind"), "kind"),
        (_("Asset code"), "code"),
        (_("Compound"), "compound.name"),
        (_("Location"), "location"),
        (_("Status"), "status"),
    ]
    detail_url_name = "facility-detail"
    create_url_name = "facility-create"
    extra_links = [(_("Maintenance records"), "maintenance-list")]


class FacilityDetail(RecordDetailView):
    resource = "facility"
    template_name = "property_ops/facility_detail.html"
    get_selector = staticmethod(selectors.facility_get)
    fields = [
        "kind",
        "code",
        "compound.name",
        "location",
        "installed_on",
        "registered_at",
        "status",
        "notes",
    ]
    list_url_name = "facility-list"
    edit_url_name = "facility-edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = self.object.status_changes.select_related("recorded_by")
        context["maintenance"] = self.object.maintenance.all()
        return context


class FacilityCreate(RecordFormView):
    resource = "facility"
    title = _("Register a facility")
    form_class = forms.FacilityForm
    success_url_name = "facility-detail"

    def get_initial(self):
        return {"registered_at": now_to_the_minute()}

    def get_cancel_url(self):
        return self.url("facility-list")

    def save(self, form):
        return services.facility_create(
            community=self.community, actor=self.request.user, **form.cleaned_data
        )


class FacilityEdit(RecordFormView):
    resource = "facility"
    title = _("Edit facility")
    form_class = forms.FacilityForm
    success_url_name = "facility-detail"

    def get_instance(self):
        return selectors.facility_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("facility-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.facility_update(facility=form.instance, **form.cleaned_data)


class FacilityStatus(RecordFormView):
    resource = "facility"
    title = _("Change the facility's status")
    form_class = forms.FacilityStatusForm
    success_url_name = "facility-detail"
    parent_selector = staticmethod(selectors.facility_get)

    def get_initial(self):
        return {"at": now_to_the_minute()}

    def get_cancel_url(self):
        return self.url("facility-detail", pk=self.kwargs["pk"])

    def save(self, form):
        services.facility_status_change(
            facility=self.parent, actor=self.request.user, **form.cleaned_data
        )
        return self.parent


class MaintenanceList(RecordListView):
    resource = "facility"
    title = _("Maintenance records")
    list_selector = staticmethod(selectors.maintenance_record_list)
    filterset_class = MaintenanceRecordFilter
    columns = [
        (_("Performed at"), "performed_at"),
        (_("Facility"), "facility.name"),
        (_("Kind"), "kind"),
        (_("Performed by"), "performed_by"),
        (_("Cost (yuan)"), "cost"),
        (_("Next due on"), "next_due_on"),
    ]
    detail_url_name = "maintenance-edit"
    links_to_edit = True


class MaintenanceCreate(RecordFormView):
    resource = "facility"
    title = _("Record maintenance")
    form_class = forms.MaintenanceRecordForm
    success_url_name = "facility-detail"
    parent_selector = staticmethod(selectors.facility_get)

    def get_initial(self):
        return {"performed_at": now_to_the_minute()}

    def get_cancel_url(self):
        return self.url("facility-detail", pk=self.kwargs["pk"])

    def save(self, form):
        services.maintenance_record_create(facility=self.parent, **form.cleaned_data)
        return self.parent


class MaintenanceEdit(RecordFormView):
    resource = "facility"
    title = _("Edit maintenance record")
    form_class = forms.MaintenanceRecordForm
    success_url_name = "facility-detail"

    def get_instance(self):
        return selectors.maintenance_record_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("maintenance-list")

    def save(self, form):
        record = services.maintenance_record_update(record=form.instance, **form.cleaned_data)
        return record.facility


# Sanitation runs -------------------------------------------------------------------------------


class SanitationRunList(RecordListView):
    resource = "sanitation_run"
    title = _("Garbage clearance runs")
    list_selector = staticmethod(selectors.sanitation_run_list)
    filterset_class = SanitationRunFilter
    columns = [
        (_("Due at"), "due_at"),
        (_("Collection point"), "collection_point"),
        (_("Waste kind"), "waste_kind"),
        (_("Done at"), "done_at"),
        (_("On time"), "is_on_time"),
        (_("Crew"), "crew"),
    ]
    detail_url_name = "sanitation-detail"
    create_url_name = "sanitation-create"


class SanitationRunDetail(RecordDetailView):
    resource = "sanitation_run"
    get_selector = staticmethod(selectors.sanitation_run_get)
    fields = [
        "compound.name",
        "collection_point",
        "waste_kind",
        "due_at",
        "done_at",
        "crew",
        "note",
    ]
    list_url_name = "sanitation-list"
    edit_url_name = "sanitation-edit"


class SanitationRunCreate(RecordFormView):
    resource = "sanitation_run"
    title = _("Schedule a clearance run")
    form_class = forms.SanitationRunForm
    success_url_name = "sanitation-detail"

    def get_cancel_url(self):
        return self.url("sanitation-list")

    def save(self, form):
        return services.sanitation_run_create(community=self.community, **form.cleaned_data)


class SanitationRunEdit(RecordFormView):
    resource = "sanitation_run"
    title = _("Edit clearance run")
    form_class = forms.SanitationRunForm
    success_url_name = "sanitation-detail"

    def get_instance(self):
        return selectors.sanitation_run_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("sanitation-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.sanitation_run_update(run=form.instance, **form.cleaned_data)


# Patrol rounds ---------------------------------------------------------------------------------


class PatrolRoundList(RecordListView):
    resource = "patrol_round"
    title = _("Patrol rounds")
    list_selector = staticmethod(selectors.patrol_round_list)
    filterset_class = PatrolRoundFilter
    columns = [
        (_("Planned start"), "planned_start"),
        (_("Route"), "route"),
        (_("Guard"), "guard"),
        (_("Checkpoints planned"), "planned_count"),
        (_("Visited in their window"), "done_count"),
    ]
    detail_url_name = "patrol-detail"
    create_url_name = "patrol-create"

    def get_queryset(self):
        # The list shows counts only: leave the visits unloaded.
        return super().get_queryset().prefetch_related(None)


class PatrolRoundDetail(RecordDetailView):
    resource = "patrol_round"
    template_name = "property_ops/patrol_detail.html"
    get_selector = staticmethod(selectors.patrol_round_get)
    fields = ["route", "guard", "planned_start", "planned_end", "note"]
    list_url_name = "patrol-list"
    edit_url_name = "patrol-edit"


class PatrolRoundCreate(RecordFormView):
    resource = "patrol_round"
    title = _("Plan a patrol round")
    form_class = forms.PatrolRoundForm
    success_url_name = "patrol-detail"

    def get_cancel_url(self):
        return self.url("patrol-list")

    def save(self, form):
        return services.patrol_round_create(community=self.community, **form.cleaned_data)


class PatrolRoundEdit(RecordFormView):
    resource = "patrol_round"
    title = _("Edit patrol round")
    form_class = forms.PatrolRoundEditForm
    success_url_name = "patrol-detail"

    def get_instance(self):
        return selectors.patrol_round_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("patrol-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.patrol_round_update(patrol=form.instance, **form.cleaned_data)


class PatrolVisitRecord(RecordFormView):
    resource = "patrol_round"
    form_class = forms.PatrolVisitForm
    success_url_name = "patrol-detail"

    parent_selector = staticmethod(selectors.patrol_round_get)

    def get_visit(self):
        return selectors.patrol_visit_get(
            community=self.community,
            user=self.request.user,
            patrol=self.parent,
            pk=self.kwargs["visit"],
        )

    def get_initial(self):
        visit = self.get_visit()
        return {"visited_at": visit.visited_at or now_to_the_minute(), "note": visit.note}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Visit to %(checkpoint)s") % {
            "checkpoint": self.get_visit().checkpoint
        }
        return context

    def get_cancel_url(self):
        return self.url("patrol-detail", pk=self.kwargs["pk"])

    def save(self, form):
        visit = services.patrol_visit_record(visit=self.get_visit(), **form.cleaned_data)
        return visit.patrol_round


# Hygiene inspections ---------------------------------------------------------------------------


class HygieneInspectionList(RecordListView):
    resource = "hygiene_inspection"
    title = _("Hygiene inspections")
    list_selector = staticmethod(selectors.hygiene_inspection_list)
    filterset_class = HygieneInspectionFilter
    columns = [
        (_("Inspected on"), "inspected_on"),
        (_("Area inspected"), "area"),
        (_("Compound"), "compound.name"),
        (_("Inspector"), "inspector"),
        (_("Score"), "score"),
        (_("Grade"), "grade"),
    ]
    detail_url_name = "hygiene-detail"
    create_url_name = "hygiene-create"


class HygieneInspectionDetail(RecordDetailView):
    resource = "hygiene_inspection"
    get_selector = staticmethod(selectors.hygiene_inspection_get)
    fields = ["compound.name", "area", "inspected_on", "inspector", "score", "grade", "findings"]
    list_url_name = "hygiene-list"
    edit_url_name = "hygiene-edit"


class HygieneInspectionCreate(RecordFormView):
    resource = "hygiene_inspection"
    title = _("Record a hygiene inspection")
    form_class = forms.HygieneInspectionForm
    success_url_name = "hygiene-detail"

    def get_cancel_url(self):
        return self.url("hygiene-list")

    def save(self, form):
        return services.hygiene_inspection_create(community=self.community, **form.cleaned_data)


class HygieneInspectionEdit(RecordFormView):
    resource = "hygiene_inspection"
    title = _("Edit hygiene inspection")
    form_class = forms.HygieneInspectionForm
    success_url_name = "hygiene-detail"

    def get_instance(self):
        return selectors.hygiene_inspection_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("hygiene-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.hygiene_inspection_update(inspection=form.instance, **form.cleaned_data)


# Hazard inspections and hazards ----------------------------------------------------------------


class HazardInspectionList(RecordListView):
    resource = "hazard"
    title = _("Hazard inspections")
    list_selector = staticmethod(selectors.hazard_inspection_list)
    filterset_class = HazardInspectionFilter
    columns = [
        (_("Held at"), "held_at"),
        (_("Kind"), "kind"),
        (_("Area covered"), "area"),
        (_("Inspectors"), "inspectors"),
        (_("Hazards found"), "hazard_count"),
    ]
    detail_url_name = "hazard-inspection-detail"
    create_url_name = "hazard-inspection-create"


class HazardInspectionDetail(RecordDetailView):
    resource = "hazard"
    template_name = "property_ops/hazard_inspection_detail.html"
    get_selector = staticmethod(selectors.hazard_inspection_get)
    fields = ["kind", "held_at", "area", "inspectors", "notes"]
    list_url_name = "hazard-inspection-list"
    edit_url_name = "hazard-inspection-edit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hazards"] = self.object.hazards.all()
        return context


class HazardInspectionCreate(RecordFormView):
    resource = "hazard"
    title = _("Record a hazard inspection")
    form_class = forms.HazardInspectionForm
    success_url_name = "hazard-inspection-detail"

    def get_cancel_url(self):
        return self.url("hazard-inspection-list")

    def save(self, form):
        return services.hazard_inspection_create(community=self.community, **form.cleaned_data)


class HazardInspectionEdit(RecordFormView):
    resource = "hazard"
    title = _("Edit hazard inspection")
    form_class = forms.HazardInspectionForm
    success_url_name = "hazard-inspection-detail"

    def get_instance(self):
        return selectors.hazard_inspection_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("hazard-inspection-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.hazard_inspection_update(inspection=form.instance, **form.cleaned_data)


class HazardList(RecordListView):
    resource = "hazard"
    title = _("Hazards")
    list_selector = staticmethod(selectors.hazard_list)
    filterset_class = HazardFilter
    columns = [
        (_("Found at"), "found_at"),
        (pgettext_lazy("hazard", "Place"), "place"),
        (_("Kind"), "kind"),
        (_("Rectification deadline"), "rectify_by"),
        (_("Status"), "status"),
        (_("Rectified at"), "rectified_at"),
    ]
    detail_url_name = "hazard-detail"
    create_url_name = "hazard-create"
    extra_links = [(_("Hazard inspections"), "hazard-inspection-list")]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_write"]:
            context["extra_links"].append((_("Import a register"), self.url("hazard-import")))
        return context


class HazardDetail(RecordDetailView):
    resource = "hazard"
    template_name = "property_ops/hazard_detail.html"
    get_selector = staticmethod(selectors.hazard_get)
    fields = [
        "reference",
        "kind",
        "place",
        "description",
        "found_at",
        "found_by",
        "inspection",
        "rectify_by",
        "responsible",
        "status",
        "rectified_at",
        "reinspected_at",
        "reinspection_passed",
    ]
    list_url_name = "hazard-list"
    edit_url_name = "hazard-edit"


class HazardCreate(RecordFormView):
    resource = "hazard"
    title = _("Record a hazard")
    form_class = forms.HazardForm
    success_url_name = "hazard-detail"

    def get_initial(self):
        return {"found_at": now_to_the_minute(), "inspection": self.request.GET.get("inspection")}

    def get_cancel_url(self):
        return self.url("hazard-list")

    def save(self, form):
        return services.hazard_create(community=self.community, **form.cleaned_data)


class HazardEdit(RecordFormView):
    resource = "hazard"
    title = _("Edit hazard")
    form_class = forms.HazardForm
    success_url_name = "hazard-detail"

    def get_instance(self):
        return selectors.hazard_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("hazard-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.hazard_update(hazard=form.instance, **form.cleaned_data)


class HazardStepView(RecordFormView):
    """Rectify (`step = "rectify"`) or re-inspect (`step = "reinspect"`) a hazard."""

    resource = "hazard"
    success_url_name = "hazard-detail"
    parent_selector = staticmethod(selectors.hazard_get)
    step = ""

    def get_initial(self):
        return {"at": now_to_the_minute()}

    def get_cancel_url(self):
        return self.url("hazard-detail", pk=self.kwargs["pk"])

    def save(self, form):
        service = services.hazard_rectify if self.step == "rectify" else services.hazard_reinspect
        return service(hazard=self.parent, actor=self.request.user, **form.cleaned_data)


class HazardRectify(HazardStepView):
    title = _("Record the rectification")
    form_class = forms.RectifyForm
    step = "rectify"


class HazardReinspect(HazardStepView):
    title = _("Record the re-inspection")
    form_class = forms.ReinspectForm
    step = "reinspect"


class HazardPhoto(RecordPage, View):
    """The hazard's photo, to members who may read hazards (never a public /media/ URL)."""

    resource = "hazard"

    def get(self, request, slug, pk):
        hazard = selectors.hazard_get(community=self.community, user=request.user, pk=pk)
        if not hazard.photo:
            raise Http404
        return FileResponse(hazard.photo.open("rb"))


class HazardImport(RecordFormView):
    """Upload a hazard register: a dry run lists the bad rows; a commit saves all or nothing."""

    resource = "hazard"
    title = _("Import a hazard register")
    form_class = forms.HazardImportForm
    template_name = "property_ops/hazard_import.html"

    def get_cancel_url(self):
        return self.url("hazard-list")

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = hazard_import(
                community=self.community,
                source=upload,
                filename=upload.name,
                dry_run=form.cleaned_data["dry_run"],
                actor=self.request.user,
            )
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        # Bad rows are bad input, as on the API and the other import pages.
        return self.render_to_response(
            self.get_context_data(form=form, report=report), status=200 if report.ok else 400
        )


# Convenience services --------------------------------------------------------------------------


class ConvenienceServiceList(RecordListView):
    resource = "convenience_service"
    title = _("Convenience services")
    list_selector = staticmethod(selectors.convenience_service_list)
    filterset_class = ConvenienceServiceFilter
    columns = [
        (_("Name"), "name"),
        (_("Kind"), "kind"),
        (_("Provider"), "provider"),
        (_("Opening times"), "schedule"),
        (_("Offered from"), "started_on"),
        (_("Offered until"), "ended_on"),
        (_("Uses"), "use_count"),
    ]
    detail_url_name = "service-detail"
    create_url_name = "service-create"
    extra_links = [(_("Service uses"), "service-use-list")]


class ConvenienceServiceDetail(RecordDetailView):
    resource = "convenience_service"
    template_name = "property_ops/service_detail.html"
    get_selector = staticmethod(selectors.convenience_service_get)
    fields = ["kind", "provider", "location", "schedule", "started_on", "ended_on", "description"]
    list_url_name = "service-list"
    edit_url_name = "service-edit"
    recent_uses = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        uses = selectors.service_use_list(
            community=self.community, user=self.request.user, roles=self.roles
        ).filter(service=self.object)
        context["uses"] = uses[: self.recent_uses]
        context["show_households"] = selectors.service_use_households_shown(self.roles)
        return context


class ConvenienceServiceCreate(RecordFormView):
    resource = "convenience_service"
    title = _("Offer a convenience service")
    form_class = forms.ConvenienceServiceForm
    success_url_name = "service-detail"

    def get_cancel_url(self):
        return self.url("service-list")

    def save(self, form):
        return services.convenience_service_create(community=self.community, **form.cleaned_data)


class ConvenienceServiceEdit(RecordFormView):
    resource = "convenience_service"
    title = _("Edit convenience service")
    form_class = forms.ConvenienceServiceForm
    success_url_name = "service-detail"

    def get_instance(self):
        return selectors.convenience_service_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("service-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.convenience_service_update(service=form.instance, **form.cleaned_data)


class ServiceUseList(RecordListView):
    resource = "convenience_service"
    title = _("Service uses")
    list_selector = staticmethod(selectors.service_use_list)
    filterset_class = ServiceUseFilter
    household = (
        _("Household"),
        lambda use: forms.household_label(use.household) if use.household else None,
    )
    columns = [
        (_("Used at"), "used_at"),
        (_("Service"), "service.name"),
        household,
        (_("Rating"), "rating"),
        (_("Comment"), "comment"),
    ]
    detail_url_name = "service-use-edit"
    links_to_edit = True

    def visible_columns(self):
        if selectors.service_use_households_shown(self.roles):
            return self.columns
        return [column for column in self.columns if column is not self.household]

    def list_queryset(self):
        return selectors.service_use_list(
            community=self.community, user=self.request.user, roles=self.roles
        )


class ServiceUseCreate(RecordFormView):
    resource = "convenience_service"
    title = _("Record a service use")
    form_class = forms.ServiceUseForm
    success_url_name = "service-detail"
    parent_selector = staticmethod(selectors.convenience_service_get)

    def get_initial(self):
        return {"used_at": now_to_the_minute()}

    def get_cancel_url(self):
        return self.url("service-detail", pk=self.kwargs["pk"])

    def save(self, form):
        return services.service_use_create(service=self.parent, **form.cleaned_data).service


class ServiceUseEdit(RecordFormView):
    resource = "convenience_service"
    title = _("Edit service use")
    form_class = forms.ServiceUseForm
    success_url_name = "service-detail"

    def get_instance(self):
        return selectors.service_use_get(
            community=self.community, user=self.request.user, roles=self.roles, pk=self.kwargs["pk"]
        )

    def get_cancel_url(self):
        return self.url("service-use-list")

    def save(self, form):
        return services.service_use_update(use=form.instance, **form.cleaned_data).service
