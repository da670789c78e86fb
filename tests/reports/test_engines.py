"""The same figures on PostgreSQL and SQLite (DESIGN.md: "Results must be the same on both").

`test_figures_of_a_mixed_year` computes a year of varied tickets and community records
(tests/reports_dimensions/build.py) on the suite's engine and, when asked, writes them to a
file; the second test runs it again in a child pytest on SQLite and compares the two sets of
figures, value for value.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from tests import factories
from tests.reports_dimensions.build import by_position, year_of_records
from tickets.models import Ticket, TicketKind

from .conftest import IMPORT, SUBMITTER, Desk, at, figures, households

H = dt.timedelta(hours=1)
S = dt.timedelta(seconds=1)
DUMP = "GONGZHI_METRICS_DUMP"
ROOT = Path(__file__).resolve().parents[2]


def mixed_year(desk: Desk) -> dict:
    desk.category("lift", kind=TicketKind.WORK_ORDER, is_facility_fault=True)
    desk.category("service", is_property_service=True)
    due = {"response_due": None, "resolution_due": None}
    for n in range(24):
        t = at(2015, 1 + n % 12, 1 + n, 9, tz=desk.community.timezone)
        due = {"response_due": t + (n % 3) * H, "resolution_due": t + (n % 5) * 7 * H}
        order = {"kind": TicketKind.WORK_ORDER, "category": "lift"} if n % 4 == 0 else {}
        steps = [("accepted", t + (n * 17 % 90) * 60 * S)]
        if n % 3:
            steps += [("transfer", t + 2 * H)] * (n % 4)
        if n % 5 == 1:
            steps += [("pause", t + 3 * H), ("resume", t + (3 + n) * H)]
        if n % 2 == 0:
            steps += [("resolved", t + (n * 7 % 50 + 1) * H), ("rate", t + 60 * H, 1 + n % 5)]
        if n % 6 == 0:
            steps += [("reopened", t + 70 * H, SUBMITTER)]
        if n % 7 == 0:
            steps += [("supervise", t + 4 * H)]
        category = {} if order else {"category": "service" if n % 2 else "general"}
        desk.ticket(
            t, *steps, channel=Ticket.Channel.APP if n % 3 else "phone", **order, **category, **due
        )
    t = at(2015, 6, 1, 8)
    desk.ticket(
        t,
        ("resolved", t, IMPORT),
        ("closed", t, IMPORT),
        flags=("closed_without_close_time",),
        exclude=True,
        **due,
    )
    desk.ticket(t, ("resolved", t - 30 * S, IMPORT), flags=("clock_skew",), **due)
    desk.ticket(t, ("resolved", t - 90 * S, IMPORT), **due)
    desk.ticket(t, ("rejected", t + H))
    desk.ticket(at(2014, 3, 1), ("accepted", at(2014, 3, 2)))
    households(desk.community, at(2014, 1, 1), at(2015, 1, 1), at(2015, 2, 1))
    year_of_records(desk.community)  # the figures of the other dimensions
    return {
        period: by_position(figures(desk.community, period, at(2016, 3, 1)))
        for period in ("2015", "2015-Q2", "2015-06")
    }


def test_figures_of_a_mixed_year(db):
    found = mixed_year(Desk(factories.CommunityFactory(slug="mixed", timezone="America/New_York")))
    assert found["2015"]["tickets.count"]["value"] == 27
    if path := os.environ.get(DUMP):
        Path(path).write_text(json.dumps(found))


def test_sqlite_gives_the_same_figures(db, tmp_path):
    here = mixed_year(Desk(factories.CommunityFactory(slug="mixed", timezone="America/New_York")))
    dump = tmp_path / "sqlite.json"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        DUMP: str(dump),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:xdist",
            "-q",
            "--create-db",
            f"{__file__}::test_figures_of_a_mixed_year",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert json.loads(dump.read_text()) == json.loads(json.dumps(here))
