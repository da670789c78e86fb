"""The ticket API: tenant isolation on every endpoint and action, row visibility and privacy,
queues (filters, search, counts, query counts), intake, categories, text returned as data."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from tests import factories
from tests.tickets.conftest import Role
from tests.tickets.test_transitions_api import TABLE
from tickets import services
from tickets.models import ContactAccessLog, Ticket, TicketEvent, TicketKind
from tickets.selectors import ROW_PREFETCHED

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
WO, C = TicketKind.WORK_ORDER, TicketKind.COMPLAINT
ENDPOINT = {WO: "work-orders", C: "complaints"}


def url(side, path):
    return f"/api/v1/c/{side.community.slug}/{path}"


# --- tenant isolation -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [WO, C])
@pytest.mark.parametrize("role", [Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER])
def test_another_communitys_ticket_is_404_on_every_endpoint_and_action(
    world, drive, api_as, kind, role
):
    """Community A's staff, addressing B's ticket through A's slug: 404 everywhere, and B's
    ticket stays as it was."""
    theirs = drive(world.b, kind, "in_progress")
    before = (theirs.status, theirs.events.count())
    client = api_as(world.a.users[role])
    base = url(world.a, f"{ENDPOINT[kind]}/{theirs.pk}/")
    actions = [a for a, spec in TABLE.items() if spec[1 if kind == WO else 2] is not None]
    answers = {"detail": client.get(base).status_code}
    answers["events"] = client.get(base + "events/").status_code
    for action in actions:
        answers[action] = client.post(base + f"{action}/", {"note": "x"}, format="json").status_code
    if role == Role.COMMITTEE_STAFF:
        assert answers == dict.fromkeys(answers, 404)
    else:  # supervise needs committee staff: the matrix answers before the row is looked up
        assert answers == {**dict.fromkeys(answers, 404), "supervise": 403}
    theirs.refresh_from_db()
    assert (theirs.status, theirs.events.count()) == before


@pytest.mark.parametrize("path", ["categories/", "complaints/", "work-orders/"])
def test_another_communitys_slug_is_404_for_lists_and_creates(world, api_as, path):
    client = api_as(world.a.users[Role.COMMITTEE_STAFF])
    assert client.get(url(world.b, path)).status_code == 404
    assert client.post(url(world.b, path), {}, format="json").status_code == 404
    assert api_as(world.outsider).get(url(world.a, path)).status_code == 404


def test_another_communitys_category_is_404_and_not_listed(world, categories, api_as):
    theirs = categories[world.b.community.pk][C]
    client = api_as(world.a.users[Role.COMMITTEE_STAFF])
    assert client.get(url(world.a, f"categories/{theirs.pk}/")).status_code == 404
    patch = client.patch(url(world.a, f"categories/{theirs.pk}/"), {"name": "x"}, format="json")
    assert patch.status_code == 404
    listed = [c["code"] for c in client.get(url(world.a, "categories/")).json()["results"]]
    assert sorted(listed) == ["plumbing", "property-service"]


def test_another_communitys_ticket_cannot_be_the_target_of_a_merge(world, drive, api_as):
    mine = drive(world.a, C, "accepted")
    theirs = drive(world.b, C, "accepted")
    response = api_as(world.a.users[Role.PROPERTY_MANAGER]).post(
        url(world.a, f"complaints/{mine.pk}/merge/"), {"into": theirs.pk}, format="json"
    )
    assert response.status_code == 400 and "into" in response.json()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == ("accepted", "accepted")


def test_another_communitys_category_or_place_is_refused_at_intake(world, categories, api_as):
    client = api_as(world.a.users[Role.RESIDENT])
    for body in (
        {"category": categories[world.b.community.pk][C].pk, "description": "x"},
        {
            "category": categories[world.a.community.pk][C].pk,
            "description": "x",
            "building": world.b.building.pk,
        },
    ):
        response = client.post(url(world.a, "complaints/"), body, format="json")
        assert response.status_code == 400
    assert not Ticket.objects.exists()


# --- row visibility and privacy --------------------------------------------------------------


def test_who_sees_which_rows(world, drive, api_as):
    mine = drive(world.a, WO, "dispatched")  # the resident's, assigned to the technician
    pool = drive(world.a, WO, "submitted")
    other_resident = factories.UserFactory(username="a-resident-2")
    factories.MembershipFactory(
        community=world.a.community, user=other_resident, role=Role.RESIDENT
    )
    accepted = drive(world.a, WO, "accepted")  # accepted by the PM, nobody assigned yet

    def ids(user):
        body = api_as(user).get(url(world.a, "work-orders/")).json()
        return sorted(row["id"] for row in body["results"])

    u = world.a.users
    assert ids(u[Role.PROPERTY_MANAGER]) == sorted([mine.pk, pool.pk, accepted.pk])
    assert ids(u[Role.EVALUATOR]) == sorted([mine.pk, pool.pk, accepted.pk])
    assert ids(u[Role.TECHNICIAN]) == sorted([mine.pk, pool.pk])
    assert ids(u[Role.RESIDENT]) == sorted([mine.pk, pool.pk, accepted.pk])
    assert ids(other_resident) == []


def test_identity_per_role_and_the_logged_full_phone(world, drive, api_as):
    ticket = drive(world.a, WO, "in_progress")
    u = world.a.users
    detail = url(world.a, f"work-orders/{ticket.pk}/")

    def contact(user, path=detail):
        body = api_as(user).get(path).json()
        row = body["results"][0] if "results" in body else body
        return row["submitter_name"], row["submitter_phone"], row["household"]

    assert contact(u[Role.RESIDENT]) == (
        "a居民",
        "+8613800138000",
        {"id": world.a.household.pk, "name": "101"},
    )
    assert contact(u[Role.PROPERTY_MANAGER])[:2] == ("a居民", "138****8000")
    assert contact(u[Role.COMMITTEE_STAFF])[:2] == ("a居民", "138****8000")
    assert contact(u[Role.EVALUATOR]) == ("", "", None)
    assert not ContactAccessLog.objects.exists()
    # The assignee: masked in the queue, full on the ticket itself, and that is logged.
    assert contact(u[Role.TECHNICIAN], url(world.a, "work-orders/"))[1] == "138****8000"
    assert contact(u[Role.TECHNICIAN])[:2] == ("a居民", "+8613800138000")
    log = ContactAccessLog.objects.get()
    assert (log.ticket_id, log.actor_id, log.community_id) == (
        ticket.pk,
        u[Role.TECHNICIAN].pk,
        world.a.community.pk,
    )
    # Once the work order is resolved it is no longer open: masked again, nothing logged.
    services.ticket_resolve(ticket=ticket, actor=u[Role.TECHNICIAN], note="好了")
    assert contact(u[Role.TECHNICIAN])[1] == "138****8000"
    assert ContactAccessLog.objects.count() == 1


def test_evaluators_see_no_submitter_in_the_timeline(world, drive, api_as):
    ticket = drive(world.a, C, "resolved")
    services.ticket_rate(ticket=ticket, actor=world.a.users[Role.RESIDENT], rating=5)
    events = url(world.a, f"complaints/{ticket.pk}/events/")
    evaluator = api_as(world.a.users[Role.EVALUATOR]).get(events).json()
    staff = api_as(world.a.users[Role.PROPERTY_MANAGER]).get(events).json()
    by_submitter = [e for e in evaluator if e["actor_kind"] == "submitter"]
    assert [e["kind"] for e in by_submitter] == ["transition", "rate"]
    assert all(e["actor"] is None for e in by_submitter)
    assert [e["actor"]["name"] for e in staff if e["actor_kind"] == "submitter"] == [
        "a-resident",
        "a-resident",
    ]
    assert evaluator[-1]["rating"] == 5


# --- text is data ----------------------------------------------------------------------------


def test_script_in_text_fields_is_returned_verbatim_as_data(world, categories, api_as):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client = api_as(world.a.users[Role.RESIDENT])
    created = client.post(
        url(world.a, "complaints/"),
        {
            "category": categories[world.a.community.pk][C].pk,
            "title": script,
            "description": script,
            "location_text": script,
        },
        format="json",
    )
    assert created.status_code == 201
    assert created["Content-Type"] == "application/json"
    ticket_id = created.json()["id"]
    staff = api_as(world.a.users[Role.PROPERTY_MANAGER])
    staff.post(url(world.a, f"complaints/{ticket_id}/reply/"), {"note": script}, format="json")
    detail = staff.get(url(world.a, f"complaints/{ticket_id}/")).json()
    events = staff.get(url(world.a, f"complaints/{ticket_id}/events/")).json()
    assert detail["title"] == detail["description"] == detail["location_text"] == script
    assert events[-1]["note"] == script
    raw = staff.get(url(world.a, f"complaints/{ticket_id}/")).content.decode()
    assert "&lt;script" not in raw and '<script>alert(\\"x\\")</script>' in raw


# --- intake ----------------------------------------------------------------------------------


def test_resident_submits_and_a_retry_returns_the_same_ticket(world, categories, api_as):
    client = api_as(world.a.users[Role.RESIDENT])
    body = {
        "category": categories[world.a.community.pk][WO].pk,
        "description": "厨房水管漏水",
        "household": world.a.household.pk,
    }
    first = client.post(
        url(world.a, "work-orders/"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        url(world.a, "work-orders/"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    other = client.post(
        url(world.a, "work-orders/"), body, format="json", HTTP_IDEMPOTENCY_KEY="k2"
    )
    assert first.status_code == again.status_code == other.status_code == 201
    assert first.json()["id"] == again.json()["id"] != other.json()["id"]
    assert Ticket.objects.count() == 2
    data = first.json()
    assert (data["status"], data["channel"], data["is_own"]) == ("submitted", "web", True)
    assert data["number"] == "GD" + str(timezone.localdate().year) + "-00001"
    assert data["building"] == {"id": world.a.building.pk, "name": "1号楼", "compound": "a小区"}


def test_staff_intake_needs_a_channel(world, categories, api_as):
    client = api_as(world.a.users[Role.PROPERTY_MANAGER])
    body = {"category": categories[world.a.community.pk][C].pk, "description": "电话投诉"}
    missing = client.post(url(world.a, "complaints/"), body, format="json")
    done = client.post(
        url(world.a, "complaints/"),
        {
            **body,
            "channel": "hotline_12345",
            "submitter_name": "王女士",
            "submitter_phone": "13912345678",
        },
        format="json",
    )
    assert missing.status_code == 400 and list(missing.json()) == ["channel"]
    assert done.status_code == 201
    assert (done.json()["channel"], done.json()["submitter_phone"]) == (
        "hotline_12345",
        "139****5678",
    )


@pytest.mark.parametrize(
    ("role", "kind", "code"),
    [
        (Role.TECHNICIAN, WO, 201),
        (Role.TECHNICIAN, C, 403),
        (Role.EVALUATOR, C, 403),
        (Role.OWNERS_COMMITTEE, C, 403),
        (Role.STREET_OFFICER, WO, 403),
    ],
)
def test_intake_by_role(world, categories, api_as, role, kind, code):
    body = {
        "category": categories[world.a.community.pk][kind].pk,
        "description": "x",
        "channel": "staff",
    }
    response = api_as(world.a.users[role]).post(
        url(world.a, ENDPOINT[kind] + "/"), body, format="json"
    )
    assert response.status_code == code
    assert Ticket.objects.count() == (1 if code == 201 else 0)


# --- categories ------------------------------------------------------------------------------


def test_categories_crud_by_staff_only(world, categories, api_as):
    body = {
        "kind": "work_order",
        "code": "elevator",
        "name": "电梯故障",
        "responsible_party": "property_company",
        "is_facility_fault": True,
        "response_target": 30,
        "response_unit": "hours",
        "resolution_target": 1,
        "resolution_unit": "working_days",
    }
    pm = api_as(world.a.users[Role.PROPERTY_MANAGER])
    created = pm.post(url(world.a, "categories/"), body, format="json")
    assert created.status_code == 201
    duplicate = pm.post(url(world.a, "categories/"), body, format="json")
    assert duplicate.status_code == 400 and list(duplicate.json()) == ["code"]
    # The same code in community B is fine: codes are unique per community.
    other = api_as(world.b.users[Role.PROPERTY_MANAGER]).post(
        url(world.b, "categories/"), body, format="json"
    )
    assert other.status_code == 201
    resident = api_as(world.a.users[Role.RESIDENT])
    assert (
        resident.post(url(world.a, "categories/"), {**body, "code": "x"}, format="json").status_code
        == 403
    )
    listed = resident.get(url(world.a, "categories/?kind=work_order")).json()["results"]
    assert [(c["code"], c["name"]) for c in listed] == [
        ("plumbing", "水电维修"),
        ("elevator", "电梯故障"),
    ]
    assert (
        api_as(world.a.users[Role.STREET_OFFICER]).get(url(world.a, "categories/")).status_code
        == 403
    )


# --- queues ----------------------------------------------------------------------------------


def _many(world, drive, n):
    """n work orders and n complaints in community A in several states, plus B's noise."""
    u = world.a.users
    for i in range(n):
        for kind in (WO, C):
            state = ["submitted", "accepted", "dispatched", "in_progress", "resolved"][i % 5]
            drive(world.a, kind, state)
    drive(world.b, WO, "submitted")
    return u


