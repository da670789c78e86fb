"""Community-records fixtures: one record of every kind in each community of the world, made
through the services, and a work-order category (the ticket core needs one per community)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from community.models import (
    DisclosureChannel,
    EmergencyPlan,
    EmergencyPlanRevision,
    Membership,
    Organisation,
    SurveyQuestion,
    VolunteerTeam,
)
from community.records import services
from tickets.models import Category, ResponsibleParty, TicketKind

Role = Membership.Role
NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def work_order_category(community):
    return Category.objects.get_or_create(
        community=community,
        code="public-works",
        defaults={
            "kind": TicketKind.WORK_ORDER,
            "name": "公共设施维修",
            "responsible_party": ResponsibleParty.PROPERTY_COMPANY,
            "is_facility_fault": True,
            "response_target": 4,
            "resolution_target": 3,
        },
    )[0]


def make_records(side) -> dict:
    """{kind: record} for one side of the world, every kind of issue 4."""
    c = side.community
    staff = side.users[Role.COMMITTEE_STAFF]
    org = Organisation.objects.create(name=f"{c.name}物业", kind=Organisation.Kind.PROPERTY_COMPANY)
    Membership.objects.filter(community=c, user=side.users[Role.PROPERTY_MANAGER]).update(
        organisation=org
    )
    meeting = services.meeting_save(
        community=c,
        meeting=None,
        data={
            "kind": "joint",
            "title": "三方联席会议",
            "held_at": NOW - 10 * DAY,
            "minutes": "讨论停车",
        },
        attendances=[{"organisation": org, "attendees": "张经理", "headcount": 2}],
        user=staff,
    )
    topic = services.agenda_topic_save(
        community=c,
        topic=None,
        data={
            "meeting": meeting,
            "title": "停车位划线",
            "source": "staff",
            "raised_at": meeting.held_at,
        },
    )
    opinion = services.opinion_submit(
        community=c, user=side.users[Role.RESIDENT], content="建议增加充电桩"
    )
    activity = services.activity_save(
        community=c,
        activity=None,
        data={
            "kind": "culture",
            "title": "书法班",
            "place": "活动室",
            "capacity": 20,
            "starts_at": NOW + 5 * DAY,
            "ends_at": NOW + 5 * DAY + 2 * datetime.timedelta(hours=1),
        },
    )
    signup = services.activity_signup(activity=activity, user=side.users[Role.RESIDENT])
    team = services.record_save(community=c, instance=VolunteerTeam(), data={"name": "红马甲"})
    hours = services.volunteer_hours_log(
        community=c,
        entry=None,
        data={
            "name": "李志愿",
            "phone": "13900139000",
            "team": team,
            "served_on": NOW.date(),
            "hours": Decimal("2.5"),
        },
    )
    services.record_save(
        community=c,
        instance=DisclosureChannel(),
        data={"channel": "portal", "started_on": datetime.date(2020, 1, 1)},
    )
    disclosure = services.disclosure_publish(
        community=c,
        user=staff,
        data={
            "kind": "property_fee",
            "title": "物业费收支公示",
            "body": "收入100元",
            "channels": ["portal"],
            "period_start": datetime.date(2025, 1, 1),
            "period_end": datetime.date(2025, 3, 31),
        },
    )
    survey = services.survey_save(
        community=c,
        survey=None,
        data={"title": "满意度调查", "opens_at": NOW - DAY, "closes_at": NOW + 30 * DAY},
        questions=[
            {"kind": SurveyQuestion.Kind.SATISFACTION, "text": "物业服务满意吗"},
            {"kind": SurveyQuestion.Kind.AWARENESS, "text": "知道公示栏吗"},
        ],
    )
    plan = services.record_save(
        community=c,
        instance=EmergencyPlan(),
        data={"kind": "fire", "title": "消防应急预案", "in_force_from": datetime.date(2020, 1, 1)},
    )
    revision = services.record_save(
        community=c,
        instance=EmergencyPlanRevision(plan=plan),
        data={"version": "2025版", "revised_on": datetime.date(2025, 3, 1)},
    )
    drill = services.drill_save(
        community=c,
        drill=None,
        data={"plan": plan, "title": "消防演练", "held_at": NOW - 3 * DAY, "participants": 40},
        actions=[{"description": "更换灭火器", "responsible": "物业"}],
    )
    incident = services.incident_save(
        community=c,
        incident=None,
        data={"kind": "burglary", "title": "入室盗窃", "reported_at": NOW - 2 * DAY},
    )
    training = services.training_save(
        community=c,
        training=None,
        data={"topic": "消防培训", "held_on": NOW.date(), "hours": Decimal("2")},
        attendees=[staff],
    )
    return {
        "meeting": meeting,
        "agenda_topic": topic,
        "opinion": opinion,
        "activity": activity,
        "activity_signup": signup,
        "volunteer_team": team,
        "volunteer_hours": hours,
        "disclosure": disclosure,
        "survey": survey,
        "emergency_plan": plan,
        "plan_revision": revision,
        "drill": drill,
        "drill_action": drill.actions.get(),
        "incident": incident,
        "training": training,
        "category": work_order_category(c),
    }


@pytest.fixture
def records(world):
    """records.a / records.b: {kind: record} for each community."""

    class Records:
        a = make_records(world.a)
        b = make_records(world.b)

    return Records
