"""API shapes of categories, tickets, their events and the action payloads.

Output serializers read only what the selectors loaded for the whole page (no per-row query).
Every text field is returned as data (JSON strings), never as HTML. Instants are ISO 8601
with their UTC offset; `paused_seconds` is in seconds.
"""

import datetime
from collections.abc import Callable
from functools import cached_property
from operator import attrgetter

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.api import (
    CommunityMemberField,
    CommunityRelatedField,
    InstantField,
    ModelSerializer,
)
from community.models import Organisation, User
from residents.models import Building, Household, Resident, Unit

from . import selectors
from .models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind, TicketPhoto


class CategorySerializer(ModelSerializer):
    """A category with its responsible party (权责清单) and SLA targets: `response_target` in
    `response_unit`, `resolution_target` in `resolution_unit` (hours or China working days;
    null target = no SLA)."""

    class Meta:
        model = Category
        fields = [
            "id",
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


class _Named(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _BuildingRef(_Named):
    compound = serializers.CharField(help_text="The compound's name: several may have a 1号楼.")


class _CategoryRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


class TicketSerializer(ModelSerializer):
    """A ticket as the viewer may see it (tickets/selectors.py, Identity): `submitter_name`,
    `submitter_phone` and `household` are blank for de-identified viewers, the phone masked for
    staff. `is_overdue` per selectors.overdue_q. `actions`: what the viewer may do now.
    `number` is the portal's own (TS2026-00042); an imported ticket has none, and its number in
    the source system is `external_id` (of `source`)."""

    category = serializers.SerializerMethodField()
    submitter_name = serializers.SerializerMethodField()
    submitter_phone = serializers.SerializerMethodField()
    household = serializers.SerializerMethodField()
    building = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    assignee = serializers.SerializerMethodField()
    assigned_organisation = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    is_own = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "number",
            "kind",
            "status",
            "channel",
            "category",
            "title",
            "description",
            "submitter_name",
            "submitter_phone",
            "is_own",
            "household",
            "building",
            "unit",
            "location_text",
            "submitted_at",
            "response_due_at",
            "resolution_due_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "is_overdue",
            "paused_since",
            "paused_seconds",
            "handoff_count",
            "responsible_party",
            "assignee",
            "assigned_organisation",
            "is_supervised",
            "supervision_due_at",
            "parent",
            "duplicate_of",
            "rating",
            "source",
            "external_id",
            "data_flags",
            "actions",
        ]
        read_only_fields = fields

    # What every row is written for, read from the context once (a page has 50 rows).
    @cached_property
    def _user(self) -> User:
        return self.context["request"].user

    @cached_property
    def _roles(self) -> frozenset[str]:
        return self.context["roles"]

    @cached_property
    def _single(self) -> bool:
        return self.context.get("single", False)

    @cached_property
    def _now(self):
        return self.context.get("now") or timezone.now()

    @cached_property
    def _identities(self) -> dict[int, tuple[str, dict]]:
        return {}

    def _identity(self, ticket: Ticket) -> tuple[str, dict]:
        """(identity level, {"name", "phone"}) of the ticket's submitter for this viewer."""
        found = self._identities.get(ticket.pk)
        if found is None:
            level = selectors.ticket_identity(
                ticket=ticket, user=self._user, roles=self._roles, single=self._single
            )
            if self._single:
                contact = selectors.ticket_contact_reveal(
                    ticket=ticket, user=self._user, level=level
                )
            else:
                contact = selectors.ticket_contact(ticket=ticket, level=level)
            found = self._identities[ticket.pk] = (level, contact)
        return found

    @extend_schema_field(_CategoryRef)
    def get_category(self, ticket):
        c = ticket.category
        return {"id": c.pk, "code": c.code, "name": c.name}

    def get_submitter_name(self, ticket) -> str:
        return self._identity(ticket)[1]["name"]

    def get_submitter_phone(self, ticket) -> str:
        return self._identity(ticket)[1]["phone"]

    def get_is_own(self, ticket) -> bool:
        return ticket.submitter_id is not None and ticket.submitter_id == self._user.pk

    @extend_schema_field(_Named(allow_null=True))
    def get_household(self, ticket):
        if ticket.household is None or self._identity(ticket)[0] == selectors.HIDDEN:
            return None
        return {"id": ticket.household.pk, "name": ticket.household.room}

    @extend_schema_field(_BuildingRef(allow_null=True))
    def get_building(self, ticket):
        b = ticket.building
        return {"id": b.pk, "name": b.name, "compound": b.compound.name} if b else None

    @extend_schema_field(_Named(allow_null=True))
    def get_unit(self, ticket):
        u = ticket.unit
        return {"id": u.pk, "name": u.name} if u else None

    @extend_schema_field(_Named(allow_null=True))
    def get_assignee(self, ticket):
        return _person(ticket.assignee)

    @extend_schema_field(_Named(allow_null=True))
    def get_assigned_organisation(self, ticket):
        o = ticket.assigned_organisation
        return {"id": o.pk, "name": o.name} if o else None

    def get_is_overdue(self, ticket) -> bool:
        if ticket.status in selectors.CLOSED_STATUSES:
            return False
        clock = ticket.paused_since or self._now
        late_response = (
            ticket.first_response_at is None
            and ticket.response_due_at is not None
            and ticket.response_due_at < clock
        )
        late = ticket.resolution_due_at is not None and ticket.resolution_due_at < clock
        return late_response or late

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, ticket):
        return selectors.ticket_actions(
            ticket=ticket, user=self._user, roles=self._roles, at=self._now
        )


