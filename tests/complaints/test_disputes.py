"""Disputes and mediation: the rules, de-identification, the permission matrix, tenant
isolation on every page and endpoint, and list query counts."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.permissions import MATRIX, READ, WRITE
from complaints import services
from complaints.models import Dispute
from tests import factories
from tests.conftest import ROLES

from .conftest import ago, make_dispute


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def mediation_success(community, start, end, as_of):
    """METRICS.md: disputes concluded in [start, end) by as_of with an agreement ÷ concluded."""
    concluded = Dispute.objects.filter(
        community=community, concluded_at__gte=start, concluded_at__lt=end, concluded_at__lte=as_of
    )
    total = concluded.count()
    return (concluded.filter(outcome="agreement").count(), total)


def test_conclusion_rules_and_the_success_rate(world, disputes):
    dispute = disputes["a"]
    with pytest.raises(ValidationError) as error:
        services.dispute_conclude(dispute=dispute, outcome="agreement", concluded_at=ago(days=16))
    assert "concluded_at" in error.value.message_dict  # before the last session
    services.dispute_conclude(dispute=dispute, outcome="agreement", concluded_at=ago(days=10))
    with pytest.raises(ValidationError):
        services.mediation_session_add(dispute=dispute, held_at=ago(days=5), mediator="刘芳")
    others = []
    for outcome in ("no_agreement", "withdrawn", "agreement"):
        other = make_dispute_in(world.a, outcome)
        others.append(other)
    open_one = make_dispute_in(world.a, None)
    assert not open_one.is_concluded
    assert mediation_success(world.a.community, ago(days=30), ago(days=0), timezone.now()) == (
        2,
        4,
    )
    # A correction is allowed and counts from then on.
    services.dispute_conclude(dispute=others[0], outcome="agreement", concluded_at=ago(days=3))
    assert mediation_success(world.a.community, ago(days=30), ago(days=0), timezone.now()) == (
        3,
        4,
    )


_room = iter(range(300, 400))


def make_dispute_in(side, outcome):
    dispute = services.dispute_create(
        community=side.community,
        actor=None,
        title="噪音纠纷",
        kind="noise",
        reported_at=ago(days=9),
        applicants=[factories.HouseholdFactory(unit=side.unit, room=str(next(_room)))],
    )
    if outcome:
        services.dispute_conclude(dispute=dispute, outcome=outcome, concluded_at=ago(days=4))
    return dispute


def test_parties_must_be_on_one_side_and_of_the_community(world, disputes):
    with pytest.raises(ValidationError) as error:
        services.dispute_create(
            community=world.a.community,
            actor=None,
            title="x",
            kind="pets",
            reported_at=ago(days=1),
            applicants=[world.a.household],
            respondents=[world.a.household],
        )
    assert "respondents" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.dispute_create(
            community=world.a.community,
            actor=None,
            title="x",
            kind="pets",
            reported_at=ago(days=1),
            applicants=[world.b.household],
        )
    assert Dispute.objects.filter(community=world.a.community).count() == 1


def test_api_create_session_conclude_and_detail(world, api_as):
    client = api_as(world.a.users["committee_staff"])
    neighbour = factories.HouseholdFactory(unit=world.a.unit, room="102")
    response = client.post(
        "/api/v1/c/a-community/disputes/",
        {
            "title": "车位占用",
            "kind": "parking",
            "reported_at": ago(days=3).isoformat(),
            "applicants": [world.a.household.pk],
            "respondents": [neighbour.pk],
        },
        "json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["applicants"] == [{"id": world.a.household.pk, "address": "a小区 1号楼1单元101"}]
    assert body["respondents"] == [{"id": neighbour.pk, "address": "a小区 1号楼1单元102"}]
    pk = body["id"]
    session = client.post(
        f"/api/v1/c/a-community/disputes/{pk}/sessions/",
        {"held_at": ago(days=2).isoformat(), "mediator": "刘芳", "notes": "协商错峰停车"},
        "json",
    )
    assert session.status_code == 201
    done = client.post(
        f"/api/v1/c/a-community/disputes/{pk}/conclude/",
        {"outcome": "agreement", "concluded_at": ago(days=1).isoformat()},
        "json",
    )
    assert done.status_code == 200
    assert (done.json()["outcome"], done.json()["session_count"]) == ("agreement", 1)
    assert [s["notes"] for s in done.json()["sessions"]] == ["协商错峰停车"]
    foreign = client.post(
        "/api/v1/c/a-community/disputes/",
        {
            "title": "x",
            "kind": "noise",
            "reported_at": ago(days=3).isoformat(),
            "applicants": [world.b.household.pk],
        },
        "json",
    )
    assert foreign.status_code == 400
    assert "applicants" in foreign.json()


def test_evaluator_reads_the_deidentified_record(world, disputes, api_as, page_as):
    pk = disputes["a"].pk
    row = api_as(world.a.users["evaluator"]).get(f"/api/v1/c/a-community/disputes/{pk}/").json()
    assert "applicants" not in row and "description" not in row
    assert row["sessions"][0] == {
        "id": disputes["a"].sessions.get().pk,
        "held_at": row["sessions"][0]["held_at"],
        "mediator": "调解员刘芳",
    }
    page = page_as(world.a.users["evaluator"]).get(f"/c/a-community/disputes/{pk}/")
    assert "1号楼1单元101".encode() not in page.content
    assert "漏水至101".encode() not in page.content
    assert b"deidentified" in page.content
    staff = page_as(world.a.users["committee_staff"]).get(f"/c/a-community/disputes/{pk}/")
    assert "1号楼1单元101".encode() in staff.content
    assert "双方同意先请物业检测".encode() in staff.content


@pytest.mark.parametrize("role", ROLES)
def test_matrix_cells_through_pages_and_api(role, world, disputes, page_as, api_as):
    may_read = role in MATRIX["dispute"][READ]
    may_write = role in MATRIX["dispute"][WRITE]
    api = api_as(world.a.users[role])
    response = api.get("/api/v1/c/a-community/disputes/")
    assert response.status_code == (200 if may_read else 403)
    if may_read:
        assert [r["id"] for r in response.json()["results"]] == [disputes["a"].pk]
    response = api.post(
        "/api/v1/c/a-community/disputes/",
        {
            "title": "宠物扰民",
            "kind": "pets",
            "reported_at": ago(days=1).isoformat(),
            "applicants": [world.a.household.pk],
        },
        "json",
    )
    assert response.status_code == (201 if may_write else 403)
    page = page_as(world.a.users[role])
    assert page.get("/c/a-community/disputes/").status_code == (200 if may_read else 403)
    assert page.get("/c/a-community/disputes/new/").status_code == (200 if may_write else 403)
    response = page.post(
        "/c/a-community/disputes/new/",
        {
            "title": "宠物扰民",
            "kind": "pets",
            "reported_at": local(ago(days=1)),
            "applicants": [world.a.household.pk],
        },
    )
    assert response.status_code == (302 if may_write else 403)
    made = Dispute.objects.filter(community=world.a.community, title="宠物扰民").count()
    assert made == (2 if may_write else 0)


PAGES = ["{pk}/", "{pk}/edit/", "{pk}/sessions/new/", "{pk}/conclude/"]


@pytest.mark.parametrize("path", PAGES)
def test_another_communitys_dispute_is_404_on_every_page(path, world, disputes, page_as):
    client = page_as(world.a.users["committee_staff"])
    url = "/c/a-community/disputes/" + path.format(pk=disputes["b"].pk)
    assert client.get(url).status_code == 404
    if path != "{pk}/":
        data = {"outcome": "agreement", "concluded_at": local(ago(days=1)), "mediator": "x"}
        assert client.post(url, data).status_code == 404
    assert not Dispute.objects.get(pk=disputes["b"].pk).is_concluded
    own = page_as(world.b.users["committee_staff"])
    assert own.get("/c/b-community/disputes/" + path.format(pk=disputes["b"].pk)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "{pk}/"), ("patch", "{pk}/"), ("post", "{pk}/sessions/"), ("post", "{pk}/conclude/")],
)
def test_another_communitys_dispute_is_404_on_every_endpoint(method, path, world, disputes, api_as):
    client = api_as(world.a.users["committee_staff"])
    url = "/api/v1/c/a-community/disputes/" + path.format(pk=disputes["b"].pk)
    data = {"outcome": "agreement", "concluded_at": ago(days=1).isoformat(), "mediator": "x"}
    response = client.get(url) if method == "get" else getattr(client, method)(url, data, "json")
    assert response.status_code == 404
    assert disputes["b"].sessions.count() == 1
    assert not Dispute.objects.get(pk=disputes["b"].pk).is_concluded


def test_outsiders_and_other_members_get_404(world, disputes, page_as, api_as):
    for user in (world.outsider, world.b.users["committee_staff"]):
        assert page_as(user).get("/c/a-community/disputes/").status_code == 404
        assert api_as(user).get("/api/v1/c/a-community/disputes/").status_code == 404


def test_page_edit_replaces_parties_and_conclude_form(world, disputes, page_as):
    client = page_as(world.a.users["committee_staff"])
    dispute = disputes["a"]
    other = factories.HouseholdFactory(unit=world.a.unit, room="301")
    edit = client.get(f"/c/a-community/disputes/{dispute.pk}/edit/")
    assert edit.context["form"].initial["applicants"] == [world.a.household.pk]
    assert edit.context["form"].initial["respondents"] == [
        p.household_id for p in dispute.parties.filter(side="respondent")
    ]
    response = client.post(
        f"/c/a-community/disputes/{dispute.pk}/edit/",
        {
            "title": dispute.title,
            "kind": "water_leak",
            "reported_at": local(dispute.reported_at),
            "applicants": [world.a.household.pk],
            "respondents": [other.pk],
        },
    )
    assert response.status_code == 302
    assert [(p.side, p.household.room) for p in dispute.parties.all()] == [
        ("applicant", "101"),
        ("respondent", "301"),
    ]
    response = client.post(
        f"/c/a-community/disputes/{dispute.pk}/conclude/",
        {"outcome": "referred", "concluded_at": local(ago(days=17))},
    )
    assert response.status_code == 400
    assert "concluded_at" in response.context["form"].errors


def test_list_query_counts(world, page_as, api_as, django_assert_max_num_queries):
    for _ in range(30):
        make_dispute(world.a)
    client = page_as(world.a.users["committee_staff"])
    with django_assert_max_num_queries(6):
        page = client.get("/c/a-community/disputes/")
    assert len(page.context["rows"]) == 30
    client = api_as(world.a.users["committee_staff"])
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/c/a-community/disputes/")
    assert response.json()["count"] == 30
    assert all(len(r["applicants"]) == 1 for r in response.json()["results"])
