"""Tenant isolation and the permission matrix, through real requests, for every page and API
endpoint of the safety and operations logs."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from community.permissions import MATRIX, READ, WRITE
from property_ops.models import (
    ConvenienceService,
    Facility,
    Hazard,
    HygieneInspection,
    PatrolRound,
    SanitationRun,
)
from tests.conftest import ROLES

from .conftest import ALL_RIGHTS


def local(dt) -> str:
    """A datetime-local form value in the community's (Shanghai) time."""
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def yesterday():
    return timezone.now() - timedelta(days=1)


# resource -> (API list, page list, API payload, page form data, model, name field)
RESOURCES = {
    "facility": (
        "facilities",
        "facilities/",
        lambda: {"kind": "cctv", "name": "南门监控", "registered_at": yesterday().isoformat()},
        lambda: {"kind": "cctv", "name": "南门监控", "registered_at": local(yesterday())},
        Facility,
        "name",
    ),
    "sanitation_run": (
        "sanitation-runs",
        "sanitation/",
        lambda: {
            "collection_point": "南门垃圾房",
            "waste_kind": "kitchen",
            "due_at": yesterday().isoformat(),
        },
        lambda: {
            "collection_point": "南门垃圾房",
            "waste_kind": "kitchen",
            "due_at": local(yesterday()),
        },
        SanitationRun,
        "collection_point",
    ),
    "patrol_round": (
        "patrol-rounds",
        "patrols/",
        lambda: {
            "route": "南门白班",
            "planned_start": yesterday().isoformat(),
            "planned_end": (yesterday() + timedelta(hours=1)).isoformat(),
            "checkpoints": ["东门", "西门"],
        },
        lambda: {
            "route": "南门白班",
            "planned_start": local(yesterday()),
            "planned_end": local(yesterday() + timedelta(hours=1)),
            "checkpoints": "东门\n西门",
        },
        PatrolRound,
        "route",
    ),
    "hygiene_inspection": (
        "hygiene-inspections",
        "hygiene/",
        lambda: {
            "area": "南门绿地",
            "inspected_on": str(timezone.localdate()),
            "inspector": "张敏",
            "score": "85.5",
            "grade": "good",
        },
        lambda: {
            "area": "南门绿地",
            "inspected_on": str(timezone.localdate()),
            "inspector": "张敏",
            "score": "85.5",
            "grade": "good",
        },
        HygieneInspection,
        "area",
    ),
    "hazard": (
        "hazards",
        "hazards/",
        lambda: {
            "kind": "gas",
            "place": "南门",
            "description": "燃气管锈蚀",
            "found_at": yesterday().isoformat(),
            "rectify_by": str(timezone.localdate() + timedelta(days=7)),
        },
        lambda: {
            "kind": "gas",
            "place": "南门",
            "description": "燃气管锈蚀",
            "found_at": local(yesterday()),
            "rectify_by": str(timezone.localdate() + timedelta(days=7)),
        },
        Hazard,
        "place",
    ),
    "convenience_service": (
        "convenience-services",
        "services/",
        lambda: {"kind": "haircut", "name": "南门义务理发", "started_on": "2024-01-01"},
        lambda: {"kind": "haircut", "name": "南门义务理发", "started_on": "2024-01-01"},
        ConvenienceService,
        "name",
    ),
}
CELLS = [(resource, role) for resource in RESOURCES for role in ROLES]


NAMES = {
    Facility: "南门监控",
    SanitationRun: "南门垃圾房",
    PatrolRound: "南门白班",
    HygieneInspection: "南门绿地",
    Hazard: "南门",
    ConvenienceService: "南门义务理发",
}


def created(model, field, community) -> int:
    """How many rows the request under test made (the fixtures use other names)."""
    return model.objects.filter(community=community, **{field: NAMES[model]}).count()


