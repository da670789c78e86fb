"""The engine's 2015 figures of every Boston neighbourhood against an independent computation
over the same CSV files, written here with the csv module and zoneinfo only.

The independent reading (METRICS.md, SOURCES.md): the status is authoritative (Closed = done,
Open = open; every row is eligible); naive times are wall times in America/New_York (an
ambiguous time is its first occurrence, fold=0; a skipped one moves forward by the gap, which
is what zoneinfo does with fold=0); durations are differences of absolute instants; a close up
to 60 s before the open is clock skew (duration 0), a larger negative one is left out; rows
without a neighbourhood are refused. The on-time resolution rate is set against Boston's own
per-ticket verdict (OnTime_Status): for closed rows ONTIME exactly when CLOSED_DT <= TARGET_DT.
"""

import csv
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from .conftest import AS_OF_EXPORT, AS_OF_LATER, BOSTON, FILES, data_path

pytestmark = pytest.mark.django_db
FORMAT = "%m/%d/%Y %I:%M:%S %p"
SKEW = 60  # seconds


def instant(text: str) -> datetime | None:
    """A naive Boston wall time as a UTC instant (fold=0). Converting before subtracting
    matters: two datetimes with the same tzinfo subtract as wall times."""
    if not text:
        return None
    return datetime.strptime(text, FORMAT).replace(tzinfo=BOSTON).astimezone(UTC)


@dataclass
class Row:
    status: str
    opened: datetime
    closed: datetime | None
    target: datetime | None
    verdict: str

    @property
    def seconds(self) -> float | None:
        return (self.closed - self.opened).total_seconds() if self.closed else None

    @property
    def negative(self) -> bool:
        return self.seconds is not None and self.seconds < -SKEW


@dataclass
class Neighbourhood:
    rows: list[Row] = field(default_factory=list)

    @property
    def closed(self) -> list[Row]:
        return [r for r in self.rows if r.status == "Closed"]

    def resolution_hours(self) -> list[float]:
        return [
            max(r.seconds, 0) / 3600
            for r in self.closed
            if r.seconds is not None and not r.negative
        ]

    def on_time_rows(self, as_of: datetime) -> list[Row]:
        """The rows an on-time resolution rate judges at as_of: a deadline that has passed, and
        no duration left out."""
        return [r for r in self.rows if r.target and r.target <= as_of and not r.negative]


def read() -> tuple[dict[str, Neighbourhood], int]:
    """{neighbourhood: rows} of both files, and the number of rows without a neighbourhood."""
    found: dict[str, Neighbourhood] = defaultdict(Neighbourhood)
    without = 0
    for name in FILES:
        with data_path(name).open(newline="", encoding="utf-8") as fh:
            for raw in csv.DictReader(fh):
                if not raw["neighborhood"]:
                    without += 1
                    continue
                found[raw["neighborhood"]].rows.append(
                    Row(
                        status=raw["CASE_STATUS"],
                        opened=instant(raw["OPEN_DT"]),
                        closed=instant(raw["CLOSED_DT"]),
                        target=instant(raw["TARGET_DT"]),
                        verdict=raw["OnTime_Status"],
                    )
                )
    return dict(found), without


EXPECTED, WITHOUT_NEIGHBOURHOOD = read()
ALL_ROWS = [r for n in EXPECTED.values() for r in n.rows]


def test_every_row_with_a_neighbourhood_is_a_ticket_of_its_community(boston):
    summaries = boston["summaries"]
    assert sum(s["refused_total"] for s in summaries.values()) == WITHOUT_NEIGHBOURHOOD == 94
    assert {s["refused"]["no_community"] for s in summaries.values()} == {85, 9}
    assert sum(s["imported"]["new"] for s in summaries.values()) == len(ALL_ROWS)
    assert set(boston["communities"]) == set(EXPECTED)
    assert len(EXPECTED) == 23  # 22 in the housing file, Chestnut Hill from the potholes
    assert {c.timezone for c in boston["communities"].values()} == {"America/New_York"}
    for name, figures in boston["figures"][AS_OF_EXPORT].items():
        assert figures["tickets.count"].value == len(EXPECTED[name].rows), name
        assert figures["tickets.ineligible_count"].value == 0, name


