"""Register import (issue 2, item 5): encodings, errors by row, all-or-nothing, 20,000 rows."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from community.models import Compound
from residents.identifiers import id_number_decrypt, id_number_hash
from residents.importer import ImportFileError, csv_decode, register_import
from residents.models import Building, Household, Resident, Unit

from .conftest import id_number, id_numbers, mobiles

HEADER = ["楼栋", "单元", "房号", "建筑面积", "居住状态", "姓名", "电话", "身份证号", "与户关系"]
GOOD_ID = id_number("310104", __import__("datetime").date(1968, 5, 4), 321)
ROWS = [
    ["5号楼", "1单元", "101", "89.5", "自住", "张伟", "138 0013 8000", GOOD_ID, "户主"],
    ["5号楼", "1单元", "101", "", "", "李娜", "", "", "配偶"],
    ["5号楼", "2单元", "202", "102.30㎡", "出租", "王强", "+86 159-2123-4567", "", "租户"],
    ["5号楼", "2单元", "301", "66", "空置", "", "", "", ""],
]


def csv_bytes(rows, encoding="utf-8", header=HEADER) -> bytes:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    return text.encode(encoding)


def xlsx_bytes(rows, header=HEADER, title=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(world, data: bytes, filename: str, dry_run=False, **kwargs):
    return register_import(
        community=world.a.community,
        compound_name="东区",
        source=io.BytesIO(data),
        filename=filename,
        dry_run=dry_run,
        **kwargs,
    )


def registry_of(community):
    return sorted(
        (
            r.household.unit.building.name,
            r.household.unit.name,
            r.household.room,
            r.name,
            r.phone,
            r.relation,
            r.id_number_masked,
        )
        for r in Resident.objects.filter(
            community=community, household__unit__building__compound__name="东区"
        ).select_related("household__unit__building")
    )


EXPECTED = [
    (
        "5号楼",
        "1单元",
        "101",
        "张伟",
        "+8613800138000",
        "owner",
        f"{GOOD_ID[:6]}********{GOOD_ID[-4:]}",
    ),
    ("5号楼", "1单元", "101", "李娜", "", "family", ""),
    ("5号楼", "2单元", "202", "王强", "+8615921234567", "tenant", ""),
]


@pytest.mark.parametrize(
    ("encoding", "filename"),
    [("gbk", "register.csv"), ("gb18030", "register.csv"), ("utf-8-sig", "register.csv"),
     ("utf-8", "register.csv"), ("utf-16", "register.csv")],
)  # fmt: skip
def test_csv_in_every_supported_encoding_imports_the_same_register(world, encoding, filename):
    report = run(world, csv_bytes(ROWS, encoding), filename)
    assert report.errors == []
    assert report.committed
    assert registry_of(world.a.community) == EXPECTED
    households = {
        h.room: (h.floor_area_m2, h.occupancy)
        for h in Household.objects.filter(unit__building__compound__name="东区")
    }
    assert households == {
        "101": (Decimal("89.50"), "occupied"),
        "202": (Decimal("102.30"), "occupied"),
        "301": (Decimal("66.00"), "vacant"),
    }
    zhang = Resident.objects.get(community=world.a.community, name="张伟")
    assert id_number_decrypt(zhang.id_number_encrypted) == GOOD_ID
    assert zhang.id_number_hash == id_number_hash(GOOD_ID)
    assert report.created == {"buildings": 1, "units": 2, "households": 3, "residents": 3}


def test_gbk_bytes_are_really_gbk_and_never_read_garbled():
    data = csv_bytes(ROWS, "gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert csv_decode(data).splitlines()[1].startswith("5号楼,1单元,101")


def test_bom_file_has_its_bom_removed_from_the_first_header(world):
    data = csv_bytes(ROWS, "utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    assert csv_decode(data).startswith("楼栋,")


def test_an_unknown_encoding_is_a_clear_error_and_nothing_is_saved(world):
    data = "楼栋,单元,房号\n".encode("big5", errors="ignore") + bytes([0x80, 0xFF, 0x20]) * 3
    with pytest.raises(ImportFileError, match="UTF-8 nor GBK"):
        run(world, data, "register.csv")
    assert not Compound.objects.filter(name="东区").exists()


def test_xlsx_with_a_title_row_and_numeric_cells(world):
    rows = [
        ["5号楼", "1单元", 101, 89.5, "自住", "张伟", 13800138000, GOOD_ID, "户主"],
        ["5号楼", "1单元", 101, None, None, "李娜", None, None, "配偶"],
        ["5号楼", "2单元", "202", "102.30㎡", "出租", "王强", "+86 159-2123-4567", None, "租户"],
        ["5号楼", "2单元", "301", 66, "空置", None, None, None, None],
    ]
    report = run(world, xlsx_bytes(rows, title="东区居民登记表（2026年）"), "登记表.xlsx")
    assert report.errors == []
    assert registry_of(world.a.community) == EXPECTED


WRONG_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def person(room, area, name, phone, id_card, relation, building="5号楼"):
    return [building, "1单元", room, area, "自住", name, phone, id_card, relation]


BAD_ROWS = [
    person("101", "89.5", "张伟", "138 0013 8000", GOOD_ID, "户主"),  # row 2: good
    person("102", "80", "赵六", "1380013800", "", "户主"),  # row 3: phone too short
    person("103", "80", "钱七", "13800138001", WRONG_CHECK, "户主"),  # row 4: check character
    person("104", "80", "孙八", "", "110105491231002", "户主"),  # row 5: legacy number
    person("105", "80", "周九", "02", "11010519490231123X", "业主"),  # row 6: phone and date
    person("106", "", "吴十", "", "", "户主"),  # row 7: new household without area
    person("107", "80", "郑一", "", "", "户主", building=""),  # row 8: no building
    person("108", "八十", "王二", "", "", "邻居"),  # row 9: area and relation
    person("109", "80", "冯三", "", GOOD_ID, "户主"),  # row 10: same ID as row 2
]


def test_every_bad_row_is_listed_with_row_column_and_reason_and_nothing_is_saved(world):
    report = run(world, csv_bytes(BAD_ROWS, "gbk"), "register.csv")
    found = [(e.row, e.column) for e in report.errors]
    assert found == [
        (3, "电话"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "电话"),
        (6, "身份证号"),
        (7, "建筑面积"),
        (8, "楼栋"),
        (9, "建筑面积"),
        (9, "与户关系"),
        (10, "身份证号"),
    ]
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "mainland mobile or landline" in reasons[(3, "电话")]
    assert "check character" in reasons[(4, "身份证号")]
    assert "15-digit" in reasons[(5, "身份证号")]
    assert "19490231" in reasons[(6, "身份证号")]
    assert "floor area" in reasons[(7, "建筑面积")]
    assert "required" in reasons[(8, "楼栋")]
    assert "Row 2 has the same ID-card number" in reasons[(10, "身份证号")]
    # identifiers stay masked in the error list
    values = {(e.row, e.column): e.value for e in report.errors}
    assert values[(3, "电话")] == "138***3800"
    assert values[(10, "身份证号")] == GOOD_ID[:6] + "********" + GOOD_ID[-4:]
    assert not report.committed
    assert not Compound.objects.filter(name="东区").exists()
    assert Resident.objects.filter(community=world.a.community).count() == 1  # the fixture's


def test_an_id_number_registered_for_someone_else_is_a_row_error(world, identified, known_id):
    rows = [["5号楼", "1单元", "101", "89.5", "自住", "张伟", "", known_id, "户主"]]
    report = run(world, csv_bytes(rows), "r.csv")
    assert [(e.row, e.column, e.reason) for e in report.errors] == [
        (2, "身份证号", "This ID-card number is already registered for another resident.")
    ]
    # another community may hold the same number: the register is per community
    report = register_import(
        community=world.b.community, compound_name="东区", source=io.BytesIO(csv_bytes(rows)),
        filename="r.csv", dry_run=False,
    )  # fmt: skip
    assert report.committed


def test_dry_run_counts_and_saves_nothing(world):
    report = run(world, csv_bytes(ROWS), "r.csv", dry_run=True)
    assert report.ok and not report.committed
    assert report.created == {"buildings": 1, "units": 2, "households": 3, "residents": 3}
    assert not Building.objects.filter(name="5号楼").exists()


def test_importing_twice_changes_nothing_and_updates_are_applied(world):
    run(world, csv_bytes(ROWS), "r.csv")
    again = run(world, csv_bytes(ROWS), "r.csv")
    assert again.created == {"buildings": 0, "units": 0, "households": 0, "residents": 0}
    assert again.updated == {"households": 0, "residents": 0}
    changed = [r[:] for r in ROWS]
    changed[0][6] = "13912345678"
    changed[3][4] = "自住"
    third = run(world, csv_bytes(changed), "r.csv")
    assert third.updated == {"households": 1, "residents": 1}
    assert Resident.objects.get(name="张伟").phone == "+8613912345678"
    assert Household.objects.get(room="301").occupancy == "occupied"
    assert Unit.objects.filter(building__name="5号楼").count() == 2


def test_a_mapping_names_other_headers(world):
    header = ["楼", "单元", "门牌", "面积", "居住状态", "户主姓名", "手机号码", "身份证号", "关系"]
    mapping = {"building": "楼", "room": "门牌", "name": "户主姓名", "phone": "手机号码"}
    report = run(world, csv_bytes(ROWS, header=header), "r.csv", mapping=mapping)
    assert report.errors == []
    assert registry_of(world.a.community) == EXPECTED


def test_a_missing_required_column_is_a_clear_error(world):
    header = ["楼号X", "单元", "房号"]
    with pytest.raises(ImportFileError, match="No header row"):
        run(world, csv_bytes([["1", "1", "1"]], header=header), "r.csv")


def test_the_import_is_logged_with_who_and_counts(world):
    staff = world.a.users["committee_staff"]
    run(world, csv_bytes(ROWS), "东区.csv", actor=staff)
    entry = LogEntry.objects.get(additional_data__register_import__file="东区.csv")
    assert entry.actor == staff
    assert entry.additional_data["register_import"]["created"]["residents"] == 3


def big_register(count: int) -> bytes:
    ids, phones = id_numbers(count), mobiles(count)
    lines = [",".join(HEADER)]
    for i in range(count):
        # two residents per household, 100 households per unit, 3 units per building
        building, unit = i // 600 + 1, i // 200 % 3 + 1
        floor, room = i // 8 % 25 + 1, i // 2 % 4 + 1
        relation = "户主" if i % 2 == 0 else "配偶"
        lines.append(
            f"{building}号楼,{unit}单元,{floor}{room:02d},{80 + i // 2 % 40}.5,自住,"
            f"居民{i},{phones[i]},{ids[i]},{relation}"
        )
    return ("\n".join(lines) + "\n").encode("gbk")


def test_a_20000_row_register_imports_in_batches(world, django_assert_max_num_queries):
    """Set-based: the queries grow with the batches, not the rows (its speed is measured by
    bench/, not here)."""
    data = big_register(20_000)
    with django_assert_max_num_queries(24):  # one query a row would be 20,000
        report = run(world, data, "big.csv")
    assert report.errors == []
    assert report.rows == 20_000
    assert report.created == {
        "buildings": 34,
        "units": 100,
        "households": 10_000,
        "residents": 20_000,
    }
    stored = Resident.objects.filter(household__unit__building__compound__name="东区")
    assert stored.count() == 20_000


def test_import_register_command(world, tmp_path, capsys):
    path = tmp_path / "登记表.csv"
    path.write_bytes(csv_bytes(ROWS, "gbk"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"phone": "电话"}), encoding="utf-8")
    call_command("import_register", str(path), community="a-community", compound="东区",
                 mapping=str(mapping), dry_run=True)  # fmt: skip
    assert "would create 1 buildings, 2 units, 3 households, 3 residents" in capsys.readouterr().out
    assert not Building.objects.filter(name="5号楼").exists()
    call_command("import_register", str(path), community="a-community", compound="东区")
    assert registry_of(world.a.community) == EXPECTED
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(BAD_ROWS))
    # row 2 now also collides with 张伟, registered by the import above
    with pytest.raises(CommandError, match="11 errors in 9 rows"):
        call_command("import_register", str(bad), community="a-community", compound="西区")
    out = capsys.readouterr().out
    assert "row 3\t电话\t138***3800\t" in out
    assert not Compound.objects.filter(name="西区").exists()
    with pytest.raises(CommandError, match="No community"):
        call_command("import_register", str(path), community="nowhere", compound="东区")


def test_a_bad_row_does_not_cause_follow_up_errors_in_its_household(world):
    rows = [
        person("101", "89.5", "张伟", "12345", "", "户主"),  # area given, phone bad
        person("101", "", "李娜", "", "", "配偶"),  # no area: the household has one
    ]
    report = run(world, csv_bytes(rows), "r.csv", dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "电话")]


def test_a_conflict_at_commit_time_rolls_everything_back(world, monkeypatch):
    def taken(*args, **kwargs):
        raise IntegrityError("resident_id_number_uniq")

    monkeypatch.setattr(Resident.objects, "bulk_create", taken)
    report = run(world, csv_bytes(ROWS), "r.csv")
    assert not report.committed
    assert [e.reason for e in report.errors] == [
        "Nothing was saved: the register changed meanwhile. Check the file again."
    ]
    assert not Compound.objects.filter(name="东区").exists()
    assert not Household.objects.filter(room="202").exists()
