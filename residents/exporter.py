"""Export of a community's register to .xlsx or .csv, in the importer's column layout.

Identifiers are masked on the server (138****8000, 110105********123X); text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) get a
leading single quote (OWASP "CSV injection").
"""

import csv
import io
from collections.abc import Iterator

import openpyxl
from django.db.models import Prefetch

from community.models import Community

from .importer import COLUMN_HEADERS
from .models import Household, Resident
from .selectors import natural_order

HEADERS = ["小区", *(headers[0] for headers in COLUMN_HEADERS.values())]
# The register's own words, which the importer reads back.
OCCUPANCY_WORDS = {Household.Occupancy.OCCUPIED: "自住", Household.Occupancy.VACANT: "空置"}
RELATION_WORDS = {
    Resident.Relation.OWNER: "业主",
    Resident.Relation.TENANT: "租户",
    Resident.Relation.FAMILY: "家属",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def register_export(*, community: Community, fmt: str) -> bytes:
    """The register of `community` as .xlsx or .csv (UTF-8 with BOM, so Excel reads Chinese).

    One row per resident, and one per household without residents; floor area in m².
    Raises ValueError for another `fmt`.
    """
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(register_rows(community=community))
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("register")
        sheet.append(HEADERS)
        for row in register_rows(community=community):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}")


def register_rows(*, community: Community) -> Iterator[list]:
    """Rows of the export, masked and formula-safe, in compound, building, unit, room order.
    Two queries per 2,000 households."""
    households = (
        Household.objects.filter(community=community)
        .select_related("unit__building__compound")
        .prefetch_related(Prefetch("residents", Resident.objects.order_by("name", "pk")))
        .order_by(
            "unit__building__compound__name",
            *natural_order("unit__building__name", "unit__name", "room"),
        )
    )
    for household in households.iterator(chunk_size=2000):
        unit = household.unit
        place = [
            formula_safe(unit.building.compound.name),
            formula_safe(unit.building.name),
            formula_safe(unit.name),
            formula_safe(household.room),
            float(household.floor_area_m2),
            OCCUPANCY_WORDS[household.occupancy],
        ]
        residents = list(household.residents.all())
        if not residents:
            yield [*place, "", "", "", ""]
        for resident in residents:
            yield [
                *place,
                formula_safe(resident.name),
                resident.phone_masked,
                resident.id_number_masked,
                RELATION_WORDS[resident.relation],
            ]


def formula_safe(text: str) -> str:
    """`text`, with a leading ' when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
