"""Percentiles: PostgreSQL percentile_cont (linear interpolation); the SQLite path interpolates
the sorted values in Python (reports.metrics.base.percentile_cont) and must give the same
values, bit for bit, and both agree with an independent computation written here."""

import datetime as dt
import math
import random

import pytest
from django.db import connection

from reports.metrics.base import percentile_cont

from .conftest import at, figures

FRACTIONS = (0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0)


def independent(values: list[float], fraction: float) -> float:
    """Hyndman-Fan type 7, written out: weights on the two neighbouring order statistics."""
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    below, above = math.floor(rank), math.ceil(rank)
    weight = rank - below
    return ordered[below] * (1 - weight) + ordered[above] * weight


def postgres(values: list[float], fraction: float) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) v",
            [fraction, values],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 2, 3, 10, 11, 250])
def test_python_interpolation_equals_percentile_cont(size):
    rng = random.Random(size)
    values = [rng.uniform(0, 5000) / 60 for _ in range(size)]
    for fraction in FRACTIONS:
        expected = postgres(values, fraction)
        assert percentile_cont(sorted(values), fraction) == expected  # identical, not approx
        assert independent(values, fraction) == pytest.approx(expected, rel=1e-12)


def test_an_empty_set_has_no_percentile():
    assert percentile_cont([], 0.5) is None


def test_the_engine_figures_equal_both_computations(desk):
    # Response times in seconds, submitted in July 2015 (Shanghai), answered by staff.
    seconds = [7, 60, 95, 130, 3600, 45, 601, 1, 86400, 900, 299]
    for n, secs in enumerate(seconds):
        submitted = at(2015, 7, 1 + n, 9)
        desk.ticket(submitted, ("accepted", submitted + dt.timedelta(seconds=secs)))
    minutes = [s / 60 for s in seconds]
    found = figures(desk.community, "2015-07", at(2016, 1, 1))
    for key, fraction in (("median", 0.5), ("p90", 0.9)):
        figure = found[f"tickets.response_minutes.{key}"]
        assert figure["n"] == len(seconds)
        assert figure["value"] == postgres(minutes, fraction)
        assert figure["value"] == percentile_cont(sorted(minutes), fraction)
        assert figure["value"] == pytest.approx(independent(minutes, fraction), rel=1e-12)
    # By hand: sorted, the 6th of 11 is 130 s; p90 sits at rank 0.9 * 10 = 9 exactly: 3600 s.
    assert found["tickets.response_minutes.median"]["value"] == pytest.approx(130 / 60)
    assert found["tickets.response_minutes.p90"]["value"] == pytest.approx(3600 / 60)