@pytest.mark.parametrize(("resource", "role"), CELLS)
def test_api_matrix_cells(resource, role, world, records, api_as):
    api_list, _page, payload, _form, model, field = RESOURCES[resource]
    client = api_as(world.a.users[role])
    url = f"/api/v1/c/a-community/{api_list}/"
    may_read = role in MATRIX[resource][READ]
    may_write = role in MATRIX[resource][WRITE]

    response = client.get(url)
    assert response.status_code == (200 if may_read else 403)
    if may_read:
        assert response.json()["count"] == 1

    response = client.post(url, payload(), format="json")
    assert response.status_code == (201 if may_write else 403), response.content
    assert created(model, field, world.a.community) == (1 if may_write else 0)
    if may_write:
        assert response.json()[field] == NAMES[model]


@pytest.mark.parametrize(("resource", "role"), CELLS)
def test_page_matrix_cells(resource, role, world, records, page_as):
    _api, page, _payload, form, model, field = RESOURCES[resource]
    client = page_as(world.a.users[role])
    may_read = role in MATRIX[resource][READ]
    may_write = role in MATRIX[resource][WRITE]

    response = client.get(f"/c/a-community/ops/{page}")
    assert response.status_code == (200 if may_read else 403)
    if may_read:
        assert response.context["paginator"].count == 1
        assert bool(response.context["create_url"]) == may_write

    assert client.get(f"/c/a-community/ops/{page}new/").status_code == (200 if may_write else 403)
    response = client.post(f"/c/a-community/ops/{page}new/", form())
    assert response.status_code == (302 if may_write else 403)
    assert created(model, field, world.a.community) == (1 if may_write else 0)


def test_nobody_else_sees_any_page_or_endpoint(world, records, page_as, api_as):
    """The outsider and members of community b get 404 on community a's pages and API."""
    for user in (world.outsider, world.b.users[ALL_RIGHTS]):
        for _api, page, *_ in RESOURCES.values():
            assert page_as(user).get(f"/c/a-community/ops/{page}").status_code == 404
        for api_list, *_ in RESOURCES.values():
            assert api_as(user).get(f"/api/v1/c/a-community/{api_list}/").status_code == 404


def test_anonymous_is_sent_to_login_or_refused(world, page_as, api_as):
    response = page_as(None).get("/c/a-community/ops/hazards/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_as(None).get("/api/v1/c/a-community/hazards/").status_code in (401, 403)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")


def other_ids(records):
    b = records["b"]
    return {
        "facility": b["facility"].pk,
        "maintenance": b["maintenance"].pk,
        "sanitation": b["sanitation"].pk,
        "patrol": b["patrol"].pk,
        "visit": b["patrol"].visits.first().pk,
        "hygiene": b["hygiene"].pk,
        "hazard_inspection": b["hazard_inspection"].pk,
        "hazard": b["hazard"].pk,
        "service": b["service"].pk,
        "service_use": b["service_use"].pk,
    }


FORM_PAGES = ("edit/", "status/", "new/", "rectify/", "reinspect/")
PAGES = [
    "facilities/{facility}/",
    "facilities/{facility}/edit/",
    "facilities/{facility}/status/",
    "facilities/{facility}/maintenance/new/",
    "maintenance/{maintenance}/edit/",
    "sanitation/{sanitation}/",
    "sanitation/{sanitation}/edit/",
    "patrols/{patrol}/",
    "patrols/{patrol}/edit/",
    "patrols/{patrol}/visits/{visit}/",
    "hygiene/{hygiene}/",
    "hygiene/{hygiene}/edit/",
    "hazard-inspections/{hazard_inspection}/",
    "hazard-inspections/{hazard_inspection}/edit/",
    "hazards/{hazard}/",
    "hazards/{hazard}/edit/",
    "hazards/{hazard}/rectify/",
    "hazards/{hazard}/reinspect/",
    "hazards/{hazard}/photo/",
    "services/{service}/",
    "services/{service}/edit/",
    "services/{service}/uses/new/",
    "service-uses/{service_use}/edit/",
]


@pytest.mark.parametrize("path", PAGES)
def test_another_communitys_record_is_404_on_every_page(path, world, records, page_as):
    hazard = records["b"]["hazard"]
    hazard.photo = _photo_saved(hazard)
    client = page_as(world.a.users[ALL_RIGHTS])
    url = "/c/a-community/ops/" + path.format(**other_ids(records))
    assert client.get(url).status_code == 404
    if path.endswith(FORM_PAGES) or "visits" in path:
        assert client.post(url, {"note": "x", "at": local(yesterday())}).status_code == 404
    # Through b's own slug the same record is there: the 404 is the tenant rule, not a typo.
    own = page_as(world.b.users[ALL_RIGHTS]).get(
        "/c/b-community/ops/" + path.format(**other_ids(records))
    )
    assert own.status_code == 200


