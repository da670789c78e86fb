"""Adversarial review of the file importers sharing residents.importer.table_read (records,
hazards, the register).

Finding pinned here: a NUL byte in a CSV cell passed the dry run ("ok") and then failed the
commit with a 500, since PostgreSQL cannot store U+0000. The reader now drops NUL characters
like the service-request importer does, so the dry run and the commit agree.

Held: an empty file, a file that is not UTF-8, UTF-16 or GB18030, a damaged workbook and a file
without the expected header answer 400 naming `file` (tests/records, tests/property_ops).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import Activity, Membership
from property_ops.models import Hazard
from residents.importer import table_read

Role = Membership.Role


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_reader_drops_nul_characters(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("标题,地点\n书\x00法班,活动\x00室\n".encode())
    assert table_read(path, "t.csv") == [(1, ["标题", "地点"]), (2, ["书法班", "活动室"])]


@pytest.mark.parametrize("dry_run", ["true", "false"])
def test_activity_import_with_a_nul_byte(world, api_as, dry_run):
    staff = api_as(world.a.users[Role.COMMITTEE_STAFF])
    csv = (
        "活动名称,活动类型,开始时间,结束时间,地点\n"
        "书\x00法班,文化,2025-01-01 10:00,2025-01-01 12:00,活动室\n"
    )
    response = staff.post(
        f"/api/v1/c/{world.a.community.slug}/records/import/activities/",
        {"file": upload("a.csv", csv), "dry_run": dry_run},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["ok"], response.json()["created"]["activities"]) == (True, 1)
    expected = [] if dry_run == "true" else ["书法班"]
    assert list(Activity.objects.values_list("title", flat=True)) == expected


def test_hazard_import_with_a_nul_byte(world, api_as):
    staff = api_as(world.a.users[Role.COMMITTEE_STAFF])
    csv = (
        "发现时间,隐患类别,隐患部位,隐患描述,整改期限\n"
        "2025-01-01 10:00,消防,3号楼\x00楼道,堆放纸箱,2025-01-08\n"
    )
    response = staff.post(
        f"/api/v1/c/{world.a.community.slug}/hazards/import/",
        {"file": upload("h.csv", csv), "dry_run": "false"},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert list(Hazard.objects.values_list("place", flat=True)) == ["3号楼楼道"]
