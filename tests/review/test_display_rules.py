"""The display rules of the review and the dashboard: the change from last year, numbers
without "-0.0", and every reason code translated (reports/charts.py, reports/review/selectors.py).
"""

import re
from pathlib import Path

import pytest
from django.utils import translation

from reports.charts import number_format, value_format
from reports.models import MetricValue
from reports.review.selectors import REASONS, change_text, left_out_text, reasons_text
from tickets.importing import FLAGS
from tickets.models import Ticket


def value(v, unit, n):
    return MetricValue(value=v, unit=unit, n=n)


@pytest.mark.parametrize(
    ("this", "last", "expected"),
    [
        # A rate: percentage points, one decimal.
        (value(0.625, "fraction", 8), value(0.5, "fraction", 2), "+12.5 pp"),
        (value(0.5, "fraction", 8), value(0.625, "fraction", 2), "-12.5 pp"),
        # -0.04 pp rounds to zero: "0.0", never "-0.0" nor "+0.0".
        (value(0.5, "fraction", 8), value(0.5004, "fraction", 9), "0.0 pp"),
        # Last year rests on no record (a count of 0, n 0): no change, not "+3,401".
        (value(3401, "count", 3401), value(0, "count", 0), "—"),
        (value(0, "count", 0), value(0, "count", 0), "—"),
        (value(3401, "count", 3401), value(3000, "count", 3000), "+401"),
        (value(5, "count", 5), value(5, "count", 5), "0"),
        # Either side without a value (or missing, or before the records begin).
        (value(None, "fraction", 0), value(0.5, "fraction", 4), "—"),
        (value(0.5, "fraction", 4), value(None, "fraction", 0), "—"),
        (None, value(0.5, "fraction", 4), "—"),
        (value(0.5, "fraction", 4), None, "—"),
        # The change of the values shown: 0.5 % and 0.8 % (0.546 % and 0.754 %) differ by
        # -0.3 pp, not the -0.2 of the unrounded values.
        (value(0.00546, "fraction", 900), value(0.00754, "fraction", 800), "-0.3 pp"),
        # 87.6 % - 82.4 % (unrounded +5.28)
        (value(0.8764, "fraction", 90), value(0.8236, "fraction", 80), "+5.2 pp"),
        (value(2.26, "hours", 9), value(2.14, "hours", 8), "+0.2 h"),  # 2.3 h - 2.1 h, not 0.1
        # Other units: their suffix, thousands separators; 130.25 shows as 130.2.
        (value(11130.3, "minutes", 2233), value(130.25, "minutes", 10), "+11,000.1 min"),
        (value(4.0, "hours", 3), value(4.04, "hours", 3), "0.0 h"),
    ],
)
def test_change_text(this, last, expected):
    with translation.override("en"):
        assert change_text(this, last) == expected


def test_change_of_a_rate_reads_percentage_points_in_chinese():
    with translation.override("zh-hans"):
        assert change_text(value(0.6, "fraction", 5), value(0.5, "fraction", 2)) == "+10.0 个百分点"
        assert value_format(-1.5, "points") == "-1.5 个百分点"
        assert value_format(91.0, "score") == "91.0 分"


@pytest.mark.parametrize(
    ("number", "signed", "expected"),
    [
        (-0.04, False, "0.0"),
        (-0.04, True, "0.0"),
        (0.0, True, "0.0"),
        (4278.25, False, "4,278.2"),
        (-4278.26, True, "-4,278.3"),
        (12.5, True, "+12.5"),
    ],
)
def test_number_format(number, signed, expected):
    assert number_format(number, signed=signed) == expected


@pytest.mark.parametrize(
    ("number", "unit", "expected"),
    [
        (-0.0004, "fraction", "0.0 %"),
        (-0.01, "hours", "0.0 h"),
        (11130.3, "minutes", "11,130.3 min"),
        (4278.0, "m2", "4,278.0 m²"),
        (4278, "count", "4,278"),
    ],
)
def test_value_format_separates_thousands_and_has_no_negative_zero(number, unit, expected):
    with translation.override("en"):
        assert value_format(number, unit) == expected


def _reason_codes() -> set[str]:
    """Every reason code the figures can report: the keys of each `excluded={...}` and the
    keyword reasons in reports/metrics, the tickets' data flags and ineligible statuses."""
    codes = {str(status) for status in Ticket.INELIGIBLE} | set(FLAGS)
    codes |= {"excluded_from_durations", "no_deadline", "before_records_since"}
    for source in Path("reports/metrics").glob("*.py"):
        text = source.read_text()
        for block in re.findall(r"excluded=\{([^}]*)\}", text):
            codes |= set(re.findall(r'"([a-z_]+)":', block))
        for block in re.findall(r"for reason in \(([^)]*)\)", text):
            codes |= set(re.findall(r'"([a-z_]+)"', block))
    return codes


def test_every_reason_code_is_translated():
    codes = _reason_codes()
    assert {"retired", "unrated", "undecided", "correction", "no_land_area"} <= codes
    assert codes <= REASONS.keys(), codes - REASONS.keys()
    with translation.override("zh-hans"):
        for code in codes:
            assert not re.search(r"[a-z]", str(REASONS[code])), code


def test_combined_reasons_are_joined_in_chinese():
    with translation.override("zh-hans"):
        shown = reasons_text({"retired": 2, "clock_skew+negative_duration": 1})
    assert shown == [("已报废", 2), ("时钟偏差 + 时长为负", 1)]


def test_the_change_agrees_with_the_values_shown_next_to_it():
    this, last = value(0.00546, "fraction", 900), value(0.00754, "fraction", 800)
    with translation.override("en"):
        shown = (value_format(this.value, "fraction"), value_format(last.value, "fraction"))
        assert shown == ("0.5 %", "0.8 %")
        assert change_text(this, last) == "-0.3 pp"  # 0.5 - 0.8


def test_left_out_reads_as_one_chinese_list():
    with translation.override("zh-hans"):
        shown = left_out_text({"cancelled": 27, "duplicate": 1, "rejected": 1024})
        assert shown == "已撤销 27 条；重复 1 条；不予受理 1,024 条"
        combined = left_out_text({"retired": 2, "clock_skew+negative_duration": 1})
        assert combined == "已报废 2 条；时钟偏差 + 时长为负 1 条"
        # A period before the records begin: all of it, no count of "1" to puzzle over.
        assert left_out_text({"before_records_since": 1}) == "整个期间早于社区记录的起始日期"
        assert left_out_text({}) == ""
