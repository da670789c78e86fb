"""Spreadsheet imports of activities with attendance, volunteer hours and disclosures: good files
in UTF-8 (with BOM), GBK and .xlsx; bad rows listed by row, column and reason with nothing
saved; the same through the page and the API."""

import codecs
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import (
    Activity,
    ActivitySignup,
    Disclosure,
    Membership,
    VolunteerHours,
    VolunteerTeam,
)
from community.records import selectors
from community.records.importers import IMPORTERS, ImportFileError
from tests import factories

Role = Membership.Role
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

ACTIVITIES = """活动名称,活动类型,开始时间,结束时间,活动地点,名额,参与人,联系电话
重阳节敬老茶话会,节日,2025-10-29 09:00,2025-10-29 11:00,社区活动室,40,王秀英,13800138001
重阳节敬老茶话会,节日,2025-10-29 09:00,2025-10-29 11:00,社区活动室,40,李桂兰,
重阳节敬老茶话会,节日,2025-10-29 09:00,2025-10-29 11:00,社区活动室,40,a居民,+86 138 0013 8000
垃圾分类科普讲座,科普,2025/11/5 14:30,,党群服务中心,,,
"""


def run(
    what,
    community,
    text=None,
    *,
    data=None,
    name="data.csv",
    encoding="utf-8",
    dry_run=True,
    user=None,
):
    raw = data if data is not None else text.encode(encoding)
    return IMPORTERS[what].run(
        community=community, source=io.BytesIO(raw), filename=name, dry_run=dry_run, user=user
    )


def test_activities_good_file_with_bom(world):
    community = world.a.community
    data = codecs.BOM_UTF8 + ACTIVITIES.encode()
    checked = run("activities", community, data=data)
    assert (checked.ok, checked.committed, checked.created) == (
        True,
        False,
        {"activities": 2, "participations": 3},
    )
    assert not Activity.objects.filter(community=community).exists()
    report = run("activities", community, data=data, dry_run=False)
    assert report.committed and report.created == {"activities": 2, "participations": 3}
    tea = Activity.objects.get(community=community, title="重阳节敬老茶话会")
    assert tea.starts_at == datetime.datetime(2025, 10, 29, 9, 0, tzinfo=SHANGHAI)
    assert (tea.kind, tea.capacity, tea.place) == ("festival", 40, "社区活动室")
    people = {s.name: s for s in ActivitySignup.objects.filter(activity=tea)}
    assert set(people) == {"王秀英", "李桂兰", "a居民"}
    assert all(s.attended and s.source == "import" for s in people.values())
    # Matched to the register by name and phone: the same person as their web sign-ups.
    assert people["a居民"].person_key == f"r:{world.a.resident.pk}"
    assert people["王秀英"].phone == "+8613800138001"
    talk = Activity.objects.get(community=community, title="垃圾分类科普讲座")
    assert talk.ends_at - talk.starts_at == datetime.timedelta(hours=2)
    # Importing the same file again adds nothing.
    again = run("activities", community, data=data, dry_run=False)
    assert again.committed and again.created == {"activities": 0, "participations": 0}
    assert ActivitySignup.objects.filter(community=community).count() == 3


def test_activities_gbk_file(world):
    report = run("activities", world.a.community, ACTIVITIES, encoding="gbk", dry_run=False)
    assert report.committed
    assert set(
        Activity.objects.filter(community=world.a.community).values_list("title", flat=True)
    ) == {
        "重阳节敬老茶话会",
        "垃圾分类科普讲座",
    }


def test_activities_bad_rows_listed_and_nothing_saved(world):
    text = """活动名称,活动类型,开始时间,结束时间,活动地点,名额,参与人,联系电话
广场舞比赛,跳舞,2025-06-01 19:00,,中心广场,,张三,
广场舞比赛,体育,2025-06-01 19:00,,中心广场,,张三,12345
健康讲座,健康,明天上午,,活动室,很多,,
读书会,文化,2025-06-03 19:00,2025-06-03 18:00,,,,
读书会,文化,2025-06-05 19:00,2025-06-05 18:00,图书角,,,
义诊,健康,2025-06-04 09:00,,卫生站,,李四,13800138002
义诊,健康,2025-06-04 09:00,,卫生站,,李四,13800138002
"""
    report = run("activities", world.a.community, text, encoding="gb18030", dry_run=False)
    assert not report.committed
    got = [(e.row, e.column, e.value) for e in report.errors]
    assert got == [
        (2, "活动类型", "跳舞"),
        (3, "联系电话", "12345"),
        (4, "开始时间", "明天上午"),
        (5, "活动地点", ""),
        (6, "结束时间", "2025-06-05 18:00"),
        (8, "参与人", "李四"),
    ]
    reasons = {e.row: e.reason for e in report.errors}
    assert "节日" in reasons[2] and "2025-03-08 09:30" in reasons[4] and "第 7 行" in reasons[8]
    assert not Activity.objects.exists() and not ActivitySignup.objects.exists()


def test_an_undecodable_file_and_a_missing_column_are_refused(world):
    with pytest.raises(ImportFileError):
        run(
            "activities",
            world.a.community,
            data="活动名称".encode("utf-16-le") + b"\xff\xfe\x00\xd8",
        )
    with pytest.raises(ImportFileError, match="活动地点"):
        run(
            "activities",
            world.a.community,
            "活动名称,活动类型,开始时间\n茶话会,节日,2025-01-01 10:00\n",
        )


