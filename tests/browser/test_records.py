"""Community records in a real browser: a resident signs up for an activity and answers a
survey on a phone; committee staff record a meeting with two topics."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from community.models import ActivitySignup, AgendaTopic, Meeting, Organisation, SurveyResponse
from community.records import services

pytestmark = pytest.mark.browser


@pytest.fixture
def activity_and_survey(world):
    c = world.a.community
    now = timezone.now()
    activity = services.activity_save(
        community=c,
        activity=None,
        data={
            "kind": "festival",
            "title": "中秋邻里联欢",
            "place": "中心广场",
            "capacity": 30,
            "starts_at": now + datetime.timedelta(days=4),
            "ends_at": now + datetime.timedelta(days=4, hours=2),
        },
    )
    survey = services.survey_save(
        community=c,
        survey=None,
        data={
            "title": "居民满意度调查",
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=10),
        },
        questions=[
            {"kind": "satisfaction", "text": "您对物业服务满意吗？"},
            {"kind": "awareness", "text": "您知道公共收益公示吗？"},
            {
                "kind": "single_choice",
                "text": "您最常用的信息渠道",
                "choices": ["微信群", "公告栏"],
            },
        ],
    )
    return activity, survey


def test_a_resident_signs_up_and_answers_a_survey(logged_in_page, world, activity_and_survey):
    activity, survey = activity_and_survey
    slug = world.a.community.slug
    page = logged_in_page(world.a.users["resident"], phone=True)

    page.goto(f"/c/{slug}/activities/")
    page.get_by_role("link", name="中秋邻里联欢").click()
    page.locator("#signup-button").click()
    expect(page.locator("#signup-status")).to_contain_text("您已报名")
    signup = ActivitySignup.objects.get(activity=activity)
    assert (signup.resident, signup.source) == (world.a.resident, "web")

    page.goto(f"/c/{slug}/surveys/{survey.pk}/")
    page.get_by_label("4", exact=True).check()
    page.get_by_label("是", exact=True).check()
    page.get_by_label("微信群").check()
    page.locator("#answer-button").click()
    expect(page.locator(".alert-success")).to_contain_text("答卷已提交")
    response = SurveyResponse.objects.get(survey=survey)
    assert sorted((a.question.kind, a.number, a.selected) for a in response.answers.all()) == [
        ("awareness", 1, []),
        ("satisfaction", 4, []),
        ("single_choice", None, ["微信群"]),
    ]
    expect(page.locator("#answer-form")).to_have_count(0)  # answered: no second form
    expect(page.locator("#answered")).to_contain_text("您已填写")


def test_staff_record_a_meeting_with_two_topics(logged_in_page, world):
    company = Organisation.objects.create(name="安居物业", kind=Organisation.Kind.PROPERTY_COMPANY)
    world.a.users["property_manager"].memberships.update(organisation=company)
    slug = world.a.community.slug
    page = logged_in_page(world.a.users["committee_staff"])

    page.goto(f"/c/{slug}/meetings/")
    page.locator("#create-link").click()
    page.locator("#id_kind").select_option("joint")
    page.locator("#id_title").fill("2025年第四季度联席会议")
    page.locator("#id_held_at").fill("2025-12-10T14:30")
    page.locator("#id_place").fill("社区会议室")
    page.locator("#id_attendance-0-organisation").select_option(label="安居物业")
    page.locator("#id_attendance-0-headcount").fill("2")
    page.locator("#id_topics-0-title").fill("地面停车位重新划线")
    page.locator("#id_topics-0-source").select_option("resident_opinion")
    page.locator("#id_topics-1-title").fill("楼道堆物清理")
    page.locator("#id_topics-1-source").select_option("staff")
    page.locator("#save-button").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("2025年第四季度联席会议")
    expect(
        page.locator("#topics-title + ul, section[aria-labelledby=topics-title] ul")
    ).to_contain_text("地面停车位重新划线")
    meeting = Meeting.objects.get(community=world.a.community)
    assert meeting.held_at == datetime.datetime(2025, 12, 10, 6, 30, tzinfo=datetime.UTC)
    assert sorted(AgendaTopic.objects.filter(meeting=meeting).values_list("title", flat=True)) == [
        "地面停车位重新划线",
        "楼道堆物清理",
    ]
    assert list(meeting.attendances.values_list("organisation__name", "headcount")) == [
        ("安居物业", 2)
    ]
