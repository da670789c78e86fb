"""Reads of tickets: queues, one ticket, its timeline, and what a viewer may see of it.

Row visibility (narrowing the permission matrix, community/permissions.py):
- committee staff and property managers: every ticket of the community;
- technicians: the work orders assigned to them, plus the pool of submitted work orders;
- residents: the tickets they submitted;
- evaluators and owners' committee members: every ticket (of the kinds the matrix lets them
  read), de-identified.
Identity (what the viewer sees of the submitter, `ticket_identity`):
- `full`: their own ticket; or the assignee of an open work order viewing it alone
  (ticket_contact_reveal logs that access);
- `masked`: committee staff and property managers, and technicians on the work orders their
  role shows them (assigned to them, or in the pool): name and masked phone (138****8000);
- `hidden`: everyone else (evaluators and owners' committee members, whatever other role they
  hold): no name, phone or household.
"""

import datetime
import json
from functools import cache
from types import SimpleNamespace

from django.db import connection, models
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.models import Community, Membership, Organisation, User
from community.permissions import MATRIX, READ
from residents.identifiers import phone_mask

from . import rules
from .models import Category, ContactAccessLog, Ticket, TicketEvent, TicketKind

Role = Membership.Role
FULL, MASKED, HIDDEN = "full", "masked", "hidden"
CLOSED_STATUSES = (*Ticket.DONE, *Ticket.INELIGIBLE)
DEIDENTIFIED_ROLES = frozenset({Role.EVALUATOR, Role.OWNERS_COMMITTEE})
# What a ticket row shows besides its own columns: the category (never null), and nullable
# relations, loaded by id: joining all six costs PostgreSQL 2-17 ms of planning (it grows
# with each join) for 0.4 ms of execution.
ROW_JOINED = ("category",)
ROW_PREFETCHED = ("building", "unit", "household", "assignee", "assigned_organisation")
# The columns a queue row shows, or that its identity level and actions are decided on.
ROW_COLUMNS = (
    *("id", "number", "kind", "status", "channel", "title", "description", "location_text"),
    *("submitter_id", "submitter_name", "submitter_phone", "category_id"),
    *(f"{name}_id" for name in ROW_PREFETCHED),
    *("submitted_at", "response_due_at", "resolution_due_at", "first_response_at"),
    *("resolved_at", "closed_at", "paused_since", "paused_seconds", "handoff_count"),
    *("responsible_party", "is_supervised", "supervision_due_at", "parent_id", "duplicate_of_id"),
    *("rating", "rating_count", "first_rated_at", "source", "external_id", "data_flags"),
)


class TicketRow(SimpleNamespace):
    """One row of a queue page (ticket_rows): the ROW_COLUMNS of a ticket as attributes,
    `pk`, `category` (pk, code, name) and the ROW_PREFETCHED relations as model instances (None
    when unset).
    Reads like a Ticket for the serializers, the identity rules and tickets.rules; building
    it costs far less than a model instance, 50 times a page (bench/api.py)."""


def roles_of(*, community_id: int, user: User | None) -> frozenset[str]:
    """The active membership roles of `user` in the community (one query; none for None)."""
    if user is None:
        return frozenset()
    return frozenset(
        Membership.objects.filter(community_id=community_id, user=user, is_active=True).values_list(
            "role", flat=True
        )
    )


def ticket_visible_q(*, user: User, roles: frozenset[str], kind: str) -> Q:
    """The rows of `kind` that a user holding `roles` may see (module docstring): a
    de-identified role widens them only to the kinds it reads (the matrix), so an owners'
    committee member who is also a technician sees the technician's work orders, no others."""
    if roles & rules.MANAGERS or roles & DEIDENTIFIED_ROLES & MATRIX[kind][READ]:
        return Q()
    q = Q(pk__in=[])
    if Role.RESIDENT in roles:
        q |= Q(submitter=user)
    if Role.TECHNICIAN in roles and kind == TicketKind.WORK_ORDER:
        q |= Q(assignee=user) | Q(status=Ticket.Status.SUBMITTED, assignee__isnull=True)
    return q


def overdue_q(now: datetime.datetime) -> Q:
    """Open tickets past a deadline: no first response by the response deadline, or not
    resolved by the resolution deadline. A paused ticket's clock stands still, so it is overdue
    only if its deadline passed before the pause began."""
    clock = Q(paused_since__isnull=True)
    late_response = Q(first_response_at__isnull=True) & (
        (clock & Q(response_due_at__lt=now)) | Q(response_due_at__lt=F("paused_since"))
    )
    late_resolution = (clock & Q(resolution_due_at__lt=now)) | Q(
        resolution_due_at__lt=F("paused_since")
    )
    return ~Q(status__in=CLOSED_STATUSES) & (late_response | late_resolution)


