"""The queue's lean rows (TicketListSerializer) are exactly TicketSerializer's, for every
viewer's identity level and every kind of value a row carries."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from community.models import Membership
from tests import factories
from tests.tickets.conftest import Role
from tickets import selectors, services
from tickets.models import TicketKind
from tickets.serializers import TicketListSerializer, TicketSerializer

C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER


@pytest.fixture
def varied(world, drive, categories):
    """Tickets of A in every shape: open, overdue, paused, supervised, merged, spawned from a
    complaint, rated, with and without place, assignee and organisation."""
    pm, resident = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.RESIDENT]
    past = timezone.now() - datetime.timedelta(days=30)
    drive(world.a, C, "submitted", at=past)  # overdue, never answered
    drive(world.a, WO, "dispatched")
    drive(world.a, WO, "paused")
    supervised = drive(world.a, C, "in_progress")
    services.ticket_supervise(
        ticket=supervised,
        actor=world.a.users[Role.COMMITTEE_STAFF],
        due_at=timezone.now() + datetime.timedelta(days=2),
    )
    survivor = drive(world.a, C, "accepted")
    services.ticket_merge(ticket=drive(world.a, C, "submitted"), into=survivor, actor=pm)
    services.ticket_spawn_work_order(
        ticket=survivor,
        actor=pm,
        category=categories[world.a.community.pk][WO],
        description="换灯泡",
    )
    rated = drive(world.a, C, "resolved")
    services.ticket_rate(ticket=rated, actor=resident, rating=4, note="好")
    services.ticket_submit(
        community=world.a.community,
        actor=resident,
        kind=C,
        category=categories[world.a.community.pk][C],
        description="门禁坏了",
        building=world.a.building,
        unit=world.a.unit,
        location_text="大门",
    )
    to_company = services.ticket_accept(ticket=drive.submit(world.a, WO), actor=pm)
    company = factories.OrganisationFactory()
    Membership.objects.filter(user=pm, community=world.a.community).update(organisation=company)
    services.ticket_dispatch(ticket=to_company, actor=pm, organisation=company)


CASES = [
    (role, kind)
    for role in (Role.PROPERTY_MANAGER, Role.TECHNICIAN, Role.RESIDENT, Role.EVALUATOR)
    for kind in (C, WO)
    if (role, kind) != (Role.TECHNICIAN, C)  # technicians see no complaints
]


FILLED = {
    C: {
        "duplicate_of",
        "building",
        "unit",
        "household",
        "assignee",
        "rating",
        "is_overdue",
        "supervision_due_at",
    },
    WO: {"parent", "assignee", "assigned_organisation", "paused_since", "building"},
}


@pytest.mark.parametrize(("role", "kind"), CASES)
def test_list_rows_equal_full_serializer(world, varied, kind, role):
    user = world.a.users[role]
    roles = selectors.roles_of(community_id=world.a.community.pk, user=user)
    queue = selectors.ticket_queue(community=world.a.community, user=user, roles=roles, kind=kind)
    now = timezone.now()

    def rows(serializer_class, queryset):
        context = {"request": SimpleNamespace(user=user), "roles": roles, "now": now}
        return serializer_class(list(queryset), many=True, context=context).data

    lean = rows(
        TicketListSerializer, selectors.ticket_rows(list(queue.values_list("id", flat=True)))
    )
    full = rows(TicketSerializer, queue)
    assert len(full) >= 2
    if role == Role.PROPERTY_MANAGER:  # the shapes compared include these non-null values
        for name in FILLED[kind]:
            assert any(r[name] not in (None, False) for r in full), name
    assert [dict(r) for r in lean] == [dict(r) for r in full]
    assert [list(r) for r in lean] == [list(r) for r in full]  # same field order


def test_list_rows_equal_full_serializer_on_sqlite(tmp_path):
    """selectors.ticket_rows reads the engine's own values (SQLite: naive UTC datetimes,
    integers for booleans, JSON as text): the comparison above, run again on SQLite."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""}
    done = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "--create-db"),
            f"{__file__}::test_list_rows_equal_full_serializer",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert f"{len(CASES)} passed" in done.stdout
