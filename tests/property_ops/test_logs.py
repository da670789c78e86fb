"""The loops and rules of the safety and operations logs, with values computed by hand."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from property_ops import services
from property_ops.models import Facility, Hazard, HazardInspection, HazardStep, SanitationRun

from .conftest import ALL_RIGHTS, ago


def status_at(facility, as_of):
    """The METRICS.md replay: status of the last change with at <= as_of (ties by id)."""
    change = facility.status_changes.filter(at__lte=as_of).order_by("-at", "-id").first()
    return change.status if change else None


def test_facility_history_answers_status_at_any_instant(world, records):
    facility = records["a"]["facility"]
    actor = world.a.users[ALL_RIGHTS]
    services.facility_status_change(
        facility=facility, status="out_of_service", at=ago(days=100), actor=actor
    )
    services.facility_status_change(
        facility=facility, status="in_service", at=ago(days=90), actor=actor
    )
    # A breakdown logged late: recorded after the repair, but it happened before it.
    services.facility_status_change(
        facility=facility, status="out_of_service", at=ago(days=95), actor=actor
    )
    facility.refresh_from_db()
    assert facility.status == "in_service"  # the latest instant wins, not the latest entry
    assert status_at(facility, ago(days=401)) is None  # not registered yet
    assert status_at(facility, ago(days=200)) == "in_service"
    assert status_at(facility, ago(days=97)) == "out_of_service"
    assert status_at(facility, ago(days=92)) == "out_of_service"
    assert status_at(facility, ago(days=89)) == "in_service"
    services.facility_status_change(
        facility=facility, status="retired", at=ago(days=1), actor=actor
    )
    facility.refresh_from_db()
    assert facility.status == "retired"
    assert list(facility.status_changes.values_list("status", flat=True)) == [
        "in_service",
        "out_of_service",
        "out_of_service",
        "in_service",
        "retired",
    ]


def test_a_status_change_before_registration_or_in_the_future_is_refused(world, records):
    facility = records["a"]["facility"]
    actor = world.a.users[ALL_RIGHTS]
    with pytest.raises(ValidationError) as error:
        services.facility_status_change(
            facility=facility, status="retired", at=ago(days=500), actor=actor
        )
    assert "at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.facility_status_change(
            facility=facility, status="retired", at=ago(days=-1), actor=actor
        )
    assert error.value.message_dict["at"] == ["不能晚于当前时间。"]
    assert facility.status_changes.count() == 1


def test_moving_registration_moves_the_first_history_entry(records):
    facility = records["a"]["facility"]
    services.facility_update(facility=facility, registered_at=ago(days=500))
    first = facility.status_changes.get()
    assert abs((first.at - ago(days=500)).total_seconds()) < 5


def test_duplicate_asset_code_names_the_field(world, records):
    with pytest.raises(ValidationError) as error:
        services.facility_create(
            community=world.a.community,
            actor=None,
            kind="cctv",
            name="另一台",
            code="DT-a-community",
            registered_at=ago(days=1),
        )
    assert Facility.objects.filter(community=world.a.community).count() == 1
    assert error.value.messages
    # The same code in the other community is not a clash.
    services.facility_create(
        community=world.b.community,
        actor=None,
        kind="cctv",
        name="另一台",
        code="DT-a-community",
        registered_at=ago(days=1),
    )


def test_hazard_loop_find_rectify_fail_rectify_pass(world, records):
    hazard = records["a"]["hazard"]  # found 29 days ago
    actor = world.a.users["technician"]
    with pytest.raises(ValidationError):
        services.hazard_reinspect(hazard=hazard, at=ago(days=1), passed=True, actor=actor)
    with pytest.raises(ValidationError) as error:
        services.hazard_rectify(hazard=hazard, at=ago(days=40), actor=actor)
    assert "at" in error.value.message_dict

    hazard = services.hazard_rectify(hazard=hazard, at=ago(days=20), note="清理杂物", actor=actor)
    assert hazard.status == Hazard.Status.RECTIFIED
    with pytest.raises(ValidationError):
        services.hazard_rectify(hazard=hazard, at=ago(days=19), actor=actor)
    hazard = services.hazard_reinspect(hazard=hazard, at=ago(days=18), passed=False, actor=actor)
    assert (hazard.status, hazard.reinspection_passed) == (Hazard.Status.OPEN, False)
    hazard = services.hazard_rectify(hazard=hazard, at=ago(days=10), actor=actor)
    hazard = services.hazard_reinspect(hazard=hazard, at=ago(days=9), passed=True, actor=actor)
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.VERIFIED
    assert hazard.reinspection_passed is True
    assert abs((hazard.rectified_at - ago(days=10)).total_seconds()) < 5
    assert list(hazard.steps.values_list("kind", flat=True)) == [
        HazardStep.Kind.RECTIFIED,
        HazardStep.Kind.REINSPECTION_FAILED,
        HazardStep.Kind.RECTIFIED,
        HazardStep.Kind.REINSPECTION_PASSED,
    ]

    def rectified_at(as_of):
        """docs/metrics.md: last step by as_of is a rectification or a passed re-inspection."""
        last = hazard.steps.filter(at__lte=as_of).order_by("-at", "-id").first()
        return last is not None and last.kind != HazardStep.Kind.REINSPECTION_FAILED

    assert [rectified_at(ago(days=d)) for d in (25, 19, 15, 9.5, 1)] == [
        False,
        True,
        False,
        True,
        True,
    ]


def test_rectification_deadline_before_finding_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.hazard_create(
            community=world.a.community,
            kind="fire",
            place="3号楼",
            description="灭火器过期",
            found_at=ago(days=3),
            rectify_by=timezone.localdate() - timedelta(days=10),
        )
    assert error.value.message_dict == {"rectify_by": ["不能早于发现当天。"]}


def test_patrol_visits_count_only_inside_their_window(world, records, api_as):
    patrol = records["a"]["patrol"]  # window: 3 h ago to 2 h ago, 3 checkpoints
    visits = list(patrol.visits.order_by("position"))
    assert [v.checkpoint for v in visits] == ["南门", "地下车库", "3号楼"]
    client = api_as(world.a.users["technician"])
    base = f"/api/v1/c/a-community/patrol-rounds/{patrol.pk}/visits/"
    inside = client.post(
        f"{base}{visits[0].pk}/", {"visited_at": ago(hours=2, minutes=30).isoformat()}, "json"
    )
    late = client.post(f"{base}{visits[1].pk}/", {"visited_at": ago(hours=1).isoformat()}, "json")
    assert (inside.json()["in_window"], late.json()["in_window"]) == (True, False)
    row = client.get(f"/api/v1/c/a-community/patrol-rounds/{patrol.pk}/").json()
    assert (row["planned_count"], row["done_count"]) == (3, 1)
    response = client.patch(
        f"/api/v1/c/a-community/patrol-rounds/{patrol.pk}/",
        {"planned_end": ago(hours=-5).isoformat(), "guard": "赵刚"},
        "json",
    )
    assert response.status_code == 200
    assert response.json()["guard"] == "赵刚"
    patrol.refresh_from_db()
    assert patrol.planned_end < timezone.now()  # the plan is fixed once made


def test_patrol_checkpoints_must_be_named_once(world):
    with pytest.raises(ValidationError) as error:
        services.patrol_round_create(
            community=world.a.community,
            route="A线",
            planned_start=ago(hours=3),
            planned_end=ago(hours=2),
            checkpoints=["南门", " 南门 "],
        )
    assert "checkpoints" in error.value.message_dict


def test_sanitation_on_time_is_done_by_due(world, api_as):
    due = ago(days=2)
    for minutes in (-10, 0, 15):
        services.sanitation_run_create(
            community=world.a.community,
            collection_point=f"点{minutes}",
            waste_kind="household",
            due_at=due,
            done_at=due + timedelta(minutes=minutes),
        )
    services.sanitation_run_create(
        community=world.a.community, collection_point="未完成", waste_kind="kitchen", due_at=due
    )
    runs = {r.collection_point: r.is_on_time for r in SanitationRun.objects.all()}
    assert runs == {"点-10": True, "点0": True, "点15": False, "未完成": None}
    client = api_as(world.a.users["technician"])
    states = {
        state: sorted(
            r["collection_point"]
            for r in client.get(f"/api/v1/c/a-community/sanitation-runs/?state={state}").json()[
                "results"
            ]
        )
        for state in ("on_time", "late", "open")
    }
    assert states == {"on_time": ["点-10", "点0"], "late": ["点15"], "open": ["未完成"]}


def test_service_use_outside_the_offer_and_bad_rating_are_refused(world, api_as):
    service = services.convenience_service_create(
        community=world.a.community,
        kind="haircut",
        name="义务理发",
        started_on=date(2024, 1, 1),
        ended_on=date(2024, 6, 30),
    )
    client = api_as(world.a.users["property_manager"])
    url = "/api/v1/c/a-community/service-uses/"
    late = client.post(
        url, {"service": service.pk, "used_at": "2024-07-01T09:00:00+08:00", "rating": 5}, "json"
    )
    assert late.status_code == 400
    assert "used_at" in late.json()
    bad = client.post(
        url, {"service": service.pk, "used_at": "2024-03-01T09:00:00+08:00", "rating": 6}, "json"
    )
    assert bad.status_code == 400
    assert "rating" in bad.json()
    for rating in (5, 4, 2, None):
        assert (
            client.post(
                url,
                {"service": service.pk, "used_at": "2024-03-01T09:00:00+08:00", "rating": rating},
                "json",
            ).status_code
            == 201
        )
    row = client.get(f"/api/v1/c/a-community/convenience-services/{service.pk}/").json()
    assert (row["use_count"], row["rated_count"], row["satisfied_count"]) == (4, 3, 2)


def test_naive_api_instants_are_read_in_the_community_time_zone(world, api_as):
    community = world.a.community
    community.timezone = "Europe/Berlin"
    community.save()
    client = api_as(world.a.users["committee_staff"])
    response = client.post(
        "/api/v1/c/a-community/hazard-inspections/",
        {"kind": "routine", "held_at": "2024-07-01T10:00:00", "area": "全社区", "inspectors": "王"},
        "json",
    )
    assert response.status_code == 201
    held = HazardInspection.objects.get(area="全社区").held_at
    assert held.isoformat() == "2024-07-01T08:00:00+00:00"  # 10:00 CEST


def test_page_form_times_are_local_and_errors_name_the_field(world, records, page_as):
    client = page_as(world.a.users["technician"])
    hazard = records["a"]["hazard"]
    url = f"/c/a-community/ops/hazards/{hazard.pk}/rectify/"
    future = timezone.localtime(ago(days=-2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"at": future})
    assert response.status_code == 400
    assert response.context["form"].errors == {"at": ["不能晚于当前时间。"]}
    hazard.refresh_from_db()
    assert hazard.status == Hazard.Status.OPEN
    response = client.post(url, {"at": "2025-01-01T08:00", "note": "已清理"})
    assert response.status_code == 400  # before it was found: refused with the reason
    assert "at" in response.context["form"].errors
    when = timezone.localtime(ago(days=1)).replace(second=0, microsecond=0)
    response = client.post(url, {"at": when.strftime("%Y-%m-%dT%H:%M"), "note": "已清理"})
    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.status, hazard.rectified_at) == (Hazard.Status.RECTIFIED, when)
    page = client.get(f"/c/a-community/ops/hazards/{hazard.pk}/")
    assert when.strftime("%Y-%m-%d %H:%M").encode() in page.content
