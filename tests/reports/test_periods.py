"""Periods are half-open intervals between local midnights (METRICS.md, Time)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from reports.periods import Period

UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "timezone", "start", "end"),
    [
        ("2015", "Asia/Shanghai", utc(2014, 12, 31, 16), utc(2015, 12, 31, 16)),
        ("2015", "America/New_York", utc(2015, 1, 1, 5), utc(2016, 1, 1, 5)),
        ("2015-Q3", "Asia/Shanghai", utc(2015, 6, 30, 16), utc(2015, 9, 30, 16)),
        ("2015-Q1", "America/New_York", utc(2015, 1, 1, 5), utc(2015, 4, 1, 4)),
        # March 2015 in New York: EST at its start, EDT (from 8 March) at its end.
        ("2015-03", "America/New_York", utc(2015, 3, 1, 5), utc(2015, 4, 1, 4)),
        ("2015-12", "Asia/Shanghai", utc(2015, 11, 30, 16), utc(2015, 12, 31, 16)),
    ],
)
def test_bounds_are_local_midnights_in_utc(text, timezone, start, end):
    assert Period.parse(text).bounds(timezone) == (start, end)


@pytest.mark.parametrize(
    ("text", "key", "previous", "year_before"),
    [
        ("2015", "2015", "2014", "2014"),
        ("2015-Q1", "2015-Q1", "2014-Q4", "2014-Q1"),
        ("2015-01", "2015-01", "2014-12", "2014-01"),
        ("2015-07", "2015-07", "2015-06", "2014-07"),
        (" 2015-Q4 ", "2015-Q4", "2015-Q3", "2014-Q4"),
    ],
)
def test_keys_and_neighbours(text, key, previous, year_before):
    period = Period.parse(text)
    assert (period.key, period.previous().key, period.year_before().key) == (
        key,
        previous,
        year_before,
    )


def test_month_of_a_local_date():
    assert Period.month_of(dt.date(2016, 2, 29)) == Period.parse("2016-02")
    assert Period.parse("2016-02").after == dt.date(2016, 3, 1)


@pytest.mark.parametrize("text", ["15", "2015-13", "2015-00", "2015-Q5", "2015Q1", "", "2015-7"])
def test_a_malformed_period_is_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as error:
        Period.parse(text)
    assert error.value.messages[0].startswith("period:")
