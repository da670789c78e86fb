"""Query counts of every list page and list endpoint, pinned with many rows: a list costs the
same whether it shows 3 rows or 50."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from community.models import Compound
from property_ops import services

from .conftest import ALL_RIGHTS

ROWS = 30


@pytest.fixture
def many(world):
    community = world.a.community
    compound = Compound.objects.get(community=community)
    now = timezone.now()
    inspection = services.hazard_inspection_create(
        community=community,
        kind="routine",
        held_at=now - timedelta(days=2),
        area="全社区",
        inspectors="王",
    )
    service = services.convenience_service_create(
        community=community, kind="parcel", name="快递", started_on=date(2020, 1, 1)
    )
    for i in range(ROWS):
        when = now - timedelta(hours=i + 1)
        facility = services.facility_create(
            community=community,
            actor=None,
            kind="lighting",
            name=f"路灯{i}",
            compound=compound,
            registered_at=when,
        )
        services.maintenance_record_create(facility=facility, kind="repair", performed_at=when)
        services.sanitation_run_create(
            community=community,
            compound=compound,
            collection_point=f"垃圾房{i}",
            waste_kind="household",
            due_at=when,
            done_at=when,
        )
        services.patrol_round_create(
            community=community,
            route=f"线路{i}",
            planned_start=when - timedelta(hours=1),
            planned_end=when,
            checkpoints=["东门", "西门", "南门"],
        )
        services.hygiene_inspection_create(
            community=community,
            compound=compound,
            area=f"区域{i}",
            inspected_on=timezone.localdate() - timedelta(days=i),
            inspector="李",
            score=80,
            grade="good",
        )
        services.hazard_inspection_create(
            community=community, kind="routine", held_at=when, area=f"区域{i}", inspectors="王"
        )
        services.hazard_create(
            community=community,
            inspection=inspection,
            kind="fire",
            place=f"部位{i}",
            description="杂物",
            found_at=when,
            rectify_by=timezone.localdate(),
        )
        other = services.convenience_service_create(
            community=community, kind="haircut", name=f"理发{i}", started_on=date(2020, 1, 1)
        )
        services.service_use_create(
            service=service, used_at=when, household=world.a.household, rating=5
        )
        services.service_use_create(service=other, used_at=when, rating=4)


PAGES = [
    "facilities/",
    "maintenance/",
    "sanitation/",
    "patrols/",
    "hygiene/",
    "hazard-inspections/",
    "hazards/",
    "services/",
    "service-uses/",
]
ENDPOINTS = [
    "facilities",
    "maintenance-records",
    "sanitation-runs",
    "patrol-rounds",
    "hygiene-inspections",
    "hazard-inspections",
    "hazards",
    "convenience-services",
    "service-uses",
]


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_query_count(page, world, many, page_as, django_assert_max_num_queries):
    client = page_as(world.a.users[ALL_RIGHTS])
    with django_assert_max_num_queries(6):
        response = client.get(f"/c/a-community/ops/{page}")
    assert response.status_code == 200
    assert len(response.context["rows"]) >= ROWS


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_endpoints_query_count(endpoint, world, many, api_as, django_assert_max_num_queries):
    client = api_as(world.a.users[ALL_RIGHTS])
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/v1/c/a-community/{endpoint}/?page_size=200")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= ROWS
