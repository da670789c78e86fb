"""Garbage clearance, green coverage, hygiene, facility integrity and convenience services
(reports/metrics/environment.py), against counts made by hand from the rows written here."""

import datetime as dt

from tests.reports.conftest import at, figures

from .build import D
from .conftest import check, count, rate

MIN = dt.timedelta(minutes=1)


def test_garbage_on_time_rate_by_due_time_in_local_periods(rec):
    first = rec.at(2015, 3, 1)  # local midnight, 2015-02-28 16:00 UTC
    rec.run(first, first)  # on time (done exactly at its due time)
    rec.run(first - MIN, first - MIN)  # February
    rec.run(rec.at(2015, 3, 31, 23, 59), rec.at(2015, 4, 1, 0, 30))  # late
    rec.run(rec.at(2015, 4, 1), rec.at(2015, 4, 1))  # April
    rec.run(rec.at(2015, 3, 15, 10))  # never done: late
    rec.run(rec.at(2015, 3, 20, 10), rec.at(2015, 3, 20, 9))  # early: on time
    march = figures(rec.c, "2015-03", at(2015, 4, 10))
    rate(march, "environment.garbage_on_time_rate", 2, 4)
    # Replayed to 18 March: the runs due later are not due yet, and are said to be left out.
    mid = figures(rec.c, "2015-03", rec.at(2015, 3, 18))
    rate(mid, "environment.garbage_on_time_rate", 1, 2, not_yet_due=2)
    rate(figures(rec.c, "2015-05", at(2016, 1, 1)), "environment.garbage_on_time_rate", 0, 0)


def test_green_coverage_of_the_compounds_registered_at_period_end(rec):
    rec.compound("1000.25", "300.10", at(2014, 1, 1))
    rec.compound("2000", "700.15", rec.at(2015, 3, 31, 23))
    rec.compound("5000", "2500", rec.at(2015, 4, 1))  # registered in April
    rec.compound(None, "100", at(2014, 1, 1))
    rec.compound("900", None, at(2014, 1, 1))
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    # Areas are summed in hundredths of m²: 100025 / 300025, exactly.
    left_out = {"no_green_area": 1, "no_land_area": 1}
    check(
        march, "environment.green_coverage_rate", 100025 / 300025, 1000.25, 3000.25, 2, **left_out
    )
    early = figures(rec.c, "2015-03", rec.at(2015, 3, 31, 12))  # the second not yet registered
    check(early, "environment.green_coverage_rate", 30010 / 100025, 300.10, 1000.25, 1, **left_out)
    check(figures(rec.c, "2013", at(2016, 1, 1)), "environment.green_coverage_rate", None, 0, 0, 0)


def test_hygiene_mean_per_quarter_and_grades(rec):
    rec.hygiene(D(2015, 1, 1), "90.0", "excellent")
    rec.hygiene(D(2015, 3, 31), "80.5", "pass")
    rec.hygiene(D(2015, 4, 1), "59.5", "fail")
    rec.hygiene(D(2015, 12, 31), "95.0", "excellent")
    rec.hygiene(D(2014, 12, 31), "10.0", "fail")
    rec.hygiene(D(2016, 1, 1), "10.0", "fail")
    year = figures(rec.c, "2015", at(2016, 3, 1))
    count(year, "environment.hygiene_inspections_count", 4)
    check(year, "environment.hygiene_score_mean", 325 / 4, 325.0, 4, 4)
    count(year, "environment.hygiene_passed_count", 3)
    rate(year, "environment.hygiene_pass_rate", 3, 4)
    count(year, "environment.hygiene_excellent_count", 2)
    rate(year, "environment.hygiene_excellent_rate", 2, 4)
    check(year, "environment.hygiene_score_mean[quarter=2015-Q1]", 170.5 / 2, 170.5, 2, 2)
    check(year, "environment.hygiene_score_mean[quarter=2015-Q2]", 59.5, 59.5, 1, 1)
    check(year, "environment.hygiene_score_mean[quarter=2015-Q3]", None, 0.0, 0, 0)
    check(year, "environment.hygiene_score_mean[quarter=2015-Q4]", 95.0, 95.0, 1, 1)
    # An inspection dated on a day counts once that day has begun (local time) by as_of.
    before = figures(rec.c, "2015", rec.at(2015, 12, 30, 23, 59))
    check(before, "environment.hygiene_score_mean", 230 / 3, 230.0, 3, 3)
    check(before, "environment.hygiene_score_mean[quarter=2015-Q4]", None, 0.0, 0, 0)
    on_the_day = figures(rec.c, "2015", rec.at(2015, 12, 31))
    count(on_the_day, "environment.hygiene_inspections_count", 4)
    # A quarter has no per-quarter keys of its own.
    assert not any("[quarter=" in k for k in figures(rec.c, "2015-Q1", at(2016, 1, 1)))