@pytest.mark.parametrize("kind", [WO, C])
@pytest.mark.parametrize("role", [Role.PROPERTY_MANAGER, Role.EVALUATOR, Role.RESIDENT])
def test_list_queries_do_not_grow_with_rows(
    world, drive, api_as, django_assert_max_num_queries, kind, role
):
    _many(world, drive, 30)
    client = api_as(world.a.users[role])
    # tenancy, status counts (the page's count is their sum), page, and one query per nullable
    # relation some row of the page has (selectors.ROW_PREFETCHED)
    with django_assert_max_num_queries(3 + len(ROW_PREFETCHED)):
        body = client.get(url(world.a, f"{ENDPOINT[kind]}/?page_size=200")).json()
    assert body["count"] == 30 and len(body["results"]) == 30
    assert body["counts"] == {
        "submitted": 6,
        "accepted": 6,
        "dispatched": 6,
        "in_progress": 6,
        "resolved": 6,
        "closed": 0,
        "reopened": 0,
        "rejected": 0,
        "cancelled": 0,
        "duplicate": 0,
    }


def test_technician_list_queries(world, drive, api_as, django_assert_max_num_queries):
    _many(world, drive, 30)
    client = api_as(world.a.users[Role.TECHNICIAN])
    with django_assert_max_num_queries(3 + len(ROW_PREFETCHED)):
        body = client.get(url(world.a, "work-orders/")).json()
    # Assigned: dispatched, in_progress, resolved (6 each); pool: submitted (6).
    assert body["count"] == 24


