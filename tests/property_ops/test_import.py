"""Hazard register import: a good workbook, a GBK CSV, a UTF-8 CSV with BOM, bad rows listed by
row, column and reason with nothing saved, through the API and the page."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from property_ops.models import Hazard, HazardStep

HEADER = [
    "隐患编号",
    "发现时间",
    "隐患类别",
    "隐患部位",
    "隐患描述",
    "整改期限",
    "整改完成时间",
    "复查时间",
    "复查结果",
]


def rows(*lines: str) -> list[list[str]]:
    return [line.split(",") for line in lines]


GOOD = rows(
    "YH-001,2024-03-05 09:30,消防,2号楼地下室,消防通道堆放纸箱,2024-03-10,2024-03-07 16:00,"
    "2024-03-08,合格",
    "YH-002,2024/3/6 10:00,电气,5号楼,楼道私拉电线给电动车充电,2024-03-08,,,",
    "YH-003,2024年3月7日,燃气,12号楼102,燃气软管老化,2024-03-09,2024-03-08 11:00,"
    "2024-03-09 15:00,不合格",
)


def xlsx(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["幸福里社区隐患排查台账（2024年）"])  # a title row above the header
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("隐患台账.xlsx", buffer.getvalue())


def csv_file(rows, encoding: str, name="台账.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in [HEADER, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding))


def post(client, upload, dry_run: bool):
    return client.post(
        "/api/v1/c/a-community/hazards/import/",
        {"file": upload, "dry_run": "true" if dry_run else "false"},
        format="multipart",
    )


@pytest.fixture
def staff(world, api_as):
    return api_as(world.a.users["property_manager"])


def test_good_workbook_dry_run_then_commit(world, staff):
    response = post(staff, xlsx(GOOD), dry_run=True)
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "rows": 3,
        "committed": False,
        "created": {"hazards": 3, "steps": 4},
        "errors": [],
    }
    assert not Hazard.objects.exists()

    response = post(staff, xlsx(GOOD), dry_run=False)
    assert response.status_code == 200
    assert response.json()["committed"] is True
    hazards = {h.reference: h for h in Hazard.objects.filter(community=world.a.community)}
    assert sorted(hazards) == ["YH-001", "YH-002", "YH-003"]
    first = hazards["YH-001"]
    assert (first.kind, first.place, first.status) == ("fire", "2号楼地下室", "verified")
    assert first.found_at.isoformat() == "2024-03-05T01:30:00+00:00"  # 09:30 in Shanghai
    assert first.reinspected_at.isoformat() == "2024-03-07T16:00:00+00:00"  # 3-8 local midnight
    assert hazards["YH-002"].status == "open"
    assert hazards["YH-003"].status == "open"  # failed re-inspection reopens
    assert hazards["YH-003"].reinspection_passed is False
    assert list(hazards["YH-003"].steps.values_list("kind", flat=True)) == [
        HazardStep.Kind.RECTIFIED,
        HazardStep.Kind.REINSPECTION_FAILED,
    ]
    assert HazardStep.objects.filter(community=world.a.community).count() == 4
    assert not Hazard.objects.filter(community=world.b.community).exists()

    again = post(staff, xlsx(GOOD), dry_run=False)  # importing twice adds nothing
    assert again.status_code == 400
    assert [e["row"] for e in again.json()["errors"]] == [3, 4, 5]
    assert Hazard.objects.count() == 3


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_in_gbk_or_utf8_is_read_exactly(world, staff, encoding):
    response = post(staff, csv_file(GOOD, encoding), dry_run=False)
    assert response.status_code == 200, response.json()
    assert sorted(Hazard.objects.values_list("description", flat=True)) == sorted(
        row[4] for row in GOOD
    )


def test_undecodable_file_is_refused_with_a_reason(staff):
    text = ",".join(HEADER).encode("utf-8") + b"\n\xff\xfe\xfa,\x81\n"
    response = post(staff, SimpleUploadedFile("台账.csv", text), dry_run=True)
    assert response.status_code == 400
    assert "GBK" in response.json()["file"][0]


def test_bad_rows_are_listed_and_nothing_is_saved(world, staff):
    bad = [
        GOOD[0],
        *rows(
            "YH-001,2024-03-06 10:00,消防,3号楼,灭火器过期,2024-03-09,,,",
            ",昨天,火,,,2024-03-01,,,",
            "YH-009,2024-03-06 10:00,其他,南门,井盖松动,2024-03-01,,2024-03-07,合格",
            "YH-010,2024-03-06 10:00,其他,北门,路灯不亮,2024-03-09,2024-03-05,,合格",
        ),
    ]
    response = post(staff, xlsx(bad), dry_run=False)
    assert response.status_code == 400
    errors = [(e["row"], e["column"], e["reason"]) for e in response.json()["errors"]]
    # Reasons come in the interface language (zh-hans by default).
    assert errors == [
        (4, "隐患编号", "与第 3 行的隐患编号重复。"),
        (5, "隐患部位", "此项必填。"),
        (5, "隐患描述", "此项必填。"),
        (5, "发现时间", "请填写日期时间，如 2024-03-05 14:30，或日期，如 2024-03-05。"),
        (5, "隐患类别", "请填写以下之一：火灾、电气、燃气、结构、高空坠物、防汛、交通、其他。"),
        (6, "整改期限", "不能早于发现当天。"),
        (6, "复查时间", "有复查时间时须填写整改完成时间。"),
        (7, "整改完成时间", "不能早于隐患发现时间。"),
        (7, "复查时间", "有复查结果时须填写复查时间。"),
    ]
    assert response.json()["committed"] is False
    assert not Hazard.objects.exists()
    assert not HazardStep.objects.exists()


def test_missing_columns_are_named(staff):
    upload = SimpleUploadedFile("台账.csv", "位置,描述\n南门,井盖松动\n".encode())
    response = post(staff, upload, dry_run=True)
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "发现时间" in message and "整改期限" in message


def test_import_page_lists_bad_rows_then_commits(world, page_as):
    client = page_as(world.a.users["technician"])
    url = "/c/a-community/ops/hazards/import/"
    assert client.get(url).status_code == 200
    bad = [GOOD[0], ["YH-002", "2024-03-06", "消防", "1号楼", "x", "2024-03-01", "", "", ""]]
    response = client.post(url, {"file": xlsx(bad), "dry_run": ""})
    assert response.status_code == 400
    report = response.context["report"]
    assert [(e.row, e.column) for e in report.errors] == [(4, "整改期限")]
    assert b"import-errors" in response.content
    assert not Hazard.objects.exists()
    response = client.post(url, {"file": xlsx(GOOD), "dry_run": "on"})
    assert response.status_code == 200
    assert response.context["report"].ok and not Hazard.objects.exists()
    response = client.post(url, {"file": xlsx(GOOD), "dry_run": ""})
    assert response.context["report"].committed
    assert Hazard.objects.filter(community=world.a.community).count() == 3


@pytest.mark.parametrize("role", ["evaluator", "owners_committee", "resident"])
def test_import_is_refused_to_roles_that_may_not_write_hazards(world, page_as, api_as, role):
    assert page_as(world.a.users[role]).get("/c/a-community/ops/hazards/import/").status_code in (
        403,
    )
    response = post(api_as(world.a.users[role]), xlsx(GOOD), dry_run=False)
    assert response.status_code == 403
    assert not Hazard.objects.exists()
