"""Reads of notifications. A member sees only their own, in the community of the URL; any other
row answers 404 like a missing one."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from community.models import Community, Notification, User
from tickets.models import TicketKind

TICKET_PAGE = {
    TicketKind.COMPLAINT: "tickets:complaint-detail",
    TicketKind.WORK_ORDER: "tickets:work-order-detail",
}


def notification_list(*, community: Community, user: User) -> QuerySet[Notification]:
    """`user`'s notifications in `community`, newest first, with their ticket loaded (one
    query per page)."""
    return (
        Notification.objects.filter(community=community, recipient=user)
        .select_related("ticket")
        .order_by("-created_at", "-id")
    )


def notification_get(*, community: Community, user: User, pk) -> Notification:
    """One of `user`'s notifications in `community`; Http404 for a missing one, another
    member's or another community's alike."""
    try:
        return notification_list(community=community, user=user).get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ticket_link(*, slug: str, kind: str, pk: int) -> str:
    """The path of a ticket's page."""
    return reverse(TICKET_PAGE[kind], kwargs={"slug": slug, "pk": pk})


def notification_link(*, notification: Notification, slug: str) -> str:
    """The path of the page a notification points to ("" when none); no query when its ticket
    was loaded with it."""
    ticket = notification.ticket
    return ticket_link(slug=slug, kind=ticket.kind, pk=ticket.pk) if ticket else ""


def communities_with_unread(queryset: QuerySet[Community], *, user: User) -> QuerySet[Community]:
    """`queryset` with `unread_notifications` (int) on each community: `user`'s unread
    notifications there. A correlated subquery in the same query, so the header's count costs
    no query of its own (community.context_processors)."""
    unread = (
        Notification.objects.filter(community=OuterRef("pk"), recipient=user, read_at__isnull=True)
        .order_by()
        .values("community")
        .annotate(n=Count("*"))
        .values("n")
    )
    return queryset.annotate(unread_notifications=Coalesce(Subquery(unread), 0))
