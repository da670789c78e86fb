"""Ticket fixtures: categories in both communities and a driver that puts a ticket in a state
through the real services (so every test starts from a consistent event log)."""

import datetime
from dataclasses import dataclass

import pytest

from community.models import Membership
from tickets import services
from tickets.models import Category, ResponsibleParty, Ticket, TicketKind

Role = Membership.Role
UTC = datetime.UTC


def make_categories(community):
    complaint = Category.objects.create(
        community=community,
        kind=TicketKind.COMPLAINT,
        code="property-service",
        name="物业服务",
        responsible_party=ResponsibleParty.PROPERTY_COMPANY,
        is_property_service=True,
        response_target=24,
        response_unit=Category.TargetUnit.HOURS,
        resolution_target=3,
        resolution_unit=Category.TargetUnit.WORKING_DAYS,
    )
    work_order = Category.objects.create(
        community=community,
        kind=TicketKind.WORK_ORDER,
        code="plumbing",
        name="水电维修",
        responsible_party=ResponsibleParty.PROPERTY_COMPANY,
        is_facility_fault=True,
        response_target=2,
        response_unit=Category.TargetUnit.HOURS,
        resolution_target=2,
        resolution_unit=Category.TargetUnit.WORKING_DAYS,
    )
    return {TicketKind.COMPLAINT: complaint, TicketKind.WORK_ORDER: work_order}


@dataclass
class Driver:
    """drive(side, kind, state) -> a ticket of `side` in `state`, submitted by side's resident;
    work orders are dispatched to side's technician, complaints to side's property manager."""

    categories: dict

    def submit(self, side, kind, *, at=None, **extra):
        return services.ticket_submit(
            community=side.community,
            actor=side.users[Role.RESIDENT],
            kind=kind,
            category=self.categories[side.community.pk][kind],
            description=extra.pop("description", "楼道灯不亮"),
            household=side.household,
            at=at,
            **extra,
        )

    def __call__(self, side, kind, state, *, at=None):
        users = side.users
        pm, resident = users[Role.PROPERTY_MANAGER], users[Role.RESIDENT]
        handler = users[Role.TECHNICIAN] if kind == TicketKind.WORK_ORDER else pm
        t = self.submit(side, kind, at=at)
        steps = {
            "accepted": lambda t: services.ticket_accept(ticket=t, actor=pm, at=at),
            "dispatched": lambda t: services.ticket_dispatch(
                ticket=t, actor=pm, assignee=handler, at=at
            ),
            "in_progress": lambda t: services.ticket_start(ticket=t, actor=handler, at=at),
            "resolved": lambda t: services.ticket_resolve(
                ticket=t, actor=handler, note="已更换灯泡", at=at
            ),
            "closed": lambda t: services.ticket_confirm(ticket=t, actor=resident, at=at),
        }
        order = ["accepted", "dispatched", "in_progress", "resolved", "closed"]
        target = "in_progress" if state == "paused" else state
        if target != "submitted":
            for step in order[: order.index(target) + 1]:
                t = steps[step](t)
        if state == "paused":
            t = services.ticket_pause(ticket=t, actor=pm, note="约定上门时间", at=at)
        return t


@pytest.fixture
def categories(world):
    return {
        world.a.community.pk: make_categories(world.a.community),
        world.b.community.pk: make_categories(world.b.community),
    }


@pytest.fixture
def drive(categories) -> Driver:
    return Driver(categories)


def snapshot(ticket: Ticket) -> tuple:
    """What must not change when an action is refused."""
    ticket.refresh_from_db()
    return (
        ticket.status,
        ticket.events.count(),
        ticket.assignee_id,
        ticket.responsible_party,
        ticket.handoff_count,
        ticket.paused_since,
        ticket.rating,
        ticket.is_supervised,
        ticket.duplicate_of_id,
        ticket.updated_at,
    )
