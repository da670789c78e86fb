"""Dispute filters, shared by the pages and the API. `q` searches the title and description;
`date_from`/`date_to` are local dates of `reported_at`."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Dispute


class DisputeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"), help_text=_("Part of the title or description.")
    )
    kind = django_filters.ChoiceFilter(choices=Dispute.Kind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(
        method="by_state",
        label=_("State"),
        choices=[("open", _("Being mediated")), *Dispute.Outcome.choices],
    )
    date_from = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="reported_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = Dispute
        fields = ["q", "kind", "state", "date_from", "date_to"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def by_state(self, queryset, name, value):
        return queryset.filter(outcome="" if value == "open" else value)
