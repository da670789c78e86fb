"""Registry pages: values, search, pagination, masking, forms, reveal, import, query counts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from residents.models import Building, IdentityAccessLog, Resident

from .conftest import populate

STAFF, PM = "committee_staff", "property_manager"


@pytest.fixture
def page_as(page_as):
    """Page clients whose user reads English (messages are asserted in their source form)."""

    def make(user):
        if user is not None:
            user.language = "en"
            user.save(update_fields=["language"])
        return page_as(user)

    return make


def url(side, name, *args):
    return reverse(f"residents:{name}", args=[side.community.slug, *args])


def rows(response) -> list[str]:
    """The text of the first cell of each body row of the page's table."""
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<th scope=\"row\">(.*?)</th>", body)
    ]


def test_resident_list_shows_masked_identifiers_only(world, page_as, identified):
    response = page_as(world.a.users[STAFF]).get(url(world.a, "resident-list"))
    html = response.content.decode()
    assert rows(response) == ["a居民"]
    assert "138****8000" in html and "110105********002X" in html
    for full in ("13800138000", "+8613800138000", "11010519491231002X", "491231"):
        assert full not in html


@pytest.mark.parametrize("name", ["resident-detail", "resident-edit"])
def test_resident_pages_show_masked_identifiers_only(world, page_as, identified, name):
    html = page_as(world.a.users[STAFF]).get(url(world.a, name, identified.pk)).content.decode()
    assert "138****8000" in html and "110105********002X" in html
    assert "13800138000" not in html and "11010519491231002X" not in html


def test_resident_search_by_name_phone_and_id(world, page_as, identified, known_id):
    populate(world.a, 20)
    client = page_as(world.a.users[STAFF])
    list_url = url(world.a, "resident-list")
    assert rows(client.get(list_url, {"q": "１３８ ００１３ ８０００"})) == ["a居民"]
    assert rows(client.get(list_url, {"q": known_id.lower()})) == ["a居民"]
    assert rows(client.get(list_url, {"q": "住户3-"})) == ["住户3-0", "住户3-1"]
    assert rows(client.get(list_url, {"q": "nobody"})) == []
    assert len(rows(client.get(list_url, {"relation": "family"}))) == 20


def test_household_search_by_room_and_building_and_filters(world, page_as):
    populate(world.a, 30)
    client = page_as(world.a.users["owners_committee"])
    list_url = url(world.a, "household-list")
    found = rows(client.get(list_url, {"q": "101号楼"}))
    assert found == [f"101号楼1单元{letter}01" for letter in "ABCDEFGHIJ"]
    assert rows(client.get(list_url, {"q": "C01"})) == [
        "100号楼1单元C01", "101号楼1单元C01", "102号楼1单元C01",
    ]  # fmt: skip
    building = Building.objects.get(name="102号楼")
    assert len(rows(client.get(list_url, {"building": building.pk}))) == 10
    assert rows(client.get(list_url, {"occupancy": "vacant"})) == []


def test_lists_paginate_by_50_and_keep_the_filters(world, page_as):
    populate(world.a, 60)
    client = page_as(world.a.users[STAFF])
    first = client.get(url(world.a, "household-list"), {"q": "号楼"})
    assert len(rows(first)) == 50
    assert "q=%E5%8F%B7%E6%A5%BC&amp;page=2" in first.content.decode()
    second = client.get(url(world.a, "household-list"), {"q": "号楼", "page": 2})
    assert len(rows(second)) == 11
    assert client.get(url(world.a, "household-list"), {"page": 9}).status_code == 404


