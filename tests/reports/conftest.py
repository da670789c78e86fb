"""Tickets and events built directly (not through the lifecycle services), with explicit instants,
so every expected value below is computed by hand from the rows written here."""

import datetime as dt
import zoneinfo

import pytest

from reports.metrics import Target, figures_compute
from reports.periods import Period
from residents.models import Household
from tests import factories
from tickets.models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind

STATUSES = {s.value for s in Ticket.Status}
STAFF, SUBMITTER, IMPORT = "staff", "submitter", "import"


def at(*args, tz: str = "UTC") -> dt.datetime:
    """at(2015, 3, 1, 8, 30) -> an aware instant; the wall time is read in `tz`."""
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


class Desk:
    """Writes tickets of one community: desk.ticket(submitted, ("accepted", t1), ...)."""

    def __init__(self, community):
        self.community = community
        self.categories: dict[str, Category] = {}

    def category(self, code: str = "general", **fields) -> Category:
        if code not in self.categories:
            fields = {
                "kind": TicketKind.COMPLAINT,
                "name": code,
                "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
                **fields,
            }
            self.categories[code] = Category.objects.create(
                community=self.community, code=code, **fields
            )
        return self.categories[code]

    def ticket(
        self,
        submitted: dt.datetime,
        *steps,
        category: str = "general",
        kind: str = TicketKind.COMPLAINT,
        channel: str = Ticket.Channel.PHONE,
        response_due: dt.datetime | None = None,
        resolution_due: dt.datetime | None = None,
        flags: tuple[str, ...] = (),
        exclude: bool = False,
    ) -> Ticket:
        """steps: (status, instant[, actor_kind]) transitions, ("reply", instant[, actor_kind]),
        ("rate", instant, score), ("transfer" | "pause" | "resume" | "supervise", instant)."""
        ticket = Ticket.objects.create(
            community=self.community,
            kind=kind,
            category=self.category(category, kind=kind),
            channel=channel,
            submitted_at=submitted,
            response_due_at=response_due,
            resolution_due_at=resolution_due,
            nominal_response_due_at=response_due,
            nominal_resolution_due_at=resolution_due,
            responsible_party=ResponsibleParty.PROPERTY_COMPANY,
            data_flags=list(flags),
            exclude_from_durations=exclude,
        )
        events = [self._event(ticket, "transition", submitted, SUBMITTER, "", "submitted")]
        status = "submitted"
        for name, instant, *rest in steps:
            if name in STATUSES:
                actor = rest[0] if rest else STAFF
                events.append(self._event(ticket, "transition", instant, actor, status, name))
                status = name
            elif name == "rate":
                event = self._event(ticket, "rate", instant, SUBMITTER)
                event.rating = rest[0]
                events.append(event)
            else:
                events.append(self._event(ticket, name, instant, rest[0] if rest else STAFF))
        TicketEvent.objects.bulk_create(events)
        return ticket

    def _event(self, ticket, kind, instant, actor, from_status="", to_status=""):
        return TicketEvent(
            community=self.community,
            ticket=ticket,
            kind=kind,
            at=instant,
            actor_kind=actor,
            from_status=from_status,
            to_status=to_status,
        )


@pytest.fixture
def desk(db) -> Desk:
    """A desk on a community of its own (Asia/Shanghai) with no households yet."""
    return Desk(factories.CommunityFactory(slug="metrics-a", name="测算社区"))


def target(community, period: str) -> Target:
    return Target(community, Period.parse(period))


def figures(community, period: str, as_of: dt.datetime) -> dict[str, dict]:
    """The computed figures (not stored) of one community and period, as plain dicts."""
    key = target(community, period)
    return {k: f.as_dict() for k, f in figures_compute(targets=[key], as_of=as_of)[key].items()}


def households(community, *created: dt.datetime) -> None:
    """One household per instant, registered (created_at) at that instant."""
    unit = factories.UnitFactory(building__compound__community=community)
    for instant in created:
        household = factories.HouseholdFactory(unit=unit)
        Household.objects.filter(pk=household.pk).update(created_at=instant)