@pytest.mark.parametrize("as_of", [AS_OF_EXPORT, AS_OF_LATER])
def test_closure_rate(boston, as_of):
    # Every close happened before both instants, so the state at as_of is the file's status.
    assert max(r.closed for r in ALL_ROWS if r.closed) < AS_OF_EXPORT
    for name, expected in EXPECTED.items():
        figure = boston["figures"][as_of][name]["tickets.closure_rate"]
        done, eligible = len(expected.closed), len(expected.rows)
        assert (figure.numerator, figure.denominator, figure.n) == (done, eligible, eligible)
        assert figure.value == done / eligible, name


def test_median_resolution_hours(boston):
    # The pothole file holds the clock-skew rows (closed 1 to 40 s before opened: duration 0)
    # and no larger negative duration; nothing is left out of the durations.
    skewed = [r for r in ALL_ROWS if r.seconds is not None and r.seconds < 0]
    assert len(skewed) == 140
    assert not [r for r in ALL_ROWS if r.negative]
    for name, expected in EXPECTED.items():
        figure = boston["figures"][AS_OF_EXPORT][name]["tickets.resolution_hours.median"]
        hours = expected.resolution_hours()
        assert figure.n == len(hours), name
        assert figure.excluded == {}, name
        assert figure.value == pytest.approx(statistics.median(hours), rel=1e-12, abs=1e-9), name


def test_the_city_verdict_agrees_with_its_own_times():
    # SOURCES.md: for closed rows OnTime_Status is ONTIME exactly when CLOSED_DT <= TARGET_DT,
    # except rows whose verdict is empty.
    judged = [r for r in ALL_ROWS if r.status == "Closed" and r.target]
    empty = [r for r in judged if not r.verdict]
    assert len(empty) == 6
    assert all((r.verdict == "ONTIME") == (r.closed <= r.target) for r in judged if r.verdict)
    # Open rows are judged against the export instant, which lies between these two deadlines:
    # AS_OF_EXPORT is inside that window.
    open_rows = [r for r in ALL_ROWS if r.status == "Open"]
    assert max(r.target for r in open_rows if r.verdict == "OVERDUE") < AS_OF_EXPORT
    assert min(r.target for r in open_rows if r.verdict == "ONTIME") > AS_OF_EXPORT


def on_time_by_the_times(rows: list[Row]) -> int:
    return sum(1 for r in rows if r.status == "Closed" and r.closed <= r.target)


@pytest.mark.parametrize("as_of", [AS_OF_EXPORT, AS_OF_LATER])
def test_on_time_resolution_rate_against_the_city_verdict(boston, as_of):
    """The engine judges the rows whose deadline passed by as_of. Among them, it agrees with the
    city's verdict except where the definitions differ in principle:
    - the 6 closed rows without a verdict: the engine judges them by their times;
    - open rows: the city judged them at the export instant (ONTIME when the deadline was still
      ahead), the engine at as_of. At AS_OF_EXPORT no open row the engine judges has an ONTIME
      verdict; at AS_OF_LATER every ONTIME open row is late for the engine.
    """
    totals = defaultdict(int)
    for name, expected in EXPECTED.items():
        figure = boston["figures"][as_of][name]["tickets.on_time_resolution_rate"]
        judged = expected.on_time_rows(as_of)
        city_on_time = sum(1 for r in judged if r.verdict == "ONTIME")
        no_verdict_on_time = on_time_by_the_times([r for r in judged if not r.verdict])
        open_on_time = sum(1 for r in judged if r.status == "Open" and r.verdict == "ONTIME")
        no_deadline = sum(1 for r in expected.rows if not r.target)

        assert figure.denominator == len(judged), name
        assert figure.numerator == on_time_by_the_times(judged), name
        assert figure.numerator == city_on_time - open_on_time + no_verdict_on_time, name
        assert figure.value == (figure.numerator / len(judged) if judged else None), name
        assert figure.excluded == ({"no_deadline": no_deadline} if no_deadline else {}), name
        totals["judged"] += len(judged)
        totals["open_on_time"] += open_on_time
        totals["no_verdict"] += sum(1 for r in judged if not r.verdict)
        totals["no_deadline"] += no_deadline

    assert totals["no_verdict"] == 6
    assert totals["no_deadline"] == 5_393 - 9  # the pothole file has no TARGET_DT
    if as_of == AS_OF_EXPORT:
        assert totals["open_on_time"] == 0
    else:
        assert totals["open_on_time"] == 1_137 - 2  # 2 of them have no neighbourhood
        assert totals["judged"] == 18_245 - 85  # every housing row with a neighbourhood
