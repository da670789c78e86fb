"""Import of the household and resident registers committees keep in Excel or CSV.

    report = register_import(community=c, compound_name="阳光小区", source=path, dry_run=True)

One row is one resident (or one household without residents when the name is empty). Columns
are found by header (COLUMN_HEADERS, or a mapping {field: header}); the header row may sit
below a title row. A dry run and a commit run the same validation and list every bad row by
row number, column and reason; a commit saves nothing unless every row is good, and then
creates buildings, units, households and residents in bulk (upserting by building + unit +
room and, for residents, household + name). Files: .xlsx (read-only mode) and .csv in UTF-8
(with or without BOM), UTF-16 with BOM, or GBK/GB18030, each decoded strictly.
"""

import codecs
import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import openpyxl
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from community.models import Community, Compound, User

from .identifiers import (
    id_number_hash,
    id_number_mask,
    id_number_normalise,
    id_number_protect,
    phone_mask,
    phone_normalise,
)
from .models import Building, Household, Resident, Unit

# Headers committees use, first one is what exports write. A mapping file can add others.
COLUMN_HEADERS: dict[str, list[str]] = {
    "building": ["楼栋", "楼号", "楼栋号"],
    "unit": ["单元", "单元号"],
    "room": ["房号", "房间号", "门牌号"],
    "floor_area_m2": ["建筑面积", "面积"],
    "occupancy": ["居住状态", "状态"],
    "name": ["姓名"],
    "phone": ["电话", "联系电话", "手机", "手机号"],
    "id_number": ["身份证号", "身份证号码", "公民身份号码"],
    "relation": ["与户关系", "关系", "与户主关系"],
}
FIELD_LABELS = {
    "building": gettext_lazy("Building"),
    "unit": gettext_lazy("Unit"),
    "room": gettext_lazy("Room"),
    "floor_area_m2": gettext_lazy("Floor area (m²)"),
    "occupancy": gettext_lazy("Occupancy"),
    "name": pgettext_lazy("person", "Name"),
    "phone": gettext_lazy("Phone"),
    "id_number": gettext_lazy("ID-card number"),
    "relation": gettext_lazy("Relation"),
}
REQUIRED_COLUMNS = ["building", "unit", "room"]
OCCUPANCY_WORDS = {
    Household.Occupancy.OCCUPIED: {"自住", "居住", "入住", "已入住", "出租", "在住", "occupied"},
    Household.Occupancy.VACANT: {"空置", "空房", "闲置", "未入住", "vacant"},
}
RELATION_WORDS = {
    Resident.Relation.OWNER: {"业主", "户主", "本人", "产权人", "owner"},
    Resident.Relation.TENANT: {"租户", "租客", "承租人", "tenant"},
    Resident.Relation.FAMILY: {
        "家属", "家庭成员", "配偶", "妻子", "丈夫", "子女", "儿子", "女儿", "父亲", "母亲",
        "父母", "孙子", "孙女", "外孙", "外孙女", "兄弟", "姐妹", "儿媳", "女婿", "其他亲属",
        "family",
    },
}  # fmt: skip
AREA_SUFFIX = re.compile(r"\s*(㎡|m²|m2|平方米|平米)$", re.IGNORECASE)
BATCH = 2000


class ImportFileError(Exception):
    """The file cannot be read at all (unknown encoding, not a spreadsheet, no header row)."""


@dataclass(frozen=True)
class RowError:
    row: int  # row number in the file, the header row counting as a row
    column: str  # the file's header, or the field label when the column is missing
    value: str
    reason: str


@dataclass
class ImportReport:
    """What an import found or did. Counts of `created` / `updated` are per entity."""

    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class _Row:
    number: int
    household: tuple[str, str, str]  # building, unit, room
    area: Decimal | None
    occupancy: str
    name: str
    phone: str
    id_number: str
    relation: str


