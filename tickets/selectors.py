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
- `masked`: staff and technicians: name and masked phone (138****8000);
- `hidden`: evaluators and owners' committee members: no name, phone or household.
"""

import datetime

from django.db.models import Count, F, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from community.models import Community, Membership, User
from residents.identifiers import phone_mask

from . import rules
from .models import Category, ContactAccessLog, Ticket, TicketEvent, TicketKind

Role = Membership.Role
FULL, MASKED, HIDDEN = "full", "masked", "hidden"
CLOSED_STATUSES = (*Ticket.DONE, *Ticket.INELIGIBLE)
STAFF_ROLES = frozenset({Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER, Role.TECHNICIAN})
DEIDENTIFIED_ROLES = frozenset({Role.EVALUATOR, Role.OWNERS_COMMITTEE})
# What a ticket row shows besides its own columns: the category (never null), and nullable
# relations. ticket_queue joins them all; ticket_rows joins the category and prefetches the
# others (joining all six costs PostgreSQL 5-9 ms of planning for 0.4 ms of execution).
ROW_JOINED = ("category",)
ROW_PREFETCHED = ("building", "unit", "household", "assignee", "assigned_organisation")
ROW_RELATED = ROW_JOINED + ROW_PREFETCHED


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
    """The rows of `kind` that a user holding `roles` may see (module docstring)."""
    if roles & (rules.MANAGERS | DEIDENTIFIED_ROLES):
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
    """Tickets of `kind` the viewer may see, newest first, with everything a list row shows
    loaded in the same query (category, place, assignee, organisation). Filter with
    tickets.filters.TicketFilter; count by status with ticket_status_counts."""
    return (
        Ticket.objects.filter(community=community, kind=kind)
        .filter(ticket_visible_q(user=user, roles=roles, kind=kind))
        .select_related(*ROW_RELATED)
        .order_by("-submitted_at", "-id")
    )


def ticket_rows(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`queryset` loading only the category with each row (the API's pages); complete the
    fetched rows with ticket_rows_load."""
    return queryset.select_related(None).select_related(*ROW_JOINED)


def ticket_rows_load(tickets: list[Ticket]) -> list[Ticket]:
    """Loads the nullable relations a row shows (ROW_PREFETCHED) onto fetched `tickets`, one
    query per relation that some ticket has, none for the others."""
    prefetch_related_objects(
        tickets,
        *(name for name in ROW_PREFETCHED if any(getattr(t, f"{name}_id") for t in tickets)),
    )
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
    """True when a non-staff viewer of `ticket` must see neither the actor nor the note of
    `event`: an event by the submitter of another ticket merged into this one (someone else)."""
    return (
        event.actor_kind == TicketEvent.ActorKind.SUBMITTER
        and event.ticket_id != ticket.pk
        and not roles & STAFF_ROLES
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
    if roles & STAFF_ROLES:
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


def ticket_actions(*, ticket: Ticket, user: User, roles: frozenset[str]) -> list[str]:
    """The actions `user` may do on `ticket` now (tickets.rules.allowed_actions)."""
    return rules.allowed_actions(ticket, user, roles, timezone.now())


def category_list(*, community: Community) -> QuerySet[Category]:
    """The community's categories, by kind and name."""
    return Category.objects.filter(community=community).order_by("kind", "name")


def category_get(*, community: Community, user: User, pk) -> Category:
    """One category of `community`; Http404 otherwise."""
    try:
        return category_list(community=community).get(pk=pk)
    except (Category.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
