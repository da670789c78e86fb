"""Filters of the safety and operations logs, shared by the pages and the API.

`q` is the search box; date filters take local dates (`from`/`to` inclusive) in the community's
time zone. Foreign keys filter by id: querysets are already scoped to the community, so another
community's id matches nothing.
"""

import django_filters
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from community.filters import IdFilter, IntegerFilter

from .models import (
    ConvenienceService,
    Facility,
    Hazard,
    HazardInspection,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)


def _search(*fields: str):
    def method(self, queryset, name, value):
        value = value.strip()
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return method


def _search_filter(help_text):
    return django_filters.CharFilter(method="search", label=_("Search"), help_text=help_text)


def _date_range(field: str):
    return (
        django_filters.DateFilter(field_name=field, lookup_expr="date__gte", label=_("From")),
        django_filters.DateFilter(field_name=field, lookup_expr="date__lte", label=_("To")),
    )


class FacilityFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the name, asset code or location."))
    kind = django_filters.ChoiceFilter(choices=Facility.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Facility.Status.choices, label=_("Status"))
    compound = IdFilter(field_name="compound_id", label=_("Compound"))
    search = _search("name", "code", "location")

    class Meta:
        model = Facility
        fields = ["q", "kind", "status", "compound"]


class MaintenanceRecordFilter(django_filters.FilterSet):
    facility = IdFilter(field_name="facility_id", label=_("Facility"))
    kind = django_filters.ChoiceFilter(choices=MaintenanceRecord.Kind.choices, label=_("Kind"))
    date_from, date_to = _date_range("performed_at")

    class Meta:
        model = MaintenanceRecord
        fields = ["facility", "kind", "date_from", "date_to"]


class SanitationRunFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the collection point or crew."))
    waste_kind = django_filters.ChoiceFilter(
        choices=SanitationRun.WasteKind.choices, label=_("Waste kind")
    )
    state = django_filters.ChoiceFilter(
        method="by_state",
        label=_("State"),
        choices=[("on_time", _("Done on time")), ("late", _("Done late")), ("open", _("Not done"))],
    )
    date_from, date_to = _date_range("due_at")
    search = _search("collection_point", "crew")

    class Meta:
        model = SanitationRun
        fields = ["q", "waste_kind", "state", "date_from", "date_to"]

    def by_state(self, queryset, name, value):
        if value == "open":
            return queryset.filter(done_at__isnull=True)
        on_time = Q(done_at__lte=F("due_at"))
        done = queryset.filter(done_at__isnull=False)
        return done.filter(on_time) if value == "on_time" else done.exclude(on_time)


class PatrolRoundFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the route, guard or a checkpoint."))
    date_from, date_to = _date_range("planned_start")

    class Meta:
        model = PatrolRound
        fields = ["q", "date_from", "date_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        matching = Q(route__icontains=value) | Q(guard__icontains=value)
        visits = PatrolVisit.objects.filter(checkpoint__icontains=value)
        return queryset.filter(matching | Q(pk__in=visits.values("patrol_round_id")))


class HygieneInspectionFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the area, inspector or findings."))
    grade = django_filters.ChoiceFilter(choices=HygieneInspection.Grade.choices, label=_("Grade"))
    compound = IdFilter(field_name="compound_id", label=_("Compound"))
    date_from = django_filters.DateFilter(
        field_name="inspected_on", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(field_name="inspected_on", lookup_expr="lte", label=_("To"))
    search = _search("area", "inspector", "findings")

    class Meta:
        model = HygieneInspection
        fields = ["q", "grade", "compound", "date_from", "date_to"]


class HazardInspectionFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the area, inspectors or notes."))
    kind = django_filters.ChoiceFilter(choices=HazardInspection.Kind.choices, label=_("Kind"))
    date_from, date_to = _date_range("held_at")
    search = _search("area", "inspectors", "notes")

    class Meta:
        model = HazardInspection
        fields = ["q", "kind", "date_from", "date_to"]


class HazardFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the reference, place, description or person responsible."))
    kind = django_filters.ChoiceFilter(choices=Hazard.Kind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=Hazard.Status.choices, label=_("Status"))
    inspection = IdFilter(field_name="inspection_id", label=_("Inspection"))
    date_from, date_to = _date_range("found_at")
    search = _search("reference", "place", "description", "responsible")

    class Meta:
        model = Hazard
        fields = ["q", "kind", "status", "inspection", "date_from", "date_to"]


class ConvenienceServiceFilter(django_filters.FilterSet):
    q = _search_filter(_("Part of the name, provider or location."))
    kind = django_filters.ChoiceFilter(choices=ConvenienceService.Kind.choices, label=_("Kind"))
    search = _search("name", "provider", "location")

    class Meta:
        model = ConvenienceService
        fields = ["q", "kind"]


class ServiceUseFilter(django_filters.FilterSet):
    service = IdFilter(field_name="service_id", label=_("Service"))
    rating = IntegerFilter(field_name="rating", label=_("Rating"), min_value=1, max_value=5)
    date_from, date_to = _date_range("used_at")

    class Meta:
        model = ServiceUse
        fields = ["service", "rating", "date_from", "date_to"]