def mapping_parse(text: str) -> dict[str, str]:
    """A JSON column mapping {field: header}, e.g. {"phone": "手机号码"}. Raises ImportFileError
    for bad JSON or a field that does not exist."""
    try:
        mapping = json.loads(text.lstrip("\ufeff"))
    except ValueError as exc:
        raise ImportFileError(_("The mapping file is not readable JSON: %s") % exc) from exc
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ImportFileError(_('The mapping file must be an object like {"phone": "手机号码"}.'))
    unknown = sorted(set(mapping) - set(COLUMN_HEADERS))
    if unknown:
        raise ImportFileError(
            _("Unknown fields in the mapping: %(unknown)s. Fields: %(fields)s.")
            % {"unknown": ", ".join(unknown), "fields": ", ".join(COLUMN_HEADERS)}
        )
    return mapping


def table_read(source: str | Path | IO[bytes], filename: str) -> list[tuple[int, list[str]]]:
    """All non-empty rows of the first sheet (.xlsx) or of a .csv, as (row number, cells).

    Raises ImportFileError for another extension, a damaged workbook or an undecodable CSV.
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_rows(source)
    if suffix == ".csv":
        data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
        return _csv_rows(csv_decode(data))
    raise ImportFileError(_("Upload an .xlsx or .csv file."))


def csv_decode(data: bytes) -> str:
    """Decode a CSV strictly: BOM (UTF-8, UTF-16) first, then UTF-8, then GB18030 (a superset
    of GBK). Raises ImportFileError rather than guess: a register is never read garbled."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise ImportFileError(_("The file says it is %s but is not.") % encoding) from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes some foreign byte runs to private-use characters: that is a guess.
        if not re.search("[\ue000-\uf8ff]", text):
            return text
    raise ImportFileError(
        _(
            "The file's encoding is neither UTF-8 nor GBK/GB18030. Save it as “CSV UTF-8” and "
            "upload it again."
        )
    )


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        # PostgreSQL cannot store NUL: dropped here, so a dry run and its commit agree.
        cells = [c.replace("\x00", "").strip() for c in cells]
        if any(cells):
            rows.append((number, cells))
    return rows


