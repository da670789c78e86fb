"""The permission matrix cells of every community-records resource, through real requests:
each role x read/write, on the API and on the pages. Allowed: the request succeeds and does
what it says; refused: 403 and nothing written (community/permissions.py)."""

import datetime

import pytest
from django.utils import timezone

from community import permissions
from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Disclosure,
    Drill,
    EmergencyPlan,
    Incident,
    Meeting,
    Membership,
    Opinion,
    Survey,
    SurveyResponse,
    Training,
    VolunteerHours,
)
from tests.records.conftest import make_records

Role = Membership.Role
SOON = (timezone.now() + datetime.timedelta(days=3)).isoformat()
LATER = (timezone.now() + datetime.timedelta(days=3, hours=2)).isoformat()

# Rows each list shows in the `side` fixture: one of each kind, two activities, no responses.
VISIBLE = {"activity": 2, "survey_answer": 0}
READS = {
    "meeting": "meetings/",
    "agenda_topic": "agenda-topics/",
    "opinion": "opinions/",
    "activity": "activities/",
    "activity_signup": "activity-signups/",
    "volunteer_hours": "volunteer-hours/",
    "disclosure": "disclosures/",
    "survey": "surveys/",
    "survey_answer": "survey-responses/",
    "emergency_plan": "emergency-plans/",
    "drill": "drills/",
    "incident": "incidents/",
    "training": "trainings/",
}
MODELS = {
    "meeting": Meeting,
    "agenda_topic": AgendaTopic,
    "opinion": Opinion,
    "activity": Activity,
    "activity_signup": ActivitySignup,
    "volunteer_hours": VolunteerHours,
    "disclosure": Disclosure,
    "survey": Survey,
    "survey_answer": SurveyResponse,
    "emergency_plan": EmergencyPlan,
    "drill": Drill,
    "incident": Incident,
    "training": Training,
}


def writes(rec) -> dict:
    """resource -> (API path, JSON body) of a valid write."""
    questions = list(rec["survey"].questions.all())
    return {
        "meeting": ("meetings/", {"kind": "joint", "title": "二季度联席会议", "held_at": SOON}),
        "agenda_topic": ("agenda-topics/", {"title": "垃圾分类", "source": "staff"}),
        "opinion": ("opinions/", {"content": "希望增加健身器材"}),
        "activity": (
            "activities/",
            {
                "kind": "sports",
                "title": "健步走",
                "place": "中心广场",
                "starts_at": SOON,
                "ends_at": LATER,
            },
        ),
        "activity_signup": (f"activities/{rec['open_activity'].pk}/sign-up/", {}),
        "volunteer_hours": (
            "volunteer-hours/",
            {"name": "赵敏", "served_on": "2025-06-01", "hours": "3.0"},
        ),
        "disclosure": (
            "disclosures/",
            {
                "kind": "public_revenue",
                "title": "公共收益公示",
                "body": "广告收入",
                "period_start": "2025-01-01",
                "period_end": "2025-06-30",
                "channels": ["portal"],
            },
        ),
        "survey": (
            "surveys/",
            {
                "title": "知晓率调查",
                "opens_at": SOON,
                "closes_at": LATER,
                "questions": [{"kind": "awareness", "text": "知道吗"}],
            },
        ),
        "survey_answer": (
            f"surveys/{rec['survey'].pk}/answer/",
            {"answers": {str(questions[0].pk): 4, str(questions[1].pk): True}},
        ),
        "emergency_plan": (
            "emergency-plans/",
            {"kind": "flood_typhoon", "title": "防汛预案", "in_force_from": "2024-05-01"},
        ),
        "drill": ("drills/", {"title": "防汛演练", "held_at": SOON, "participants": 30}),
        "incident": ("incidents/", {"kind": "flood", "title": "地下室进水", "reported_at": SOON}),
        "training": ("trainings/", {"topic": "调解技巧", "held_on": "2025-06-01", "hours": "1.5"}),
    }


@pytest.fixture
def side(world):
    world.a.extra.update(make_records(world.a))
    # An open activity nobody has signed up for yet (the records' one has the resident).
    world.a.extra["open_activity"] = Activity.objects.create(
        community=world.a.community,
        kind="culture",
        title="合唱团",
        place="活动室",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=1),
    )
    return world.a


