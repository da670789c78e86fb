"""Patrols, hazards, burglaries, incidents, hazard inspections, drills and emergency plans
(reports/metrics/safety.py), against counts made by hand from the rows written here."""

import datetime as dt

import pytest

from tests.reports.conftest import at, figures, households

from .build import D, H
from .conftest import check, count, rate

MIN = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)


def test_patrol_visits_done_in_their_window(rec):
    rec.visit(rec.at(2015, 3, 1), rec.at(2015, 3, 1, 1), rec.at(2015, 3, 1, 0, 30))  # done
    rec.visit(rec.at(2015, 2, 28, 23, 30), rec.at(2015, 3, 1, 0, 30), rec.at(2015, 3, 1))  # Feb
    rec.visit(rec.at(2015, 3, 10, 10), rec.at(2015, 3, 10, 11), rec.at(2015, 3, 10, 11))  # edge
    rec.visit(rec.at(2015, 3, 10, 12), rec.at(2015, 3, 10, 13), rec.at(2015, 3, 10, 13, 1))
    rec.visit(rec.at(2015, 3, 11, 12), rec.at(2015, 3, 11, 13), rec.at(2015, 3, 11, 11, 59))
    rec.visit(rec.at(2015, 3, 12, 12), rec.at(2015, 3, 12, 13))  # never visited
    last = rec.at(2015, 3, 31, 23, 30)
    rec.visit(last, last + H, last + 10 * MIN)  # planned in March, done in April's first hour
    rate(figures(rec.c, "2015-03", at(2015, 4, 10)), "safety.patrol_completion_rate", 3, 6)
    # At 23:45 on 31 March the last window is still open: not judged yet.
    early = figures(rec.c, "2015-03", last + 15 * MIN)
    rate(early, "safety.patrol_completion_rate", 2, 5, window_not_closed=1)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), "safety.patrol_completion_rate", 0, 0)


def test_hazard_rectification_replayed_to_as_of(rec):
    rec.hazard(rec.at(2015, 1, 5), ("rectified", rec.at(2015, 1, 10)), kind="fire")
    rec.hazard(
        rec.at(2015, 2, 5),
        ("rectified", rec.at(2015, 2, 6)),
        ("reinspection_failed", rec.at(2015, 2, 7)),  # reopened
        kind="fire",
    )
    rec.hazard(
        rec.at(2015, 3, 5),
        ("rectified", rec.at(2015, 3, 6)),
        ("reinspection_failed", rec.at(2015, 3, 7)),
        ("rectified", rec.at(2015, 3, 8)),
        ("reinspection_passed", rec.at(2015, 3, 9)),
        kind="fire",
    )
    rec.hazard(rec.at(2015, 3, 31, 23), ("rectified", rec.at(2015, 4, 20)), kind="fire")
    rec.hazard(rec.at(2015, 4, 1), ("rectified", rec.at(2015, 4, 2)), kind="fire")  # Q2
    rec.hazard(rec.at(2015, 2, 1), kind="electrical")
    rec.hazard(rec.at(2015, 3, 1), ("rectified", rec.at(2015, 3, 2)), kind="gas")
    same = rec.at(2015, 1, 21, 10)  # two steps at one instant: the later row is the state
    rec.hazard(
        rec.at(2015, 1, 20), ("rectified", same), ("reinspection_failed", same), kind="electrical"
    )
    late = figures(rec.c, "2015-Q1", at(2015, 5, 1))
    rate(late, "safety.fire_hazard_rectification_rate", 3, 4)
    rate(late, "emergency.hazard_rectification_rate", 4, 7)
    # On 10 April the hazard found on 31 March was not yet rectified.
    early = figures(rec.c, "2015-Q1", at(2015, 4, 10))
    rate(early, "safety.fire_hazard_rectification_rate", 2, 4)
    rate(early, "emergency.hazard_rectification_rate", 3, 7)
    empty = figures(rec.c, "2015-Q3", at(2016, 1, 1))
    rate(empty, "safety.fire_hazard_rectification_rate", 0, 0)
    rate(empty, "emergency.hazard_rectification_rate", 0, 0)


