"""Pages of the reports app: a community's dashboard, the records behind one of its figures, and
the street-office view of several communities side by side (issue 5, items 3 and 4)."""

from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from community import permissions
from community.models import Membership
from community.tenancy import CommunityPageMixin
from tickets.models import Ticket
from tickets.views import RESOURCE as TICKET_RESOURCE
from tickets.views import URL_PREFIX as TICKET_URL_PREFIX

from .charts import value_format
from .dashboard import (
    STREET_DEFAULT_SORT,
    dashboard_data,
    data_months,
    period_choices,
    period_default,
    street_sort_keys,
    street_tables,
    trend_months,
)
from .metrics import metric_label
from .metrics import tickets as ticket_figures
from .metrics.tickets import replay_settings
from .models import MetricValue
from .periods import Period
from .selectors import (
    metric_ticket_counts,
    metric_ticket_facts,
    metric_tickets,
    street_communities,
)
from .services import metrics_recompute_request


def _period(request, tz, months: set | None = None) -> Period:
    """The `period` query parameter; default the latest local year with data in `months`
    (dashboard.period_default), the current local year without `months`. Raises
    ValidationError."""
    text = request.GET.get("period", "").strip()
    return Period.parse(text) if text else period_default(tz, months)


def to_date(period: Period, as_of: datetime | None, tz) -> date | None:
    """The last local day (in `tz`) a period not yet over has figures for: the day of `as_of`
    (now when None) when it falls inside `period`; None for a period that is over or to
    come."""
    day = timezone.localdate(as_of or timezone.now(), timezone=tz)
    return day if period.first <= day < period.after else None


class DashboardView(CommunityPageMixin, TemplateView):
    """GET /c/<slug>/dashboard/?period=2015|2015-Q3|2015-07 (default: the latest local year
    with tickets, so the current one for a community at work, 2015 for one imported from 2015's
    records; the current year without tickets):
    every figure with its n, last year's value and the change (percentage points for rates),
    twelve-month trends, links to the records behind each figure, and the as_of of the values.
    An invalid period answers 400 with the reason."""

    template_name = "reports/dashboard.html"
    resource = "metrics"

    def get(self, request, *args, **kwargs):
        self.months = data_months(communities=[self.community], tz=self.community.tz)
        try:
            period = _period(request, self.community.tz, self.months)
        except ValidationError as error:
            current = period_default(self.community.tz, self.months)
            context = self.get_context_data(error=error.messages[0], period=current)
            return self.render_to_response(context, status=400)
        dashboard = dashboard_data(tenancy=self.tenancy, period=period)
        until = to_date(period, dashboard.as_of, self.community.tz)
        context = self.get_context_data(
            period=period,
            dashboard=dashboard,
            to_date=until,
            period_label=(
                _("%(period)s (to %(day)s)")
                % {"period": period.key, "day": formats.date_format(until, "MONTH_DAY_FORMAT")}
                if until
                else period.key
            ),
        )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = period_choices(
            months=self.months,
            current=kwargs["period"],
            tz=self.community.tz,
        )
        context["can_recompute"] = self.tenancy.can("metrics", permissions.WRITE)
        return context


class RecomputeView(CommunityPageMixin, View):
    """POST /c/<slug>/dashboard/recompute/ with `period` (committee staff): queues the
    recomputation as of now of every period the dashboard shows (the period, the same period a
    year earlier, the twelve months of the trends) and returns to the dashboard."""

    resource = "metrics"

    def post(self, request, *args, **kwargs):
        try:
            period = Period.parse(request.POST.get("period", ""))
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return HttpResponseRedirect(reverse("reports:dashboard", args=[self.community.slug]))
        for each in [period, period.year_before(), *trend_months(period)]:
            as_of = metrics_recompute_request(community=self.community, period=each)
        messages.success(
            request,
            _("The figures are being recomputed as of %(as_of)s. Reload the page in a moment.")
            % {"as_of": as_of.astimezone(self.community.tz).strftime("%Y-%m-%d %H:%M")},
        )
        query = urlencode({"period": period.key})
        return HttpResponseRedirect(
            f"{reverse('reports:dashboard', args=[self.community.slug])}?{query}"
        )


