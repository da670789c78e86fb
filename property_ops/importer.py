"""Import of hazard registers (隐患台账) committees and property companies keep in Excel or CSV.

    report = hazard_import(community=c, source=upload, filename="台账.xlsx", dry_run=True)

One row is one hazard finding. Columns are found by header (COLUMN_HEADERS; the header row may
sit below a title row). The file is read by the register importer's reader
(`residents.importer.table_read`: .xlsx, or .csv in UTF-8 with or without BOM, UTF-16 with BOM,
GBK/GB18030, each decoded strictly). A dry run and a commit run the same validation and list
every bad row by row number, column and reason; a commit saves nothing unless every row is good.

Times: "2024-03-05 14:30", "2024/3/5 14:30", "2024年3月5日", Excel date cells; a naive time is
read in the community's time zone, a date alone as that day's local midnight. A row with a
rectification time gets a "rectified" step, one with a re-inspection time and result a passed
or failed re-inspection step, so the loop state and the as-of replay match hazards entered by
hand.
"""

import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from community.models import Community, User
from residents.importer import ImportFileError, ImportReport, RowError, table_read

from .models import CLOCK_TOLERANCE, Hazard, HazardStep
from .services import NEXT_STATUS

COLUMN_HEADERS: dict[str, list[str]] = {
    "reference": ["隐患编号", "编号"],
    "found_at": ["发现时间", "发现日期", "排查时间", "排查日期"],
    "kind": ["隐患类别", "隐患类型", "类别", "类型"],
    "place": ["隐患部位", "隐患位置", "位置", "部位", "地点"],
    "description": ["隐患描述", "隐患内容", "存在问题", "描述", "内容"],
    "found_by": ["发现人", "排查人", "检查人"],
    "rectify_by": ["整改期限", "整改时限", "限期整改日期"],
    "responsible": ["整改责任人", "责任人", "责任单位"],
    "rectified_at": ["整改完成时间", "整改时间", "完成时间"],
    "reinspected_at": ["复查时间", "复查日期"],
    "reinspection_result": ["复查结果", "复查情况"],
}
FIELD_LABELS = {
    "reference": gettext_lazy("Reference number"),
    "found_at": gettext_lazy("Found at"),
    "kind": gettext_lazy("Kind"),
    "place": pgettext_lazy("hazard", "Place"),
    "description": gettext_lazy("Description"),
    "found_by": gettext_lazy("Found by"),
    "rectify_by": gettext_lazy("Rectification deadline"),
    "responsible": gettext_lazy("Responsible for rectification"),
    "rectified_at": gettext_lazy("Rectified at"),
    "reinspected_at": gettext_lazy("Re-inspected at"),
    "reinspection_result": gettext_lazy("Re-inspection result"),
}
REQUIRED_COLUMNS = ["found_at", "kind", "place", "description", "rectify_by"]
KIND_WORDS = {
    Hazard.Kind.FIRE: ["火灾", "消防", "火灾隐患", "消防隐患", "消防安全"],
    Hazard.Kind.ELECTRICAL: ["电气", "用电", "电气隐患", "用电安全", "电动车充电"],
    Hazard.Kind.GAS: ["燃气", "煤气", "燃气隐患"],
    Hazard.Kind.STRUCTURAL: ["结构", "房屋结构", "建筑结构", "房屋安全"],
    Hazard.Kind.FALLING_OBJECT: ["高空坠物", "坠物", "高空抛物"],
    Hazard.Kind.FLOODING: ["防汛", "排水", "积水", "内涝", "防汛排水"],
    Hazard.Kind.TRAFFIC: ["交通", "停车", "车辆", "交通安全"],
    Hazard.Kind.OTHER: ["其他", "其它"],
}
RESULT_WORDS = {
    True: ["合格", "通过", "复查合格", "已整改", "passed", "pass"],
    False: ["不合格", "未通过", "复查不合格", "未整改", "failed", "fail"],
}
DATETIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
]
DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


@dataclass
class _Row:
    number: int
    hazard: Hazard
    steps: list[HazardStep]


