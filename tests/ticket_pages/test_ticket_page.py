"""The ticket page and its actions: exactly the forms the viewer's role and the ticket's state
allow (tickets.rules), each posting to a view that calls the service; a refusal shows the
translated reason and keeps the input; the lifecycle of METRICS.md driven through the pages."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from community.models import Membership
from tests import factories
from tests.tickets.conftest import snapshot
from tickets import rules, services
from tickets.models import ResponsibleParty, Ticket, TicketEvent, TicketKind, TicketPhoto

from .conftest import page_url, png

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER
S = Ticket.Status


def shown_actions(response) -> list[str]:
    return re.findall(r'<details class="card gz-card mb-2" id="action-(\w+)"', response.text)


def act(client, side, ticket, action, data=None, **files):
    prefix = action.replace("-", "_")
    body = {f"{prefix}-{k}": v for k, v in (data or {}).items()}
    body.update({f"{prefix}-{k}": v for k, v in files.items()})
    return client.post(page_url(side, ticket.kind, f"{ticket.pk}/{action}/"), body)


STATES = ["submitted", "accepted", "dispatched", "in_progress", "resolved", "closed"]
READERS = {
    C: [Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER, Role.RESIDENT, Role.OWNERS_COMMITTEE],
    WO: [Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER, Role.TECHNICIAN, Role.RESIDENT],
}


@pytest.mark.parametrize("kind", [C, WO])
@pytest.mark.parametrize("state", STATES)
def test_the_page_offers_exactly_the_actions_the_rules_allow(world, drive, page_as, kind, state):
    a = world.a
    ticket = drive(a, kind, state)
    for role in [*READERS[kind], Role.EVALUATOR]:
        user = a.users[role]
        response = page_as(user).get(page_url(a, kind, f"{ticket.pk}/"))
        if role == Role.TECHNICIAN and state == "accepted":  # neither in the pool nor theirs
            assert response.status_code == 404
            continue
        assert response.status_code == 200
        roles = frozenset({role})
        allowed = rules.allowed_actions(ticket, user, roles, timezone.now())
        if role == Role.PROPERTY_MANAGER:
            allowed = [x for x in allowed if x != "supervise"]
        assert shown_actions(response) == allowed, role
    # One hand-checked row: committee staff on a submitted ticket.
    if state == "submitted":
        staff = page_as(a.users[Role.COMMITTEE_STAFF]).get(page_url(a, kind, f"{ticket.pk}/"))
        assert sorted(shown_actions(staff)) == sorted(
            ["accept", "reject", "transfer", "supervise", "merge", "reply"]
        )


def test_a_work_order_from_submission_to_rating_through_the_pages(world, drive, page_as):
    a = world.a
    users = a.users
    ticket = drive(a, WO, "submitted")
    pm, tech, resident = users[Role.PROPERTY_MANAGER], users[Role.TECHNICIAN], users[Role.RESIDENT]

    assert act(page_as(pm), a, ticket, "accept", {"note": "已受理"}).status_code == 302
    response = act(page_as(pm), a, ticket, "dispatch", {"assignee": tech.pk, "note": "请上门"})
    assert response.status_code == 302
    assert response["Location"] == page_url(a, WO, f"{ticket.pk}/")
    assert act(page_as(tech), a, ticket, "start").status_code == 302
    response = act(
        page_as(tech), a, ticket, "resolve", {"note": "已更换灯泡"}, photos=[png(), png()]
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    resolved = ticket.events.get(to_status=S.RESOLVED)
    assert (ticket.status, ticket.assignee, resolved.note) == (S.RESOLVED, tech, "已更换灯泡")
    assert list(TicketPhoto.objects.values_list("event", flat=True)) == [resolved.pk] * 2

    client = page_as(resident)
    page = client.get(page_url(a, WO, f"{ticket.pk}/"))
    assert shown_actions(page) == ["confirm", "reopen", "rate", "reply"]
    assert act(client, a, ticket, "rate", {"rating": 4, "note": "很及时"}).status_code == 302
    assert act(client, a, ticket, "confirm").status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.rating_count) == (S.CLOSED, 4, 1)
    kinds = [(e.kind, e.to_status) for e in ticket.events.order_by("at", "id")]
    assert kinds == [
        ("transition", "submitted"),
        ("transition", "accepted"),
        ("transition", "dispatched"),
        ("transition", "in_progress"),
        ("transition", "resolved"),
        ("rate", ""),
        ("transition", "closed"),
    ]
    timeline = client.get(page_url(a, WO, f"{ticket.pk}/")).context["timeline"]
    assert [len(entry.photos) for entry in timeline] == [0, 0, 0, 0, 2, 0, 0]
    assert timeline[2].details == [("处理人", tech.get_full_name() or tech.username)]


def test_a_refused_action_shows_the_translated_reason_and_keeps_the_input(world, drive, page_as):
    """The resident's page still offered "withdraw" when staff resolved the complaint."""
    a = world.a
    ticket = drive(a, C, "resolved")
    before = snapshot(ticket)
    response = act(page_as(a.users[Role.RESIDENT]), a, ticket, "cancel", {"note": "不要了<i>x</i>"})
    assert response.status_code == 409
    with translation.override("zh-hans"):
        resolved = str(S.RESOLVED.label)
    assert [str(m) for m in response.context["messages"]] == [
        f"当前状态为“{resolved}”，不能“撤销”。"
    ]
    assert snapshot(ticket) == before
    action, _spec, form, _url, offered = response.context["action_forms"][0]
    assert (action, offered, form["note"].value()) == ("cancel", False, "不要了<i>x</i>")
    assert "不要了&lt;i&gt;x&lt;/i&gt;</textarea>" in response.text
    assert [a for a, *_rest, offered in response.context["action_forms"] if offered] == [
        "confirm",
        "reopen",
        "rate",
        "reply",
    ]


