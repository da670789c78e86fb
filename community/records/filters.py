"""Filters of the community records, shared by the pages and the API: only the fields declared
here filter. `q` is the search box; `from`/`to` bound the record's date (inclusive local dates).
Foreign keys filter by id: the queryset is already scoped to the community, so another
community's id simply matches nothing."""

import django_filters
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from community.filters import IdFilter
from community.models import (
    Activity,
    AgendaTopic,
    Disclosure,
    Drill,
    EmergencyPlan,
    Incident,
    Meeting,
    Opinion,
    Survey,
    Training,
    VolunteerHours,
    VolunteerTeam,
)

from . import selectors


class RecordFilter(django_filters.FilterSet):
    """Base: `q` searches `search_fields` (icontains, any of them). A filter made from a model
    field (`Meta.fields`) is labelled with the field's lazy verbose name."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"))

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        filter_ = super().filter_for_field(field, field_name, lookup_expr)
        # Left unlabelled, django-filter derives the label only once the filter set has a
        # model; the API schema builds the class's form fields before that, with no label,
        # and every later form then showed the field name ("Kind") in any language.
        filter_.label = capfirst(field.verbose_name)
        return filter_

    def search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


def _period(field: str, lookup_date: bool = True):
    suffix = "__date" if lookup_date else ""
    return (
        django_filters.DateFilter(
            field_name=f"{field}{suffix}", lookup_expr="gte", label=_("From")
        ),
        django_filters.DateFilter(field_name=f"{field}{suffix}", lookup_expr="lte", label=_("To")),
    )


class MeetingFilter(RecordFilter):
    search_fields = ("title", "minutes", "place")
    date_from, date_to = _period("held_at")

    class Meta:
        model = Meeting
        fields = ["q", "kind", "date_from", "date_to"]


class AgendaTopicFilter(RecordFilter):
    search_fields = ("title", "description", "decision")
    date_from, date_to = _period("raised_at")
    meeting = IdFilter(field_name="meeting_id", label=_("Meeting"))

    class Meta:
        model = AgendaTopic
        fields = ["q", "status", "source", "meeting", "date_from", "date_to"]


class OpinionFilter(RecordFilter):
    search_fields = ("content", "submitter_name", "decision_reason")

    def search(self, queryset, name, value):
        # Searching by name would tell a reader who may not see names who gave an opinion.
        if not selectors.opinion_identifies(tenancy=self.request.tenancy, user=self.request.user):
            return queryset.filter(
                Q(content__icontains=value.strip()) | Q(decision_reason__icontains=value.strip())
            )
        return super().search(queryset, name, value)

    date_from, date_to = _period("received_at")

    class Meta:
        model = Opinion
        fields = ["q", "channel", "decision", "date_from", "date_to"]


class ActivityFilter(RecordFilter):
    search_fields = ("title", "place", "description")
    date_from, date_to = _period("starts_at")

    class Meta:
        model = Activity
        fields = ["q", "kind", "date_from", "date_to"]


class VolunteerTeamFilter(RecordFilter):
    search_fields = ("name", "leader")

    class Meta:
        model = VolunteerTeam
        fields = ["q"]


class VolunteerHoursFilter(RecordFilter):
    search_fields = ("name", "note", "activity__title")
    date_from, date_to = _period("served_on", lookup_date=False)
    team = IdFilter(field_name="team_id", label=_("Team"))
    activity = IdFilter(field_name="activity_id", label=_("Activity"))

    class Meta:
        model = VolunteerHours
        fields = ["q", "team", "activity", "date_from", "date_to"]


class DisclosureFilter(RecordFilter):
    search_fields = ("title", "body")
    date_from, date_to = _period("published_at")

    class Meta:
        model = Disclosure
        fields = ["q", "kind", "date_from", "date_to"]


class SurveyFilter(RecordFilter):
    search_fields = ("title", "description")
    date_from, date_to = _period("opens_at")

    class Meta:
        model = Survey
        fields = ["q", "scope", "date_from", "date_to"]


class EmergencyPlanFilter(RecordFilter):
    search_fields = ("title",)

    class Meta:
        model = EmergencyPlan
        fields = ["q", "kind"]


class DrillFilter(RecordFilter):
    search_fields = ("title", "findings", "place")
    date_from, date_to = _period("held_at")
    plan = IdFilter(field_name="plan_id", label=_("Plan"))

    class Meta:
        model = Drill
        fields = ["q", "plan", "date_from", "date_to"]


class IncidentFilter(RecordFilter):
    search_fields = ("title", "place", "description")
    date_from, date_to = _period("reported_at")

    class Meta:
        model = Incident
        fields = ["q", "kind", "date_from", "date_to"]


class TrainingFilter(RecordFilter):
    search_fields = ("topic", "organiser", "description")
    date_from, date_to = _period("held_on", lookup_date=False)

    class Meta:
        model = Training
        fields = ["q", "date_from", "date_to"]
