"""Reads of the reports app."""

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from community.models import Community, Membership, User
from tickets.models import Ticket

from .metrics import Target
from .metrics import tickets as ticket_figures
from .models import MetricValue
from .periods import Period


def metric_values_latest(
    *, community: Community, periods: list[str]
) -> dict[str, dict[str, MetricValue]]:
    """The stored values of the newest as_of of each period: {period: {key: MetricValue}}.

    Periods never computed are absent. Two queries whatever the number of periods.
    """
    found = metric_values_latest_many(communities=[community], periods=periods)
    return {period: values for (_community, period), values in found.items()}


def metric_values_latest_many(
    *, communities: Iterable[Community], periods: list[str], keys: Iterable[str] | None = None
) -> dict[tuple[int, str], dict[str, MetricValue]]:
    """The stored values of the newest as_of of each (community, period), limited to `keys`
    when given: {(community id, period): {key: MetricValue}}.

    Pairs never computed are absent. Two queries whatever the number of communities and periods.
    """
    scope = MetricValue.objects.filter(community__in=list(communities), period__in=periods)
    latest = scope.values("community", "period").annotate(as_of=Max("as_of"))
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(community=row["community"], period=row["period"], as_of=row["as_of"])
    if keys is not None:
        scope = scope.filter(key__in=list(keys))
    result: dict[tuple[int, str], dict[str, MetricValue]] = {}
    for value in scope.filter(wanted):
        result.setdefault((value.community_id, value.period), {})[value.key] = value
    return result


class TicketFact(NamedTuple):
    """A ticket's part in a figure at as_of: in its numerator or not, its own value in the
    figure's unit (response minutes, rating, ...; None when the figure has none), its status."""

    in_numerator: bool
    value: float | None
    status: str


def metric_tickets(
    *, community: Community, key: str, period: Period, as_of: datetime
) -> QuerySet[Ticket]:
    """The tickets of `community` that figure `key` of `period` as of `as_of` counts in its n
    (a rate's denominator, a percentile's durations, a count's tickets), oldest first.

    Built from the engine's own conditions (reports.metrics.tickets.RECORDS), so its count is
    the figure's n. Raises ValidationError naming `key` for a figure without ticket records.
    """
    sql, params = _records_query(community, key, period, as_of, ids_only=True)
    counted = RawSQL(sql, params)  # noqa: S611 (the engine's own SQL; parameters bound)
    return (
        Ticket.objects.filter(community=community, pk__in=counted)
        .select_related("category")
        .order_by("submitted_at", "pk")
    )


def metric_ticket_counts(
    *, community: Community, key: str, period: Period, as_of: datetime
) -> tuple[int, int]:
    """(n, numerator) of figure `key` counted from its tickets, one query: how many tickets
    `metric_tickets` lists and how many of them are in the numerator (0 for a figure without
    one). Raises ValidationError as metric_tickets does."""
    sql, params = _records_query(community, key, period, as_of, ids_only=False)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM(r.in_numerator) FROM ({sql}) r", params)  # noqa: S608
        n, numerator = cursor.fetchone()
    return n, int(numerator or 0)


def metric_ticket_facts(
    *,
    community: Community,
    key: str,
    period: Period,
    as_of: datetime,
    tickets: Iterable[Ticket] | None = None,
) -> dict[int, TicketFact]:
    """{ticket id: TicketFact} for `tickets` (default: every ticket `metric_tickets` lists) in
    figure `key`, one query. Raises ValidationError as metric_tickets does."""
    sql, params = _records_query(community, key, period, as_of, ids_only=False)
    if tickets is not None:
        ids = [ticket.pk for ticket in tickets]
        if not ids:
            return {}
        sql = f"SELECT * FROM ({sql}) r WHERE r.ticket_id IN ({', '.join(['%s'] * len(ids))})"  # noqa: S608
        params = [*params, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            ticket_id: TicketFact(
                bool(in_numerator), None if value is None else float(value), status
            )
            for ticket_id, in_numerator, value, status in cursor.fetchall()
        }


def _records_query(community, key, period, as_of, *, ids_only):
    if not ticket_figures.has_records(key):
        raise ValidationError(
            _("key: “%(key)s” is not a ticket figure with records to list"), params={"key": key}
        )
    return ticket_figures.records_query(
        key, target=Target(community, period), as_of=as_of, ids_only=ids_only
    )


def street_communities(*, user: User) -> list[Community]:
    """The communities where `user` holds an active street_officer membership, by name, with
    their street office; one query."""
    held = Membership.objects.filter(
        user=user, is_active=True, role=Membership.Role.STREET_OFFICER
    ).values("community_id")
    return list(
        Community.objects.filter(id__in=held).select_related("street_office").order_by("name")
    )