def test_a_service_validation_error_is_shown_on_its_field_with_the_input_kept(
    world, drive, page_as
):
    a = world.a
    ticket = drive(a, C, "in_progress")
    before = snapshot(ticket)
    client = page_as(a.users[Role.PROPERTY_MANAGER])
    response = act(client, a, ticket, "transfer", {"responsible_party": "owners_committee"})
    assert response.status_code == 400
    forms = {name: f for name, _spec, f, _url, _offered in response.context["action_forms"]}
    assert forms["transfer"].errors == {"note": ["请填写转办理由。"]}
    assert forms["transfer"]["responsible_party"].value() == "owners_committee"
    assert response.context["open_action"] == "transfer"
    assert '<details class="card gz-card mb-2" id="action-transfer" open>' in response.text
    assert snapshot(ticket) == before


def test_transfer_counts_a_hand_off_and_shows_both_parties(world, drive, page_as):
    a = world.a
    ticket = drive(a, C, "accepted")
    client = page_as(a.users[Role.COMMITTEE_STAFF])
    data = {"responsible_party": ResponsibleParty.OWNERS_COMMITTEE, "note": "属业委会事项"}
    assert act(client, a, ticket, "transfer", data).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.handoff_count, ticket.responsible_party) == (1, "owners_committee")
    entry = client.get(page_url(a, C, f"{ticket.pk}/")).context["timeline"][-1]
    assert entry.details == [("原责任方", "物业服务企业"), ("转交给", "业委会")]