def test_burglaries_per_1000_households_at_period_end(rec):
    households(rec.c, at(2014, 1, 1), at(2014, 1, 1), rec.at(2015, 3, 31, 23), rec.at(2015, 4, 1))
    rec.incident(rec.at(2015, 3, 1), kind="burglary")
    rec.incident(rec.at(2015, 3, 31, 23, 59), kind="burglary")
    rec.incident(rec.at(2015, 3, 15), kind="fire")
    rec.incident(rec.at(2015, 4, 1), kind="burglary")
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    check(march, "safety.burglaries_per_1000_households", 2000 / 3, 2, 3, 2)
    early = figures(rec.c, "2015-03", rec.at(2015, 3, 31, 22))  # 2 households, 1 burglary
    check(early, "safety.burglaries_per_1000_households", 500.0, 1, 2, 1)
    before = figures(rec.c, "2013", at(2016, 1, 1))  # no household registered yet
    check(before, "safety.burglaries_per_1000_households", None, 0, 0, 0)


def test_incident_response_minutes_median_and_p90(rec):
    for day, response in (
        (1, 10 * MIN),
        (2, 30 * MIN),
        (3, -30 * S),  # clock skew: 0
        (4, -5 * MIN),  # beyond the skew: left out
        (5, None),  # no response: left out
        (6, 60 * MIN),
        (7, 20 * MIN),
    ):
        reported = rec.at(2015, 3, day, 8)
        rec.incident(reported, None if response is None else reported + response)
    rec.incident(rec.at(2015, 4, 1), rec.at(2015, 4, 1, 0, 5))  # April
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    count(march, "emergency.incidents_count", 7)
    # Minutes 0, 10, 20, 30, 60: median 20; p90 at rank 3.6: 30 + 0.6 × 30 = 48.
    left_out = {"negative_duration": 1, "no_response": 1}
    key = "emergency.incident_response_minutes"
    check(march, f"{key}.median", 20.0, None, None, 5, **left_out)
    check(march, f"{key}.p90", pytest.approx(48.0, rel=1e-12), None, None, 5, **left_out)
    # At 08:30 on 6 March the sixth has no response yet and the seventh is not reported.
    early = figures(rec.c, "2015-03", rec.at(2015, 3, 6, 8, 30))
    count(early, "emergency.incidents_count", 6)
    left_out = {"negative_duration": 1, "no_response": 2}
    check(early, f"{key}.median", 10.0, None, None, 3, **left_out)  # 0, 10, 30
    check(early, f"{key}.p90", pytest.approx(26.0, rel=1e-12), None, None, 3, **left_out)
    empty = figures(rec.c, "2015-05", at(2016, 1, 1))
    check(empty, f"{key}.median", None, None, None, 0)
    check(empty, f"{key}.p90", None, None, None, 0)


def test_hazard_inspections_and_drills_held(rec):
    for held in (rec.at(2015, 3, 1), rec.at(2015, 3, 31, 23, 59), rec.at(2015, 4, 1)):
        rec.hazard_inspection(held)
    rec.drill(rec.at(2015, 3, 1), 40)
    rec.drill(rec.at(2015, 3, 20), 25)
    rec.drill(rec.at(2015, 2, 28, 23, 59), 99)
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    count(march, "emergency.hazard_inspections_count", 2)
    count(march, "emergency.drills_count", 2)
    check(march, "emergency.drill_participants_count", 65, 65, None, 2)
    early = figures(rec.c, "2015-03", rec.at(2015, 3, 10))
    count(early, "emergency.hazard_inspections_count", 1)
    check(early, "emergency.drill_participants_count", 40, 40, None, 1)


def test_plan_currency_at_period_end(rec):
    rec.plan(D(2013, 1, 1), D(2015, 1, 1))  # revised exactly twelve months before the end
    rec.plan(D(2013, 1, 1), D(2014, 12, 31))  # one day too early
    rec.plan(D(2015, 6, 1))  # new this year: current
    rec.plan(D(2013, 1, 1), retired=D(2015, 12, 31))  # retired on the last day
    rec.plan(D(2013, 1, 1), D(2014, 7, 1), retired=D(2016, 1, 1))  # in force, not current
    rec.plan(D(2016, 1, 1))  # not yet in force
    rate(figures(rec.c, "2015", at(2016, 3, 1)), "emergency.plan_currency_rate", 2, 4)
    # On 31 May: the June plan is not in force, the one retired in December is, and the
    # revision of July 2014 is within twelve months.
    mid = figures(rec.c, "2015", rec.at(2015, 5, 31, 12))
    rate(mid, "emergency.plan_currency_rate", 3, 4)
    rate(figures(rec.c, "2012", at(2016, 1, 1)), "emergency.plan_currency_rate", 0, 0)