def _xlsx_rows(source) -> list[tuple[int, list[str]]]:
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError(_("This is not a readable .xlsx workbook.")) from exc
    rows = []
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                rows.append((number, cells))
    finally:
        workbook.close()
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def register_import(
    *,
    community: Community,
    compound_name: str,
    source: str | Path | IO[bytes],
    filename: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = True,
    actor: User | None = None,
    track: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> ImportReport:
    """Validate (and unless `dry_run`, save) a register file for the compound `compound_name`
    of `community` (created when missing).

    Returns an ImportReport: every bad row with its row number, column and reason; counts of
    what was (or would be) created and updated; `seconds` taken. A commit writes nothing when
    any row is bad. `track` wraps the row iteration (a tqdm progress bar on the command line).
    Raises ImportFileError when the file cannot be read or a required column is missing.
    """
    started = time.perf_counter()
    table = table_read(source, filename)
    header_number, columns = _find_columns(table, mapping or {})
    data = [r for r in table if r[0] > header_number]
    report = ImportReport(rows=len(data))
    rows, area_given = _parse_rows(data, columns, report, track)
    compound = Compound.objects.filter(community=community, name=compound_name).first()
    plan = _Plan(community, compound, rows, report, columns, area_given)
    if report.ok and not dry_run:
        try:
            with transaction.atomic():
                plan.commit(compound_name=compound_name, actor=actor, filename=filename)
            report.committed = True
        except IntegrityError:  # a concurrent edit took a room or an ID number meanwhile
            reason = _("Nothing was saved: the register changed meanwhile. Check the file again.")
            report.errors.append(RowError(0, "", "", reason))
    report.seconds = time.perf_counter() - started
    return report


def _find_columns(table, mapping: dict[str, str]) -> tuple[int, dict[str, tuple[int, str]]]:
    """The header row (among the first 10) and {field: (column index, header)}."""
    wanted = {f: [mapping[f]] if f in mapping else headers for f, headers in COLUMN_HEADERS.items()}
    for number, cells in table[:10]:
        columns = {}
        for index, cell in enumerate(cells):
            for name, headers in wanted.items():
                if cell in headers or cell == name:
                    columns.setdefault(name, (index, cell))
        if all(f in columns for f in REQUIRED_COLUMNS):
            return number, columns
    missing = ", ".join(f"{FIELD_LABELS[f]} ({' / '.join(wanted[f])})" for f in REQUIRED_COLUMNS)
    raise ImportFileError(
        _(
            "No header row with the columns %s in the first 10 rows. Check the headers or give a "
            "column mapping."
        )
        % missing
    )


def _parse_rows(table, columns, report: ImportReport, track) -> tuple[list[_Row], set[tuple]]:
    """Check every row on its own and against the rows before it; collect errors. Returns the
    good rows and the households whose floor area some row (good or bad) gives."""
    rows: list[_Row] = []
    people: dict[tuple, int] = {}
    ids: dict[str, int] = {}
    areas: dict[tuple, tuple[Decimal, int]] = {}
    for number, cells in track(table):
        values = {f: cells[i] if i < len(cells) else "" for f, (i, _header) in columns.items()}
        errors: list[tuple[str, str]] = []
        row = _parse_row(number, values, errors)
        if row.area is not None:
            first = areas.setdefault(row.household, (row.area, number))
            if first[0] != row.area:
                errors.append(
                    (
                        "floor_area_m2",
                        _("Row %d gives this household another floor area.") % first[1],
                    )
                )
        if row.name:
            first_number = people.setdefault((row.household, row.name), number)
            if first_number != number:
                errors.append(
                    (
                        "name",
                        _("Row %d already registers this person in this household.") % first_number,
                    )
                )
        if row.id_number:
            first_number = ids.setdefault(row.id_number, number)
            if first_number != number:
                errors.append(
                    ("id_number", _("Row %d has the same ID-card number.") % first_number)
                )
        for name, reason in errors:
            header = columns[name][1] if name in columns else str(FIELD_LABELS[name])
            shown = _masked(name, values.get(name, ""))
            report.errors.append(RowError(number, header, shown, str(reason)))
        if not errors:
            rows.append(row)
    return rows, set(areas)


def _parse_row(number: int, values: dict[str, str], errors: list[tuple[str, str]]) -> _Row:
    """One row checked on its own; problems are appended to `errors` as (field, reason)."""
    key = (
        values.get("building", "")[:50],
        values.get("unit", "")[:50],
        values.get("room", "")[:20],
    )
    for name, value in zip(REQUIRED_COLUMNS, key, strict=True):
        if not value:
            errors.append((name, _("This is required.")))
    area = _area(values.get("floor_area_m2", ""), errors)
    occupancy = _word(values.get("occupancy", ""), OCCUPANCY_WORDS, Household.Occupancy.OCCUPIED)
    if occupancy is None:
        errors.append(("occupancy", _("Write one of: %s.") % _words(OCCUPANCY_WORDS)))
    row = _Row(number, key, area, occupancy or "", values.get("name", "")[:50], "", "", "")
    if not row.name:
        if any(values.get(f) for f in ("phone", "id_number", "relation")):
            errors.append(
                ("name", _("A row with a phone, ID-card number or relation needs a name."))
            )
        return row
    try:
        row.phone = phone_normalise(values.get("phone", ""))
    except ValidationError as exc:
        errors.append(("phone", exc.messages[0]))
    try:
        row.id_number = id_number_normalise(values.get("id_number", ""))
    except ValidationError as exc:
        errors.append(("id_number", exc.messages[0]))
    row.relation = _word(values.get("relation", ""), RELATION_WORDS, None) or ""
    if not row.relation:
        errors.append(("relation", _("Write one of: %s.") % _words(RELATION_WORDS)))
    return row


def _masked(name: str, value: str) -> str:
    """Identifiers stay masked in error lists too (a typo'd ID number is nearly a real one)."""
    if name == "id_number":
        return id_number_mask(value) if len(value) >= 10 else "*" * len(value)
    if name == "phone":
        return phone_mask(value)
    return value


def _area(text: str, errors: list[tuple[str, str]]) -> Decimal | None:
    if not text:
        return None
    try:
        area = Decimal(AREA_SUFFIX.sub("", text).replace(",", "")).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
    except InvalidOperation:
        errors.append(("floor_area_m2", _("Write the floor area in square metres, e.g. 89.5.")))
        return None
    if not Decimal(0) < area < Decimal(1_000_000):
        errors.append(
            ("floor_area_m2", _("The floor area must be more than 0 and less than 1,000,000 m²."))
        )
        return None
    return area


def _words(words: dict[str, set[str]]) -> str:
    return ", ".join(sorted(set().union(*words.values()), key=lambda w: (w.isascii(), w)))


def _word(text: str, words: dict[str, set[str]], default: str | None) -> str | None:
    if not text:
        return default
    text = text.strip().lower()
    return next((value for value, names in words.items() if text in names or text == value), None)


class _Plan:
    """The rows set against what the compound already holds: finds conflicts with stored rows
    (an ID number registered for someone else, a new household without floor area) and, on
    commit, writes the difference in bulk."""

    def __init__(self, community, compound, rows, report: ImportReport, columns, area_given):
        self.community, self.compound, self.rows, self.report = community, compound, rows, report
        self.buildings: dict[str, Building] = {}
        self.units: dict[tuple, Unit] = {}
        self.households: dict[tuple, Household] = {}
        self.residents: dict[tuple, Resident] = {}
        if compound is not None:
            self._load()
        self._check(columns, area_given)

    def _load(self) -> None:
        for b in Building.objects.filter(community=self.community, compound=self.compound):
            self.buildings[b.name] = b
        units = Unit.objects.filter(community=self.community, building__compound=self.compound)
        for u in units.select_related("building"):
            self.units[(u.building.name, u.name)] = u
        households = Household.objects.filter(
            community=self.community, unit__building__compound=self.compound
        ).select_related("unit__building")
        for h in households:
            self.households[(h.unit.building.name, h.unit.name, h.room)] = h
        residents = Resident.objects.filter(
            community=self.community, household__unit__building__compound=self.compound
        ).select_related("household__unit__building")
        for r in residents:
            h = r.household
            self.residents[((h.unit.building.name, h.unit.name, h.room), r.name)] = r

    def _check(self, columns, area_given: set[tuple]) -> None:
        hashes = {id_number_hash(r.id_number): r for r in self.rows if r.id_number}
        # One pass over the community's hashes beats an IN list of thousands of parameters.
        owners = {
            digest: pk
            for digest, pk in Resident.objects.filter(community=self.community)
            .exclude(id_number_hash="")
            .values_list("id_number_hash", "pk")
            .iterator(chunk_size=10_000)
            if digest in hashes
        }
        header = {f: columns[f][1] if f in columns else str(FIELD_LABELS[f]) for f in FIELD_LABELS}
        for digest, owner_pk in owners.items():
            row = hashes[digest]
            existing = self.residents.get((row.household, row.name))
            if existing is None or existing.pk != owner_pk:
                self.report.errors.append(
                    RowError(
                        row.number,
                        header["id_number"],
                        id_number_mask(row.id_number),
                        _("This ID-card number is already registered for another resident."),
                    )
                )
        reported = set()
        for row in self.rows:
            if row.household not in self.households and row.household not in area_given:
                if row.household not in reported:
                    self.report.errors.append(
                        RowError(
                            row.number,
                            header["floor_area_m2"],
                            "",
                            _("A new household needs its floor area."),
                        )
                    )
                reported.add(row.household)
        self.report.errors.sort(key=lambda e: e.row)
        self._count()

    def _count(self) -> None:
        keys = {r.household for r in self.rows}
        self.report.created = {
            "buildings": len({k[0] for k in keys} - set(self.buildings)),
            "units": len({k[:2] for k in keys} - set(self.units)),
            "households": len(keys - set(self.households)),
            "residents": len(
                {(r.household, r.name) for r in self.rows if r.name} - set(self.residents)
            ),
        }

    def commit(self, *, compound_name: str, actor: User | None, filename: str) -> None:
        if self.compound is None:
            self.compound = Compound.objects.create(community=self.community, name=compound_name)
        c = self.community
        keys = list(dict.fromkeys(r.household for r in self.rows))
        new = [
            Building(community=c, compound=self.compound, name=n)
            for n in dict.fromkeys(k[0] for k in keys)
            if n not in self.buildings
        ]
        for b in Building.objects.bulk_create(new, batch_size=BATCH):
            self.buildings[b.name] = b
        new = [
            Unit(community=c, building=self.buildings[k[0]], name=k[1])
            for k in dict.fromkeys(k[:2] for k in keys)
            if k not in self.units
        ]
        for u in Unit.objects.bulk_create(new, batch_size=BATCH):
            self.units[(u.building.name, u.name)] = u
        self._households(keys)
        self._residents()
        LogEntry.objects.log_create(
            self.compound,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            actor=actor,
            changes={},
            additional_data={
                "register_import": {
                    "file": filename,
                    "rows": self.report.rows,
                    "created": self.report.created,
                    "updated": self.report.updated,
                }
            },
        )

    def _households(self, keys) -> None:
        area: dict[tuple, Decimal] = {}
        occupancy: dict[tuple, str] = {}
        for r in self.rows:
            if r.area is not None:
                area.setdefault(r.household, r.area)
            occupancy.setdefault(r.household, r.occupancy)
        new, changed = [], []
        for k in keys:
            h = self.households.get(k)
            if h is None:
                new.append(
                    Household(
                        community_id=self.community.pk,
                        unit=self.units[k[:2]],
                        room=k[2],
                        floor_area_m2=area[k],
                        occupancy=occupancy[k],
                    )
                )
            elif (area.get(k, h.floor_area_m2), occupancy[k]) != (h.floor_area_m2, h.occupancy):
                h.floor_area_m2, h.occupancy = area.get(k, h.floor_area_m2), occupancy[k]
                changed.append(h)
        for h in Household.objects.bulk_create(new, batch_size=BATCH):
            self.households[(h.unit.building.name, h.unit.name, h.room)] = h
        Household.objects.bulk_update(changed, ["floor_area_m2", "occupancy"], batch_size=BATCH)
        self.report.updated["households"] = len(changed)

    def _residents(self) -> None:
        new, changed = [], []
        for r in self.rows:
            if not r.name:
                continue
            resident = self.residents.get((r.household, r.name))
            if resident is None:
                resident = Resident(
                    community_id=self.community.pk,
                    household_id=self.households[r.household].pk,
                    name=r.name,
                )
                new.append(resident)
            elif (resident.phone, resident.relation, resident.id_number_hash) != (
                r.phone,
                r.relation,
                id_number_hash(r.id_number) if r.id_number else "",
            ):
                changed.append(resident)
            else:
                continue
            protected = id_number_protect(r.id_number)
            resident.phone, resident.relation = r.phone, r.relation
            resident.id_number_encrypted = protected.encrypted
            resident.id_number_hash, resident.id_number_masked = protected.hash, protected.masked
        Resident.objects.bulk_create(new, batch_size=BATCH)
        Resident.objects.bulk_update(
            changed,
            ["phone", "relation", "id_number_encrypted", "id_number_hash", "id_number_masked"],
            batch_size=BATCH,
        )
        self.report.updated["residents"] = len(changed)
