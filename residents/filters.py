"""Registry filters, shared by the pages and the API: only the fields declared here filter.

`q` is the search box. Foreign keys filter by id: the queryset is already scoped to the
community, so another community's id simply matches nothing.
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from community import permissions
from community.filters import IdFilter

from .models import Building, Household, Resident, Unit
from .selectors import resident_search_q


class BuildingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Part of the building name.")
    )
    compound = IdFilter(field_name="compound_id", label=_("Compound"))

    class Meta:
        model = Building
        fields = ["q", "compound"]

    def search(self, queryset, name, value):
        return queryset.filter(name__icontains=value.strip())


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Part of the unit or building name.")
    )
    building = IdFilter(field_name="building_id", label=_("Building"))

    class Meta:
        model = Unit
        fields = ["q", "building"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(building__name__icontains=value))


class HouseholdFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Room number or part of the building name.")
    )
    building = IdFilter(field_name="unit__building_id", label=_("Building"))
    unit = IdFilter(field_name="unit_id", label=_("Unit"))
    occupancy = django_filters.ChoiceFilter(
        choices=Household.Occupancy.choices, label=_("Occupancy")
    )

    class Meta:
        model = Household
        fields = ["q", "building", "unit", "occupancy"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(room=value) | Q(unit__building__name__icontains=value))


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "Part of the name, or the exact phone or ID-card number (for those who may "
            "reveal them)."
        ),
    )
    building = IdFilter(field_name="household__unit__building_id", label=_("Building"))
    household = IdFilter(field_name="household_id", label=_("Household"))
    relation = django_filters.ChoiceFilter(choices=Resident.Relation.choices, label=_("Relation"))

    class Meta:
        model = Resident
        fields = ["q", "building", "household", "relation"]

    def search(self, queryset, name, value):
        # An exact identifier match would confirm hidden digits of a masked value: only for
        # those who may reveal it (pages and API put `tenancy` on the request).
        identifiers = self.request.tenancy.can("resident", permissions.REVEAL)
        return queryset.filter(resident_search_q(value, identifiers=identifiers))