def test_list_count_is_the_filtered_statuses(world, drive, api_as):
    """The page's count is the sum of the counts of the statuses filtered on."""
    _many(world, drive, 10)
    client = api_as(world.a.users[Role.PROPERTY_MANAGER])
    body = client.get(url(world.a, "complaints/?status=submitted&status=resolved&status=resolved"))
    body = body.json()
    assert body["count"] == 4 and len(body["results"]) == 4
    assert {r["status"] for r in body["results"]} == {"submitted", "resolved"}
    assert body["counts"]["accepted"] == 2 and sum(body["counts"].values()) == 10
    body = client.get(url(world.a, "complaints/?status=closed")).json()
    assert (body["count"], body["results"]) == (0, [])
    assert client.get(url(world.a, "complaints/?status=nope")).status_code == 400


def test_events_and_categories_list_queries(world, drive, api_as, django_assert_max_num_queries):
    ticket = drive(world.a, C, "resolved")
    resident, pm = world.a.users[Role.RESIDENT], world.a.users[Role.PROPERTY_MANAGER]
    for i in range(40):
        services.ticket_reply(ticket=ticket, actor=pm if i % 2 else resident, note=f"第{i}条")
    merged = drive(world.a, C, "submitted")
    services.ticket_merge(ticket=merged, into=ticket, actor=pm)
    client = api_as(pm)
    # tenancy, ticket, merged ids (2 rounds), events with actors and tickets
    with django_assert_max_num_queries(5):
        events = client.get(url(world.a, f"complaints/{ticket.pk}/events/")).json()
    assert len(events) == 5 + 40 + 1 + 2
    for i in range(30):
        factories_category(world, f"c{i}")
    with django_assert_max_num_queries(3):
        body = client.get(url(world.a, "categories/?page_size=200")).json()
    assert body["count"] == 32