def _photo_saved(hazard):
    hazard.photo.save("现场.png", _png(), save=True)
    return hazard.photo


API = [
    ("get", "facilities/{facility}/"),
    ("patch", "facilities/{facility}/"),
    ("post", "facilities/{facility}/status/"),
    ("get", "maintenance-records/{maintenance}/"),
    ("patch", "maintenance-records/{maintenance}/"),
    ("get", "sanitation-runs/{sanitation}/"),
    ("patch", "sanitation-runs/{sanitation}/"),
    ("get", "patrol-rounds/{patrol}/"),
    ("patch", "patrol-rounds/{patrol}/"),
    ("post", "patrol-rounds/{patrol}/visits/{visit}/"),
    ("get", "hygiene-inspections/{hygiene}/"),
    ("patch", "hygiene-inspections/{hygiene}/"),
    ("get", "hazard-inspections/{hazard_inspection}/"),
    ("patch", "hazard-inspections/{hazard_inspection}/"),
    ("get", "hazards/{hazard}/"),
    ("patch", "hazards/{hazard}/"),
    ("post", "hazards/{hazard}/rectify/"),
    ("post", "hazards/{hazard}/reinspect/"),
    ("get", "convenience-services/{service}/"),
    ("patch", "convenience-services/{service}/"),
    ("get", "service-uses/{service_use}/"),
    ("patch", "service-uses/{service_use}/"),
]


@pytest.mark.parametrize(("method", "path"), API)
def test_another_communitys_record_is_404_on_every_endpoint(method, path, world, records, api_as):
    client = api_as(world.a.users[ALL_RIGHTS])
    url = "/api/v1/c/a-community/" + path.format(**other_ids(records))
    body = {"note": "x", "at": yesterday().isoformat(), "passed": True, "status": "retired"}
    response = client.get(url) if method == "get" else getattr(client, method)(url, body, "json")
    assert response.status_code == 404
    own = api_as(world.b.users[ALL_RIGHTS])
    assert own.get("/api/v1/c/b-community/" + path.format(**other_ids(records))).status_code in (
        200,
        405,
    )
    hazard = Hazard.objects.get(pk=records["b"]["hazard"].pk)
    assert hazard.status == Hazard.Status.OPEN
    assert Facility.objects.get(pk=records["b"]["facility"].pk).status == "in_service"


def test_a_visit_of_another_round_is_404(world, records, api_as):
    """A visit id of community b under community a's own round."""
    client = api_as(world.a.users[ALL_RIGHTS])
    own_round = records["a"]["patrol"].pk
    foreign_visit = records["b"]["patrol"].visits.first().pk
    url = f"/api/v1/c/a-community/patrol-rounds/{own_round}/visits/{foreign_visit}/"
    response = client.post(url, {"visited_at": yesterday().isoformat()}, format="json")
    assert response.status_code == 404


def test_foreign_keys_into_another_community_are_refused(world, records, api_as):
    client = api_as(world.a.users[ALL_RIGHTS])
    response = client.post(
        "/api/v1/c/a-community/maintenance-records/",
        {
            "facility": records["b"]["facility"].pk,
            "kind": "repair",
            "performed_at": yesterday().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "facility" in response.json()
    response = client.post(
        "/api/v1/c/a-community/hazards/",
        {
            "inspection": records["b"]["hazard_inspection"].pk,
            "kind": "fire",
            "place": "x",
            "description": "y",
            "found_at": yesterday().isoformat(),
            "rectify_by": str(timezone.localdate()),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "inspection" in response.json()


def test_lists_hold_only_the_own_communitys_rows(world, records, api_as):
    client = api_as(world.a.users[ALL_RIGHTS])
    ids = [row["id"] for row in client.get("/api/v1/c/a-community/hazards/").json()["results"]]
    assert ids == [records["a"]["hazard"].pk]
