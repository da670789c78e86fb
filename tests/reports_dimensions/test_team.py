"""Trainings and the training coverage of active staff (reports/metrics/team.py), against
counts made by hand from the rows written here."""

from tests.reports.conftest import at, figures

from .build import D
from .conftest import count, rate


def test_training_coverage_of_staff_active_on_the_last_day(rec):
    u1 = rec.staff(D(2014, 1, 1))
    rec.staff(D(2014, 1, 1), role="technician", user=u1)  # two staff roles: one person
    u2 = rec.staff(D(2015, 12, 31), role="property_manager")  # started on the last day
    u3 = rec.staff(D(2016, 1, 1), role="technician")  # not yet
    u4 = rec.staff(D(2014, 1, 1), D(2015, 12, 31))  # ended on the last day: gone
    u5 = rec.staff(D(2014, 1, 1), role="resident")  # not staff
    rec.training(D(2015, 1, 1), u1, u5)
    rec.training(D(2015, 12, 31), u2, u4)
    rec.training(D(2016, 1, 1), u3)
    year = figures(rec.c, "2015", at(2016, 3, 1))
    count(year, "team.trainings_count", 2)
    rate(year, "team.training_coverage_rate", 2, 2, not_active_staff=2)
    # On 30 June: u1 and u4 are the active staff; only the January training has been held.
    mid = figures(rec.c, "2015", rec.at(2015, 6, 30, 12))
    count(mid, "team.trainings_count", 1)
    rate(mid, "team.training_coverage_rate", 1, 2, not_active_staff=1)
    rate(figures(rec.c, "2013", at(2016, 1, 1)), "team.training_coverage_rate", 0, 0)
