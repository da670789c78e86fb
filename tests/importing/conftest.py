"""Fixtures of the importer's tests: the real exports of ../shared/data and portal-layout files."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from tickets.importing import load_mapping, service_requests_import

MAPPINGS = settings.BASE_DIR / "tickets" / "mappings"


def data_dir() -> Path:
    """../shared/data next to the repository (SOURCES.md); a clear failure when absent."""
    path = settings.BASE_DIR.parent / "shared" / "data"
    if not (path / "SOURCES.md").is_file():
        pytest.fail(
            f"The real 311 exports are expected in {path} (shared/data next to the repository, "
            "see docs/import.md); they are not there."
        )
    return path


REAL_FILES = {
    # name: (file under shared/data, mapping, street office)
    "la2020": ("la311/la311_2020-01-01_to_03_requests.csv", "la311_2020.toml", "LA test office"),
    "la2018": ("la311/la311_2018-01-01_to_04_mini.csv", "la311_2018.toml", "LA test office"),
    "sf": ("sf311/sf311_cases_random_sample_10000_2008-2016.csv", "sf311.toml", "SF test office"),
    "boston_housing": (
        "boston311/boston311_2015_housing_building_types.csv",
        "boston311.toml",
        "Boston test office",
    ),
    "boston_pothole": (
        "boston311/boston311_2015_pothole_repair_internal.csv",
        "boston311.toml",
        "Boston test office",
    ),
    "nyc": ("nyc311/nyc311_2023-02-28_last5000.csv", "nyc311.toml", "NYC test office"),
}


def import_real(name: str, **kwargs):
    path, mapping, office = REAL_FILES[name]
    return service_requests_import(
        path=data_dir() / path,
        mapping=load_mapping(MAPPINGS / mapping),
        street_office=office,
        **kwargs,
    )


@pytest.fixture(scope="module")
def real(django_db_setup, django_db_blocker):
    """Every real file imported once, with its community column, for the module's tests; rolled
    back afterwards. {name: ImportSummary}, in the order of REAL_FILES."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            summaries = {name: import_real(name) for name in REAL_FILES}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield summaries
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


PORTAL_HEADER = (
    "external_id,community,submitted_at,closed_at,status,category,channel,title,description,"
    "location,response_due_at,resolution_due_at"
)


@pytest.fixture
def portal_csv(tmp_path):
    """portal_csv(rows, encoding="utf-8", name=...) -> path of a portal-layout CSV file."""

    def write(rows: list[str], encoding: str = "utf-8", name: str = "legacy.csv") -> Path:
        path = tmp_path / name
        path.write_bytes("\r\n".join([PORTAL_HEADER, *rows, ""]).encode(encoding))
        return path

    return write


@pytest.fixture
def portal_mapping():
    return load_mapping(MAPPINGS / "portal.toml")
