"""The Boston 311 files of ../shared/data imported once per module with the shipped mapping into
a street office of neighbourhood communities (the README's commands), and the engine's 2015
figures of every community computed as of two instants. Rolled back afterwards."""

import io
import json
import zoneinfo
from datetime import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from community.models import Community
from reports.metrics import Target
from reports.periods import Period
from reports.services import metrics_compute_many

OFFICE = "Boston 311 (real-data tests)"
BOSTON = zoneinfo.ZoneInfo("America/New_York")
FILES = {
    "housing": "boston311/boston311_2015_housing_building_types.csv",
    "pothole": "boston311/boston311_2015_pothole_repair_internal.csv",
}
# The export instant is not in the file, but the city's verdict on open rows brackets it: every
# open row with TARGET_DT up to 2016-01-12 15:46:29 is OVERDUE, every one from 2016-01-13
# 08:02:23 on is ONTIME (asserted in the tests). The last close is 2016-01-12 15:45:21.
AS_OF_EXPORT = datetime(2016, 1, 13, 0, 0, tzinfo=BOSTON)
# After every deadline of the file (the latest TARGET_DT is 2017-12-07).
AS_OF_LATER = datetime(2018, 1, 1, 0, 0, tzinfo=BOSTON)


def data_path(name: str) -> Path:
    """A file of ../shared/data (SOURCES.md); a clear failure when it is absent."""
    path = settings.BASE_DIR.parent / "shared" / "data" / FILES[name]
    if not path.is_file():
        pytest.fail(f"The real Boston 311 export is expected at {path} (see SOURCES.md).")
    return path


def _import(name: str) -> dict:
    out = io.StringIO()
    call_command(
        "import_service_requests",
        str(data_path(name)),
        mapping=str(settings.BASE_DIR / "tickets" / "mappings" / "boston311.toml"),
        street_office=OFFICE,
        json=True,
        stdout=out,
    )
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def boston(django_db_setup, django_db_blocker):
    """{"summaries": {file: --json summary}, "communities": {name: Community},
    "figures": {as_of: {community name: {key: Figure}}}} for the period 2015."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            summaries = {name: _import(name) for name in FILES}
            communities = {c.name: c for c in Community.objects.filter(street_office__name=OFFICE)}
            targets = [Target(c, Period.parse("2015")) for c in communities.values()]
            figures = {
                as_of: {
                    target.community.name: found
                    for target, found in metrics_compute_many(targets=targets, as_of=as_of).items()
                }
                for as_of in (AS_OF_EXPORT, AS_OF_LATER)
            }
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield {"summaries": summaries, "communities": communities, "figures": figures}
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
