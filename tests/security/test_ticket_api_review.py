"""Adversarial review of the ticket API after ed1432e, f1793fc and 568a137: the list's ids through
the ORM and its rows by one constant statement (selectors.ticket_rows), relations loaded by id,
and a ticket's photos listed and downloaded.

Findings (each test failed before its fix):
- a member holding a de-identified role and the technician role saw every complaint's submitter
  (name, masked phone, household) and its photos: identity was decided on the roles alone;
- an owners' committee member who is also a technician saw every work order, where neither
  role alone may (owners' committee members read no work orders);
- a refused photo download asked for as an image answered its JSON error as `image/*`.
The other tests pin what was tried and found right, with real values."""

import datetime

import pytest
from django.utils import timezone

from community.models import Membership
from tests import factories
from tests.ticket_pages.conftest import png
from tests.tickets.conftest import Driver, make_categories
from tickets import services
from tickets.models import Ticket, TicketKind, TicketPhoto

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER
PREFIX = {C: "complaints", WO: "work-orders"}
ALL_ZERO = dict.fromkeys(Ticket.Status.values, 0)


@pytest.fixture
def drive(world):
    return Driver(
        {side.community.pk: make_categories(side.community) for side in (world.a, world.b)}
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its photos under its own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def api(side, path):
    return f"/api/v1/c/{side.community.slug}/{path}"


def submit_with_photo(side, drive, api_as, kind, user=None):
    """A ticket of `side` submitted through the API by `user` (side's resident) with one 6x4
    PNG; (ticket, photo)."""
    response = api_as(user or side.users[Role.RESIDENT]).post(
        api(side, PREFIX[kind] + "/"),
        {
            "category": drive.categories[side.community.pk][kind].pk,
            "description": "楼道灯不亮",
            "photos": [png(6, 4)],
        },
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    return ticket, TicketPhoto.objects.get(ticket=ticket)


def test_a_technician_who_is_also_an_evaluator_sees_complaints_deidentified(
    world, drive, api_as, media_root
):
    a = world.a
    ticket, photo = submit_with_photo(a, drive, api_as, C)
    user = a.users[Role.EVALUATOR]
    factories.MembershipFactory(community=a.community, user=user, role=Role.TECHNICIAN)
    client = api_as(user)
    rows = client.get(api(a, "complaints/")).json()["results"]
    detail = client.get(api(a, f"complaints/{ticket.pk}/")).json()
    for seen in (rows[0], detail):
        assert (seen["id"], seen["submitter_name"], seen["submitter_phone"]) == (ticket.pk, "", "")
        assert seen["household"] is None
    assert client.get(api(a, f"complaints/{ticket.pk}/photos/")).status_code == 404
    assert client.get(api(a, f"complaints/{ticket.pk}/photos/{photo.pk}/")).status_code == 404


def test_a_technician_who_is_also_an_evaluator_sees_other_work_orders_deidentified(
    world, drive, api_as, media_root
):
    """Their own (assigned) work order masked, with its photos; another technician's as the
    evaluator sees it: no submitter, no photos."""
    a = world.a
    user = a.users[Role.EVALUATOR]
    factories.MembershipFactory(community=a.community, user=user, role=Role.TECHNICIAN)
    pm = a.users[Role.PROPERTY_MANAGER]
    mine, my_photo = submit_with_photo(a, drive, api_as, WO)
    services.ticket_dispatch(
        ticket=services.ticket_accept(ticket=mine, actor=pm), actor=pm, assignee=user
    )
    theirs, their_photo = submit_with_photo(a, drive, api_as, WO)
    services.ticket_dispatch(
        ticket=services.ticket_accept(ticket=theirs, actor=pm),
        actor=pm,
        assignee=a.users[Role.TECHNICIAN],
    )
    client = api_as(user)
    rows = {r["id"]: r for r in client.get(api(a, "work-orders/")).json()["results"]}
    assert {pk: (r["submitter_name"], r["submitter_phone"]) for pk, r in rows.items()} == {
        mine.pk: ("a居民", "138****8000"),
        theirs.pk: ("", ""),
    }
    assert client.get(api(a, f"work-orders/{mine.pk}/photos/{my_photo.pk}/")).status_code == 200
    assert client.get(api(a, f"work-orders/{theirs.pk}/photos/")).status_code == 404
    url = api(a, f"work-orders/{theirs.pk}/photos/{their_photo.pk}/")
    assert client.get(url).status_code == 404


def test_an_owners_committee_member_who_is_a_technician_sees_only_their_work_orders(
    world, drive, api_as
):
    a = world.a
    user = a.users[Role.OWNERS_COMMITTEE]
    factories.MembershipFactory(community=a.community, user=user, role=Role.TECHNICIAN)
    pool = drive.submit(a, WO)
    others = drive(a, WO, "dispatched")  # assigned to A's technician
    client = api_as(user)
    listed = client.get(api(a, "work-orders/")).json()
    assert [r["id"] for r in listed["results"]] == [pool.pk]
    assert (listed["count"], listed["counts"]) == (1, {**ALL_ZERO, "submitted": 1})
    assert client.get(api(a, f"work-orders/{others.pk}/")).status_code == 404
    # Complaints, which owners' committee members read, stay all visible de-identified.
    complaint = drive(a, C, "submitted")
    row = client.get(api(a, "complaints/")).json()["results"]
    assert [(r["id"], r["submitter_name"]) for r in row] == [(complaint.pk, "")]


def test_a_refused_photo_download_answers_json_whatever_the_accept_header(
    world, drive, api_as, media_root
):
    a = world.a
    ticket, photo = submit_with_photo(a, drive, api_as, C)
    url = api(a, f"complaints/{ticket.pk}/photos/{photo.pk}/")
    evaluator = api_as(a.users[Role.EVALUATOR])
    for accept in ("image/png", "image/*", "*/*", "application/json"):
        refused = evaluator.get(url, HTTP_ACCEPT=accept)
        assert (refused.status_code, refused["Content-Type"]) == (404, "application/json")
        assert refused.json() == {"detail": "未找到。"}
    head = api_as(a.users[Role.PROPERTY_MANAGER]).head(url, HTTP_ACCEPT="image/png")
    assert (head.status_code, head["Content-Type"]) == (200, "image/png")
    assert b"".join(head.streaming_content) == b""
    assert int(head["Content-Length"]) == photo.size_bytes
    assert evaluator.head(url, HTTP_ACCEPT="image/png").status_code == 404


def test_another_residents_or_communitys_photo_is_404(world, drive, api_as, media_root):
    """Pinned: a resident reaches neither another resident's ticket nor its photo, under any
    ticket id or kind; another community's staff reach nothing in A."""
    a, b = world.a, world.b
    theirs, their_photo = submit_with_photo(a, drive, api_as, C)
    neighbour = factories.UserFactory(username="a-neighbour")
    factories.MembershipFactory(community=a.community, user=neighbour, role=Role.RESIDENT)
    mine, _mine_photo = submit_with_photo(a, drive, api_as, C, user=neighbour)
    client = api_as(neighbour)
    assert [r["id"] for r in client.get(api(a, "complaints/")).json()["results"]] == [mine.pk]
    for path in (
        f"complaints/{theirs.pk}/photos/",
        f"complaints/{theirs.pk}/photos/{their_photo.pk}/",
        f"complaints/{mine.pk}/photos/{their_photo.pk}/",
        f"work-orders/{mine.pk}/photos/",
    ):
        assert client.get(api(a, path)).status_code == 404, path
    b_staff = api_as(b.users[Role.COMMITTEE_STAFF])
    for path in (f"complaints/{theirs.pk}/photos/{their_photo.pk}/", f"complaints/{theirs.pk}/"):
        assert b_staff.get(api(b, path)).status_code == 404
        assert b_staff.get(api(a, path)).status_code == 404  # not a member of A


def test_list_filters_ordering_and_pages_agree_with_counts(world, drive, api_as):
    """Pinned: every ordering pages through each visible row exactly once; other communities'
    ids in filters match nothing; `count` is the sum of `counts` over the statuses asked for;
    overdue true/false split the queue; an imported ticket with flags and no deadlines reads as
    in its detail."""
    a, b = world.a, world.b
    categories = drive.categories
    past = timezone.now() - datetime.timedelta(days=30)
    late = drive(a, WO, "submitted", at=past)
    ids = {late.pk} | {drive(a, WO, s).pk for s in ("accepted", "paused", "resolved", "closed")}
    drive(b, WO, "submitted")
    imported = Ticket.objects.create(
        community=a.community,
        kind=WO,
        source="legacy",
        external_id="X1",
        channel=Ticket.Channel.PHONE,
        category=categories[a.community.pk][WO],
        submitted_at=past - datetime.timedelta(days=1),
        status=Ticket.Status.CLOSED,
        responsible_party="property_company",
        data_flags=["closed_without_close_time", "clock_skew"],
        submitter_name="张三",
        submitter_phone="13800138000",
    )
    ids.add(imported.pk)
    pm = api_as(a.users[Role.PROPERTY_MANAGER])
    queue = api(a, "work-orders/")
    for ordering in ("", "status", "-status", "response_due_at", "-resolution_due_at", "number"):
        seen = []
        for page in (1, 2, 3):
            body = pm.get(queue, {"ordering": ordering, "page_size": 3, "page": page}).json()
            seen += [r["id"] for r in body.get("results", [])]
        assert sorted(seen) == sorted(ids), ordering
    every = pm.get(queue).json()
    assert every["counts"] == {
        **ALL_ZERO,
        "submitted": 1,
        "accepted": 1,
        "in_progress": 1,
        "resolved": 1,
        "closed": 2,
    }
    two = pm.get(queue, {"status": ["closed", "accepted", "closed"]}).json()
    assert (two["count"], len(two["results"]), two["counts"]) == (3, 3, every["counts"])
    assert pm.get(queue, {"page": 2}).status_code == 404
    for name, other in (
        ("assignee", b.users[Role.TECHNICIAN].pk),
        ("building", b.building.pk),
        ("category", categories[b.community.pk][WO].pk),
    ):
        body = pm.get(queue, {name: other}).json()
        assert (body["count"], body["results"], body["counts"]) == (0, [], ALL_ZERO), name
    overdue = pm.get(queue, {"overdue": "true"}).json()
    on_time = pm.get(queue, {"overdue": "false"}).json()
    assert [r["id"] for r in overdue["results"]] == [late.pk]
    assert overdue["count"] + on_time["count"] == 6
    row = next(r for r in every["results"] if r["id"] == imported.pk)
    assert row == pm.get(api(a, f"work-orders/{imported.pk}/")).json()
    assert (row["response_due_at"], row["data_flags"], row["submitter_phone"]) == (
        None,
        ["closed_without_close_time", "clock_skew"],
        "138****8000",
    )


def test_a_technician_who_is_also_an_evaluator_sees_no_merged_submitters_note(world, drive, api_as):
    """Found after the review: on a complaint, the technician role is no staff role (technicians
    read no complaints), so another submitter's merged note stays private to such a member."""
    a = world.a
    pm = a.users[Role.PROPERTY_MANAGER]
    survivor = drive(a, C, "accepted")
    neighbour = factories.UserFactory()
    factories.MembershipFactory(community=a.community, user=neighbour, role=Role.RESIDENT)
    merged = services.ticket_submit(
        community=a.community,
        actor=neighbour,
        kind=C,
        category=drive.categories[a.community.pk][C],
        description="邻居的投诉",
    )
    services.ticket_reply(ticket=merged, actor=neighbour, note="我家电话 13912345678")
    services.ticket_merge(ticket=merged, into=survivor, actor=pm)
    user = a.users[Role.EVALUATOR]
    factories.MembershipFactory(community=a.community, user=user, role=Role.TECHNICIAN)
    notes = {
        client: [
            e["note"]
            for e in api_as(client).get(api(a, f"complaints/{survivor.pk}/events/")).json()
            if e["ticket"] == merged.pk and e["kind"] == "reply"
        ]
        for client in (user, pm)
    }
    assert notes == {user: [""], pm: ["我家电话 13912345678"]}


@pytest.mark.parametrize("direction", ["", "-"])
def test_tickets_without_the_deadline_sorted_on_come_last(world, drive, api_as, direction):
    """Found after the review: PostgreSQL sorts NULLs last ascending and first descending, SQLite
    the other way; a ticket without a response deadline now comes last either way."""
    a = world.a
    first, second = drive(a, WO, "submitted"), drive(a, WO, "submitted")
    Ticket.objects.filter(pk=first.pk).update(response_due_at=None)
    Ticket.objects.filter(pk=second.pk).update(
        response_due_at=timezone.now() + datetime.timedelta(hours=1)
    )
    pm = api_as(a.users[Role.PROPERTY_MANAGER])
    rows = pm.get(api(a, f"work-orders/?ordering={direction}response_due_at")).json()["results"]
    assert [r["id"] for r in rows] == [second.pk, first.pk]
