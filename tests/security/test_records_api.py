"""Adversarial review of the community-records API (community/records/api.py).

Findings pinned here:
- PUT/PATCH of an editable record skipped its service (the update mixin came first in the MRO):
  the record's rules were not applied and a duplicate name or a nested list answered 500.
- A staff opinion carrying `topic` answered 500 (a declared field is not made read-only by
  Meta.read_only_fields).
- Training attendees: an id of any user of the platform was answered with that user's
  username (a cross-tenant account listing).
- Survey responses named the answering account and household to evaluators, who read
  de-identified records everywhere else (tickets, disputes).
- Opinions showed (and searched by) the resident's name to evaluators, the owners' committee
  and the property manager, who read tickets without it.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import Incident, Membership, Opinion, VolunteerHours, VolunteerTeam

Role = Membership.Role
HOUR = datetime.timedelta(hours=1)


def url(side, path):
    return f"/api/v1/c/{side.community.slug}/{path}"


@pytest.fixture
def staff_a(world, api_as):
    return api_as(world.a.users[Role.COMMITTEE_STAFF])


# --- updates go through the record's service -----------------------------------------------


def test_patch_applies_the_incident_order_rule_against_the_saved_report_time(
    world, records, staff_a
):
    incident = records.a["incident"]
    before = incident.reported_at
    response = staff_a.patch(
        url(world.a, f"incidents/{incident.pk}/"),
        {"resolved_at": (before - HOUR).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["resolved_at"]
    incident.refresh_from_db()
    assert incident.resolved_at is None
    assert incident.reported_at == before


def test_patch_capacity_below_the_sign_ups_is_refused(world, records, staff_a):
    activity = records.a["activity"]  # one sign-up taken
    response = staff_a.patch(
        url(world.a, f"activities/{activity.pk}/"), {"capacity": 0}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["capacity"]
    activity.refresh_from_db()
    assert activity.capacity == 20


def test_patch_one_field_keeps_the_others(world, records, staff_a):
    hours = records.a["volunteer_hours"]  # 李志愿, +8613900139000, 2.5 h
    response = staff_a.patch(
        url(world.a, f"volunteer-hours/{hours.pk}/"), {"hours": "3.5"}, format="json"
    )
    assert response.status_code == 200, response.content
    hours = VolunteerHours.objects.get(pk=hours.pk)
    assert (hours.name, hours.phone, hours.hours) == ("李志愿", "+8613900139000", Decimal("3.5"))
    assert hours.person_key == "n:李志愿|+8613900139000"


def test_hours_out_of_range_on_update_is_a_400_naming_the_field(world, records, staff_a):
    hours = records.a["volunteer_hours"]
    response = staff_a.patch(
        url(world.a, f"volunteer-hours/{hours.pk}/"), {"hours": "99"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["hours"]
    hours.refresh_from_db()
    assert hours.hours == Decimal("2.5")


def test_renaming_a_team_to_a_taken_name_is_a_400_not_a_500(world, records, staff_a):
    other = VolunteerTeam.objects.create(community=world.a.community, name="蓝马甲")
    response = staff_a.patch(
        url(world.a, f"volunteer-teams/{other.pk}/"), {"name": "红马甲"}, format="json"
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "蓝马甲"


def test_put_meeting_with_attendances_replaces_them(world, records, staff_a):
    meeting = records.a["meeting"]
    organisation = meeting.attendances.get().organisation
    response = staff_a.put(
        url(world.a, f"meetings/{meeting.pk}/"),
        {
            "kind": "joint",
            "title": "三方联席会议（改）",
            "held_at": meeting.held_at.isoformat(),
            "attendances": [{"organisation": organisation.pk, "attendees": "王", "headcount": 5}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["attendances"][0]["headcount"] == 5
    assert [(a.attendees, a.headcount) for a in meeting.attendances.all()] == [("王", 5)]


def test_put_survey_questions_after_answers_is_refused(world, records, staff_a, api_as):
    survey = records.a["survey"]
    questions = list(survey.questions.order_by("position"))
    resident = api_as(world.a.users[Role.RESIDENT])
    answered = resident.post(
        url(world.a, f"surveys/{survey.pk}/answer/"),
        {"answers": {str(questions[0].pk): 5, str(questions[1].pk): True}},
        format="json",
    )
    assert answered.status_code == 201, answered.content
    response = staff_a.patch(
        url(world.a, f"surveys/{survey.pk}/"),
        {"questions": [{"kind": "free_text", "text": "换一个问题"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["questions"]
    assert [q.text for q in survey.questions.order_by("position")] == [
        "物业服务满意吗",
        "知道公示栏吗",
    ]


# --- opinions ------------------------------------------------------------------------------


def test_staff_opinion_with_a_topic_key_is_recorded_without_it(world, records, staff_a):
    topic = records.a["agenda_topic"]
    response = staff_a.post(
        url(world.a, "opinions/"),
        {"content": "意见箱：路灯不亮", "channel": "opinion_box", "topic": topic.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    opinion = Opinion.objects.get(pk=response.json()["id"])
    assert (opinion.content, opinion.channel, opinion.topic) == (
        "意见箱：路灯不亮",
        "opinion_box",
        None,
    )


# --- trainings -----------------------------------------------------------------------------


def test_training_attendee_of_another_community_is_refused_without_naming_them(
    world, records, staff_a
):
    stranger = world.b.users[Role.COMMITTEE_STAFF]
    outsider = world.outsider
    response = staff_a.post(
        url(world.a, "trainings/"),
        {
            "topic": "急救培训",
            "held_on": timezone.localdate().isoformat(),
            "hours": "2",
            "attendee_ids": [stranger.pk, outsider.pk],
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert list(response.json()) == ["attendee_ids"]
    assert stranger.username not in body and outsider.username not in body


def test_training_attendees_of_this_community_are_saved(world, records, staff_a):
    manager = world.a.users[Role.PROPERTY_MANAGER]
    response = staff_a.post(
        url(world.a, "trainings/"),
        {
            "topic": "急救培训",
            "held_on": timezone.localdate().isoformat(),
            "hours": "2",
            "attendee_ids": [manager.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["attendees"] == [manager.pk]


def test_incident_rule_still_holds_on_create(world, records, staff_a):
    now = timezone.now()
    response = staff_a.post(
        url(world.a, "incidents/"),
        {
            "kind": "fire",
            "title": "厨房起火",
            "reported_at": now.isoformat(),
            "resolved_at": (now - HOUR).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["resolved_at"]
    assert not Incident.objects.filter(title="厨房起火").exists()


# --- survey responses ----------------------------------------------------------------------


def test_evaluator_reads_survey_responses_de_identified(world, records, staff_a, api_as):
    survey = records.a["survey"]  # not anonymous
    questions = list(survey.questions.order_by("position"))
    resident = world.a.users[Role.RESIDENT]
    answered = api_as(resident).post(
        url(world.a, f"surveys/{survey.pk}/answer/"),
        {"answers": {str(questions[0].pk): 4, str(questions[1].pk): False}},
        format="json",
    )
    assert answered.status_code == 201, answered.content
    evaluator = api_as(world.a.users[Role.EVALUATOR])
    [row] = evaluator.get(url(world.a, "survey-responses/")).json()["results"]
    assert (row["user"], row["household"]) == (None, None)
    assert [(a["question"], a["number"]) for a in row["answers"]] == [
        (questions[0].pk, 4),
        (questions[1].pk, 0),
    ]
    single = evaluator.get(url(world.a, f"survey-responses/{row['id']}/")).json()
    assert (single["user"], single["household"]) == (None, None)
    [staff_row] = staff_a.get(url(world.a, "survey-responses/")).json()["results"]
    assert (staff_row["user"], staff_row["household"]) == (resident.pk, world.a.household.pk)


# --- opinions are read without the submitter's name by those who do not decide them --------


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.OWNERS_COMMITTEE, Role.PROPERTY_MANAGER])
def test_opinion_readers_who_do_not_decide_get_no_name(world, records, api_as, page_as, role):
    opinion = records.a["opinion"]  # given online by a居民
    user = world.a.users[role]
    listed = api_as(user).get(url(world.a, "opinions/")).json()["results"]
    assert [(o["content"], o["submitter_name"]) for o in listed] == [("建议增加充电桩", "")]
    single = api_as(user).get(url(world.a, f"opinions/{opinion.pk}/")).json()
    assert single["submitter_name"] == ""
    assert api_as(user).get(url(world.a, "opinions/"), {"q": "a居民"}).json()["count"] == 0
    page = page_as(user).get(f"/c/{world.a.community.slug}/opinions/{opinion.pk}/")
    assert page.status_code == 200
    assert "建议增加充电桩" in page.content.decode()
    assert "a居民" not in page.content.decode()
    searched = page_as(user).get(f"/c/{world.a.community.slug}/opinions/", {"q": "a居民"})
    assert "建议增加充电桩" not in searched.content.decode()


def test_opinion_staff_and_the_submitter_see_the_name(world, records, api_as, page_as):
    opinion = records.a["opinion"]
    for role in (Role.COMMITTEE_STAFF, Role.RESIDENT):
        user = world.a.users[role]
        single = api_as(user).get(url(world.a, f"opinions/{opinion.pk}/")).json()
        assert single["submitter_name"] == "a居民"
        page = page_as(user).get(f"/c/{world.a.community.slug}/opinions/{opinion.pk}/")
        assert "a居民" in page.content.decode()
    staff = api_as(world.a.users[Role.COMMITTEE_STAFF])
    assert staff.get(url(world.a, "opinions/"), {"q": "a居民"}).json()["count"] == 1