def ticket_queue(
    *, community: Community, user: User, roles: frozenset[str], kind: str
) -> QuerySet[Ticket]:
    """Tickets of `kind` the viewer may see, newest first, with the category joined; load the
    rest a list row shows onto a page with ticket_relations_load. Filter with
    tickets.filters.TicketFilter; count by status with ticket_status_counts."""
    return (
        Ticket.objects.filter(
            ticket_visible_q(user=user, roles=roles, kind=kind), community=community, kind=kind
        )
        .select_related(*ROW_JOINED)
        .order_by("-submitted_at", "-id")
    )


def ticket_rows(ids: list[int]) -> list[TicketRow]:
    """The TicketRows of tickets `ids` (a page of ids: a queue's `values_list("id",
    flat=True)` sliced), in that order, with their relations loaded (ticket_relations_load).

    One constant statement by primary key, not the ORM: compiling a 38-column select and
    turning its rows into model instances cost more than the rest of an API page
    (bench/api.py). The values are what the ORM would give on either engine (_row_select)."""
    if not ids:
        return []
    select, types = _row_select()
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"{select} WHERE t.id IN ({placeholders})",
            list(ids),
        )
        found = {}
        for values in cursor.fetchall():
            row = TicketRow(**dict(zip(ROW_COLUMNS, values, strict=False)))
            for name, convert in types.items():
                if (value := getattr(row, name)) is not None:
                    setattr(row, name, convert(value))
            row.pk = row.id
            row.category = SimpleNamespace(pk=row.category_id, code=values[-2], name=values[-1])
            found[row.id] = row
    return ticket_relations_load([found[pk] for pk in ids if pk in found])


def _instant(value) -> datetime.datetime:
    """An aware datetime from what the engine returns: one already (PostgreSQL), or the naive
    UTC datetime (or its text) of SQLite."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


@cache
def _row_select() -> tuple[str, dict]:
    """The row statement (without its WHERE) and {attname: conversion} of the values the
    engine returns in another type than the ORM's; built once, on first use."""
    qn = connection.ops.quote_name
    fields = [Ticket._meta.get_field(name) for name in ROW_COLUMNS]
    columns = ", ".join(f"t.{qn(field.column)}" for field in fields)
    # PostgreSQL returns aware datetimes and booleans as they are; JSON as text either way.
    types = {models.JSONField: _json}
    if connection.vendor != "postgresql":
        types |= {models.DateTimeField: _instant, models.BooleanField: bool}
    # The category's code and name by a lookup per row: joining the table made PostgreSQL
    # hash every category of every community for 50 rows (0.4 ms a page, bench/api.py).
    category = (
        f"(SELECT k.{{}} FROM {Category._meta.db_table} k"  # noqa: S608 (names)
        f" WHERE k.{qn('id')} = t.{qn('category_id')})"
    )
    return (
        f"SELECT {columns}, {category.format(qn('code'))}, {category.format(qn('name'))}"  # noqa: S608
        f" FROM {Ticket._meta.db_table} t",
        {f.attname: types[type(f)] for f in fields if type(f) in types},
    )


def ticket_relations_load(tickets: list) -> list:
    """Sets the ROW_PREFETCHED relations (place, assignee, organisation) on `tickets` (Ticket
    or TicketRow): one query per relation that some ticket has, none for the others."""
    for name in ROW_PREFETCHED:
        ids = {getattr(t, f"{name}_id") for t in tickets} - {None}
        found = {}
        if ids:
            rows = Ticket._meta.get_field(name).related_model.objects
            if name == "building":  # named with its compound (several may have a 1号楼)
                rows = rows.select_related("compound")
            found = rows.in_bulk(ids)
        for ticket in tickets:
            setattr(ticket, name, found.get(getattr(ticket, f"{name}_id")))
    return tickets


def ticket_status_counts(*, queryset: QuerySet[Ticket]) -> dict[str, int]:
    """{status: number of tickets} over `queryset` (one query); every status is present."""
    counts = dict.fromkeys(Ticket.Status.values, 0)
    # count(*) lets PostgreSQL answer from ticket_queue_idx alone (an index-only scan).
    rows = queryset.order_by().values_list("status").annotate(n=Count("*"))
    counts.update(dict(rows))
    return counts