def test_volunteer_hours_xlsx(world):
    community = world.a.community
    Activity.objects.create(
        community=community,
        kind="volunteer_service",
        title="楼道清洁",
        place="3号楼",
        starts_at=datetime.datetime(2025, 5, 1, 8, 0, tzinfo=SHANGHAI),
        ends_at=datetime.datetime(2025, 5, 1, 11, 0, tzinfo=SHANGHAI),
    )
    VolunteerTeam.objects.create(community=community, name="红马甲志愿服务队")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025年志愿服务台账"])
    sheet.append(["姓名", "联系电话", "志愿队", "活动名称", "服务日期", "服务时长"])
    sheet.append(
        ["李建国", "13900139000", "红马甲志愿服务队", "楼道清洁", datetime.datetime(2025, 5, 1), 3]
    )
    sheet.append(["王芳", "", "银发互助队", "", "2025-05-02", "2.5"])
    sheet.append(["王芳", "", "银发互助队", "", "2025-05-09", "1.5小时"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(
        "volunteer-hours", community, data=buffer.getvalue(), name="台账.xlsx", dry_run=False
    )
    assert report.committed and report.created == {"volunteer_hours": 3, "teams": 1}
    rows = VolunteerHours.objects.filter(community=community).order_by("served_on")
    assert [(r.name, r.hours, r.team.name) for r in rows] == [
        ("李建国", Decimal("3.0"), "红马甲志愿服务队"),
        ("王芳", Decimal("2.5"), "银发互助队"),
        ("王芳", Decimal("1.5"), "银发互助队"),
    ]
    assert rows[0].activity.title == "楼道清洁"
    # Sum of hours and distinct volunteers (METRICS.md, volunteer hours): 7.0 h, 2 people.
    assert sum(r.hours for r in rows) == Decimal("7.0")
    assert len({r.person_key for r in rows}) == 2


def test_volunteer_hours_bad_rows(world):
    text = """姓名,服务日期,服务时长,活动名称
赵六,2025-05-01,30,
,2025-05-01,2,
钱七,五月一日,2,
孙八,2025-05-01,2,不存在的活动
"""
    report = run("volunteer-hours", world.a.community, text, dry_run=False)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "服务时长"),
        (3, "姓名"),
        (4, "服务日期"),
        (5, "活动名称"),
    ]
    assert not VolunteerHours.objects.exists() and not VolunteerTeam.objects.exists()


def test_disclosures_import_chains_in_publication_order(world):
    text = """公示类型,标题,内容,期间起,期间止,发布渠道,发布时间
公共收益,2025年二季度公共收益公示,广告8000元,2025-04-01,2025-06-30,公告栏、微信群,2025-07-10 10:00
物业费收支,2025年一季度物业费收支,收入…支出…,2025-01-01,2025-03-31,公告栏/门户,2025-04-10 10:00
"""
    report = run(
        "disclosures",
        world.a.community,
        text,
        encoding="gbk",
        dry_run=False,
        user=world.a.users[Role.COMMITTEE_STAFF],
    )
    assert report.committed and report.created == {"disclosures": 2}
    rows = list(Disclosure.objects.filter(community=world.a.community).order_by("seq"))
    assert [(d.seq, d.kind, sorted(d.channels)) for d in rows] == [
        (1, "property_fee", ["notice_board", "portal"]),
        (2, "public_revenue", ["notice_board", "wechat_group"]),
    ]
    assert rows[0].published_at == datetime.datetime(2025, 4, 10, 10, 0, tzinfo=SHANGHAI)
    assert selectors.disclosure_chain_check(community=world.a.community).ok
    again = run("disclosures", world.a.community, text, dry_run=False)
    assert [(e.row, e.column) for e in again.errors] == [(2, "标题"), (3, "标题")]
    assert Disclosure.objects.filter(community=world.a.community).count() == 2


def test_disclosures_bad_rows(world):
    text = """公示类型,标题,内容,期间起,期间止,发布渠道,发布时间
物业费,标题一,内容,2025-03-31,2025-01-01,门户,2025-04-10 10:00
年报,标题二,内容,2025-01-01,2025-03-31,抖音,2025-04-10 10:00
"""
    report = run("disclosures", world.a.community, text, dry_run=False)
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (2, "期间止", "2025-01-01"),
        (3, "公示类型", "年报"),
    ]
    assert not Disclosure.objects.exists()


def test_import_page_and_api(world, page_as, api_as):
    slug = world.a.community.slug
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    page = client.get(f"/c/{slug}/records/import/activities/")
    assert page.status_code == 200
    bad = ACTIVITIES.replace(
        "节日,2025-10-29 09:00,2025-10-29 11:00,社区活动室,40,李桂兰",
        "节日,2025-13-29 09:00,2025-10-29 11:00,社区活动室,40,李桂兰",
    )
    response = client.post(
        f"/c/{slug}/records/import/activities/",
        {"file": SimpleUploadedFile("a.csv", bad.encode("gbk")), "commit": "1"},
    )
    assert response.status_code == 400
    assert [(e.row, e.column) for e in response.context["report"].errors] == [(3, "开始时间")]
    assert "2025-13-29 09:00" in response.content.decode()
    assert not Activity.objects.exists()
    api = api_as(world.a.users[Role.COMMITTEE_STAFF])
    result = api.post(
        f"/api/v1/c/{slug}/records/import/activities/",
        {"file": SimpleUploadedFile("a.csv", ACTIVITIES.encode()), "dry_run": "false"},
    )
    assert result.status_code == 200
    assert result.json()["created"] == {"activities": 2, "participations": 3}
    assert Activity.objects.filter(community=world.a.community).count() == 2
    # Residents may not import; another community's staff get 404.
    assert (
        api_as(world.a.users[Role.RESIDENT])
        .post(f"/api/v1/c/{slug}/records/import/activities/", {})
        .status_code
        == 403
    )
    other = factories.UserFactory(username="b-importer")
    factories.MembershipFactory(community=world.b.community, user=other)
    assert api_as(other).post(f"/api/v1/c/{slug}/records/import/activities/", {}).status_code == 404
