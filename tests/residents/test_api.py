"""Registry API: values, masking, filters, ordering, validation, reveal, query counts."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Building, IdentityAccessLog, Resident

from .conftest import populate

STAFF, PM = "committee_staff", "property_manager"


@pytest.fixture
def api_as(api_as):
    """API clients that ask for English (messages are asserted in their source form)."""

    def make(user):
        client = api_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def url(side, name, *args):
    return reverse(f"residents-api:{name}", args=[side.community.slug, *args])


def test_resident_output_is_masked_and_never_carries_identifiers(world, api_as, identified):
    response = api_as(world.a.users[PM]).get(url(world.a, "resident-detail", identified.pk))
    assert response.status_code == 200
    assert response.json() == {
        "id": identified.pk,
        "household": world.a.household.pk,
        "address": "1号楼1单元101",
        "name": "a居民",
        "relation": "owner",
        "phone_masked": "138****8000",
        "id_number_masked": "110105********002X",
        "has_account": True,
    }
    body = response.content.decode()
    assert "13800138000" not in body and "11010519491231002X" not in body


def test_lists_give_values_and_counts(world, api_as):
    client = api_as(world.a.users[STAFF])
    buildings = client.get(url(world.a, "building-list")).json()
    assert buildings["count"] == 1
    assert buildings["results"] == [
        {"id": world.a.building.pk, "compound": world.a.building.compound_id,
         "compound_name": "a小区", "name": "1号楼", "floors": 6, "unit_count": 1}
    ]  # fmt: skip
    units = client.get(url(world.a, "unit-list")).json()["results"]
    assert units == [{"id": world.a.unit.pk, "building": world.a.building.pk,
                      "building_name": "1号楼", "name": "1单元", "household_count": 1}]  # fmt: skip
    households = client.get(url(world.a, "household-list")).json()["results"]
    assert households == [{"id": world.a.household.pk, "unit": world.a.unit.pk,
                           "address": "1号楼1单元101", "room": "101", "floor_area_m2": "89.50",
                           "occupancy": "occupied", "resident_count": 1}]  # fmt: skip


def test_create_validates_by_field_and_normalises(world, api_as, known_id):
    client = api_as(world.a.users[STAFF])
    bad = client.post(url(world.a, "resident-list"), {
        "household": world.a.household.pk, "name": "钱多", "relation": "owner",
        "phone": "12345", "id_number": known_id[:17] + "1",
    }, format="json")  # fmt: skip
    assert bad.status_code == 400
    assert set(bad.json()) == {"phone", "id_number"}
    assert "check character" in bad.json()["id_number"][0]
    good = client.post(url(world.a, "resident-list"), {
        "household": world.a.household.pk, "name": "钱多", "relation": "owner",
        "phone": "+86 139 1234 5678", "id_number": known_id,
    }, format="json")  # fmt: skip
    assert good.status_code == 201
    assert good.json()["phone_masked"] == "139****5678"
    assert good.json()["id_number_masked"] == "110105********002X"
    assert "phone" not in good.json() and "id_number" not in good.json()
    assert Resident.objects.get(name="钱多").phone == "+8613912345678"


def test_a_foreign_key_into_another_community_is_refused_as_missing(world, api_as):
    client = api_as(world.a.users[STAFF])
    data = {"building": world.b.building.pk, "name": "9单元"}
    response = client.post(url(world.a, "unit-list"), data, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["building"]
    assert "does not exist" in response.json()["building"][0]
    assert not world.b.building.units.filter(name="9单元").exists()


def test_duplicate_names_are_400_naming_the_field(world, api_as):
    client = api_as(world.a.users[PM])
    response = client.post(url(world.a, "building-list"),
                           {"compound": world.a.building.compound_id, "name": "1号楼"},
                           format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {"name": ["This compound already has a building with this name."]}


def test_filters_search_and_ordering(world, api_as, identified, known_id):
    populate(world.a, 30)
    client = api_as(world.a.users[STAFF])
    by_phone = client.get(url(world.a, "resident-list"), {"q": "138-0013-8000"}).json()
    assert [r["id"] for r in by_phone["results"]] == [identified.pk]
    by_id = client.get(url(world.a, "resident-list"), {"q": known_id.lower()}).json()
    assert [r["id"] for r in by_id["results"]] == [identified.pk]
    by_name = client.get(url(world.a, "resident-list"), {"q": "住户2-"}).json()
    assert {r["name"] for r in by_name["results"]} == {"住户2-0", "住户2-1"}
    family = client.get(url(world.a, "resident-list"), {"relation": "family"}).json()
    assert family["count"] == 30
    building = Building.objects.get(name="101号楼")
    in_building = client.get(url(world.a, "household-list"), {"building": building.pk}).json()
    assert in_building["count"] == 10
    ordered = client.get(url(world.a, "building-list"), {"ordering": "-name"}).json()
    names = [b["name"] for b in ordered["results"]]
    assert names == sorted(names, reverse=True)
    # only declared fields filter or sort: these are ignored
    everyone = client.get(url(world.a, "resident-list"), {"phone": "+8613800138000"}).json()
    assert everyone["count"] == 61
    hashed = client.get(url(world.a, "resident-list"), {"ordering": "id_number_hash"}).json()
    default = client.get(url(world.a, "resident-list")).json()
    assert [r["id"] for r in hashed["results"]] == [r["id"] for r in default["results"]]
    # the other community's building id filters to nothing rather than leaking
    assert (
        client.get(url(world.a, "unit-list"), {"building": world.b.building.pk}).json()["count"]
        == 0
    )


def test_page_size_is_capped_at_200(world, api_as):
    populate(world.a, 120)
    response = api_as(world.a.users[STAFF]).get(url(world.a, "resident-list"), {"page_size": 500})
    body = response.json()
    assert body["count"] == 241
    assert len(body["results"]) == 200


def test_reveal_returns_the_value_and_logs_it(world, api_as, identified, known_id):
    staff = world.a.users[STAFF]
    response = api_as(staff).post(
        url(world.a, "resident-reveal", identified.pk),
        {"field": "id_number", "reason": "办理居住证明"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {"field": "id_number", "value": known_id}
    assert "no-store" in response["Cache-Control"]
    log = IdentityAccessLog.objects.get()
    assert (log.actor, log.resident_id, log.field, log.reason) == (
        staff,
        identified.pk,
        "id_number",
        "办理居住证明",
    )


def test_reveal_without_a_reason_is_400_and_logs_nothing(world, api_as, identified):
    response = api_as(world.a.users[STAFF]).post(
        url(world.a, "resident-reveal", identified.pk), {"field": "phone"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert not IdentityAccessLog.objects.exists()


def test_property_manager_reads_residents_but_may_not_reveal(world, api_as, identified):
    client = api_as(world.a.users[PM])
    assert client.get(url(world.a, "resident-detail", identified.pk)).status_code == 200
    response = client.post(
        url(world.a, "resident-reveal", identified.pk),
        {"field": "id_number", "reason": "看看"},
        format="json",
    )
    assert response.status_code == 403
    assert "11010519491231002X" not in response.content.decode()
    assert not IdentityAccessLog.objects.exists()


@pytest.mark.parametrize("name", ["building-list", "unit-list", "household-list", "resident-list"])
def test_list_query_count_does_not_grow_with_rows(
    world, api_as, name, django_assert_max_num_queries
):
    client = api_as(world.a.users[STAFF])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(world.a, name)).status_code == 200
    populate(world.a, 150)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(url(world.a, name), {"page_size": 200})
    assert len(response.json()["results"]) >= 16
    assert len(many) == len(few) <= 4
