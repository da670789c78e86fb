"""The disclosure's labels are translated with their colon: full-width in Chinese."""

import datetime

from community.models import Membership
from community.records import services

Role = Membership.Role


def test_labels_have_the_languages_colon(world, client):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    data = {
        "kind": "maintenance_fund",
        "title": "维修资金使用公示",
        "body": "支出 12,800.00 元",
        "period_start": datetime.date(2025, 1, 1),
        "period_end": datetime.date(2025, 6, 30),
        "channels": ["notice_board", "portal"],
        "published_at": datetime.datetime(2025, 7, 1, 2, 0, tzinfo=datetime.UTC),
    }
    first = services.disclosure_publish(
        community=world.a.community, user=staff, data=data, uploads=[]
    )
    correction = services.disclosure_publish(
        community=world.a.community,
        user=staff,
        data={**data, "correction_reason": "金额笔误", "published_at": data["published_at"]},
        uploads=[],
        supersedes=first,
    )
    url = f"/p/{world.a.community.slug}/disclosures/{correction.pk}/"
    page = client.get(url).content.decode()
    assert "发布时间：2025-07-01 10:00" in page
    assert "所属期间：2025-01-01 – 2025-06-30" in page
    assert "发布渠道：公告栏、门户网站" in page
    assert "更正：金额笔误" in page
    assert "Correction" not in page and "Published on" not in page and "期间:" not in page
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert "Published at: 2025-07-01 10:00" in page
    assert "Period: 2025-01-01 – 2025-06-30" in page
    assert "Published on: Notice board、Portal" in page
    assert "Correction: 金额笔误" in page
