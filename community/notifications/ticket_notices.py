"""Who is told what about tickets, written through services.notifications_write.

From tickets.signals.ticket_events_recorded (receivers.py), inside the transaction of the
change, and never to the member who made it:
- the submitter, on each status change: one notice per action, of the status it ends in (a
  reopen's two transitions are one notice);
- the responsible party's staff, on a new ticket and when a ticket is handed over to the party
  (PARTY_ROLE: property company -> property managers; neighbourhood committee -> committee
  staff, who also pass matters on to the owners' committee and outside bodies);
- the assignee, when a ticket is dispatched or re-assigned to them;
- the property managers and the assignee, on supervision (督办).

From the beat job (ticket_deadline_reminders_write), for open tickets, per deadline (response
while there is no first response, resolution, supervision) and per deadline instant, so a
deadline moved by a paused clock is reminded of again:
- near (within settings.TICKET_REMINDER_LEAD_MINUTES): the handlers, i.e. the assignee, or the
  responsible party's staff while nobody is assigned;
- overdue (passed, at most OVERDUE_LOOKBACK ago, so old imported tickets raise no storm): the
  handlers get "overdue"; the party's staff and the committee staff not among the handlers get
  an escalation.
A paused ticket's clock stands still (METRICS.md, Time): no near reminder while paused, and it
is overdue only if the deadline passed before the pause began (as tickets.selectors.overdue_q).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import partial

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import Membership, Notification, User
from tickets import rules
from tickets.models import ResponsibleParty, Ticket, TicketEvent

from . import selectors
from .services import Notice, notifications_write

Role = Membership.Role
Kind = Notification.Kind
E = TicketEvent.Kind
PARTY_ROLE = {
    ResponsibleParty.PROPERTY_COMPANY: Role.PROPERTY_MANAGER,
    ResponsibleParty.NEIGHBOURHOOD_COMMITTEE: Role.COMMITTEE_STAFF,
    ResponsibleParty.OWNERS_COMMITTEE: Role.COMMITTEE_STAFF,
    ResponsibleParty.OUTSIDE_BODY: Role.COMMITTEE_STAFF,
}
DEADLINES = {
    "response": _("response deadline"),
    "resolution": _("resolution deadline"),
    "supervision": _("supervision deadline"),
}
OVERDUE_LOOKBACK = datetime.timedelta(days=7)


# --- texts (called with the recipient's language active) ------------------------------------


def _name(ticket: Ticket) -> str:
    return f"{ticket.get_kind_display()} {ticket.number or ticket.pk}"


def _local(ticket: Ticket, instant: datetime.datetime) -> str:
    local = timezone.localtime(instant, ticket.community.tz)
    return formats.date_format(local, "Y-m-d H:i")


def _summary(ticket: Ticket) -> str:
    return Truncator(" ".join((ticket.title or ticket.description).split())).chars(80)


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _note(event: TicketEvent) -> str:
    return gettext("Note: %(note)s") % {"note": event.note} if event.note else ""


def _status_changed(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    title = gettext("%(ticket)s is now “%(status)s”") % {
        "ticket": _name(ticket),
        "status": ticket.get_status_display(),
    }
    return title, _lines(_summary(ticket), _note(event))


def _new_ticket(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    title = gettext("New: %(ticket)s, %(category)s") % {
        "ticket": _name(ticket),
        "category": ticket.category.name,
    }
    return title, _lines(ticket.title, ticket.location_text, ticket.description)


def _assigned(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    title = gettext("%(ticket)s was assigned to you") % {"ticket": _name(ticket)}
    return title, _lines(ticket.title, ticket.location_text, ticket.description, _note(event))


def _transferred(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    title = gettext("%(ticket)s was handed over to %(party)s") % {
        "ticket": _name(ticket),
        "party": ResponsibleParty(event.data["to"]).label,
    }
    return title, _lines(_note(event), ticket.title, ticket.location_text, ticket.description)


def _supervised(ticket: Ticket, event: TicketEvent) -> tuple[str, str]:
    title = gettext("%(ticket)s is supervised by the committee, due %(due)s") % {
        "ticket": _name(ticket),
        "due": _local(ticket, ticket.supervision_due_at),
    }
    return title, _lines(_summary(ticket), _note(event))


def _reminder(kind: str, ticket: Ticket, deadline: str, due: datetime.datetime):
    values = {"ticket": _name(ticket), "deadline": DEADLINES[deadline], "due": _local(ticket, due)}
    title = {
        Kind.DEADLINE_NEAR: gettext("Due soon: %(ticket)s, %(deadline)s %(due)s"),
        Kind.OVERDUE: gettext("Overdue: %(ticket)s, %(deadline)s %(due)s"),
        Kind.ESCALATION: gettext("Escalated: %(ticket)s missed its %(deadline)s %(due)s"),
    }[kind]
    status = gettext("Status: %(status)s") % {"status": ticket.get_status_display()}
    return title % values, _lines(_summary(ticket), status)


# --- recipients -------------------------------------------------------------------------------


def _staff(community_ids: Iterable[int], roles: Iterable[str]) -> dict[tuple[int, str], list]:
    """{(community id, role): [users]} of the active members holding `roles` (one query)."""
    found: dict[tuple[int, str], list[User]] = defaultdict(list)
    roles = set(roles)
    if roles:
        members = Membership.objects.filter(
            community_id__in=set(community_ids), role__in=roles, is_active=True
        ).select_related("user")
        for m in members.order_by("user_id"):
            found[(m.community_id, m.role)].append(m.user)
    return found


def _unique(users: Iterable[User], *, leaving_out: Iterable[int | None] = ()) -> list[User]:
    seen = set(leaving_out)
    result = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            result.append(user)
    return result


def _notice(ticket: Ticket, kind: str, source: str, user: User, text) -> Notice:
    return Notice(
        recipient=user,
        kind=kind,
        key=f"ticket:{ticket.pk}:{kind}:{source}:user:{user.pk}",
        text=text,
        ticket_id=ticket.pk,
        link=selectors.ticket_link(slug=ticket.community.slug, kind=ticket.kind, pk=ticket.pk),
    )


# --- from the event log -----------------------------------------------------------------------


def ticket_events_notify(*, ticket: Ticket, events: list[TicketEvent]) -> int:
    """Write the notices of one service call on `ticket` (`events`: the rows it appended, with
    their ids), in the caller's transaction (module docstring). A few queries, whatever the
    number of recipients. Returns the number of e-mails put in the outbox."""
    plans: list[tuple[str, TicketEvent, set[int], tuple[str, ...], object]] = []
    transitions = [e for e in events if e.kind == E.TRANSITION]
    if transitions and ticket.submitter_id is not None:
        plans.append(
            (Kind.STATUS_CHANGED, transitions[-1], {ticket.submitter_id}, (), _status_changed)
        )
    for event in events:
        if event.kind == E.TRANSITION and event.from_status == "":
            party = (PARTY_ROLE[ticket.responsible_party],)
            plans.append((Kind.NEW_TICKET, event, set(), party, _new_ticket))
        if event.data.get("assignee"):
            plans.append((Kind.ASSIGNED, event, {event.data["assignee"]}, (), _assigned))
        if event.kind == E.TRANSFER:
            party = (PARTY_ROLE[event.data["to"]],)
            plans.append((Kind.TRANSFERRED, event, set(), party, _transferred))
        if event.kind == E.SUPERVISE:
            assignee = {ticket.assignee_id} - {None}
            plans.append((Kind.SUPERVISED, event, assignee, (Role.PROPERTY_MANAGER,), _supervised))
    if not plans:
        return 0
    ids = set().union(*(p[2] for p in plans))
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)} if ids else {}
    staff = _staff([ticket.community_id], {r for p in plans for r in p[3]})
    actor_id = events[-1].actor_id
    notices = []
    for kind, event, user_ids, roles, text in plans:
        named = [users[pk] for pk in sorted(user_ids) if pk in users]
        by_role = [u for role in roles for u in staff[(ticket.community_id, role)]]
        for user in _unique(named + by_role, leaving_out=[actor_id]):
            notices.append(
                _notice(ticket, kind, f"event:{event.pk}", user, partial(text, ticket, event))
            )
    return notifications_write(community=ticket.community, notices=notices)


# --- deadlines (beat) -------------------------------------------------------------------------


def _deadlines(ticket: Ticket) -> Iterator[tuple[str, datetime.datetime]]:
    if ticket.response_due_at is not None and ticket.first_response_at is None:
        yield "response", ticket.response_due_at
    if ticket.resolution_due_at is not None:
        yield "resolution", ticket.resolution_due_at
    if ticket.is_supervised and ticket.supervision_due_at is not None:
        yield "supervision", ticket.supervision_due_at


def ticket_deadline_reminders_write(*, now: datetime.datetime | None = None) -> int:
    """Write near-deadline reminders, overdue notices and escalations of every community's open
    tickets as of `now` (module docstring), each once: its key is ticket x kind x deadline x
    deadline instant x recipient, so running this again writes nothing new. Call it in a
    transaction. A fixed number of queries per community with due tickets. Returns the number
    of e-mails put in the outbox."""
    now = now or timezone.now()
    lead = datetime.timedelta(minutes=settings.TICKET_REMINDER_LEAD_MINUTES)
    window = (now - OVERDUE_LOOKBACK, now + lead)
    tickets = list(
        Ticket.objects.filter(status__in=rules.OPEN)
        .filter(
            Q(first_response_at__isnull=True, response_due_at__range=window)
            | Q(resolution_due_at__range=window)
            | Q(is_supervised=True, supervision_due_at__range=window)
        )
        .select_related("community", "assignee")
        .order_by("community_id", "pk")
    )
    staff = _staff({t.community_id for t in tickets}, rules.MANAGERS)
    notices: dict = defaultdict(list)
    for ticket in tickets:
        party_staff = staff[(ticket.community_id, PARTY_ROLE[ticket.responsible_party])]
        handlers = [ticket.assignee] if ticket.assignee else party_staff
        supervisors = staff[(ticket.community_id, Role.COMMITTEE_STAFF)]
        escalate = _unique(party_staff + supervisors, leaving_out=[u.pk for u in handlers])
        for deadline, due in _deadlines(ticket):
            if not window[0] <= due <= window[1]:
                continue
            if due > now:
                if ticket.paused_since is not None:
                    continue
                plan = [(Kind.DEADLINE_NEAR, handlers)]
            else:
                if ticket.paused_since is not None and due >= ticket.paused_since:
                    continue
                plan = [(Kind.OVERDUE, handlers), (Kind.ESCALATION, escalate)]
            source = f"{deadline}:{due.astimezone(datetime.UTC).isoformat()}"
            for kind, users in plan:
                text = partial(_reminder, kind, ticket, deadline, due)
                notices[ticket.community].extend(
                    _notice(ticket, kind, source, user, text) for user in _unique(users)
                )
    return sum(
        notifications_write(community=community, notices=batch, now=now)
        for community, batch in notices.items()
    )