def factories_category(world, code):
    from tickets.models import Category

    Category.objects.create(
        community=world.a.community,
        kind=C,
        code=code,
        name=code,
        responsible_party="property_company",
    )


def test_filters_search_sort_and_counts(world, drive, api_as):
    pm, cs = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.COMMITTEE_STAFF]
    old = drive.submit(
        world.a, C, at=datetime.datetime(2025, 3, 1, 0, 30, tzinfo=SH), description="电梯异响"
    )
    late = drive.submit(
        world.a, C, at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=SH), description="垃圾未清"
    )
    april = drive.submit(
        world.a, C, at=datetime.datetime(2025, 4, 1, 0, 0, tzinfo=SH), description="电梯停运"
    )
    services.ticket_accept(ticket=april, actor=pm)
    services.ticket_transfer(ticket=april, actor=pm, responsible_party="outside_body", note="供电")
    services.ticket_supervise(
        ticket=old, actor=cs, due_at=timezone.now() + datetime.timedelta(days=1)
    )
    fresh = drive(world.a, C, "submitted")  # submitted now: deadlines ahead
    client = api_as(pm)

    def ids(query):
        body = client.get(url(world.a, "complaints/?" + query)).json()
        return [row["id"] for row in body["results"]], body["counts"]

    # March local days: 00:30 on Mar 1 and 23:30 on Mar 31 are in, April 1 00:00 is out.
    assert ids("submitted_from=2025-03-01&submitted_to=2025-03-31")[0] == [late.pk, old.pk]
    assert ids("q=电梯&ordering=submitted_at")[0] == [old.pk, april.pk]
    assert ids(f"q={april.number}")[0] == [april.pk]
    # Overdue: the 2025 tickets are long past their 24 h response deadline; `fresh` is not.
    assert sorted(ids("overdue=true")[0]) == sorted([old.pk, late.pk, april.pk])
    assert ids("overdue=false")[0] == [fresh.pk]
    assert ids("responsible_party=outside_body")[0] == [april.pk]
    listed, counts = ids("status=accepted")
    assert listed == [april.pk]
    # Counts ignore the status filter but keep the others.
    assert (counts["submitted"], counts["accepted"]) == (3, 1)
    assert ids("status=accepted&status=submitted&ordering=-submitted_at")[0] == [
        fresh.pk,
        april.pk,
        late.pk,
        old.pk,
    ]
    bad = client.get(url(world.a, "complaints/?status=nonsense"))
    assert bad.status_code == 400 and "status" in bad.json()