def test_supervision_is_set_by_committee_staff_and_visible_to_the_resident(world, drive, page_as):
    a = world.a
    ticket = drive(a, C, "dispatched")
    due = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    local = due.astimezone(a.community.tz).strftime("%Y-%m-%dT%H:%M")
    pm = page_as(a.users[Role.PROPERTY_MANAGER])
    assert act(pm, a, ticket, "supervise", {"due_at": local}).status_code == 403
    staff = page_as(a.users[Role.COMMITTEE_STAFF])
    response = act(staff, a, ticket, "supervise", {"due_at": local, "note": "请三日内解决"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.is_supervised
    assert ticket.supervision_due_at == due.replace(second=0, microsecond=0)
    page = page_as(a.users[Role.RESIDENT]).get(page_url(a, C, f"{ticket.pk}/"))
    assert 'id="supervised-badge"' in page.text
    assert [row.state for row in page.context["clock"]] == ["met", "running", "running"]
    assert page.context["clock"][2].due == ticket.supervision_due_at
    assert due.strftime("%Y-%m-%d %H:%M") in page.text  # local time of the community


def test_a_complaint_spawns_a_linked_work_order(world, drive, page_as, categories):
    a = world.a
    complaint = drive(a, C, "accepted")
    client = page_as(a.users[Role.PROPERTY_MANAGER])
    category = categories[a.community.pk][WO]
    data = {"category": category.pk, "description": "更换楼道灯"}
    response = act(client, a, complaint, "spawn-work-order", data)
    work_order = Ticket.objects.get(kind=WO)
    assert response["Location"] == page_url(a, WO, f"{work_order.pk}/")
    assert (work_order.parent, work_order.submitter) == (complaint, complaint.submitter)
    page = client.get(page_url(a, C, f"{complaint.pk}/"))
    assert page.context["spawned"] == [(work_order.number, page_url(a, WO, f"{work_order.pk}/"))]
    assert page.context["timeline"][-1].link == (
        work_order.number,
        page_url(a, WO, f"{work_order.pk}/"),
    )
    assert client.get(page_url(a, WO, f"{work_order.pk}/")).context["parent_url"] == page_url(
        a, C, f"{complaint.pk}/"
    )


def test_merge_by_number_makes_a_duplicate_and_the_survivor_shows_both_histories(
    world, drive, page_as
):
    a = world.a
    survivor, merged = drive(a, C, "accepted"), drive(a, C, "submitted")
    client = page_as(a.users[Role.COMMITTEE_STAFF])
    missing = act(client, a, merged, "merge", {"into": "TS1999-00001"})
    assert missing.status_code == 400
    forms = {name: f for name, _spec, f, _url, _offered in missing.context["action_forms"]}
    assert forms["merge"].errors == {"into": ["没有这个编号的同类工单。"]}
    response = act(client, a, merged, "merge", {"into": survivor.number.lower(), "note": "重复"})
    assert response["Location"] == page_url(a, C, f"{survivor.pk}/")
    merged.refresh_from_db()
    assert (merged.status, merged.duplicate_of) == (S.DUPLICATE, survivor)
    timeline = client.get(page_url(a, C, f"{survivor.pk}/")).context["timeline"]
    numbers = [e.event.ticket.number for e in timeline]
    assert numbers.count(merged.number) == 2 and numbers.count(survivor.number) == 3


def test_a_dissatisfied_follow_up_call_reopens_and_the_resident_may_reopen(world, drive, page_as):
    a = world.a
    ticket = drive(a, C, "resolved")
    staff = page_as(a.users[Role.COMMITTEE_STAFF])
    assert (
        act(staff, a, ticket, "follow-up", {"satisfied": "no", "note": "仍漏水"}).status_code == 302
    )
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS
    follow_up = ticket.events.get(kind=TicketEvent.Kind.FOLLOW_UP)
    assert follow_up.data == {"satisfied": False}
    services.ticket_resolve(ticket=ticket, actor=a.users[Role.PROPERTY_MANAGER], note="再次维修")
    resident = page_as(a.users[Role.RESIDENT])
    assert act(resident, a, ticket, "reopen", {"note": "还是坏的"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == S.IN_PROGRESS


def test_an_unknown_action_is_404_and_get_is_not_allowed(world, drive, page_as):
    a = world.a
    ticket = drive(a, C, "submitted")
    client = page_as(a.users[Role.COMMITTEE_STAFF])
    assert act(client, a, ticket, "auto-close").status_code == 404
    assert act(client, a, ticket, "delete").status_code == 404
    assert client.get(page_url(a, C, f"{ticket.pk}/accept/")).status_code == 405


def test_the_ticket_page_queries_do_not_grow_with_its_timeline(world, drive, page_as):
    """The page of a ticket with 4 events or with 25 (replies, re-dispatches to two people):
    the same number of queries."""
    a = world.a
    ticket = drive(a, WO, "in_progress")
    pm, tech = a.users[Role.PROPERTY_MANAGER], a.users[Role.TECHNICIAN]
    client = page_as(pm)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url(a, WO, f"{ticket.pk}/")).status_code == 200
    for i in range(10):
        services.ticket_reply(ticket=ticket, actor=pm, note=f"留言{i}")
        services.ticket_dispatch(ticket=ticket, actor=pm, assignee=[pm, tech][i % 2])
    assert act(client, a, ticket, "reply", {"note": "已约上门"}).status_code == 302
    with CaptureQueriesContext(connection) as many:
        page = client.get(page_url(a, WO, f"{ticket.pk}/"))
    assert len(page.context["timeline"]) == 25
    assert len(few) == len(many)


def test_a_resident_does_not_see_who_submitted_a_ticket_merged_into_theirs(
    world, drive, categories, page_as
):
    a = world.a
    survivor = drive(a, C, "accepted")
    neighbour = factories.UserFactory(username="neighbour", first_name="邻居")
    factories.MembershipFactory(community=a.community, user=neighbour, role=Role.RESIDENT)
    merged = services.ticket_submit(
        community=a.community,
        actor=neighbour,
        kind=C,
        category=categories[a.community.pk][C],
        description="同一盏灯",
        location_text="3号楼门口",
    )
    services.ticket_reply(ticket=merged, actor=neighbour, note="我的电话13911112222")
    services.ticket_merge(ticket=merged, into=survivor, actor=a.users[Role.COMMITTEE_STAFF])
    theirs = page_as(a.users[Role.RESIDENT]).get(page_url(a, C, f"{survivor.pk}/"))
    foreign = [e for e in theirs.context["timeline"] if e.event.ticket_id == merged.pk]
    assert [(e.actor, e.note) for e in foreign[:2]] == [("提出人", ""), ("提出人", "")]
    assert "13911112222" not in theirs.text and "邻居" not in theirs.text
    staff = page_as(a.users[Role.COMMITTEE_STAFF]).get(page_url(a, C, f"{survivor.pk}/"))
    foreign = [e for e in staff.context["timeline"] if e.event.ticket_id == merged.pk]
    assert [(e.actor, e.note) for e in foreign[:2]] == [
        (neighbour.get_full_name(), ""),
        (neighbour.get_full_name(), "我的电话13911112222"),
    ]


def test_an_imported_ticket_is_named_by_its_source_id(world, drive, page_as):
    """An imported ticket has no portal number: its page names it by the source's id, as the
    queue does (Ticket.__str__), in the title, the breadcrumb and the heading."""
    a = world.a
    ticket = drive(a, C, "accepted")
    Ticket.objects.filter(pk=ticket.pk).update(number="", source="boston311", external_id="1010")
    page = page_as(a.users[Role.COMMITTEE_STAFF]).get(page_url(a, C, f"{ticket.pk}/")).text
    assert re.search(r"<title>1010 · ", page)
    assert '<li class="breadcrumb-item active" aria-current="page">1010</li>' in page
    assert re.search(r'<p class="gz-eyebrow mb-1">[^<]* · 1010</p>', page)