def hazard_import(
    *,
    community: Community,
    source: IO[bytes],
    filename: str,
    dry_run: bool = True,
    actor: User | None = None,
) -> ImportReport:
    """Validate (and unless `dry_run`, save) a hazard register file for `community`.

    Returns an ImportReport: every bad row with its row number, column, value and reason, and
    `created` = {"hazards": n, "steps": m} (what was or would be created). A commit writes
    nothing when any row is bad. A row whose reference number, or whose found time, place and
    description, is already in the register is an error, so importing a file twice adds nothing.
    Raises ImportFileError when the file cannot be read or a required column is missing.
    """
    started = time.perf_counter()
    table = table_read(source, filename)
    header_number, columns = _find_columns(table)
    data = [r for r in table if r[0] > header_number]
    report = ImportReport(rows=len(data))
    rows = _parse(community, data, columns, report, actor)
    report.created = {"hazards": len(rows), "steps": sum(len(r.steps) for r in rows)}
    if report.ok and not dry_run:
        with transaction.atomic():
            created = Hazard.objects.bulk_create([r.hazard for r in rows])
            for row, hazard in zip(rows, created, strict=True):
                for step in row.steps:
                    step.hazard = hazard
            HazardStep.objects.bulk_create([s for r in rows for s in r.steps])
        report.committed = True
    report.seconds = time.perf_counter() - started
    return report