def ticket_get(
    *,
    community: Community,
    user: User,
    pk,
    kind: str,
    roles: frozenset[str] | None = None,
) -> Ticket:
    """One ticket of `kind`; Http404 when missing, of another community, or not visible."""
    if roles is None:
        roles = roles_of(community_id=community.pk, user=user)
    try:
        return ticket_queue(community=community, user=user, roles=roles, kind=kind).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ticket_event_list(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The timeline of `ticket` and of every ticket merged into it (and into those), oldest
    first, with the actor and the event's own ticket loaded. One query per merge depth plus one.
    """
    ids, frontier = [ticket.pk], [ticket.pk]
    while frontier:
        frontier = list(
            Ticket.objects.filter(
                community_id=ticket.community_id, duplicate_of_id__in=frontier
            ).values_list("pk", flat=True)
        )
        ids += frontier
    return (
        TicketEvent.objects.filter(community_id=ticket.community_id, ticket_id__in=ids)
        .select_related("actor", "ticket")
        .order_by("at", "id")
    )


def event_is_private(*, event: TicketEvent, ticket: Ticket, roles: frozenset[str]) -> bool:
    """True when a viewer who is not staff for `ticket` (managers; a technician only on work
    orders) must see neither the actor nor the note of `event`: an event by the submitter of
    another ticket merged into this one (someone else)."""
    staff = roles & rules.MANAGERS or (
        Role.TECHNICIAN in roles and ticket.kind == TicketKind.WORK_ORDER
    )
    return (
        event.actor_kind == TicketEvent.ActorKind.SUBMITTER
        and event.ticket_id != ticket.pk
        and not staff
    )


def ticket_identity(*, ticket: Ticket, user: User, roles: frozenset[str], single: bool) -> str:
    """FULL, MASKED or HIDDEN (module docstring). `single`: the viewer is looking at this one
    ticket (its page or API detail), the only place the assignee sees the full phone."""
    if ticket.submitter_id is not None and ticket.submitter_id == user.pk:
        return FULL
    if (
        single
        and ticket.kind == TicketKind.WORK_ORDER
        and ticket.assignee_id == user.pk
        and ticket.status not in CLOSED_STATUSES
    ):
        return FULL
    if roles & rules.MANAGERS or (
        Role.TECHNICIAN in roles
        and ticket.kind == TicketKind.WORK_ORDER
        and (
            ticket.assignee_id == user.pk
            or (ticket.assignee_id is None and ticket.status == Ticket.Status.SUBMITTED)
        )
    ):
        return MASKED
    return HIDDEN


def ticket_contact(*, ticket: Ticket, level: str) -> dict[str, str]:
    """{"name", "phone"} of the submitter as `level` allows (no query)."""
    if level == HIDDEN:
        return {"name": "", "phone": ""}
    phone = ticket.submitter_phone if level == FULL else phone_mask(ticket.submitter_phone)
    return {"name": ticket.submitter_name, "phone": phone}


def ticket_contact_reveal(*, ticket: Ticket, user: User, level: str) -> dict[str, str]:
    """ticket_contact, logging a ContactAccessLog row when someone other than the submitter
    is shown the full phone (the assignee of an open work order)."""
    if level == FULL and ticket.submitter_id != user.pk and ticket.submitter_phone:
        ContactAccessLog.objects.create(
            community_id=ticket.community_id,
            ticket=ticket,
            actor=user,
            reason="assignee of an open work order",
        )
    return ticket_contact(ticket=ticket, level=level)


# Organisations a ticket may be dispatched to: those doing the community's work. The street
# office supervises and the evaluator only reads: neither takes work orders.
DISPATCH_ORGANISATION_KINDS = (
    Organisation.Kind.PROPERTY_COMPANY,
    Organisation.Kind.NEIGHBOURHOOD_COMMITTEE,
    Organisation.Kind.OWNERS_COMMITTEE,
)


def dispatch_organisations(*, community_id: int) -> QuerySet[Organisation]:
    """Organisations a ticket of the community may be dispatched to, by name: of the kinds in
    DISPATCH_ORGANISATION_KINDS, serving it (the organisation of an active member, or the
    property company of one of its compounds)."""
    return (
        Organisation.objects.filter(
            Q(members__community_id=community_id, members__is_active=True)
            | Q(compounds__community_id=community_id),
            kind__in=DISPATCH_ORGANISATION_KINDS,
        )
        .distinct()
        .order_by("name")
    )


def ticket_actions(
    *, ticket: Ticket, user: User, roles: frozenset[str], at: datetime.datetime | None = None
) -> list[str]:
    """The actions `user` may do on `ticket` at `at` (default: now), per
    tickets.rules.allowed_actions."""
    return rules.allowed_actions(ticket, user, roles, at or timezone.now())


def category_list(*, community: Community) -> QuerySet[Category]:
    """The community's categories, by kind and name."""
    return Category.objects.filter(community=community).order_by("kind", "name")


def category_get(*, community: Community, user: User, pk) -> Category:
    """One category of `community`; Http404 otherwise."""
    try:
        return category_list(community=community).get(pk=pk)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
