"""Writes to tickets: intake and every lifecycle action (METRICS.md, Tickets; tickets/rules.py).

Every action is a keyword-only `ticket_<action>(*, ticket, actor, ..., at=None)` that, in one
transaction: locks the ticket row (`select_for_update`), asks rules.refusal() whether the
actor may do it now (raising `TransitionNotAllowed`, translated, with nothing changed),
validates its input (raising django ValidationError keyed by field), appends TicketEvent rows,
updates the ticket's derived columns through `event_apply` and sends
`signals.ticket_events_recorded` (the hook for notifications). `at` (aware) defaults to now;
only seeds, imports and tests pass it. Each returns the updated ticket.

Modelling choices:
- Reopen (by the submitter, or by a dissatisfied follow-up call) records two transitions at
  the same instant: resolved|closed -> reopened, then reopened -> in_progress. The ticket never
  rests in `reopened`; `resolved_at` and `closed_at` are cleared and set again by the next
  resolution, so `resolved_at` is always the last one.
- A pause ends automatically (a `resume` event by the same actor) when the ticket leaves the
  open states while paused (resolve, reject, cancel, merge).
- Deadlines move later by each paused interval when the clock resumes: the resolution deadline
  always, the response deadline only while the ticket has no first response.
- A transfer changes the responsible party and clears the assignee; the status stays, and the
  new party dispatches the ticket again (`dispatch` from dispatched/in_progress records an
  `assign` event instead of a transition).
"""

import datetime
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import Community, Membership, Organisation, User
from residents.identifiers import phone_normalise
from residents.models import Building, Household, Resident, Unit

from . import rules, sla
from .models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind, TicketSequence
from .rules import TransitionNotAllowed
from .selectors import dispatch_organisations, roles_of
from .signals import ticket_events_recorded

S = Ticket.Status
E = TicketEvent.Kind
A = TicketEvent.ActorKind
Role = Membership.Role

FIRST_RESPONSE_STATUSES = frozenset({S.ACCEPTED, S.DISPATCHED, S.REJECTED, S.RESOLVED})
NUMBER_PREFIX = {TicketKind.COMPLAINT: "TS", TicketKind.WORK_ORDER: "GD"}
DERIVED_FIELDS = [
    "status",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "handoff_count",
    "paused_since",
    "paused_seconds",
    "response_due_at",
    "resolution_due_at",
    "responsible_party",
    "assignee",
    "assigned_organisation",
    "is_supervised",
    "supervision_due_at",
    "duplicate_of",
    "rating",
    "rating_count",
    "first_rated_at",
    "updated_at",
]
FLAG_CALENDAR_UNKNOWN = "deadline_calendar_unknown"


# --- the event log and the derived columns -------------------------------------------------


def event_apply(ticket: Ticket, event: TicketEvent) -> None:
    """Update `ticket`'s derived columns for one new `event`, taken in log order. No queries.

    Services, tickets.demo and importers all go through it, so the derived columns always equal
    a replay of the log: status = last transition; first_response_at = first staff/import
    accept, dispatch, reject, resolve or reply (METRICS.md, First response instant);
    resolved_at/closed_at of the current resolution; handoff_count = number of transfers;
    paused_since/paused_seconds and deadlines moved by each paused interval; the latest rating.
    Event `data` keys `assignee` / `organisation` (ids or null) set the assignment.
    """
    # UTC throughout: aware arithmetic within one zone is wall-clock arithmetic across DST.
    at, data = event.at.astimezone(datetime.UTC), event.data
    if event.kind == E.TRANSITION:
        ticket.status = event.to_status
        if event.to_status == S.RESOLVED:
            ticket.resolved_at = at
        elif event.to_status == S.CLOSED:
            ticket.closed_at = at
        elif event.to_status == S.REOPENED:
            ticket.resolved_at = ticket.closed_at = None
        elif event.to_status == S.DUPLICATE:
            ticket.duplicate_of_id = data["into"]
    if (
        ticket.first_response_at is None
        and event.actor_kind in (A.STAFF, A.IMPORT)
        and (
            event.kind == E.REPLY
            or (event.kind == E.TRANSITION and event.to_status in FIRST_RESPONSE_STATUSES)
        )
    ):
        ticket.first_response_at = at
    if "assignee" in data:
        ticket.assignee_id = data["assignee"]
    if "organisation" in data:
        ticket.assigned_organisation_id = data["organisation"]
    if event.kind == E.TRANSFER:
        ticket.handoff_count += 1
        ticket.responsible_party = data["to"]
        ticket.assignee_id = ticket.assigned_organisation_id = None
    elif event.kind == E.PAUSE:
        ticket.paused_since = at
    elif event.kind == E.RESUME:
        paused = at - ticket.paused_since.astimezone(datetime.UTC)
        ticket.paused_seconds += round(paused.total_seconds())
        if ticket.response_due_at is not None and ticket.first_response_at is None:
            ticket.response_due_at = ticket.response_due_at.astimezone(datetime.UTC) + paused
        if ticket.resolution_due_at is not None:
            ticket.resolution_due_at = ticket.resolution_due_at.astimezone(datetime.UTC) + paused
        ticket.paused_since = None
    elif event.kind == E.RATE:
        ticket.rating = event.rating
        ticket.rating_count += 1
        ticket.first_rated_at = ticket.first_rated_at or at
    elif event.kind == E.SUPERVISE:
        ticket.is_supervised = True
        ticket.supervision_due_at = datetime.datetime.fromisoformat(data["due_at"])


