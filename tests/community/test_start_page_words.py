"""The start page speaks to each reader: intake cards worded for a resident or for staff who
enter requests on a resident's behalf, every ticket card described, the time zone in words;
the home page of a platform operator without a community links to the administration."""

import pytest
from django.urls import reverse
from django.utils import translation

from community.models import Membership, timezone_label
from tests import factories

Role = Membership.Role


def cards(page) -> dict[str, str]:
    """{card label: description} of the start page."""
    return {
        str(link.entry.label): str(link.entry.description)
        for _section, links in page.context["sections"]
        for link in links
    }


def test_a_resident_sees_the_cards_worded_for_them(page_as, world):
    page = page_as(world.a.users[Role.RESIDENT]).get(f"/c/{world.a.community.slug}/")
    shown = cards(page)
    assert shown["我的诉求"] == "您提出的诉求及各自的办理进度。"
    assert shown["我要投诉"] == "向社区反映问题，可附照片。"
    assert shown["我要报修"] == "家中或小区里有东西坏了。"
    assert "代居民登记投诉" not in shown


@pytest.mark.parametrize(
    ("role", "complaint", "repair"),
    [
        (Role.COMMITTEE_STAFF, True, True),
        (Role.PROPERTY_MANAGER, True, True),
        (Role.TECHNICIAN, False, True),
    ],
)
def test_staff_see_the_intake_cards_only_as_entering_for_a_resident(
    page_as, world, role, complaint, repair
):
    page = page_as(world.a.users[role]).get(f"/c/{world.a.community.slug}/")
    shown = cards(page)
    assert not {"我的诉求", "我要投诉", "我要报修"} & set(shown)
    assert (
        shown.get("代居民登记投诉") == "登记通过电话、来访、热线或意见箱收到的投诉。"
    ) is complaint
    assert (shown.get("代居民登记报修") == "登记通过电话、来访或热线收到的报修。") is repair
    html = page.content.decode()
    assert "我要投诉" not in html.split('id="main"')[1]


def test_the_time_zone_is_shown_in_words(page_as, world):
    html = page_as(world.a.users[Role.RESIDENT]).get(f"/c/{world.a.community.slug}/").text
    assert '<dd title="Asia/Shanghai">北京时间（UTC+08:00）</dd>' in html
    with translation.override("zh-hans"):
        assert timezone_label("Asia/Tokyo") == "Asia/Tokyo（UTC+09:00）"
        # Ürümqi keeps its own time: not Beijing time.
        assert timezone_label("Asia/Urumqi") == "Asia/Urumqi（UTC+06:00）"
        assert timezone_label("Asia/Kolkata") == "Asia/Kolkata（UTC+05:30）"
        # A zone whose offset changes: every offset of the year, whatever the day the page is
        # read (Boston's communities; Dublin's winter is its "daylight saving" in tzdata;
        # Casablanca leaves UTC+01:00 for a month at Ramadan).
        changing = {
            "America/New_York": "UTC-05:00 / UTC-04:00",
            "Australia/Sydney": "UTC+10:00 / UTC+11:00",
            "Europe/Dublin": "UTC+00:00 / UTC+01:00",
            "Africa/Casablanca": "UTC+00:00 / UTC+01:00",
        }
        for zone, offsets in changing.items():
            assert timezone_label(zone) == f"{zone}（{offsets}，年内调整）"
    with translation.override("en"):
        assert timezone_label("Asia/Shanghai") == "China Standard Time (UTC+08:00)"
        assert timezone_label("Asia/Tokyo") == "Asia/Tokyo (UTC+09:00)"
        assert timezone_label("Europe/Berlin") == (
            "Europe/Berlin (UTC+01:00 / UTC+02:00, changing during the year)"
        )


def test_a_platform_operator_without_a_community_gets_the_admin_link(page_as, world):
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    html = page_as(operator).get(reverse("community:home")).text
    assert "您是平台管理员，不属于任何社区。" in html
    assert '<a href="/admin/">进入平台管理</a>' in html
    plain = page_as(world.outsider).get(reverse("community:home")).text
    assert "/admin/" not in plain and "您还不是任何社区的成员" in plain