class _CountedPaginator(Paginator):
    """A paginator told its count (the drill-down counts its tickets with the numerator in one
    query) instead of counting the queryset again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


class DashboardRecordsView(CommunityPageMixin, TemplateView):
    """GET /c/<slug>/dashboard/records/?key=...&period=...[&as_of=ISO 8601][&page=N]: the
    tickets figure `key` counts in its n for `period` as of `as_of` (default now), 50 a page,
    those in its numerator marked, with each ticket's status and own value at as_of. The filter
    is the engine's (reports.selectors.metric_tickets). A missing or invalid parameter answers
    400 naming it. Constant queries whatever the number of tickets."""

    template_name = "reports/dashboard_records.html"
    resource = "metrics"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        try:
            key, period, as_of = self._parameters()
        except ValidationError as error:
            context = self.get_context_data(error=error.messages[0])
            return self.render_to_response(context, status=400)
        where = {"community": self.community, "key": key, "period": period, "as_of": as_of}
        unit = ticket_figures.records_value_unit(key)
        with replay_settings():
            n, numerator = metric_ticket_counts(**where)
            page = _CountedPaginator(metric_tickets(**where), self.paginate_by, count=n).get_page(
                request.GET.get("page")
            )
            tickets = list(page.object_list)
            facts = metric_ticket_facts(**where, tickets=tickets)
        stored = MetricValue.objects.filter(
            community=self.community, period=period.key, key=key, as_of=as_of
        ).first()
        context = self.get_context_data(
            key=key,
            label=metric_label(key),
            period=period,
            as_of=as_of,
            n=n,
            numerator=numerator,
            has_numerator=numerator > 0 or (stored is not None and stored.unit == "fraction"),
            stored=stored,
            stored_text=value_format(stored.value, stored.unit) if stored else "",
            page=page,
            rows=_record_rows(self.tenancy, tickets, facts, unit),
            has_values=unit is not None,
            value_label=VALUE_HEADINGS.get(unit, ""),
            query=urlencode({"key": key, "period": period.key, "as_of": as_of.isoformat()}),
            dashboard_url=(
                f"{reverse('reports:dashboard', args=[self.community.slug])}"
                f"?{urlencode({'period': period.key})}"
            ),
        )
        return self.render_to_response(context)

    def _parameters(self) -> tuple[str, Period, datetime]:
        get = self.request.GET
        key = get.get("key", "").strip()
        if not ticket_figures.has_records(key):
            raise ValidationError(
                _("key: “%(key)s” is not a ticket figure with records to list"),
                params={"key": key},
            )
        period = Period.parse(get.get("period", ""))
        text = get.get("as_of", "").strip()
        if not text:
            return key, period, timezone.now()
        try:
            as_of = datetime.fromisoformat(text)
        except ValueError:
            as_of = None
        if as_of is None or as_of.tzinfo is None:
            raise ValidationError(
                _("as_of: “%(value)s” is not an ISO 8601 instant with an offset"),
                params={"value": text},
            )
        return key, period, as_of


# The heading of the tickets' own values, by their unit (records_value_unit).
VALUE_HEADINGS = {
    "minutes": pgettext_lazy("a ticket's own value", "Minutes"),
    "hours": pgettext_lazy("a ticket's own value", "Hours"),
    "rating": pgettext_lazy("a ticket's own value", "Rating"),
    "handoffs": pgettext_lazy("a ticket's own value", "Hand-offs"),
}


# Per-ticket values counted in whole units: a rating of 4, 2 hand-offs (not "4.0").
WHOLE_UNITS = {"rating", "handoffs"}


def _record_rows(tenancy, tickets, facts, unit: str | None) -> list[tuple]:
    """[(ticket, fact, status label at as_of, the ticket's own value in `unit`, its page or
    None)]; the value has one decimal (minutes, hours) or none (WHOLE_UNITS). The ticket's page
    is linked when the viewer's roles may read tickets of its kind (the page applies its own
    row rules)."""
    rows = []
    for ticket in tickets:
        fact = facts.get(ticket.pk)
        status = Ticket.Status(fact.status).label if fact else "—"
        if fact is None or fact.value is None:
            value = ""
        elif unit in WHOLE_UNITS:
            value = f"{round(fact.value):,}"
        else:
            value = f"{fact.value:,.1f}"
        url = None
        if tenancy.can(TICKET_RESOURCE[ticket.kind], permissions.READ):
            name = f"tickets:{TICKET_URL_PREFIX[ticket.kind]}-detail"
            url = reverse(name, args=[tenancy.community.slug, ticket.pk])
        rows.append((ticket, fact, status, value, url))
    return rows


# Short column headings of the street table (the figure's full label is their tooltip), so
# that eight figures fit a 1280 px screen without wrapping a character a line.
STREET_HEADINGS = {
    "tickets.count": pgettext_lazy("street table heading", "Tickets"),
    "tickets.closure_rate": pgettext_lazy("street table heading", "Closed"),
    "tickets.on_time_response_rate": pgettext_lazy("street table heading", "Answered on time"),
    "tickets.on_time_resolution_rate": pgettext_lazy("street table heading", "Resolved on time"),
    "tickets.satisfaction_rate": pgettext_lazy("street table heading", "Satisfied"),
    "tickets.response_minutes.median": pgettext_lazy("street table heading", "Response (median)"),
    "tickets.resolution_hours.median": pgettext_lazy("street table heading", "Resolution (median)"),
    "complaints.per_100_households": pgettext_lazy(
        "street table heading", "Complaints per 100 households"
    ),
}


class StreetView(LoginRequiredMixin, TemplateView):
    """GET /street/?period=...&sort=<column>|-<column>: the communities where the user is a
    street officer side by side, one table per street office, one row each, the figures with
    their n (default period: the latest year with tickets in them); ranked on the sorted
    figure only with n >= METRICS_RANK_MIN_N (shown on the page). 403 for a user who is no
    street officer anywhere; an invalid period answers 400. Constant queries whatever the
    number of communities."""

    template_name = "reports/street.html"

    def get(self, request, *args, **kwargs):
        communities = street_communities(user=request.user)
        if not communities or not permissions.allowed(
            {Membership.Role.STREET_OFFICER}, "metrics", permissions.READ
        ):
            raise PermissionDenied
        tz = communities[0].tz
        sort = request.GET.get("sort", "")
        if sort.lstrip("-") not in street_sort_keys():
            sort = STREET_DEFAULT_SORT
        months = data_months(communities=communities, tz=tz)
        try:
            period = _period(request, tz, months)
        except ValidationError as error:
            period = period_default(tz, months)
            context = self._context(communities, period, sort, months, error=error.messages[0])
            return self.render_to_response(context, status=400)
        tables = street_tables(communities=communities, period=period, sort=sort)
        return self.render_to_response(
            self._context(communities, period, sort, months, tables=tables)
        )

    def _context(self, communities, period, sort, months, **more):
        def link(column: str) -> str:
            flipped = f"-{column}" if sort == column else column
            return f"?{urlencode({'period': period.key, 'sort': flipped})}"

        headers = [("name", _("Community"), _("Community"))] + [
            (key, STREET_HEADINGS[key], metric_label(key)) for key in street_sort_keys()[1:]
        ]
        return self.get_context_data(
            communities=communities,
            offices=sorted({c.street_office.name for c in communities if c.street_office}),
            period=period,
            sort=sort,
            headers=[
                (
                    key,
                    short,
                    label,
                    link(key),
                    sort.lstrip("-") == key,
                )
                for key, short, label in headers
            ],
            choices=period_choices(months=months, current=period, tz=communities[0].tz),
            **more,
        )