def _actor_kind(ticket: Ticket, actor: User | None) -> str:
    if actor is None:
        return A.SYSTEM
    if ticket.submitter_id is not None and actor.pk == ticket.submitter_id:
        return A.SUBMITTER
    return A.STAFF


class _Act:
    """The events one service call appends to one ticket, applied as they are recorded."""

    def __init__(self, ticket: Ticket, actor: User | None, roles: frozenset[str], at):
        self.ticket, self.actor, self.roles, self.at = ticket, actor, roles, at
        self.events: list[TicketEvent] = []

    def record(
        self, kind: str, *, to: str = "", note: str = "", rating=None, data=None
    ) -> TicketEvent:
        ticket = self.ticket
        if kind == E.TRANSITION and ticket.paused_since is not None and to not in rules.OPEN:
            self.record(E.RESUME, data={"automatic": True})
        event = TicketEvent(
            community_id=ticket.community_id,
            ticket=ticket,
            kind=kind,
            # The first transition of a new ticket comes from nothing ('' -> submitted).
            from_status=""
            if kind != E.TRANSITION or (ticket.pk is None and not self.events)
            else ticket.status,
            to_status=to,
            actor=self.actor,
            actor_kind=_actor_kind(ticket, self.actor),
            at=self.at,
            note=note,
            rating=rating,
            data=data or {},
        )
        event_apply(ticket, event)
        self.events.append(event)
        return event

    def commit(self) -> None:
        if self.ticket.pk is None:
            self.ticket.save()
        else:
            self.ticket.save(update_fields=DERIVED_FIELDS)
        TicketEvent.objects.bulk_create(self.events)
        ticket_events_recorded.send(sender=Ticket, ticket=self.ticket, events=self.events)