@pytest.mark.parametrize("role", list(Role))
def test_api_read(role, side, api_as):
    client = api_as(side.users[role])
    for resource, path in READS.items():
        response = client.get(f"/api/v1/c/{side.community.slug}/{path}")
        if permissions.allowed([role], resource, permissions.READ):
            assert response.status_code == 200, (resource, response.content)
            assert response.json()["count"] == VISIBLE.get(resource, 1), resource
        else:
            assert response.status_code == 403, (resource, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_api_write(role, side, api_as):
    client = api_as(side.users[role])
    for resource, (path, body) in writes(side.extra).items():
        model = MODELS[resource]
        before = model.objects.filter(community=side.community).count()
        response = client.post(f"/api/v1/c/{side.community.slug}/{path}", body, format="json")
        after = model.objects.filter(community=side.community).count()
        if permissions.allowed([role], resource, permissions.WRITE):
            assert response.status_code == 201, (resource, response.content)
            assert after == before + 1, resource
        else:
            assert response.status_code == 403, (resource, response.status_code)
            assert after == before, resource


PAGES = {
    "meeting": "meetings/",
    "agenda_topic": "topics/",
    "opinion": "opinions/",
    "activity": "activities/",
    "volunteer_hours": "volunteers/hours/",
    "disclosure": "disclosures/",
    "survey": "surveys/",
    "emergency_plan": "emergency/plans/",
    "drill": "emergency/drills/",
    "incident": "emergency/incidents/",
    "training": "trainings/",
}


@pytest.mark.parametrize("role", list(Role))
def test_page_read(role, side, page_as):
    client = page_as(side.users[role])
    slug = side.community.slug
    for resource, path in PAGES.items():
        response = client.get(f"/c/{slug}/{path}")
        if permissions.allowed([role], resource, permissions.READ):
            assert response.status_code == 200, resource
            assert len(response.context["rows"]) == VISIBLE.get(resource, 1), resource
        else:
            assert response.status_code == 403, resource
    # Sign-ups are read on the activity page; survey answers as the survey's results.
    activity = client.get(f"/c/{slug}/activities/{side.extra['activity'].pk}/")
    if activity.status_code == 200:
        shows = activity.context.get("signups") is not None
        assert shows == permissions.allowed([role], "activity", permissions.WRITE)
    survey = client.get(f"/c/{slug}/surveys/{side.extra['survey'].pk}/")
    if survey.status_code == 200:
        shows = survey.context.get("results") is not None
        assert shows == permissions.allowed([role], "survey_answer", permissions.READ)


@pytest.mark.parametrize("role", list(Role))
def test_page_write(role, side, page_as):
    client = page_as(side.users[role])
    slug = side.community.slug
    for resource, path in PAGES.items():
        response = client.get(f"/c/{slug}/{path}new/")
        allowed = permissions.allowed([role], resource, permissions.WRITE)
        assert response.status_code == (200 if allowed else 403), resource
    activity = side.extra["activity"]
    signups = ActivitySignup.objects.filter(activity=activity).count()
    response = client.post(f"/c/{slug}/activities/{activity.pk}/sign-up/")
    allowed = permissions.allowed([role], "activity_signup", permissions.WRITE)
    if role == Role.RESIDENT:  # already signed up by the fixture: refused with a message
        assert response.status_code == 302
        assert ActivitySignup.objects.filter(activity=activity).count() == signups
    elif allowed:
        assert response.status_code == 302
        assert ActivitySignup.objects.filter(activity=activity).count() == signups + 1
    else:
        assert response.status_code == 403
    survey = side.extra["survey"]
    q = list(survey.questions.all())
    response = client.post(
        f"/c/{slug}/surveys/{survey.pk}/answer/", {f"q{q[0].pk}": "5", f"q{q[1].pk}": "yes"}
    )
    answered = SurveyResponse.objects.filter(survey=survey).count()
    if permissions.allowed([role], "survey_answer", permissions.WRITE):
        assert response.status_code == 302 and answered == 1
    else:
        assert response.status_code == 403 and answered == 0
