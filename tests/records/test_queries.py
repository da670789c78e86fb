"""Query counts of every community-records list, page and API, pinned with many rows: a list
costs the same number of queries for 2 rows as for 40 (STYLE.md, Lists)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Disclosure,
    DisclosureChannel,
    Drill,
    DrillAction,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    MeetingAttendance,
    Membership,
    Opinion,
    Organisation,
    Survey,
    SurveyQuestion,
    SurveyResponse,
    Training,
    TrainingAttendance,
    VolunteerHours,
    VolunteerTeam,
)
from community.records import services

Role = Membership.Role
N = 40
NOW = timezone.now()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def many(world):
    """N rows of every kind in community A, each with its related rows."""
    c = world.a.community
    staff = world.a.users[Role.COMMITTEE_STAFF]
    resident = world.a.users[Role.RESIDENT]
    org = Organisation.objects.create(name="物业公司", kind=Organisation.Kind.PROPERTY_COMPANY)
    plan = EmergencyPlan.objects.create(
        community=c, kind="fire", title="消防预案", in_force_from=NOW.date()
    )
    team = VolunteerTeam.objects.create(community=c, name="队伍0")
    DisclosureChannel.objects.create(community=c, channel="portal", started_on=NOW.date())
    for i in range(N):
        at = NOW - i * DAY
        meeting = Meeting.objects.create(community=c, kind="joint", title=f"会议{i}", held_at=at)
        MeetingAttendance.objects.create(community=c, meeting=meeting, organisation=org)
        AgendaTopic.objects.create(
            community=c,
            meeting=meeting,
            title=f"议题{i}",
            source="staff",
            raised_at=at,
            responsible_organisation=org,
        )
        Opinion.objects.create(
            community=c, channel="online", content=f"意见{i}", received_at=at, submitter=resident
        )
        activity = Activity.objects.create(
            community=c,
            kind="culture",
            title=f"活动{i}",
            place="室",
            starts_at=at,
            ends_at=at + DAY,
            capacity=50,
        )
        ActivitySignup.objects.create(
            community=c,
            activity=activity,
            user=resident,
            name="甲",
            person_key=f"u:{resident.pk}",
            source="web",
        )
        VolunteerTeam.objects.create(community=c, name=f"队伍{i + 1}")
        VolunteerHours.objects.create(
            community=c,
            team=team,
            activity=activity,
            name=f"志愿者{i}",
            person_key=f"n:{i}",
            served_on=at.date(),
            hours=Decimal(2),
        )
        survey = Survey.objects.create(
            community=c, title=f"调查{i}", opens_at=at, closes_at=at + DAY
        )
        SurveyQuestion.objects.create(
            community=c, survey=survey, position=1, kind="awareness", text="知道吗"
        )
        SurveyResponse.objects.create(
            community=c, survey=survey, respondent_key=str(i), submitted_at=at
        )
        p = EmergencyPlan.objects.create(
            community=c, kind="gas_leak", title=f"预案{i}", in_force_from=at.date()
        )
        EmergencyPlanRevision.objects.create(community=c, plan=p, version="1", revised_on=at.date())
        drill = Drill.objects.create(
            community=c, plan=plan, title=f"演练{i}", held_at=at, participants=10
        )
        DrillAction.objects.create(community=c, drill=drill, description="整改")
        Incident.objects.create(community=c, kind="fire", title=f"事件{i}", reported_at=at)
        training = Training.objects.create(
            community=c, topic=f"培训{i}", held_on=at.date(), hours=Decimal(1)
        )
        TrainingAttendance.objects.create(community=c, training=training, user=staff)
    for i in range(N):
        services.disclosure_publish(
            community=c,
            user=staff,
            data={
                "kind": "other",
                "title": f"公示{i}",
                "body": "内容",
                "channels": ["portal"],
                "period_start": NOW.date(),
                "period_end": NOW.date(),
            },
        )
    assert Disclosure.objects.filter(community=c).count() == N
    return world.a


PAGES = [
    "meetings/",
    "topics/",
    "opinions/",
    "activities/",
    "volunteers/teams/",
    "volunteers/hours/",
    "disclosures/",
    "surveys/",
    "emergency/plans/",
    "emergency/drills/",
    "emergency/incidents/",
    "trainings/",
]
API = [
    "meetings/",
    "agenda-topics/",
    "opinions/",
    "activities/",
    "activity-signups/",
    "volunteer-teams/",
    "volunteer-hours/",
    "disclosure-channels/",
    "disclosures/",
    "surveys/",
    "survey-responses/",
    "emergency-plans/",
    "plan-revisions/",
    "drills/",
    "drill-actions/",
    "incidents/",
    "trainings/",
]
# Pages: session, user, memberships (tenancy), the nav's communities, count, rows (6; 7 for
# surveys' prefetch, 9 for disclosures with documents and the chain check). API: user,
# memberships, count, rows and at most two prefetches.
PAGE_QUERIES = 9
API_QUERIES = 6


@pytest.mark.parametrize("path", PAGES)
def test_list_page_queries(path, many, page_as, django_assert_max_num_queries):
    client = page_as(many.users[Role.COMMITTEE_STAFF])
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"/c/{many.community.slug}/{path}")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 25  # the first page of N (or N + 1 teams)


@pytest.mark.parametrize("path", API)
def test_list_api_queries(path, many, api_as, django_assert_max_num_queries):
    client = api_as(many.users[Role.COMMITTEE_STAFF])
    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(f"/api/v1/c/{many.community.slug}/{path}")
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    assert len(response.json()["results"]) == min(50, response.json()["count"])


def test_public_disclosure_page_queries(many, page_as, django_assert_max_num_queries):
    client = page_as(None)
    # Community, chain check (2), count, rows, documents.
    with django_assert_max_num_queries(6):
        response = client.get(f"/p/{many.community.slug}/disclosures/")
    assert response.status_code == 200 and len(response.context["rows"]) == 25
