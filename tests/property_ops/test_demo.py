"""The demo generator fills last year and this year to date with consistent records."""

import random
from datetime import date, datetime

from django.db.models import F, Max, Min

from property_ops.demo import seed
from property_ops.models import (
    Facility,
    FacilityStatusChange,
    Hazard,
    HazardStep,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)
from tests import factories


def test_seed_fills_last_year_and_this_year_to_date(world):
    community = world.a.community
    factories.BuildingFactory(compound=world.a.building.compound, name="2号楼", floors=18)
    counts = seed(community, random.Random(7), today=date(2025, 3, 15))
    tz = community.tz
    start = datetime(2024, 1, 1, tzinfo=tz)
    end = datetime(2025, 3, 15, 23, 59, tzinfo=tz)
    assert counts["facility"] == Facility.objects.filter(community=community).count() >= 20
    assert Facility.objects.filter(community=community, kind="elevator").count() == 2
    runs = SanitationRun.objects.filter(community=community)
    # two garbage rooms x two runs a day over 440 days, plus weekly recyclables
    assert 1700 <= runs.count() <= 1900
    span = runs.aggregate(first=Min("due_at"), last=Max("due_at"))
    assert span["first"] >= start and span["last"] <= end
    on_time = runs.filter(done_at__lte=F("due_at")).count() / runs.count()
    assert 0.9 < on_time < 0.99
    visits = PatrolVisit.objects.filter(community=community)
    # 440 days x 3 rounds x 6 checkpoints, less the last night's round (not over by then)
    assert visits.count() == (440 * 3 - 1) * 6
    done = visits.filter(visited_at__gte=F("window_start"), visited_at__lte=F("window_end"))
    assert 0.9 < done.count() / visits.count() < 0.97
    hazards = Hazard.objects.filter(community=community)
    assert 20 <= hazards.count() <= 80
    assert hazards.filter(kind="fire").exists()
    # The derived state agrees with the steps: the last step decides.
    for hazard in hazards.prefetch_related("steps"):
        steps = list(hazard.steps.all())
        expected = "open"
        if steps:
            expected = {
                HazardStep.Kind.RECTIFIED: "rectified",
                HazardStep.Kind.REINSPECTION_PASSED: "verified",
                HazardStep.Kind.REINSPECTION_FAILED: "open",
            }[steps[-1].kind]
        assert hazard.status == expected
        assert all(s.at >= hazard.found_at for s in steps)
    # Every facility's current status is its last history entry, which starts at registration.
    for facility in Facility.objects.filter(community=community).prefetch_related("status_changes"):
        history = list(facility.status_changes.all())
        assert history[0].at == facility.registered_at
        assert facility.status == history[-1].status
    assert FacilityStatusChange.objects.filter(community=community, at__gt=end).count() == 0
    ratings = ServiceUse.objects.filter(community=community, rating__isnull=False)
    assert ratings.count() > 100
    assert ServiceUse.objects.filter(community=community).aggregate(m=Max("used_at"))["m"] <= end
    assert not ServiceUse.objects.filter(community=world.b.community).exists()
