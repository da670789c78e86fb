"""Meetings and decisions, opinions, activity sign-up and attendance, surveys, drills and
trainings: the rules behind the figures of METRICS.md "Other dimensions"."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Meeting,
    Membership,
    Opinion,
    Organisation,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from community.records import selectors, services
from tests import factories
from tests.records.conftest import work_order_category
from tickets import services as tickets
from tickets.models import Ticket

Role = Membership.Role
UTC = datetime.UTC
NOW = timezone.now()
HOUR = datetime.timedelta(hours=1)


def test_staff_record_a_meeting_with_two_topics_and_attendance(world, page_as):
    property_company = Organisation.objects.create(
        name="安居物业", kind=Organisation.Kind.PROPERTY_COMPANY
    )
    Membership.objects.filter(user=world.a.users[Role.PROPERTY_MANAGER]).update(
        organisation=property_company
    )
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    slug = world.a.community.slug
    form = client.get(f"/c/{slug}/meetings/new/")
    assert (
        property_company
        in form.context["formsets"]["attendance"].forms[0].fields["organisation"].queryset
    )
    data = {
        "kind": "joint",
        "title": "2025年第三季度联席会议",
        "held_at": "2025-09-12T14:30",
        "place": "社区会议室",
        "resident_representatives": "王秀英\n李建国",
        "minutes": "议定两项",
        "attendance-TOTAL_FORMS": "3",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organisation": property_company.pk,
        "attendance-0-attendees": "张经理、刘主管",
        "attendance-0-headcount": "2",
        "topics-TOTAL_FORMS": "2",
        "topics-INITIAL_FORMS": "0",
        "topics-0-title": "地面停车位重新划线",
        "topics-0-source": "resident_opinion",
        "topics-0-responsible_organisation": property_company.pk,
        "topics-0-due_date": "2025-10-31",
        "topics-1-title": "楼道堆物清理",
        "topics-1-source": "complaint",
    }
    response = client.post(f"/c/{slug}/meetings/new/", data)
    meeting = Meeting.objects.get(community=world.a.community)
    assert response.status_code == 302 and response["Location"].endswith(f"/meetings/{meeting.pk}/")
    assert meeting.held_at == datetime.datetime(2025, 9, 12, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
    assert meeting.representative_names == ["王秀英", "李建国"]
    assert [(a.organisation, a.headcount) for a in meeting.attendances.all()] == [
        (property_company, 2)
    ]
    topics = list(meeting.topics.order_by("title"))
    assert [t.title for t in topics] == ["地面停车位重新划线", "楼道堆物清理"]
    assert all(t.raised_at == meeting.held_at and t.status == "raised" for t in topics)
    page = client.get(f"/c/{slug}/meetings/{meeting.pk}/")
    assert (
        "地面停车位重新划线" in page.content.decode() and "张经理、刘主管" in page.content.decode()
    )
    # A repeated organisation is refused and nothing is saved.
    data["attendance-1-organisation"] = property_company.pk
    data["attendance-1-headcount"] = "1"
    refused = client.post(f"/c/{slug}/meetings/new/", data)
    assert (
        refused.status_code == 400
        and Meeting.objects.count() == 1
        and AgendaTopic.objects.count() == 2
    )


def test_topic_resolution_instant_follows_the_status(world):
    c = world.a.community
    raised = datetime.datetime(2025, 3, 1, tzinfo=UTC)
    topic = services.agenda_topic_save(
        community=c, topic=None, data={"title": "加装电梯", "source": "staff", "raised_at": raised}
    )
    resolved = datetime.datetime(2025, 5, 1, tzinfo=UTC)
    services.agenda_topic_save(
        community=c, topic=topic, data={"status": "resolved", "resolved_at": resolved}
    )
    assert topic.resolved_at == resolved
    services.agenda_topic_save(community=c, topic=topic, data={"status": "deferred"})
    assert AgendaTopic.objects.get(pk=topic.pk).resolved_at is None
    with pytest.raises(ValidationError) as error:
        services.agenda_topic_save(
            community=c, topic=topic, data={"status": "resolved", "resolved_at": raised - HOUR}
        )
    assert "resolved_at" in error.value.message_dict


def test_a_decision_creates_a_work_order_followed_to_closed(world, page_as, api_as):
    c = world.a.community
    category = work_order_category(c)
    topic = services.agenda_topic_save(
        community=c,
        topic=None,
        data={
            "title": "单元门禁维修",
            "source": "resident_opinion",
            "decision": "物业两周内更换3号楼门禁",
        },
    )
    staff = world.a.users[Role.COMMITTEE_STAFF]
    response = page_as(staff).post(
        f"/c/{c.slug}/topics/{topic.pk}/work-order/", {"category": category.pk, "description": ""}
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    order = topic.work_order
    assert (order.kind, order.status, order.channel, order.created_by) == (
        "work_order",
        "submitted",
        "staff",
        staff,
    )
    assert order.description == "物业两周内更换3号楼门禁" and order.title == "单元门禁维修"
    assert topic.status == AgendaTopic.Status.IN_PROGRESS
    # A second work order for the same topic is refused.
    again = api_as(staff).post(
        f"/api/v1/c/{c.slug}/agenda-topics/{topic.pk}/work-order/", {"category": category.pk}
    )
    assert again.status_code == 400 and Ticket.objects.count() == 1
    # Followed through the ticket core to closed.
    manager, technician = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.TECHNICIAN]
    start = timezone.now()
    tickets.ticket_accept(ticket=order, actor=manager, at=start + HOUR)
    tickets.ticket_dispatch(ticket=order, actor=manager, assignee=technician, at=start + 2 * HOUR)
    tickets.ticket_start(ticket=order, actor=technician, at=start + 3 * HOUR)
    tickets.ticket_resolve(ticket=order, actor=technician, note="已更换门禁", at=start + 4 * HOUR)
    assert tickets.tickets_auto_close(now=start + 4 * HOUR + datetime.timedelta(days=7)) == 1
    order.refresh_from_db()
    assert order.status == Ticket.Status.CLOSED
    assert order.closed_at == start + 4 * HOUR + datetime.timedelta(days=7)
    assert [e.to_status for e in order.events.exclude(to_status="")] == [
        "submitted",
        "accepted",
        "dispatched",
        "in_progress",
        "resolved",
        "closed",
    ]
    detail = api_as(world.a.users[Role.OWNERS_COMMITTEE]).get(
        f"/api/v1/c/{c.slug}/agenda-topics/{topic.pk}/"
    )
    assert detail.json()["work_order_status"] == "closed"
    page = page_as(staff).get(f"/c/{c.slug}/topics/{topic.pk}/")
    assert order.number in page.content.decode()


def test_opinions_adopted_or_not_with_a_reason(world, page_as, api_as):
    c = world.a.community
    resident = world.a.users[Role.RESIDENT]
    response = page_as(resident).post(f"/c/{c.slug}/opinions/new/", {"content": "小区东门晚上太暗"})
    opinion = Opinion.objects.get()
    assert response.status_code == 302
    assert (opinion.channel, opinion.submitter, opinion.submitter_name) == (
        "online",
        resident,
        "a居民",
    )
    other = factories.UserFactory(username="a-resident-2")
    factories.MembershipFactory(community=c, user=other, role=Role.RESIDENT)
    services.opinion_submit(community=c, user=other, content="希望设置快递柜")
    # A resident lists only their own opinions; staff see both.
    assert api_as(resident).get(f"/api/v1/c/{c.slug}/opinions/").json()["count"] == 1
    assert (
        api_as(world.a.users[Role.OWNERS_COMMITTEE])
        .get(f"/api/v1/c/{c.slug}/opinions/")
        .json()["count"]
        == 2
    )
    foreign = Opinion.objects.get(submitter=other)
    assert page_as(resident).get(f"/c/{c.slug}/opinions/{foreign.pk}/").status_code == 404
    staff = api_as(world.a.users[Role.COMMITTEE_STAFF])
    no_reason = staff.post(
        f"/api/v1/c/{c.slug}/opinions/{opinion.pk}/decide/", {"decision": "not_adopted"}
    )
    assert no_reason.status_code == 400 and "decision_reason" in no_reason.json()
    topic = services.agenda_topic_save(
        community=c, topic=None, data={"title": "东门照明", "source": "resident_opinion"}
    )
    decided = staff.post(
        f"/api/v1/c/{c.slug}/opinions/{opinion.pk}/decide/",
        {"decision": "adopted", "topic": topic.pk},
    )
    assert decided.status_code == 200 and decided.json()["topic"] == topic.pk
    opinion.refresh_from_db()
    assert opinion.decision == "adopted" and opinion.decided_at is not None
    # Residents may not decide.
    assert (
        api_as(resident)
        .post(f"/api/v1/c/{c.slug}/opinions/{opinion.pk}/decide/", {"decision": "adopted"})
        .status_code
        == 403
    )


def make_activity(community, capacity):
    return services.activity_save(
        community=community,
        activity=None,
        data={
            "kind": "health",
            "title": "义诊",
            "place": "卫生站",
            "capacity": capacity,
            "starts_at": NOW + 24 * HOUR,
            "ends_at": NOW + 26 * HOUR,
        },
    )


def test_signup_capacity_and_one_per_person(world, page_as):
    c = world.a.community
    activity = make_activity(c, capacity=1)
    resident = world.a.users[Role.RESIDENT]
    client = page_as(resident)
    client.post(f"/c/{c.slug}/activities/{activity.pk}/sign-up/")
    signup = ActivitySignup.objects.get()
    assert (signup.resident, signup.person_key, signup.source) == (
        world.a.resident,
        f"r:{world.a.resident.pk}",
        "web",
    )
    with pytest.raises(ValidationError, match="您已报名"):
        services.activity_signup(activity=activity, user=resident)
    other = factories.UserFactory(username="a-resident-3")
    factories.MembershipFactory(community=c, user=other, role=Role.RESIDENT)
    with pytest.raises(ValidationError, match="名额已满"):
        services.activity_signup(activity=activity, user=other)
    # Withdrawing frees the seat.
    client.post(f"/c/{c.slug}/activities/{activity.pk}/withdraw/")
    assert not ActivitySignup.objects.exists()
    services.activity_signup(activity=activity, user=other)
    # Capacity cannot fall below the sign-ups taken.
    with pytest.raises(ValidationError) as error:
        services.activity_save(community=c, activity=activity, data={"capacity": 0})
    assert "capacity" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_for_the_last_seat(world):
    activity = make_activity(world.a.community, capacity=1)
    users = []
    for n in range(4):
        user = factories.UserFactory(username=f"racer-{n}")
        factories.MembershipFactory(community=world.a.community, user=user, role=Role.RESIDENT)
        users.append(user)
    barrier, outcomes = threading.Barrier(len(users)), []

    def sign_up(user):
        barrier.wait()
        try:
            services.activity_signup(activity=activity, user=user)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert ActivitySignup.objects.filter(activity=activity).count() == 1


def test_attendance_participations_and_distinct_people(world, page_as):
    c = world.a.community
    activity = make_activity(c, capacity=10)
    services.activity_signup(activity=activity, user=world.a.users[Role.RESIDENT])
    extra = factories.UserFactory(username="a-resident-4")
    factories.MembershipFactory(community=c, user=extra, role=Role.RESIDENT)
    no_show = services.activity_signup(activity=activity, user=extra)
    came = ActivitySignup.objects.get(user=world.a.users[Role.RESIDENT])
    response = page_as(world.a.users[Role.COMMITTEE_STAFF]).post(
        f"/c/{c.slug}/activities/{activity.pk}/attendance/",
        {"attended": [came.pk], "walk_ins": "周大爷 13800138009\n吴阿姨"},
    )
    assert response.status_code == 302
    rows = ActivitySignup.objects.filter(activity=activity)
    assert sorted(rows.filter(attended=True).values_list("name", flat=True)) == [
        "a居民",
        "吴阿姨",
        "周大爷",
    ]
    assert not rows.get(pk=no_show.pk).attended
    listed = selectors.activity_get(community=c, user=None, pk=activity.pk)
    assert (listed.signup_count, listed.attended_count) == (4, 3)
    # The resident may not take attendance.
    assert (
        page_as(world.a.users[Role.RESIDENT])
        .post(f"/c/{c.slug}/activities/{activity.pk}/attendance/", {"attended": []})
        .status_code
        == 403
    )


def make_survey(community, **extra):
    return services.survey_save(
        community=community,
        survey=None,
        data={
            "title": "2025年度居民满意度调查",
            "opens_at": NOW - HOUR,
            "closes_at": NOW + 24 * HOUR,
            **extra,
        },
        questions=[
            {"kind": SurveyQuestion.Kind.SATISFACTION, "text": "您对物业服务满意吗？"},
            {"kind": SurveyQuestion.Kind.AWARENESS, "text": "您知道小区公共收益的公示吗？"},
            {
                "kind": SurveyQuestion.Kind.MULTIPLE_CHOICE,
                "text": "您希望增加哪些设施？",
                "choices": ["充电桩", "快递柜", "健身器材"],
            },
            {"kind": SurveyQuestion.Kind.FREE_TEXT, "text": "其他建议", "is_required": False},
        ],
    )


def residents(side, n):
    """n resident accounts of `side`, each registered in a household of their own."""
    users = []
    for i in range(n):
        user = factories.UserFactory(username=f"{side.community.slug}-r{i}")
        factories.MembershipFactory(community=side.community, user=user, role=Role.RESIDENT)
        household = factories.HouseholdFactory(unit=side.unit, room=f"{201 + i}")
        factories.ResidentFactory(household=household, user=user, name=f"居民{i}")
        users.append(user)
    return users


def test_survey_results_counts_and_rates(world, api_as, page_as):
    c = world.a.community
    survey = make_survey(c, is_anonymous=True)
    q = list(survey.questions.all())
    people = residents(world.a, 5)
    answers = [
        (5, True, ["充电桩"]),
        (4, True, ["充电桩", "快递柜"]),
        (2, False, ["健身器材"]),
        (3, True, ["充电桩"]),
        (5, False, ["快递柜"]),
    ]
    for user, (score, aware, wants) in zip(people, answers, strict=True):
        services.survey_answer(
            survey=survey, user=user, answers={q[0].pk: score, q[1].pk: aware, q[2].pk: wants}
        )
    assert (
        SurveyResponse.objects.filter(survey=survey, user__isnull=False).count() == 0
    )  # anonymous
    results = (
        api_as(world.a.users[Role.EVALUATOR])
        .get(f"/api/v1/c/{c.slug}/surveys/{survey.pk}/results/")
        .json()
    )
    sat, aware, wants, free = results["questions"]
    assert results["responses"] == 5
    assert (sat["n"], sat["counts"], sat["numerator"], sat["rate"], sat["mean"]) == (
        5,
        {"5": 2, "4": 1, "3": 1, "2": 1, "1": 0},
        3,
        0.6,
        3.8,
    )
    assert (aware["counts"], aware["rate"]) == ({"yes": 3, "no": 2}, 0.6)
    assert wants["counts"] == {"充电桩": 3, "快递柜": 2, "健身器材": 1} and wants["rate"] is None
    assert (free["n"], free["rate"]) == (0, None)
    page = page_as(world.a.users[Role.COMMITTEE_STAFF]).get(f"/c/{c.slug}/surveys/{survey.pk}/")
    assert "60.0 %" in page.content.decode()
    # Questions cannot change once answered.
    with pytest.raises(ValidationError):
        services.survey_save(
            community=c, survey=survey, data={}, questions=[{"kind": "free_text", "text": "x"}]
        )


def test_survey_one_answer_per_household_and_bad_answers(world, page_as):
    c = world.a.community
    survey = make_survey(c, scope=Survey.Scope.HOUSEHOLD)
    q = list(survey.questions.all())
    first = world.a.users[Role.RESIDENT]
    spouse = factories.UserFactory(username="a-spouse")
    factories.MembershipFactory(community=c, user=spouse, role=Role.RESIDENT)
    factories.ResidentFactory(household=world.a.household, user=spouse, name="a配偶")
    client = page_as(first)
    bad = client.post(
        f"/c/{c.slug}/surveys/{survey.pk}/answer/", {f"q{q[0].pk}": "7", f"q{q[1].pk}": "yes"}
    )
    assert bad.status_code == 400 and not SurveyResponse.objects.exists()
    assert set(bad.context["answer_form"].errors) == {f"q{q[0].pk}", f"q{q[2].pk}"}
    good = {f"q{q[0].pk}": "4", f"q{q[1].pk}": "no", f"q{q[2].pk}": ["快递柜"]}
    assert client.post(f"/c/{c.slug}/surveys/{survey.pk}/answer/", good).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.user, response.household) == (first, world.a.household)
    # The same household answers once.
    again = page_as(spouse).post(f"/c/{c.slug}/surveys/{survey.pk}/answer/", good)
    assert again.status_code == 400 and SurveyResponse.objects.count() == 1
    # A closed survey takes no answers.
    Survey.objects.filter(pk=survey.pk).update(closes_at=NOW - HOUR)
    with pytest.raises(ValidationError, match="不在开放时间"):
        services.survey_answer(survey=Survey.objects.get(pk=survey.pk), user=spouse, answers={})


def test_drill_actions_tracked_to_done_and_trainings_for_staff(world, page_as, api_as):
    c = world.a.community
    client = page_as(world.a.users[Role.PROPERTY_MANAGER])
    response = client.post(
        f"/c/{c.slug}/emergency/drills/new/",
        {
            "title": "电梯困人救援演练",
            "held_at": "2025-06-18T10:00",
            "participants": "25",
            "findings": "通话不畅",
            "actions-TOTAL_FORMS": "2",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "更换轿厢对讲机",
            "actions-0-responsible": "物业工程部",
            "actions-0-due_date": "2025-07-01",
        },
    )
    assert response.status_code == 302
    action = selectors.drill_list(community=c).get().actions.get()
    assert action.done_at is None
    client.post(f"/c/{c.slug}/emergency/drill-actions/{action.pk}/done/", {"done": "1"})
    action.refresh_from_db()
    assert action.done_at is not None
    listed = selectors.drill_list(community=c).get()
    assert (listed.action_count, listed.open_action_count, listed.participants) == (1, 0, 25)
    # Trainings: attendees are staff only (not residents).
    api = api_as(world.a.users[Role.COMMITTEE_STAFF])
    staff_ids = [world.a.users[r].pk for r in (Role.COMMITTEE_STAFF, Role.TECHNICIAN)]
    made = api.post(
        f"/api/v1/c/{c.slug}/trainings/",
        {"topic": "消防安全", "held_on": "2025-04-02", "hours": "2.5", "attendee_ids": staff_ids},
        format="json",
    )
    assert made.status_code == 201 and sorted(made.json()["attendees"]) == sorted(staff_ids)
    assert made.json()["hours"] == "2.5"
    refused = api.post(
        f"/api/v1/c/{c.slug}/trainings/",
        {
            "topic": "x",
            "held_on": "2025-04-02",
            "hours": "1",
            "attendee_ids": [world.a.users[Role.RESIDENT].pk],
        },
        format="json",
    )
    assert refused.status_code == 400 and "attendee_ids" in refused.json()


def test_incident_times_and_volunteer_hours_rules(world, api_as):
    c = world.a.community
    api = api_as(world.a.users[Role.TECHNICIAN])
    bad = api.post(
        f"/api/v1/c/{c.slug}/incidents/",
        {
            "kind": "elevator_entrapment",
            "title": "5号楼电梯困人",
            "reported_at": "2025-08-01T10:00:00+08:00",
            "first_response_at": "2025-08-01T09:50:00+08:00",
        },
        format="json",
    )
    assert bad.status_code == 400 and "first_response_at" in bad.json()
    good = api.post(
        f"/api/v1/c/{c.slug}/incidents/",
        {
            "kind": "elevator_entrapment",
            "title": "5号楼电梯困人",
            "reported_at": "2025-08-01T10:00:00+08:00",
            "first_response_at": "2025-08-01T10:12:00+08:00",
            "resolved_at": "2025-08-01T10:40:00+08:00",
        },
        format="json",
    )
    assert (
        good.status_code == 201 and good.json()["first_response_at"] == "2025-08-01T10:12:00+08:00"
    )
    staff = api_as(world.a.users[Role.COMMITTEE_STAFF])
    over = staff.post(
        f"/api/v1/c/{c.slug}/volunteer-hours/",
        {"name": "郑伟", "served_on": "2025-05-01", "hours": "25"},
    )
    assert over.status_code == 400 and "hours" in over.json()
    activity = make_activity(c, capacity=None)
    body = {
        "name": "郑伟",
        "phone": "139 0013 9001",
        "served_on": "2025-05-01",
        "hours": "2",
        "activity": activity.pk,
    }
    first = staff.post(f"/api/v1/c/{c.slug}/volunteer-hours/", body)
    assert first.status_code == 201 and first.json()["phone"] == "139****9001"
    assert staff.post(f"/api/v1/c/{c.slug}/volunteer-hours/", body).status_code == 400
    assert selectors.volunteer_hours_list(community=c).get().hours == Decimal("2.0")


def test_activity_times_are_local_to_the_community(world, api_as):
    c = world.a.community
    c.timezone = "America/New_York"
    c.save()
    api = api_as(world.a.users[Role.COMMITTEE_STAFF])
    made = api.post(
        f"/api/v1/c/{c.slug}/activities/",
        {
            "kind": "culture",
            "title": "读书会",
            "place": "图书角",
            "starts_at": "2025-03-09T01:30",
            "ends_at": "2025-03-09T03:30",
        },
        format="json",
    )
    assert made.status_code == 201
    activity = Activity.objects.get(pk=made.json()["id"])
    # 01:30 EST (UTC-5) and 03:30 EDT (UTC-4): 1 h apart in absolute time across the DST change.
    assert activity.starts_at == datetime.datetime(2025, 3, 9, 6, 30, tzinfo=UTC)
    assert activity.ends_at - activity.starts_at == HOUR
    assert made.json()["ends_at"] == "2025-03-09T03:30:00-04:00"