@contextmanager
def _acting(action: str, *, ticket: Ticket, actor: User | None, at) -> Iterator[_Act]:
    """Lock `ticket`, check the rule for `action`, yield an _Act, then save it all."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        roles = roles_of(community_id=locked.community_id, user=actor)
        reason = rules.refusal(action, locked, actor, roles, at)
        if reason:
            raise TransitionNotAllowed(reason)
        act = _Act(locked, actor, roles, at)
        yield act
        act.commit()


def _required(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [message]})
    return value


# --- categories --------------------------------------------------------------------------------


CATEGORY_FIELDS = [
    "kind",
    "code",
    "name",
    "responsible_party",
    "is_facility_fault",
    "is_property_service",
    "response_target",
    "response_unit",
    "resolution_target",
    "resolution_unit",
    "is_active",
]


@transaction.atomic
def category_create(*, community: Community, **fields) -> Category:
    """Create a category (responsibility list entry with SLA targets) of `community`.
    Raises ValidationError keyed by field (code taken in this community, bad unit, ...)."""
    return _category_save(Category(community=community, **fields))


@transaction.atomic
def category_update(*, category: Category, data: dict) -> Category:
    """Change any of CATEGORY_FIELDS. Tickets keep the deadlines they were given at submission."""
    for name in CATEGORY_FIELDS:
        if name in data:
            setattr(category, name, data[name])
    return _category_save(category)


def _category_save(category: Category) -> Category:
    category.full_clean(exclude=["community"], validate_unique=False, validate_constraints=False)
    taken = Category.objects.filter(community_id=category.community_id, code=category.code)
    if taken.exclude(pk=category.pk).exists():
        raise ValidationError({"code": [_("This code is already used in this community.")]})
    category.save()
    return category


# --- intake ------------------------------------------------------------------------------------


def ticket_deadlines(
    *, category: Category, submitted_at: datetime.datetime, tz: zoneinfo.ZoneInfo
) -> tuple[datetime.datetime | None, datetime.datetime | None, list[str]]:
    """(response deadline, resolution deadline, data flags) from `category`'s SLA (tickets/sla.py).

    A deadline in a year the working-day calendar does not know yet is left empty (never
    guessed) and the flag `deadline_calendar_unknown` is returned; such tickets are outside the
    on-time rates until their deadline is set.
    """
    result, flags = [], []
    for target, unit in (
        (category.response_target, category.response_unit),
        (category.resolution_target, category.resolution_unit),
    ):
        try:
            result.append(sla.deadline(start=submitted_at, target=target, unit=unit, tz=tz))
        except sla.WorkingCalendarUnknown:
            result.append(None)
            if FLAG_CALENDAR_UNKNOWN not in flags:
                flags.append(FLAG_CALENDAR_UNKNOWN)
    return result[0], result[1], flags


def ticket_numbers_reserve(*, community_id: int, kind: str, year: int, count: int = 1) -> list[str]:
    """`count` new human numbers for tickets of `kind` submitted in local `year`, unique per
    community: TS2026-00042 (complaints), GD2026-00042 (work orders). One atomic upsert, so
    concurrent submissions never get the same number."""
    table = TicketSequence._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (community_id, kind, year, last_value, created_at, updated_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (community_id, kind, year) DO UPDATE "
            f"SET last_value = {table}.last_value + EXCLUDED.last_value, "
            "updated_at = EXCLUDED.updated_at RETURNING last_value",
            [community_id, kind, year, count, now, now],
        )
        last = cursor.fetchone()[0]
    prefix = NUMBER_PREFIX[kind]
    return [f"{prefix}{year}-{n:05d}" for n in range(last - count + 1, last + 1)]


def ticket_submit(
    *,
    community: Community,
    actor: User,
    kind: str,
    category: Category,
    description: str,
    title: str = "",
    channel: str = "",
    household: Household | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    location_text: str = "",
    resident: Resident | None = None,
    submitter_name: str = "",
    submitter_phone: str = "",
    idempotency_key: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """Create a complaint or work order (`kind`) with its first event '' -> submitted.

    A resident submits their own (channel web, app or mini_program; default web; location one
    of their households, a building or unit, or `location_text` for a public area). Staff
    (committee staff and property manager; technicians for work orders) submit on behalf of a
    resident with the `channel` it came through (phone, visit, opinion box, building captain,
    12345 transfer, ...), naming a registered `resident` or a `submitter_name` and phone.
    Deadlines come from the category's SLA at `submitted_at` (ticket_deadlines).
    A repeated `idempotency_key` of the same `actor` returns the ticket created first, unchanged.

    Raises TransitionNotAllowed when the actor's roles may not submit this kind, and
    ValidationError keyed by field (category, description, channel, household, building, unit,
    resident, submitter_phone, ...) for bad input.
    """
    if idempotency_key:
        existing = Ticket.objects.filter(
            community=community, created_by=actor, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    roles = roles_of(community_id=community.pk, user=actor)
    staff_roles = rules.MANAGERS | ({Role.TECHNICIAN} if kind == TicketKind.WORK_ORDER else set())
    fields: dict = {
        "title": title.strip(),
        "description": description,
        "location_text": location_text.strip(),
        "household": household,
        "building": building,
        "unit": unit,
        "idempotency_key": idempotency_key,
    }
    if roles & staff_roles:
        if not channel:
            raise ValidationError({"channel": [_("Choose the channel the request came through.")]})
        fields["channel"] = channel
        if resident is not None:
            _same_community(community, resident=resident)
            fields.update(
                submitter=resident.user,
                submitter_name=resident.name,
                submitter_phone=resident.phone,
            )
            if household is None and building is None and unit is None:
                fields["household"] = resident.household
        else:
            fields.update(submitter_name=submitter_name.strip(), submitter_phone=submitter_phone)
    elif Role.RESIDENT in roles:
        channel = channel or Ticket.Channel.WEB
        if channel not in Ticket.ONLINE_CHANNELS:
            raise ValidationError(
                {"channel": [_("Residents submit online: web, app or mini-program.")]}
            )
        records = Resident.objects.filter(community=community, user=actor)
        if household is not None and not records.filter(household=household).exists():
            raise ValidationError({"household": [_("Choose one of your own households.")]})
        record = records.first()
        fields.update(
            channel=channel,
            submitter=actor,
            submitter_name=record.name if record else (actor.get_full_name() or actor.username),
            submitter_phone=submitter_phone or (record.phone if record else ""),
        )
    else:
        raise TransitionNotAllowed(
            gettext("You may not submit a %(kind)s in this community.")
            % {"kind": TicketKind(kind).label}
        )
    try:
        with transaction.atomic():
            return _create(
                community=community,
                actor=actor,
                roles=roles,
                kind=kind,
                category=category,
                at=at or timezone.now(),
                **fields,
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        # A concurrent retry with the same key won the race: answer with its ticket.
        return Ticket.objects.get(
            community=community, created_by=actor, idempotency_key=idempotency_key
        )


def _same_community(community: Community, **related) -> None:
    for name, obj in related.items():
        if obj is not None and obj.community_id != community.pk:
            raise ValidationError({name: [_("Choose one of this community's records.")]})


def _create(
    *,
    community: Community,
    actor: User,
    roles: frozenset[str],
    kind: str,
    category: Category,
    at: datetime.datetime,
    parent: Ticket | None = None,
    **fields,
) -> Ticket:
    _same_community(
        community,
        category=category,
        household=fields["household"],
        building=fields["building"],
        unit=fields["unit"],
    )
    if category.kind != kind or not category.is_active:
        raise ValidationError({"category": [_("Choose an active category of this kind.")]})
    fields["description"] = _required(
        fields["description"], "description", _("Describe the matter.")
    )
    try:
        fields["submitter_phone"] = phone_normalise(fields["submitter_phone"])
    except ValidationError as exc:
        raise ValidationError({"submitter_phone": exc.messages}) from None
    if fields["household"] is not None:
        fields["unit"] = fields["household"].unit
    if fields["unit"] is not None:
        fields["building"] = fields["unit"].building
    response_due, resolution_due, flags = ticket_deadlines(
        category=category, submitted_at=at, tz=community.tz
    )
    (number,) = ticket_numbers_reserve(
        community_id=community.pk, kind=kind, year=at.astimezone(community.tz).year
    )
    ticket = Ticket(
        community=community,
        kind=kind,
        number=number,
        category=category,
        created_by=actor,
        submitted_at=at,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        nominal_response_due_at=response_due,
        nominal_resolution_due_at=resolution_due,
        responsible_party=category.responsible_party,
        parent=parent,
        data_flags=flags,
        **fields,
    )
    ticket.full_clean(
        exclude=[f.name for f in Ticket._meta.fields if f.is_relation],
        validate_unique=False,
        validate_constraints=False,
    )
    act = _Act(ticket, actor, roles, at)
    act.record(E.TRANSITION, to=S.SUBMITTED, data={"spawned_from": parent.pk} if parent else None)
    act.commit()
    return ticket


# --- lifecycle actions -----------------------------------------------------------------------


def ticket_accept(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """submitted -> accepted (受理) by committee staff or the property manager; a technician
    accepting a work order from the pool becomes its assignee. Of two people accepting at once
    exactly one wins; the other gets TransitionNotAllowed (the ticket is no longer submitted)."""
    with _acting("accept", ticket=ticket, actor=actor, at=at) as act:
        takes_it = act.ticket.kind == TicketKind.WORK_ORDER and not (act.roles & rules.MANAGERS)
        act.record(
            E.TRANSITION,
            to=S.ACCEPTED,
            note=note,
            data={"assignee": actor.pk} if takes_it else None,
        )
    return act.ticket


def ticket_dispatch(
    *,
    ticket: Ticket,
    actor: User,
    assignee: User | None = None,
    organisation: Organisation | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """Assign (派单) to a technician or staff `assignee` of the community and/or an
    `organisation` serving it. accepted -> dispatched; on a dispatched or in-progress ticket it
    records an `assign` event (re-assignment, no transition, not a hand-off).
    ValidationError on `assignee` / `organisation` when neither is given, or the assignee is
    not of this community, or the organisation is not one it dispatches to
    (selectors.dispatch_organisations: never the street office or an evaluator)."""
    with _acting("dispatch", ticket=ticket, actor=actor, at=at) as act:
        community_id = act.ticket.community_id
        if assignee is None and organisation is None:
            raise ValidationError({"assignee": [_("Choose a technician or an organisation.")]})
        members = Membership.objects.filter(community_id=community_id, is_active=True)
        if assignee is not None and not members.filter(
            user=assignee, role__in=[Role.TECHNICIAN, *rules.MANAGERS]
        ):
            raise ValidationError(
                {"assignee": [_("Choose a technician or staff member of this community.")]}
            )
        if (
            organisation is not None
            and not dispatch_organisations(community_id=community_id)
            .filter(pk=organisation.pk)
            .exists()
        ):
            raise ValidationError(
                {"organisation": [_("Choose an organisation that serves this community.")]}
            )
        data = {
            "assignee": assignee.pk if assignee else None,
            "organisation": organisation.pk if organisation else None,
        }
        if act.ticket.status == S.ACCEPTED:
            act.record(E.TRANSITION, to=S.DISPATCHED, note=note, data=data)
        else:
            act.record(E.ASSIGN, note=note, data=data)
    return act.ticket


def ticket_start(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """accepted|dispatched -> in_progress, by the work order's assignee (or, with no assignee,
    committee staff or the property manager)."""
    with _acting("start", ticket=ticket, actor=actor, at=at) as act:
        act.record(E.TRANSITION, to=S.IN_PROGRESS, note=note)
    return act.ticket


def ticket_resolve(
    *, ticket: Ticket, actor: User, note: str, at: datetime.datetime | None = None
) -> Ticket:
    """accepted|dispatched|in_progress -> resolved, with a `note` saying what was done
    (ValidationError on `note` when empty). Same actors as ticket_start."""
    with _acting("resolve", ticket=ticket, actor=actor, at=at) as act:
        note = _required(note, "note", _("Say what was done."))
        act.record(E.TRANSITION, to=S.RESOLVED, note=note)
    return act.ticket


def ticket_confirm(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """resolved -> closed, by the submitter (they confirm the matter is solved)."""
    with _acting("confirm", ticket=ticket, actor=actor, at=at) as act:
        act.record(E.TRANSITION, to=S.CLOSED, note=note)
    return act.ticket


def _reopen(act: _Act, note: str) -> None:
    act.record(E.TRANSITION, to=S.REOPENED, note=note)
    act.record(E.TRANSITION, to=S.IN_PROGRESS)


def ticket_reopen(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """resolved|closed -> reopened -> in_progress, by the submitter within 7 days of the
    resolution (TransitionNotAllowed after)."""
    with _acting("reopen", ticket=ticket, actor=actor, at=at) as act:
        _reopen(act, note)
    return act.ticket


def ticket_reject(
    *, ticket: Ticket, actor: User, note: str, at: datetime.datetime | None = None
) -> Ticket:
    """submitted|accepted|dispatched -> rejected (不予受理) by committee staff or the property
    manager; the reason `note` is required (ValidationError on `note`)."""
    with _acting("reject", ticket=ticket, actor=actor, at=at) as act:
        note = _required(note, "note", _("Give the reason for rejecting."))
        act.record(E.TRANSITION, to=S.REJECTED, note=note)
    return act.ticket


def ticket_cancel(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """Any open state -> cancelled, by the submitter."""
    with _acting("cancel", ticket=ticket, actor=actor, at=at) as act:
        act.record(E.TRANSITION, to=S.CANCELLED, note=note)
    return act.ticket


def ticket_transfer(
    *,
    ticket: Ticket,
    actor: User,
    responsible_party: str,
    note: str,
    at: datetime.datetime | None = None,
) -> Ticket:
    """Hand the ticket to another responsible party (转办; counted as a hand-off, METRICS.md).

    Records a `transfer` event with data {"from": party, "to": party}, clears the assignee and
    keeps the status. ValidationError on `responsible_party` (unknown or the current one) or
    `note` (the reason is required)."""
    with _acting("transfer", ticket=ticket, actor=actor, at=at) as act:
        if (
            responsible_party not in ResponsibleParty.values
            or responsible_party == act.ticket.responsible_party
        ):
            raise ValidationError({"responsible_party": [_("Choose another responsible party.")]})
        note = _required(note, "note", _("Give the reason for the transfer."))
        act.record(
            E.TRANSFER,
            note=note,
            data={"from": act.ticket.responsible_party, "to": responsible_party},
        )
    return act.ticket


def ticket_supervise(
    *,
    ticket: Ticket,
    actor: User,
    due_at: datetime.datetime,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """Supervision (督办) by committee staff on an open ticket, with its own deadline `due_at`
    (aware, after now; ValidationError on `due_at`). Sets is_supervised and
    supervision_due_at; the resident sees both. May be repeated with a new deadline."""
    with _acting("supervise", ticket=ticket, actor=actor, at=at) as act:
        if due_at is None or timezone.is_naive(due_at) or due_at <= act.at:
            raise ValidationError({"due_at": [_("Give a deadline in the future.")]})
        act.record(
            E.SUPERVISE,
            note=note,
            data={"due_at": due_at.astimezone(datetime.UTC).isoformat()},
        )
    return act.ticket


def ticket_merge(
    *,
    ticket: Ticket,
    into: Ticket,
    actor: User,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """Merge `ticket` (open) into `into` (same community and kind, not rejected, cancelled or
    duplicate): `ticket` -> duplicate with data {"into": id, "number"}, and `into` gets a
    `merge` event {"merged": id, "number"}; the survivor's timeline shows both histories
    (selectors.ticket_event_list). Returns the merged ticket. ValidationError on `into`."""
    if into.pk == ticket.pk:
        raise ValidationError({"into": [_("A ticket cannot be merged into itself.")]})
    with transaction.atomic():
        # Both rows locked in id order, so two opposite merges cannot deadlock.
        list(Ticket.objects.select_for_update().filter(pk__in=[ticket.pk, into.pk]).order_by("pk"))
        with _acting("merge", ticket=ticket, actor=actor, at=at) as act:
            survivor = Ticket.objects.get(pk=into.pk)
            if (
                survivor.community_id != act.ticket.community_id
                or survivor.kind != act.ticket.kind
                or survivor.status in Ticket.INELIGIBLE
            ):
                raise ValidationError(
                    {"into": [_("Choose a valid ticket of the same kind to merge into.")]}
                )
            act.record(
                E.TRANSITION,
                to=S.DUPLICATE,
                note=note,
                data={"into": survivor.pk, "number": survivor.number},
            )
            survivor_act = _Act(survivor, actor, act.roles, act.at)
            survivor_act.record(
                E.MERGE, note=note, data={"merged": act.ticket.pk, "number": act.ticket.number}
            )
        survivor_act.commit()
    return act.ticket


def ticket_rate(
    *,
    ticket: Ticket,
    actor: User,
    rating: int,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """The submitter rates a resolved or closed ticket 1-5 with an optional comment `note`.
    The rating may be changed once, within 7 days of the first one; the latest counts
    (METRICS.md, Satisfaction rate). ValidationError on `rating` outside 1-5."""
    with _acting("rate", ticket=ticket, actor=actor, at=at) as act:
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValidationError({"rating": [_("Give a score from 1 to 5.")]})
        act.record(E.RATE, rating=rating, note=note)
    return act.ticket


def ticket_pause(
    *, ticket: Ticket, actor: User, note: str, at: datetime.datetime | None = None
) -> Ticket:
    """Pause the clock while the ticket waits on its submitter (a question asked, an
    appointment they set); `note` says what for (required). Staff or the assignee."""
    with _acting("pause", ticket=ticket, actor=actor, at=at) as act:
        note = _required(note, "note", _("Say what the ticket is waiting for."))
        act.record(E.PAUSE, note=note)
    return act.ticket


def ticket_resume(
    *, ticket: Ticket, actor: User, note: str = "", at: datetime.datetime | None = None
) -> Ticket:
    """Resume the clock; the deadlines move later by the paused time (METRICS.md, Time).
    Staff, the assignee or the submitter."""
    with _acting("resume", ticket=ticket, actor=actor, at=at) as act:
        act.record(E.RESUME, note=note)
    return act.ticket


def ticket_reply(
    *, ticket: Ticket, actor: User, note: str, at: datetime.datetime | None = None
) -> Ticket:
    """A message on the ticket (`note`, required). A staff reply is a first response
    (METRICS.md); the submitter's is not."""
    with _acting("reply", ticket=ticket, actor=actor, at=at) as act:
        note = _required(note, "note", _("Write a message."))
        act.record(E.REPLY, note=note)
    return act.ticket