# TicketSerializer's fields by how TicketListSerializer writes them.
_COLUMNS = frozenset(
    {"id", "number", "kind", "status", "channel", "title", "description", "location_text"}
    | {"paused_seconds", "handoff_count", "responsible_party", "is_supervised", "rating"}
    | {"source", "external_id", "data_flags"}
)
_INSTANTS = frozenset(
    {"submitted_at", "response_due_at", "resolution_due_at", "first_response_at"}
    | {"resolved_at", "closed_at", "paused_since", "supervision_due_at"}
)
_IDS = frozenset({"parent", "duplicate_of"})


class TicketListSerializer(TicketSerializer):
    """The rows of a queue page (selectors.TicketRow): exactly TicketSerializer's fields and
    values (viewed as a list, never `single`: no full phone for the assignee, nothing logged),
    written row by row without DRF's per-field machinery, which cost about 0.8 ms a row
    (bench/api.py). The OpenAPI schema is TicketSerializer's."""

    @cached_property
    def _writers(self) -> list[tuple[str, Callable]]:
        """(field, ticket -> value) for each field, made once per page."""
        tz = timezone.get_current_timezone()

        def instant(value: datetime.datetime) -> str:  # as InstantField writes an aware instant
            text = value.astimezone(tz).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        def writer(name: str) -> Callable:
            if name in _COLUMNS:
                return attrgetter(name)
            if name in _IDS:
                return attrgetter(f"{name}_id")
            if name in _INSTANTS:
                get = attrgetter(name)
                return lambda ticket: None if (value := get(ticket)) is None else instant(value)
            return getattr(self, f"get_{name}")

        return [(name, writer(name)) for name in self.Meta.fields]

    def to_representation(self, ticket):
        return {name: write(ticket) for name, write in self._writers}


