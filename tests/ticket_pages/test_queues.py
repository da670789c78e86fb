"""The complaint and work-order queues and My requests: filters, search, sort, counts by
status, 50 a page, and a constant number of queries whatever the number of rows."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Membership
from tickets import services
from tickets.models import ResponsibleParty, Ticket, TicketKind

from .conftest import page_url

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def numbers(response) -> list[str]:
    return [row["ticket"].number for row in response.context["rows"]]


@pytest.fixture
def queue(world, drive):
    """Five work orders of community A (newest first once listed) and one of B."""
    a, pm = world.a, world.a.users[Role.PROPERTY_MANAGER]
    day = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=SH)
    tickets = {
        "old_open": drive(a, WO, "submitted", at=day),
        "dispatched": drive(a, WO, "dispatched", at=day + datetime.timedelta(days=1)),
        "resolved": drive(a, WO, "resolved", at=day + datetime.timedelta(days=2)),
        "phone": drive.submit(
            a,
            WO,
            at=day + datetime.timedelta(days=3),
            description="水管爆裂 north gate",
        ),
        "supervised": drive(a, WO, "in_progress", at=day + datetime.timedelta(days=4)),
    }
    services.ticket_transfer(
        ticket=tickets["supervised"],
        actor=pm,
        responsible_party=ResponsibleParty.OWNERS_COMMITTEE,
        note="维修资金",
    )
    Ticket.objects.filter(pk=tickets["phone"].pk).update(channel="phone")
    drive(world.b, WO, "submitted", at=day)
    return {k: Ticket.objects.get(pk=t.pk) for k, t in tickets.items()}


def test_filters_search_sort_and_counts(world, queue, page_as):
    a = world.a
    client = page_as(a.users[Role.PROPERTY_MANAGER])
    n = {k: t.number for k, t in queue.items()}
    everything = client.get(page_url(a, WO))
    assert numbers(everything) == [
        n["supervised"],
        n["phone"],
        n["resolved"],
        n["dispatched"],
        n["old_open"],
    ]
    counts = {value: count for value, _label, count in everything.context["counts"] if count}
    assert counts == {"submitted": 2, "dispatched": 1, "in_progress": 1, "resolved": 1}

    def listed(query):
        return numbers(client.get(page_url(a, WO, f"?{query}")))

    assert listed("status=submitted&status=resolved") == [n["phone"], n["resolved"], n["old_open"]]
    assert listed(f"category={queue['phone'].category_id}&status=submitted") == [
        n["phone"],
        n["old_open"],
    ]
    assert listed("responsible_party=owners_committee") == [n["supervised"]]
    assert (
        listed(f"assignee={a.users[Role.TECHNICIAN].pk}") == [n["dispatched"], n["resolved"]][::-1]
    )
    assert listed("channel=phone") == [n["phone"]]
    assert listed("submitted_from=2026-03-03&submitted_to=2026-03-04") == [
        n["resolved"],
        n["dispatched"],
    ]
    assert listed("q=NORTH") == [n["phone"]]
    assert listed(f"q={n['old_open']}") == [n["old_open"]]
    assert listed(f"building={a.building.pk}&ordering=submitted_at")[:2] == [
        n["old_open"],
        n["dispatched"],
    ]
    # Everything open from March 2026 is past its deadline now; the resolved one is not.
    assert listed("overdue=true") == [n["supervised"], n["phone"], n["dispatched"], n["old_open"]]
    overdue_rows = client.get(page_url(a, WO, "?overdue=false")).context["rows"]
    assert [row["ticket"].is_overdue for row in overdue_rows] == [False]
    # Counts follow every filter but the status one.
    filtered = client.get(page_url(a, WO, "?status=resolved&channel=web"))
    counts = {v: c for v, _label, c in filtered.context["counts"] if c}
    assert counts == {"submitted": 1, "dispatched": 1, "in_progress": 1, "resolved": 1}
    assert filtered.context["statuses"] == ["resolved"]


def test_a_technician_sees_their_work_orders_and_the_pool(world, queue, page_as):
    a = world.a
    listed = numbers(page_as(a.users[Role.TECHNICIAN]).get(page_url(a, WO)))
    assert listed == [queue[k].number for k in ("phone", "resolved", "dispatched", "old_open")]


def test_my_requests_lists_what_i_submitted_or_entered(world, drive, categories, page_as):
    a = world.a
    mine_c, mine_wo = drive(a, C, "submitted"), drive(a, WO, "resolved")
    entered = services.ticket_submit(
        community=a.community,
        actor=a.users[Role.PROPERTY_MANAGER],
        kind=C,
        category=categories[a.community.pk][C],
        description="代登记",
        channel="phone",
        submitter_name="李阿姨",
    )
    resident = page_as(a.users[Role.RESIDENT]).get("/c/a-community/my/tickets/")
    assert numbers(resident) == [mine_wo.number, mine_c.number]
    assert [(v, n) for v, _label, n in resident.context["counts"]] == [
        ("submitted", 1),
        ("resolved", 1),
    ]
    only = page_as(a.users[Role.RESIDENT]).get("/c/a-community/my/tickets/?status=resolved")
    assert numbers(only) == [mine_wo.number]
    staff = page_as(a.users[Role.PROPERTY_MANAGER]).get("/c/a-community/my/tickets/")
    assert numbers(staff) == [entered.number]


def _many(drive, side, kind, count):
    for i in range(count):
        state = ["submitted", "dispatched", "resolved"][i % 3]
        drive(side, kind, state)


@pytest.mark.parametrize("kind", [C, WO])
def test_queue_queries_do_not_grow_with_rows(world, drive, page_as, kind):
    """12 rows or a full page of 50 out of 60: the same 14 queries (session, user, membership,
    status counts, total, page, the page's buildings, units, households and assignees; filter
    choices: categories, buildings, assignees; the header's communities)."""
    a = world.a
    client = page_as(a.users[Role.PROPERTY_MANAGER])
    _many(drive, a, kind, 12)
    with CaptureQueriesContext(connection) as few:
        assert len(numbers(client.get(page_url(a, kind)))) == 12
    _many(drive, a, kind, 48)
    with CaptureQueriesContext(connection) as many:
        page = client.get(page_url(a, kind, "?status=submitted&status=dispatched&ordering=-number"))
    assert len(numbers(page)) == 40
    with CaptureQueriesContext(connection) as full:
        page = client.get(page_url(a, kind))
    assert len(numbers(page)) == 50 and page.context["paginator"].count == 60
    assert len(few) == len(many) == len(full) == 14


def test_my_requests_queries_do_not_grow_with_rows(world, drive, page_as):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    _many(drive, a, C, 3)
    with CaptureQueriesContext(connection) as few:
        assert len(numbers(client.get("/c/a-community/my/tickets/"))) == 3
    _many(drive, a, C, 30)
    _many(drive, a, WO, 30)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/c/a-community/my/tickets/")
    assert len(numbers(page)) == 50 and page.context["paginator"].count == 63
    assert len(few) == len(many) == 11  # 7, and the page's place and assignee (4)


def test_sort_and_overdue_menus_speak_chinese(world, page_as):
    """The sort menu names each key and direction in Chinese (django-filter's "(descending)"
    has no Chinese), and the overdue menu's empty choice is 全部, not 未知."""
    page = page_as(world.a.users[Role.PROPERTY_MANAGER]).get(page_url(world.a, WO))
    form = page.context["filter_form"]
    assert [str(label) for _value, label in form.fields["overdue"].choices] == ["全部", "是", "否"]
    sort = dict(form.fields["ordering"].choices)
    assert str(sort["response_due_at"]) == "响应截止（最早在前）"
    assert str(sort["-resolution_due_at"]) == "办结截止（最晚在前）"
    html = page.content.decode()
    assert "descending" not in html and "Response due at" not in html and "未知" not in html


def test_the_building_filter_lists_buildings_in_natural_order(world, page_as):
    """1号楼, 2号楼, 10号楼 (residents.selectors.natural_order), not 10号楼 before 2号楼."""
    from tests import factories

    compound = world.a.building.compound
    for name in ("10号楼", "2号楼"):
        factories.BuildingFactory(compound=compound, name=name)
    page = page_as(world.a.users[Role.PROPERTY_MANAGER]).get(page_url(world.a, C))
    field = page.context["filter_form"].fields["building"]
    labels = [label for value, label in field.widget.choices if value]
    assert [label.split(" ")[-1] for label in labels] == ["1号楼", "2号楼", "10号楼"]