def _find_columns(table) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header row (among the first 10) and {field: (column index, header)}."""
    for number, cells in table[:10]:
        columns: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(cells):
            for name, headers in COLUMN_HEADERS.items():
                if cell in headers or cell == name:
                    columns.setdefault(name, (index, cell))
        if all(f in columns for f in REQUIRED_COLUMNS):
            return number, columns
    missing = ", ".join(
        f"{FIELD_LABELS[f]} ({' / '.join(COLUMN_HEADERS[f])})" for f in REQUIRED_COLUMNS
    )
    raise ImportFileError(
        _("No header row with the columns %s in the first 10 rows. Check the headers.") % missing
    )


def _parse(community, data, columns, report: ImportReport, actor) -> list[_Row]:
    tz = community.tz
    now = timezone.now() + CLOCK_TOLERANCE
    existing = Hazard.objects.filter(community=community)
    taken_refs = set(existing.exclude(reference="").values_list("reference", flat=True))
    taken_keys = set(existing.values_list("found_at", "place", "description"))
    seen_refs: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    rows: list[_Row] = []
    for number, cells in data:
        errors_before = len(report.errors)

        def cell(name: str, _cells=cells) -> str:
            index = columns[name][0] if name in columns else None
            return _cells[index] if index is not None and index < len(_cells) else ""

        def error(name: str, reason: str, _number=number, _cell=cell) -> None:
            header = columns[name][1] if name in columns else str(FIELD_LABELS[name])
            report.errors.append(RowError(_number, header, _cell(name), reason))

        for name in REQUIRED_COLUMNS:
            if not cell(name):
                error(name, _("This is required."))
        found_at = _instant(cell("found_at"), tz, lambda r: error("found_at", r))
        rectified_at = _instant(cell("rectified_at"), tz, lambda r: error("rectified_at", r))
        reinspected_at = _instant(cell("reinspected_at"), tz, lambda r: error("reinspected_at", r))
        for name, value in (
            ("found_at", found_at),
            ("rectified_at", rectified_at),
            ("reinspected_at", reinspected_at),
        ):
            if value and value > now:
                error(name, _("Cannot be in the future."))
        rectify_by = _date(cell("rectify_by"), lambda r: error("rectify_by", r))
        if found_at and rectify_by and rectify_by < found_at.astimezone(tz).date():
            error("rectify_by", _("Cannot be before the day it was found."))
        kind = _word(cell("kind"), KIND_WORDS)
        if cell("kind") and kind is None:
            error("kind", _("Write one of: %s.") % "、".join(_first_words(KIND_WORDS)))
        passed = _word(cell("reinspection_result"), RESULT_WORDS)
        if cell("reinspection_result") and passed is None:
            error("reinspection_result", _("Write 合格 or 不合格 (passed or failed)."))
        if rectified_at and found_at and rectified_at < found_at:
            error("rectified_at", _("Cannot be before the hazard was found."))
        if reinspected_at and not rectified_at:
            error("reinspected_at", _("A re-inspection needs the rectification time."))
        elif reinspected_at and rectified_at and reinspected_at < rectified_at:
            error("reinspected_at", _("Cannot be before the rectification."))
        if reinspected_at and passed is None and not cell("reinspection_result"):
            error("reinspection_result", _("A re-inspection needs its result."))
        if passed is not None and not reinspected_at and not cell("reinspected_at"):
            error("reinspected_at", _("A re-inspection result needs its time."))
        reference = cell("reference")[:64]
        place, description = cell("place")[:200], cell("description")
        key = (found_at, place, description)
        if reference in taken_refs:
            error("reference", _("This reference number is already in the register."))
        elif reference in seen_refs:
            error("reference", _("Row %d has the same reference number.") % seen_refs[reference])
        elif found_at and key in taken_keys:
            error("description", _("This hazard is already in the register."))
        elif found_at and key in seen_keys:
            error("description", _("Row %d records the same hazard.") % seen_keys[key])
        if reference:
            seen_refs.setdefault(reference, number)
        seen_keys.setdefault(key, number)
        if len(report.errors) == errors_before:
            rows.append(
                _row(
                    community,
                    number,
                    actor,
                    reference=reference,
                    kind=kind,
                    place=place,
                    description=description,
                    found_at=found_at,
                    found_by=cell("found_by")[:100],
                    rectify_by=rectify_by,
                    responsible=cell("responsible")[:100],
                    rectified_at=rectified_at,
                    reinspected_at=reinspected_at,
                    passed=passed,
                )
            )
    return rows


def _row(community, number, actor, *, rectified_at, reinspected_at, passed, **fields) -> _Row:
    hazard = Hazard(community=community, **fields)
    steps = []
    if rectified_at:
        steps.append((HazardStep.Kind.RECTIFIED, rectified_at))
        hazard.rectified_at = rectified_at
    if reinspected_at:
        kind = (
            HazardStep.Kind.REINSPECTION_PASSED if passed else HazardStep.Kind.REINSPECTION_FAILED
        )
        steps.append((kind, reinspected_at))
        hazard.reinspected_at, hazard.reinspection_passed = reinspected_at, passed
    for kind, _at in steps:
        hazard.status = NEXT_STATUS[kind]
    note = _("Imported from the hazard register, row %d.") % number
    return _Row(
        number,
        hazard,
        [HazardStep(community=community, kind=k, at=at, note=note, actor=actor) for k, at in steps],
    )


def _instant(text: str, tz, error) -> datetime | None:
    """A naive local time (or date: local midnight) in `tz`. Ambiguous wall times take the
    first occurrence and skipped ones move forward by the gap (zoneinfo's fold=0 reading)."""
    if not text:
        return None
    for fmt in DATETIME_FORMATS + DATE_FORMATS:
        try:
            value = datetime.strptime(text, fmt)  # noqa: DTZ007 (made aware just below)
        except ValueError:
            continue
        # Through UTC and back: a skipped wall time lands after the gap.
        return value.replace(tzinfo=tz).astimezone(tz)
    error(_("Write a date and time like 2024-03-05 14:30, or a date like 2024-03-05."))
    return None


def _date(text: str, error) -> date | None:
    if not text:
        return None
    for fmt in DATE_FORMATS + DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    error(_("Write a date like 2024-03-05."))
    return None


def _word(text: str, words: dict) -> object | None:
    text = text.strip().lower()
    if not text:
        return None
    return next(
        (value for value, names in words.items() if text in names or text == str(value)), None
    )


def _first_words(words: dict) -> list[str]:
    return [names[0] for names in words.values()]