def test_overdue_waits_while_paused(world, drive, api_as):
    start = datetime.datetime(2025, 6, 9, 9, 0, tzinfo=SH)
    t = drive.submit(world.a, WO, at=start)
    u = world.a.users
    services.ticket_accept(ticket=t, actor=u[Role.PROPERTY_MANAGER], at=start)
    # Paused an hour after submission, never resumed: the resolution deadline (Jun 11) has not
    # passed on the stopped clock.
    services.ticket_pause(
        ticket=t,
        actor=u[Role.PROPERTY_MANAGER],
        note="等业主",
        at=start + datetime.timedelta(hours=1),
    )
    body = api_as(u[Role.PROPERTY_MANAGER]).get(url(world.a, "work-orders/?overdue=true")).json()
    assert body["count"] == 0
    detail = api_as(u[Role.PROPERTY_MANAGER]).get(url(world.a, f"work-orders/{t.pk}/")).json()
    assert detail["is_overdue"] is False and detail["paused_since"] is not None


def test_actions_listed_for_the_viewer(world, drive, api_as):
    ticket = drive(world.a, WO, "resolved")
    u = world.a.users
    get = lambda user: api_as(user).get(url(world.a, f"work-orders/{ticket.pk}/")).json()["actions"]  # noqa: E731
    assert get(u[Role.RESIDENT]) == ["confirm", "reopen", "rate", "reply"]
    assert get(u[Role.PROPERTY_MANAGER]) == ["reply", "follow_up"]
    assert get(u[Role.EVALUATOR]) == []