class TicketPhotoSerializer(ModelSerializer):
    """A photo of a ticket: `event` null for the intake's photos; `url` the API download."""

    url = serializers.SerializerMethodField()

    class Meta:
        model = TicketPhoto
        fields = ["id", "event", "content_type", "width", "height", "size_bytes", "url"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return self.context["view"].reverse_action(
            "photo",
            kwargs={
                "slug": self.context["community"].slug,
                "pk": photo.ticket_id,
                "photo": photo.pk,
            },
        )


class TicketEventSerializer(ModelSerializer):
    """One timeline entry. `ticket_number` differs from the ticket's own for the history of a
    ticket merged into it. `actor` is null for the system, and for the submitter when the viewer
    sees tickets de-identified. `rating` 1-5 on `rate` events; `data` per kind (transfer: from/to
    party; supervise: due_at; follow_up: satisfied; merge: merged id/number)."""

    ticket_number = serializers.CharField(source="ticket.number")
    actor = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "kind",
            "from_status",
            "to_status",
            "actor",
            "actor_kind",
            "at",
            "note",
            "rating",
            "data",
        ]
        read_only_fields = fields

    @extend_schema_field(_Named(allow_null=True))
    def get_actor(self, event):
        submitter = event.actor_kind == TicketEvent.ActorKind.SUBMITTER
        if submitter and (self.context.get("hidden") or self._private(event)):
            return None
        return _person(event.actor)

    def get_note(self, event) -> str:
        return "" if self._private(event) else event.note

    def _private(self, event) -> bool:
        ticket = self.context.get("ticket")
        roles = self.context.get("roles", frozenset())
        return ticket is not None and selectors.event_is_private(
            event=event, ticket=ticket, roles=roles
        )


class TicketSubmitSerializer(serializers.Serializer):
    """Intake. Residents: category, description, optional title, household (their own),
    building, unit or location_text, channel (web, app, mini_program; default web).
    Staff on behalf: also `channel` (required), and `resident` or submitter_name/phone.
    `idempotency_key` (or the `Idempotency-Key` header): a retry returns the same ticket."""

    category = CommunityRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True, trim_whitespace=False)
    channel = serializers.ChoiceField(
        choices=Ticket.Channel.choices, required=False, allow_blank=True, default=""
    )
    household = CommunityRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True, default=None
    )
    building = CommunityRelatedField(
        queryset=Building.objects.all(), required=False, allow_null=True, default=None
    )
    unit = CommunityRelatedField(
        queryset=Unit.objects.all(), required=False, allow_null=True, default=None
    )
    location_text = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    resident = CommunityRelatedField(
        queryset=Resident.objects.all(), required=False, allow_null=True, default=None
    )
    submitter_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    submitter_phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default=""
    )
    idempotency_key = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )


class NoteSerializer(serializers.Serializer):
    """`note`: free text; required (non-blank) for resolve, reject, pause and reply."""

    note = serializers.CharField(required=False, allow_blank=True, default="")


class DispatchOrganisationField(serializers.PrimaryKeyRelatedField):
    """An organisation the request's community dispatches to (selectors.dispatch_organisations).
    Any other id is refused as "does not exist", as CommunityMemberField does for users: the
    API never confirms that another community's organisation exists."""

    queryset = Organisation.objects.all()  # its model types the field in the OpenAPI schema

    def get_queryset(self):
        return selectors.dispatch_organisations(community_id=self.context["community"].pk)


class DispatchSerializer(NoteSerializer):
    assignee = CommunityMemberField(required=False, allow_null=True, default=None)
    organisation = DispatchOrganisationField(required=False, allow_null=True, default=None)


class TransferSerializer(NoteSerializer):
    responsible_party = serializers.ChoiceField(choices=ResponsibleParty.choices)


class SuperviseSerializer(NoteSerializer):
    due_at = InstantField()


class MergeSerializer(NoteSerializer):
    into = CommunityRelatedField(queryset=Ticket.objects.all())


class RateSerializer(NoteSerializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)


class FollowUpSerializer(NoteSerializer):
    satisfied = serializers.BooleanField()


class SpawnWorkOrderSerializer(serializers.Serializer):
    category = CommunityRelatedField(queryset=Category.objects.filter(kind=TicketKind.WORK_ORDER))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(allow_blank=True)
