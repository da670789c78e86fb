"""The demo generator: realistic volumes over last year and this year to date, a valid
disclosure chain, deterministic and idempotent."""

import datetime
import random

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Disclosure,
    Incident,
    Meeting,
    Opinion,
    Survey,
    SurveyResponse,
    Training,
    VolunteerHours,
)
from community.records import demo, selectors
from residents.models import Building
from tests import factories

NOW = datetime.datetime(2026, 5, 20, 4, 0, tzinfo=datetime.UTC)


def test_seed_fills_last_year_and_this_year_to_date(world):
    community = world.a.community
    for n in range(300):
        household = factories.HouseholdFactory(unit=world.a.unit, room=f"{1000 + n}")
        factories.ResidentFactory(household=household, name=f"居民{n}")
    summary = demo.seed(community, random.Random(7), now=NOW)
    assert summary.startswith("a-community：联席会议 ")
    start = datetime.datetime(2025, 1, 1, tzinfo=community.tz)
    for model, field in [
        (Meeting, "held_at"),
        (Opinion, "received_at"),
        (Activity, "starts_at"),
        (Disclosure, "published_at"),
        (Incident, "reported_at"),
    ]:
        rows = model.objects.filter(community=community)
        assert rows.filter(**{f"{field}__lt": start}).count() == 0, model
        if model is not Activity:  # activities may be upcoming; records of events may not
            assert not rows.filter(**{f"{field}__gt": NOW}).exists(), model
    # Incidents happen in the community's own buildings; a title naming a building names the
    # place's (a flooded garage names none).
    buildings = Building.objects.filter(community=community).select_related("compound")
    places = {f"{b.compound.name} {b.name}": b.name for b in buildings}
    incidents = Incident.objects.filter(community=community)
    assert incidents.count() > 10
    for incident in incidents:
        assert incident.place in places, incident.place
        assert "号楼" not in incident.title or incident.title.startswith(places[incident.place]), (
            incident.title
        )
    meetings = Meeting.objects.filter(community=community)
    joint = meetings.filter(kind="joint").count()
    assert 5 <= joint <= 7  # quarterly over 16.5 months
    assert 30 <= AgendaTopic.objects.filter(community=community).count() <= 110
    assert 120 <= Opinion.objects.filter(community=community).count() <= 200
    activities = Activity.objects.filter(community=community)
    assert 90 <= activities.count() <= 130
    assert activities.filter(starts_at__gt=NOW).count() <= 2
    attended = ActivitySignup.objects.filter(community=community, attended=True)
    assert attended.count() > 1000
    assert not attended.filter(activity__starts_at__gt=NOW).exists()
    assert VolunteerHours.objects.filter(community=community).count() > 200
    assert selectors.disclosure_chain_check(community=community).ok
    disclosures = Disclosure.objects.filter(community=community)
    assert 15 <= disclosures.count() <= 45 and disclosures.filter(version=2).count() == 1
    assert set(disclosures.values_list("kind", flat=True)) >= {
        "property_fee",
        "public_revenue",
        "maintenance_fund",
        "committee_report",
        "meeting_resolution",
    }
    surveys = Survey.objects.filter(community=community)
    assert surveys.count() == 2  # June and November of 2025; 2026's open later
    assert SurveyResponse.objects.filter(survey__in=surveys).count() > 30
    assert Training.objects.filter(community=community).count() >= 8
    assert "第1季度物业费收支" in "".join(disclosures.values_list("title", flat=True))
    # A second run adds nothing.
    assert demo.seed(community, random.Random(7), now=NOW) == "a-community：社区记录已存在"
    assert Meeting.objects.filter(community=community).count() == meetings.count()


def test_seed_is_deterministic(world):
    demo.seed(world.a.community, random.Random(3), now=NOW)
    demo.seed(world.b.community, random.Random(3), now=NOW)
    titles = [
        list(
            Activity.objects.filter(community=c)
            .order_by("starts_at")
            .values_list("title", "starts_at")
        )
        for c in (world.a.community, world.b.community)
    ]
    assert titles[0] == titles[1] and titles[0]
