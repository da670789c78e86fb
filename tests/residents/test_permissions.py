"""The permission matrix, cell by cell, through real requests (issue 2, "Tests that must exist").

Every registry page and API endpoint x every role x its action (read, write, reveal): allowed
roles get the page / data / change, others 403 and no change. Members of the other community
get 404 on every URL of this one, a member asking for the other community's row by id gets
404, and an anonymous visitor is sent to log in (pages) or refused (API).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.models import Membership
from community.permissions import MATRIX, READ, REVEAL, WRITE
from residents.models import Building, Household, IdentityAccessLog, Resident, Unit

ROLES = list(Membership.Role)
STAFF = Membership.Role.COMMITTEE_STAFF


@dataclass(frozen=True)
class Case:
    """One request. `args(side)` gives the URL arguments after the slug, `data(side)` the
    body, `done(side)` is True once a write took effect; `shows` is text a granted GET shows."""

    name: str
    resource: str
    action: str
    method: str
    url: str
    args: Any = lambda s: []
    data: Any = None
    done: Any = None
    shows: str = ""
    ok: int = 200
    api: bool = False


def csv_upload():
    text = "楼栋,单元,房号,建筑面积,姓名,电话,与户关系\n8号楼,1单元,101,90,赵敏,13912345678,业主\n"
    return SimpleUploadedFile("register.csv", text.encode("gbk"), "text/csv")


def _building(s):
    return Building.objects.get(pk=s.building.pk)


def _resident(s):
    return Resident.objects.get(pk=s.resident.pk)


PAGE_CASES = [
    Case("building list", "building", READ, "get", "building-list", shows="1号楼"),
    Case("building detail", "building", READ, "get", "building-detail",
         args=lambda s: [s.building.pk], shows="1单元"),
    Case("building form", "building", WRITE, "get", "building-create", shows='name="floors"'),
    Case("building create", "building", WRITE, "post", "building-create", ok=302,
         data=lambda s: {"compound": s.building.compound_id, "name": "9号楼", "floors": "6"},
         done=lambda s: Building.objects.filter(community=s.community, name="9号楼").exists()),
    Case("building edit form", "building", WRITE, "get", "building-edit",
         args=lambda s: [s.building.pk], shows='value="1号楼"'),
    Case("building edit", "building", WRITE, "post", "building-edit", ok=302,
         args=lambda s: [s.building.pk],
         data=lambda s: {"compound": s.building.compound_id, "name": "1号楼", "floors": "33"},
         done=lambda s: _building(s).floors == 33),
    Case("unit list", "unit", READ, "get", "unit-list", shows="1号楼1单元"),
    Case("unit detail", "unit", READ, "get", "unit-detail", args=lambda s: [s.unit.pk],
         shows="1号楼1单元101"),
    Case("unit form", "unit", WRITE, "get", "unit-create", shows='name="building"'),
    Case("unit create", "unit", WRITE, "post", "unit-create", ok=302,
         data=lambda s: {"building": s.building.pk, "name": "9单元"},
         done=lambda s: Unit.objects.filter(community=s.community, name="9单元").exists()),
    Case("unit edit form", "unit", WRITE, "get", "unit-edit", args=lambda s: [s.unit.pk],
         shows='value="1单元"'),
    Case("unit edit", "unit", WRITE, "post", "unit-edit", ok=302, args=lambda s: [s.unit.pk],
         data=lambda s: {"building": s.building.pk, "name": "甲单元"},
         done=lambda s: Unit.objects.get(pk=s.unit.pk).name == "甲单元"),
    Case("household list", "household", READ, "get", "household-list", shows="1号楼1单元101"),
    Case("household detail", "household", READ, "get", "household-detail",
         args=lambda s: [s.household.pk], shows="89.50"),
    Case("household form", "household", WRITE, "get", "household-create",
         shows='name="floor_area_m2"'),
    Case("household create", "household", WRITE, "post", "household-create", ok=302,
         data=lambda s: {"unit": s.unit.pk, "room": "909", "floor_area_m2": "70.5",
                         "occupancy": "vacant"},
         done=lambda s: Household.objects.filter(community=s.community, room="909").exists()),
    Case("household edit form", "household", WRITE, "get", "household-edit",
         args=lambda s: [s.household.pk], shows='value="89.50"'),
    Case("household edit", "household", WRITE, "post", "household-edit", ok=302,
         args=lambda s: [s.household.pk],
         data=lambda s: {"unit": s.unit.pk, "room": "101", "floor_area_m2": "120",
                         "occupancy": "occupied"},
         done=lambda s: Household.objects.get(pk=s.household.pk).floor_area_m2 == 120),
    Case("resident list", "resident", READ, "get", "resident-list", shows="138****8000"),
    Case("resident detail", "resident", READ, "get", "resident-detail",
         args=lambda s: [s.resident.pk], shows="138****8000"),
    Case("resident form", "resident", WRITE, "get", "resident-create",
         args=lambda s: [s.household.pk], shows='name="id_number"'),
    Case("resident create", "resident", WRITE, "post", "resident-create", ok=302,
         args=lambda s: [s.household.pk],
         data=lambda s: {"name": "新住户", "relation": "tenant", "phone": "13912345678"},
         done=lambda s: Resident.objects.filter(community=s.community, name="新住户").exists()),
    Case("resident edit form", "resident", WRITE, "get", "resident-edit",
         args=lambda s: [s.resident.pk], shows="138****8000"),
    Case("resident edit", "resident", WRITE, "post", "resident-edit", ok=302,
         args=lambda s: [s.resident.pk],
         data=lambda s: {"name": "改名", "relation": "owner", "phone": "", "id_number": ""},
         done=lambda s: _resident(s).name == "改名" and _resident(s).phone == "+8613800138000"),
    Case("resident reveal", "resident", REVEAL, "post", "resident-reveal",
         args=lambda s: [s.resident.pk], data=lambda s: {"field": "phone", "reason": "回访"},
         done=lambda s: IdentityAccessLog.objects.filter(resident=s.resident).exists(),
         shows="+8613800138000"),
    Case("register export", "register_export", READ, "get", "register-export",
         data=lambda s: {"format": "csv"}, shows="138****8000"),
    Case("register import page", "register_import", READ, "get", "register-import",
         shows='name="compound"'),
    Case("register import check", "register_import", WRITE, "post", "register-import",
         data=lambda s: {"file": csv_upload(), "compound": "东区"}, shows="import-commit"),
]  # fmt: skip

API_CASES = [
    Case("api buildings", "building", READ, "get", "building-list", shows="1号楼", api=True),
    Case("api building", "building", READ, "get", "building-detail", api=True,
         args=lambda s: [s.building.pk], shows="1号楼"),
    Case("api building create", "building", WRITE, "post", "building-list", ok=201, api=True,
         data=lambda s: {"compound": s.building.compound_id, "name": "9号楼"},
         done=lambda s: Building.objects.filter(community=s.community, name="9号楼").exists()),
    Case("api building update", "building", WRITE, "patch", "building-detail", api=True,
         args=lambda s: [s.building.pk], data=lambda s: {"floors": 33},
         done=lambda s: _building(s).floors == 33),
    Case("api units", "unit", READ, "get", "unit-list", shows="1单元", api=True),
    Case("api unit", "unit", READ, "get", "unit-detail", api=True, args=lambda s: [s.unit.pk],
         shows="1单元"),
    Case("api unit create", "unit", WRITE, "post", "unit-list", ok=201, api=True,
         data=lambda s: {"building": s.building.pk, "name": "9单元"},
         done=lambda s: Unit.objects.filter(community=s.community, name="9单元").exists()),
    Case("api unit update", "unit", WRITE, "patch", "unit-detail", api=True,
         args=lambda s: [s.unit.pk], data=lambda s: {"name": "甲单元"},
         done=lambda s: Unit.objects.get(pk=s.unit.pk).name == "甲单元"),
    Case("api households", "household", READ, "get", "household-list", shows="101", api=True),
    Case("api household", "household", READ, "get", "household-detail", api=True,
         args=lambda s: [s.household.pk], shows="89.50"),
    Case("api household create", "household", WRITE, "post", "household-list", ok=201,
         api=True,
         data=lambda s: {"unit": s.unit.pk, "room": "909", "floor_area_m2": "70.50"},
         done=lambda s: Household.objects.filter(community=s.community, room="909").exists()),
    Case("api household update", "household", WRITE, "patch", "household-detail", api=True,
         args=lambda s: [s.household.pk], data=lambda s: {"occupancy": "vacant"},
         done=lambda s: Household.objects.get(pk=s.household.pk).occupancy == "vacant"),
    Case("api residents", "resident", READ, "get", "resident-list", shows="138****8000",
         api=True),
    Case("api resident", "resident", READ, "get", "resident-detail", api=True,
         args=lambda s: [s.resident.pk], shows="138****8000"),
    Case("api resident create", "resident", WRITE, "post", "resident-list", ok=201, api=True,
         data=lambda s: {"household": s.household.pk, "name": "新住户", "relation": "tenant"},
         done=lambda s: Resident.objects.filter(community=s.community, name="新住户").exists()),
    Case("api resident update", "resident", WRITE, "patch", "resident-detail", api=True,
         args=lambda s: [s.resident.pk], data=lambda s: {"name": "改名"},
         done=lambda s: _resident(s).name == "改名"),
    Case("api resident reveal", "resident", REVEAL, "post", "resident-reveal", api=True,
         args=lambda s: [s.resident.pk], data=lambda s: {"field": "phone", "reason": "回访"},
         done=lambda s: IdentityAccessLog.objects.filter(resident=s.resident).exists(),
         shows="+8613800138000"),
]  # fmt: skip
CASES = PAGE_CASES + API_CASES


def url_of(case: Case, slug_side, object_side) -> str:
    namespace = "residents-api" if case.api else "residents"
    return reverse(
        f"{namespace}:{case.url}", args=[slug_side.community.slug, *case.args(object_side)]
    )


def send(client, case: Case, url: str, side):
    data = case.data(side) if case.data else None
    if case.api:
        return getattr(client, case.method)(url, data, format="json" if data else None)
    return getattr(client, case.method)(url, data or {})


def client_for(case, user, api_as, page_as):
    return api_as(user) if case.api else page_as(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_matrix_cell(world, api_as, page_as, case, role):
    side = world.a
    allowed = role in MATRIX[case.resource][case.action]
    response = send(client_for(case, side.users[role], api_as, page_as), case,
                    url_of(case, side, side), side)  # fmt: skip
    if not allowed:
        assert response.status_code == 403
        assert case.done is None or not case.done(side)
        return
    assert response.status_code == case.ok, getattr(response, "data", None)
    if case.done:
        assert case.done(side)
    if case.shows:
        assert case.shows in response.content.decode()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_staff_of_another_community_gets_404_on_every_url(world, api_as, page_as, case):
    for role in MATRIX[case.resource][case.action]:
        stranger = world.b.users[role]
        response = send(client_for(case, stranger, api_as, page_as), case,
                        url_of(case, world.a, world.a), world.a)  # fmt: skip
        assert response.status_code == 404, role
    assert case.done is None or not case.done(world.a)


# Every URL that names a row: the other community's row is 404 even for full rights.
ROW_CASES = [c for c in CASES if c.url.endswith(("-detail", "-edit", "-reveal", "resident-create"))]


@pytest.mark.parametrize("case", ROW_CASES, ids=lambda c: c.name)
def test_a_row_of_the_other_community_is_404_even_for_full_rights(world, api_as, page_as, case):
    staff = world.a.users[STAFF]
    url = url_of(case, world.a, world.b)  # community a's URL, community b's row
    response = send(client_for(case, staff, api_as, page_as), case, url, world.a)
    assert response.status_code == 404
    assert case.done is None or not case.done(world.b)
    assert not IdentityAccessLog.objects.exists()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_anonymous_visitors_are_refused(world, api_as, page_as, case):
    response = send(client_for(case, None, api_as, page_as), case,
                    url_of(case, world.a, world.a), world.a)  # fmt: skip
    if case.api:
        assert response.status_code in (401, 403)
        assert "1号楼" not in response.content.decode()
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert case.done is None or not case.done(world.a)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_user_without_membership_gets_404(world, api_as, page_as, case):
    response = send(client_for(case, world.outsider, api_as, page_as), case,
                    url_of(case, world.a, world.a), world.a)  # fmt: skip
    assert response.status_code == 404
