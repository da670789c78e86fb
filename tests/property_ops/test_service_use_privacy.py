"""A resident reads the uses of convenience services of their own household only (pages and API),
evaluators and owners' committee members read them without households, and list rows link to
edit pages only for roles that may write."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from community.models import Membership
from property_ops import services
from tests import factories

Role = Membership.Role


@pytest.fixture
def uses(world):
    """In community a: one use by the resident's household (1号楼…101), one by a neighbour's
    household (room 808), one without a household."""
    side = world.a
    service = services.convenience_service_create(
        community=side.community, kind="parcel", name="快递代收点", started_on=date(2020, 1, 1)
    )
    neighbour = factories.HouseholdFactory(unit=side.unit, room="808")
    now = timezone.now()
    own = services.service_use_create(
        service=service, used_at=now - timedelta(hours=1), household=side.household, rating=5
    )
    other = services.service_use_create(
        service=service, used_at=now - timedelta(hours=2), household=neighbour, rating=2
    )
    anonymous = services.service_use_create(service=service, used_at=now - timedelta(hours=3))
    return {"service": service, "own": own, "other": other, "anonymous": anonymous}


def test_resident_list_page_shows_own_household_only_without_edit_links(world, uses, page_as):
    response = page_as(world.a.users[Role.RESIDENT]).get("/c/a-community/ops/service-uses/")
    assert response.status_code == 200
    assert response.context["paginator"].count == 1
    [(url, cells)] = response.context["rows"]
    assert url == ""
    assert cells[2] == f"a小区 {world.a.building.name}{world.a.unit.name}101"
    body = response.content.decode()
    assert "808" not in body
    assert "/edit/" not in body


def test_staff_list_page_shows_every_use_with_edit_links(world, uses, page_as):
    response = page_as(world.a.users[Role.COMMITTEE_STAFF]).get("/c/a-community/ops/service-uses/")
    assert response.context["paginator"].count == 3
    assert [url for url, _cells in response.context["rows"]] == [
        f"/c/a-community/ops/service-uses/{uses[k].pk}/edit/" for k in ("own", "other", "anonymous")
    ]


def test_reader_who_may_not_write_gets_no_edit_links(world, uses, page_as):
    # An owners' committee member reads every use but may not edit one.
    response = page_as(world.a.users[Role.OWNERS_COMMITTEE]).get("/c/a-community/ops/service-uses/")
    assert response.context["paginator"].count == 3
    assert [url for url, _cells in response.context["rows"]] == ["", "", ""]


def test_maintenance_list_links_to_edit_only_for_writers(world, records, page_as):
    technician = page_as(world.a.users[Role.TECHNICIAN]).get("/c/a-community/ops/maintenance/")
    assert [url for url, _cells in technician.context["rows"]] == [""]
    staff = page_as(world.a.users[Role.COMMITTEE_STAFF]).get("/c/a-community/ops/maintenance/")
    assert [url for url, _cells in staff.context["rows"]] == [
        f"/c/a-community/ops/maintenance/{records['a']['maintenance'].pk}/edit/"
    ]


def test_resident_service_page_lists_own_uses_only(world, uses, page_as):
    response = page_as(world.a.users[Role.RESIDENT]).get(
        f"/c/a-community/ops/services/{uses['service'].pk}/"
    )
    assert response.status_code == 200
    assert [use.pk for use in response.context["uses"]] == [uses["own"].pk]
    # The service's totals stay the community's.
    assert response.context["object"].use_count == 3


def test_resident_api_lists_and_retrieves_own_household_only(world, uses, api_as):
    client = api_as(world.a.users[Role.RESIDENT])
    response = client.get("/api/v1/c/a-community/service-uses/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [(r["id"], r["household"], r["rating"]) for r in body["results"]] == [
        (uses["own"].pk, world.a.household.pk, 5)
    ]
    assert client.get(f"/api/v1/c/a-community/service-uses/{uses['other'].pk}/").status_code == 404
    mine = client.get(f"/api/v1/c/a-community/service-uses/{uses['own'].pk}/")
    assert mine.json()["id"] == uses["own"].pk


def test_staff_api_lists_every_use(world, uses, api_as):
    response = api_as(world.a.users[Role.COMMITTEE_STAFF]).get(
        "/api/v1/c/a-community/service-uses/"
    )
    assert response.json()["count"] == 3


def test_resident_in_no_household_sees_no_use(world, uses, api_as, page_as):
    world.a.resident.user = None
    world.a.resident.save(update_fields=["user"])
    user = world.a.users[Role.RESIDENT]
    assert api_as(user).get("/api/v1/c/a-community/service-uses/").json()["count"] == 0
    page = page_as(user).get("/c/a-community/ops/service-uses/")
    assert page.context["paginator"].count == 0


@pytest.mark.parametrize("role", [Role.OWNERS_COMMITTEE, Role.EVALUATOR])
def test_deidentified_readers_see_uses_without_households(world, uses, page_as, api_as, role):
    # As for tickets: an evaluator or owners' committee member learns what was used and rated,
    # not by which household (the neighbour's room 808, the resident's 101).
    user = world.a.users[role]
    page = page_as(user).get("/c/a-community/ops/service-uses/")
    assert page.context["headers"] == ["使用时间", "服务", "评价", "评价意见"]
    assert [cells[1:] for _url, cells in page.context["rows"]] == [
        ["快递代收点", 5, "—"],
        ["快递代收点", 2, "—"],
        ["快递代收点", "—", "—"],
    ]
    detail = page_as(user).get(f"/c/a-community/ops/services/{uses['service'].pk}/")
    assert detail.context["show_households"] is False
    for body in (page.content.decode(), detail.content.decode()):
        assert "808" not in body and "101" not in body
    api = api_as(user).get("/api/v1/c/a-community/service-uses/").json()
    assert [(r["household"], r["rating"]) for r in api["results"]] == [
        (None, 5),
        (None, 2),
        (None, None),
    ]
    one = api_as(user).get(f"/api/v1/c/a-community/service-uses/{uses['other'].pk}/").json()
    assert one["household"] is None


def test_staff_see_the_household_of_each_use(world, uses, page_as, api_as):
    # Also when they are an evaluator too: running the services, they see whom they served, as
    # they see the submitter of a ticket (the edit page shows the household either way).
    staff = world.a.users[Role.COMMITTEE_STAFF]
    Membership.objects.create(community=world.a.community, user=staff, role=Role.EVALUATOR)
    detail = page_as(staff).get(f"/c/a-community/ops/services/{uses['service'].pk}/")
    assert detail.context["show_households"] is True
    assert "808" in detail.content.decode()
    api = api_as(staff).get("/api/v1/c/a-community/service-uses/").json()
    assert [r["household"] for r in api["results"]] == [
        world.a.household.pk,
        uses["other"].household_id,
        None,
    ]
