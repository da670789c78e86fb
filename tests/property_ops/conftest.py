"""Fixtures of the safety and operations logs: one record of every kind in each community of
the shared world, made through the services."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from community.models import Compound
from property_ops import services
from property_ops.models import Facility, HazardInspection

ALL_RIGHTS = "committee_staff"  # may read and write every resource of these apps


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def make_records(side) -> dict:
    community = side.community
    compound = Compound.objects.get(community=community)
    actor = side.users[ALL_RIGHTS]
    facility = services.facility_create(
        community=community,
        actor=actor,
        kind=Facility.Kind.ELEVATOR,
        name="1号楼1单元电梯",
        code=f"DT-{community.slug}",
        compound=compound,
        registered_at=ago(days=400),
    )
    inspection = services.hazard_inspection_create(
        community=community,
        kind=HazardInspection.Kind.FIRE_SAFETY,
        held_at=ago(days=30),
        area="地下车库",
        inspectors="王强、李娜",
    )
    service = services.convenience_service_create(
        community=community, kind="parcel", name="快递代收点", started_on=date(2020, 1, 1)
    )
    return {
        "facility": facility,
        "maintenance": services.maintenance_record_create(
            facility=facility, kind="routine", performed_at=ago(days=10), performed_by="奥的斯维保"
        ),
        "sanitation": services.sanitation_run_create(
            community=community,
            collection_point="1号垃圾房",
            waste_kind="household",
            due_at=ago(hours=5),
            done_at=ago(hours=6),
        ),
        "patrol": services.patrol_round_create(
            community=community,
            route="夜间巡逻A线",
            planned_start=ago(hours=3),
            planned_end=ago(hours=2),
            checkpoints=["南门", "地下车库", "3号楼"],
        ),
        "hygiene": services.hygiene_inspection_create(
            community=community,
            area="公共楼道",
            inspected_on=timezone.localdate() - timedelta(days=3),
            inspector="街道卫生科",
            score=91,
            grade="excellent",
        ),
        "hazard_inspection": inspection,
        "hazard": services.hazard_create(
            community=community,
            inspection=inspection,
            kind="fire",
            place="地下车库B区",
            description="消防通道堆放杂物",
            found_at=ago(days=29),
            rectify_by=timezone.localdate(),
        ),
        "service": service,
        "service_use": services.service_use_create(service=service, used_at=ago(days=1), rating=5),
    }


@pytest.fixture
def records(world):
    """{"a": {kind: record}, "b": {kind: record}} for the two communities of `world`."""
    return {"a": make_records(world.a), "b": make_records(world.b)}
