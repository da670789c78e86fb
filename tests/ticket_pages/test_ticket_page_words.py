"""The ticket page names the time zone in words (Community.timezone_label) and writes the
timeline's labels with the language's colon: full-width in Chinese."""

import re

from community.models import Membership
from tickets.models import TicketKind

from .conftest import page_url

Role = Membership.Role
WO = TicketKind.WORK_ORDER


def text(html: str) -> str:
    """The page's visible text, tags removed, runs of white space made one space."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_time_zone_in_words_and_full_width_colon_in_chinese(world, drive, page_as):
    a = world.a
    ticket = drive(a, WO, "dispatched")
    tech = a.users[Role.TECHNICIAN]
    html = page_as(a.users[Role.PROPERTY_MANAGER]).get(page_url(a, WO, f"{ticket.pk}/")).text
    page = text(html)
    assert "时间均为北京时间（UTC+08:00）。" in page
    assert "Asia/Shanghai）" not in page
    assert f"处理人： {tech.get_full_name() or tech.username}" in page
    assert "处理人:" not in page


def test_english_keeps_the_ascii_colon(world, drive, page_as):
    a = world.a
    ticket = drive(a, WO, "dispatched")
    pm, tech = a.users[Role.PROPERTY_MANAGER], a.users[Role.TECHNICIAN]
    pm.language = "en"
    pm.save(update_fields=["language"])
    page = text(page_as(pm).get(page_url(a, WO, f"{ticket.pk}/")).text)
    assert "Times in China Standard Time (UTC+08:00)." in page
    assert f"Assignee: {tech.get_full_name() or tech.username}" in page