def ticket_follow_up(
    *,
    ticket: Ticket,
    actor: User,
    satisfied: bool,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """Record a follow-up call (回访) on a resolved or closed ticket: `follow_up` event with
    data {"satisfied": bool}. A dissatisfied call reopens the ticket (-> reopened ->
    in_progress), with no time limit."""
    with _acting("follow_up", ticket=ticket, actor=actor, at=at) as act:
        act.record(E.FOLLOW_UP, note=note, data={"satisfied": bool(satisfied)})
        if not satisfied:
            _reopen(act, "")
    return act.ticket


def ticket_spawn_work_order(
    *,
    ticket: Ticket,
    actor: User,
    category: Category,
    description: str,
    title: str = "",
    at: datetime.datetime | None = None,
) -> Ticket:
    """From a complaint being handled, create a linked work order (`parent` = the complaint)
    for the same submitter and place, channel `staff`; the complaint gets a `note` event
    {"work_order": id, "number"}. Returns the new work order. ValidationError on `category`
    (must be an active work-order category) or `description`."""
    with _acting("spawn_work_order", ticket=ticket, actor=actor, at=at) as act:
        complaint = act.ticket
        work_order = _create(
            community=complaint.community,
            actor=actor,
            roles=act.roles,
            kind=TicketKind.WORK_ORDER,
            category=category,
            at=act.at,
            parent=complaint,
            title=title.strip(),
            description=description,
            channel=Ticket.Channel.STAFF,
            submitter=complaint.submitter,
            submitter_name=complaint.submitter_name,
            submitter_phone=complaint.submitter_phone,
            household=complaint.household,
            building=complaint.building,
            unit=complaint.unit,
            location_text=complaint.location_text,
            idempotency_key="",
        )
        act.record(E.NOTE, data={"work_order": work_order.pk, "number": work_order.number})
    return work_order


def tickets_auto_close(*, now: datetime.datetime | None = None) -> int:
    """Close, as the system, every ticket resolved 7 days or more before `now` whose submitter
    neither confirmed nor reopened it. Each ticket in its own transaction, re-checked under its
    lock, so a concurrent reopen wins and a second run closes nothing twice. Returns how many
    were closed."""
    now = now or timezone.now()
    candidates = Ticket.objects.filter(
        status=S.RESOLVED, resolved_at__lte=now - rules.AUTO_CLOSE_AFTER
    ).values_list("pk", flat=True)
    closed = 0
    for pk in candidates:
        try:
            with _acting("auto_close", ticket=Ticket(pk=pk), actor=None, at=now) as act:
                act.record(E.TRANSITION, to=S.CLOSED)
        except TransitionNotAllowed:
            continue
        closed += 1
    return closed