def test_a_bad_form_names_the_field_and_saves_nothing(world, page_as):
    client = page_as(world.a.users[STAFF])
    response = client.post(
        url(world.a, "resident-create", world.a.household.pk),
        {"name": "钱多", "relation": "owner", "phone": "12345", "id_number": "110105491231002"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a mainland mobile or landline number" in html
    assert "15-digit ID-card numbers are no longer valid" in html
    assert 'value="钱多"' in html  # what was typed is kept
    assert not Resident.objects.filter(name="钱多").exists()


def test_another_communitys_row_is_not_a_choice(world, page_as):
    client = page_as(world.a.users[STAFF])
    response = client.post(url(world.a, "unit-create"), {"building": world.b.building.pk,
                                                         "name": "9单元"})  # fmt: skip
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not world.b.building.units.filter(name="9单元").exists()


def test_errors_are_translated_for_chinese_users(world, client):
    client.force_login(world.a.users[STAFF], backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(url(world.a, "building-create"),
                           {"compound": world.a.building.compound_id, "name": "1号楼"})  # fmt: skip
    assert "该小区已有同名楼栋。" in response.content.decode()


def test_reveal_page_shows_the_value_once_and_logs_it(world, page_as, identified, known_id):
    staff = world.a.users[STAFF]
    client = page_as(staff)
    reveal_url = url(world.a, "resident-reveal", identified.pk)
    response = client.post(reveal_url, {"field": "id_number", "reason": "核对低保材料"})
    html = response.content.decode()
    assert response.status_code == 200
    assert known_id in html and "核对低保材料" in html
    assert "no-store" in response["Cache-Control"]
    assert "13800138000" not in html  # only the field asked for
    log = IdentityAccessLog.objects.get()
    assert (log.actor, log.field, log.reason) == (staff, "id_number", "核对低保材料")
    again = client.get(url(world.a, "resident-detail", identified.pk)).content.decode()
    assert known_id not in again


def test_reveal_page_needs_a_reason(world, page_as, identified):
    response = page_as(world.a.users[STAFF]).post(
        url(world.a, "resident-reveal", identified.pk), {"field": "phone", "reason": ""}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not IdentityAccessLog.objects.exists()


def test_property_managers_see_no_reveal_form_and_are_refused(world, page_as, identified):
    client = page_as(world.a.users[PM])
    html = client.get(url(world.a, "resident-detail", identified.pk)).content.decode()
    assert "resident-reveal" not in html and "/reveal/" not in html
    response = client.post(url(world.a, "resident-reveal", identified.pk),
                           {"field": "id_number", "reason": "看看"})  # fmt: skip
    assert response.status_code == 403
    assert not IdentityAccessLog.objects.exists()


def test_import_page_dry_run_then_commit(world, page_as):
    client = page_as(world.a.users[PM])
    import_url = url(world.a, "register-import")
    bad = (
        "楼栋,单元,房号,建筑面积,姓名,电话,与户关系\n"
        "8号楼,1单元,101,90,赵敏,12345,业主\n"
        "8号楼,1单元,102,,钱多,,业主\n"
    )
    response = client.post(import_url, {
        "file": SimpleUploadedFile("r.csv", bad.encode("gbk")), "compound": "东区"})  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    table = html.split('id="import-errors"', 1)[1].split("</table>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table)]
    assert cells[:3] == ["2", "电话", "*****"]  # even a wrong phone is shown masked
    assert cells[4:7] == ["3", "建筑面积", "—"]
    assert "import-commit" not in html
    assert not Building.objects.filter(name="8号楼").exists()

    good = bad.replace("12345", "13912345678").replace("102,,", "102,70,")
    response = client.post(import_url, {
        "file": SimpleUploadedFile("r.csv", good.encode("gbk")), "compound": "东区"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    token = re.search(r'name="token" value="([0-9a-f]{32}\.csv)"', html).group(1)
    assert not Building.objects.filter(name="8号楼").exists()
    committed = client.post(import_url, {"token": token, "compound": "东区", "mapping": ""})
    assert committed.status_code == 302
    assert committed["Location"] == url(world.a, "resident-list")
    imported = Resident.objects.filter(household__unit__building__name="8号楼")
    assert sorted(imported.values_list("name", "phone")) == [
        ("赵敏", "+8613912345678"), ("钱多", ""),
    ]  # fmt: skip
    # the stored upload is gone: a second commit cannot replay it
    replay = client.post(import_url, {"token": token, "compound": "东区", "mapping": ""})
    assert replay.status_code == 302 and replay["Location"] == import_url


def test_import_page_refuses_tokens_that_are_not_its_own(world, page_as):
    client = page_as(world.a.users[STAFF])
    for token in ("../../etc/passwd", "x" * 32 + ".csv", ""):
        response = client.post(url(world.a, "register-import"), {"token": token, "compound": "x"})
        assert response.status_code == 302
        assert response["Location"] == url(world.a, "register-import")


LISTS = ["building-list", "unit-list", "household-list", "resident-list"]


@pytest.mark.parametrize("name", LISTS)
def test_list_page_query_count_does_not_grow_with_rows(
    world, page_as, name, django_assert_max_num_queries
):
    client = page_as(world.a.users[STAFF])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(world.a, name)).status_code == 200
    populate(world.a, 120)
    with django_assert_max_num_queries(len(few)) as many:
        response = client.get(url(world.a, name))
    assert len(rows(response)) >= 13
    assert len(many) == len(few) <= 10


@pytest.mark.parametrize("name", ["building-detail", "unit-detail", "household-detail"])
def test_detail_page_query_count_does_not_grow_with_rows(
    world, page_as, name, django_assert_max_num_queries
):
    client = page_as(world.a.users[STAFF])
    pk = {"building-detail": world.a.building.pk, "unit-detail": world.a.unit.pk,
          "household-detail": world.a.household.pk}[name]  # fmt: skip
    with CaptureQueriesContext(connection) as few:
        client.get(url(world.a, name, pk))
    Resident.objects.bulk_create(
        Resident(community=world.a.community, household=world.a.household, name=f"家属{i}",
                 relation="family") for i in range(30)
    )  # fmt: skip
    with django_assert_max_num_queries(len(few)):
        client.get(url(world.a, name, pk))
