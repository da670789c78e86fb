"""Register export: masked values, formula-injection protection, both formats, page and CLI."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from residents import services
from residents.exporter import formula_safe, register_export
from residents.importer import register_import
from tests import factories

HEADERS = [
    "小区",
    "楼栋",
    "单元",
    "房号",
    "建筑面积",
    "居住状态",
    "姓名",
    "电话",
    "身份证号",
    "与户关系",
]


@pytest.fixture
def hostile(world, identified):
    """Cells a spreadsheet would run as formulas, in names of every level."""
    a = world.a
    building = factories.BuildingFactory(compound=a.building.compound, name='=HYPERLINK("x")')
    unit = factories.UnitFactory(building=building, name="+1单元")
    household = factories.HouseholdFactory(unit=unit, room="-101", floor_area_m2="60.00",
                                           occupancy="vacant")  # fmt: skip
    services.resident_create(community=a.community, household=world.a.household,
                             name="@SUM(A1)", relation="tenant", phone="010-6552 9988")  # fmt: skip
    services.resident_create(community=a.community, household=world.a.household,
                             name="\t=1+1", relation="family")  # fmt: skip
    return household


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


EXPECTED = [
    HEADERS,
    ["a小区", "'=HYPERLINK(\"x\")", "'+1单元", "'-101", "60.0", "空置", "", "", "", ""],
    ["a小区", "1号楼", "1单元", "101", "89.5", "自住", "'\t=1+1", "", "", "家属"],
    ["a小区", "1号楼", "1单元", "101", "89.5", "自住", "'@SUM(A1)", "010****9988", "", "租户"],
    ["a小区", "1号楼", "1单元", "101", "89.5", "自住", "a居民", "138****8000",
     "110105********002X", "业主"],
]  # fmt: skip


def test_csv_export_is_masked_and_formula_safe(world, hostile):
    data = register_export(community=world.a.community, fmt="csv")
    header, *body = csv_rows(data)
    assert [header, *sorted(body)] == [EXPECTED[0], *sorted(EXPECTED[1:])]
    text = data.decode("utf-8-sig")
    assert "13800138000" not in text and "11010519491231002X" not in text
    assert "b居民" not in text  # the other community's register is not in it


def cell_text(value) -> str:
    """A cell as the CSV shows it: floor areas are numbers in the workbook."""
    if isinstance(value, int | float):
        return str(float(value))
    return "" if value is None else value


def test_xlsx_export_is_masked_and_formula_safe(world, hostile):
    data = register_export(community=world.a.community, fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert [values[0], *sorted(values[1:])] == [EXPECTED[0], *sorted(EXPECTED[1:])]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@A1", "'@A1"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("张三", "张三"), ("1=1", "1=1"), ("", "")],
)  # fmt: skip
def test_formula_safe(text, safe):
    assert formula_safe(text) == safe


def test_an_export_imports_back_into_the_same_households(world, identified):
    data = register_export(community=world.a.community, fmt="csv")
    report = register_import(
        community=world.a.community, compound_name="a小区", source=io.BytesIO(data),
        filename="export.csv", dry_run=True,
    )  # fmt: skip
    # masked identifiers are no valid numbers: the round trip says so instead of storing them
    assert [(e.row, e.column) for e in report.errors] == [(2, "电话"), (2, "身份证号")]
    assert report.created["residents"] == 0


def test_the_page_downloads_both_formats(world, page_as, identified):
    client = page_as(world.a.users["property_manager"])
    export_url = reverse("residents:register-export", args=[world.a.community.slug])
    response = client.get(export_url, {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="a-community-register-')
    assert csv_rows(response.content)[1][7:9] == ["138****8000", "110105********002X"]
    xlsx = client.get(export_url, {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][7:9] == ["138****8000", "110105********002X"]
    assert client.get(export_url, {"format": "pdf"}).status_code == 404
    listing = client.get(reverse("residents:resident-list", args=[world.a.community.slug]))
    assert f'href="{export_url}?format=xlsx"' in listing.content.decode()


def test_export_register_command(world, identified, tmp_path):
    path = tmp_path / "register.csv"
    call_command("export_register", community="a-community", format="csv", output=str(path))
    assert csv_rows(path.read_bytes())[1][6:] == [
        "a居民",
        "138****8000",
        "110105********002X",
        "业主",
    ]
