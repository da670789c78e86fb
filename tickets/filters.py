"""Queue filters for complaints and work orders, shared by the pages and the API.

Pass `community` (its timezone makes the date range local days):
`TicketFilter(request.GET, queryset=selectors.ticket_queue(...), community=community).qs`;
after `.qs`, `.without_status` is the same queue without its status filter (for the counts).
Foreign keys filter by id; the queryset is already scoped, so another community's id simply
matches nothing.
"""

import copy
import datetime

import django_filters
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.filters import IdFilter

from .models import ResponsibleParty, Ticket
from .selectors import overdue_q

# Each sort key with its ascending and descending label (django-filter's own "(descending)"
# suffix has no Chinese).
ORDERING = {
    "submitted_at": (_("Submitted, oldest first"), _("Submitted, newest first")),
    "response_due_at": (
        _("Response deadline, earliest first"),
        _("Response deadline, latest first"),
    ),
    "resolution_due_at": (
        _("Resolution deadline, earliest first"),
        _("Resolution deadline, latest first"),
    ),
    "status": (_("Status"), _("Status, reversed")),
    "number": (_("Number, ascending"), _("Number, descending")),
}


class _Definitions(dict):
    """Filters or form fields by name, of which each FilterSet or form instance takes a copy
    (`copy.deepcopy(base_filters)`, `copy.deepcopy(base_fields)`): here a shallow copy of each.
    An instance only sets attributes of its own copies (a filter's `parent` and `model`, a
    field's `widget`) and adds or deletes entries of its own dict; the deep copies of labels,
    choices and widgets cost 0.7 ms of an API list page's 11 (bench/api.py)."""

    def __deepcopy__(self, memo):
        copies = {name: copy.copy(definition) for name, definition in self.items()}
        for definition in copies.values():
            if getattr(definition, "method", None):  # its FilterMethod, bound to the copy
                definition.method = definition.method
        return copies


class TicketFilter(django_filters.FilterSet):
    # distinct=False: no join can repeat a row here, and DISTINCT over the page costs a sort.
    status = django_filters.MultipleChoiceFilter(
        choices=Ticket.Status.choices, label=_("Status"), distinct=False
    )
    category = IdFilter(field_name="category_id", label=_("Category"))
    building = IdFilter(field_name="building_id", label=_("Building"))
    responsible_party = django_filters.ChoiceFilter(
        choices=ResponsibleParty.choices, label=_("Responsible party")
    )
    assignee = IdFilter(field_name="assignee_id", label=_("Assignee"))
    organisation = IdFilter(field_name="assigned_organisation_id", label=_("Assigned organisation"))
    overdue = django_filters.ChoiceFilter(
        choices=[("true", _("Yes")), ("false", _("No"))],
        empty_label=_("All"),
        method="filter_overdue",
        label=_("Overdue"),
        help_text=_("Open tickets past their response or resolution deadline."),
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Ticket.Channel.choices, label=_("Channel"), distinct=False
    )
    submitted_from = django_filters.DateFilter(
        method="filter_from",
        label=_("Submitted from"),
        help_text=_("First local day (inclusive), in the community's timezone."),
    )
    submitted_to = django_filters.DateFilter(
        method="filter_to",
        label=_("Submitted to"),
        help_text=_("Last local day (inclusive), in the community's timezone."),
    )
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        help_text=_(
            "Ticket number (or an imported ticket's number in its source system), or part of"
            " the title, description or location."
        ),
    )
    ordering = django_filters.OrderingFilter(
        fields=list(ORDERING),
        field_labels={
            key: label
            for name, (ascending, descending) in ORDERING.items()
            for key, label in ((name, ascending), (f"-{name}", descending))
        },
        help_text=_("One of the listed fields; prefix with - for descending."),
    )

    class Meta:
        model = Ticket
        fields = [
            "status",
            "category",
            "building",
            "responsible_party",
            "assignee",
            "organisation",
            "overdue",
            "channel",
            "submitted_from",
            "submitted_to",
            "q",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, community=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.tz = community.tz if community is not None else timezone.get_current_timezone()

    def get_form_class(self):
        """The form class, built once: django-filter builds one per request (0.3 ms of CPU).
        Its fields are definitions; each form instance copies them (shallowly, _Definitions)."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
            cls._form_class.base_fields = _Definitions(cls._form_class.base_fields)
        return cls._form_class

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(), tzinfo=self.tz)

    def filter_overdue(self, queryset, name, value):
        q = overdue_q(timezone.now())
        return queryset.filter(q) if value == "true" else queryset.exclude(q)

    def filter_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=self._midnight(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=self._midnight(value + datetime.timedelta(days=1)))

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(number__iexact=value)
            | Q(external_id__iexact=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(location_text__icontains=value)
        )

    def filter_queryset(self, queryset):
        """Every filter but `status`, kept as `without_status` (the queue its counts by status
        are taken over, with the same form), then `status`. A stable order under every sort
        key, so pages never repeat or skip rows."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "status":
                queryset = self.filters[name].filter(queryset, value)
        self.without_status = queryset
        queryset = self.filters["status"].filter(queryset, data["status"])
        if not data.get("ordering"):
            return queryset
        # Tickets without the deadline sorted on come last either way, on both engines.
        keys = [
            F(key[1:]).desc(nulls_last=True) if key.startswith("-") else F(key).asc(nulls_last=True)
            for key in queryset.query.order_by
        ]
        return queryset.order_by(*keys, "-id")


TicketFilter.base_filters = _Definitions(TicketFilter.base_filters)