def test_facility_integrity_from_the_status_history_at_period_end(rec):
    rec.facility(
        (at(2014, 6, 1), "in_service"),
        (rec.at(2015, 3, 20), "out_of_service"),
        (rec.at(2015, 4, 1), "in_service"),  # back on the first instant of April
    )
    rec.facility((at(2014, 6, 1), "in_service"))
    rec.facility((rec.at(2015, 3, 31, 23, 59), "in_service"))  # registered on the last minute
    rec.facility((rec.at(2015, 4, 1), "in_service"))  # registered in April
    rec.facility((at(2014, 6, 1), "in_service"), (rec.at(2015, 2, 1), "retired"))
    rec.facility(
        (at(2014, 6, 1), "in_service"),
        (rec.at(2015, 1, 1), "out_of_service"),
        (rec.at(2015, 3, 5), "in_service"),
    )
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    rate(march, "facilities.integrity_rate", 3, 4, retired=1)
    # As of 3 March: the last one is still out of service, the first not yet broken.
    rate(
        figures(rec.c, "2015-03", rec.at(2015, 3, 3)), "facilities.integrity_rate", 2, 3, retired=1
    )
    rate(figures(rec.c, "2013", at(2016, 1, 1)), "facilities.integrity_rate", 0, 0)


def test_convenience_services_offered_used_and_rated(rec):
    parcel = rec.service("parcel", D(2014, 1, 1))
    rec.service("haircut", D(2015, 3, 31))
    rec.service("legal_aid", D(2015, 1, 1), D(2015, 2, 28))  # ended before March
    rec.service("parcel", D(2015, 2, 1), D(2015, 3, 1))  # a second parcel service: same kind
    rec.service("health_check", D(2015, 4, 1))
    rec.use(parcel, rec.at(2015, 3, 1), 5)
    rec.use(parcel, rec.at(2015, 3, 31, 23, 59), 3)
    rec.use(parcel, rec.at(2015, 3, 15, 10))  # not rated
    rec.use(parcel, rec.at(2015, 4, 1), 5)
    rec.use(parcel, rec.at(2015, 2, 28, 23, 59), 1)
    march = figures(rec.c, "2015-03", at(2016, 1, 1))
    count(march, "services.kinds_count", 2)
    count(march, "services.uses_count", 3)
    rate(march, "services.satisfaction_rate", 1, 2, unrated=1)
    mid = figures(rec.c, "2015-03", rec.at(2015, 3, 20))  # the haircuts have not started yet
    count(mid, "services.kinds_count", 1)
    count(mid, "services.uses_count", 2)
    rate(mid, "services.satisfaction_rate", 1, 1, unrated=1)
    empty = figures(rec.c, "2013", at(2016, 1, 1))
    rate(empty, "services.satisfaction_rate", 0, 0)
    count(empty, "services.kinds_count", 0)


def test_a_run_due_an_hour_after_midnight_utc_is_in_the_local_day(rec):
    # 2015-03-31 17:00 UTC is 1 April 01:00 in Shanghai: April, not March.
    rec.run(at(2015, 3, 31, 17), at(2015, 3, 31, 17))
    rate(figures(rec.c, "2015-03", at(2016, 1, 1)), "environment.garbage_on_time_rate", 0, 0)
    rate(figures(rec.c, "2015-04", at(2016, 1, 1)), "environment.garbage_on_time_rate", 1, 1)