def test_openapi_schema_documents_the_ticket_api(world, api_as):
    response = api_as(world.a.users[Role.COMMITTEE_STAFF]).get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    base = "/api/v1/c/{slug}/"
    for path in ("categories/", "complaints/", "work-orders/", "complaints/{id}/events/"):
        assert base + path in paths
    for action in ("accept", "dispatch", "follow-up", "merge", "supervise", "rate"):
        assert base + "work-orders/{id}/" + action + "/" in paths
    assert base + "complaints/{id}/spawn-work-order/" in paths
    params = {p["name"] for p in paths[base + "complaints/"]["get"]["parameters"]}
    assert {"status", "category", "building", "responsible_party", "assignee", "overdue"} <= params
    assert {"channel", "submitted_from", "submitted_to", "q", "ordering", "page"} <= params


def test_event_log_is_append_only_through_the_api(world, drive, api_as):
    ticket = drive(world.a, C, "accepted")
    n = TicketEvent.objects.count()
    client = api_as(world.a.users[Role.COMMITTEE_STAFF])
    events = url(world.a, f"complaints/{ticket.pk}/events/")
    assert client.post(events, {}, format="json").status_code == 405
    assert client.delete(url(world.a, f"complaints/{ticket.pk}/")).status_code == 405
    assert TicketEvent.objects.count() == n


def test_an_imported_ticket_reads_and_is_found_by_its_number_in_the_source(
    world, categories, api_as
):
    """Imported tickets have no portal number: the API gives their source and its number, and
    the search finds them by it (a user types the number the old system gave)."""
    a = world.a
    imported = Ticket.objects.create(
        community=a.community,
        kind=C,
        source="boston",
        external_id="101001685067",
        channel=Ticket.Channel.PHONE,
        category=categories[a.community.pk][C],
        submitted_at=timezone.now() - datetime.timedelta(days=3),
        responsible_party="property_company",
    )
    client = api_as(a.users[Role.PROPERTY_MANAGER])
    found = client.get(url(a, "complaints/?q=101001685067")).json()
    assert found["count"] == 1
    row = found["results"][0]
    assert (row["id"], row["number"], row["source"], row["external_id"]) == (
        imported.pk,
        "",
        "boston",
        "101001685067",
    )
    assert client.get(url(a, "complaints/?q=10100168")).json()["count"] == 0  # whole numbers
    assert str(imported) == "101001685067"
