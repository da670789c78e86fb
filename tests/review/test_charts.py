"""reports/charts.py: inert SVG markup and the one display rule of a value."""

import re

import pytest
from django.utils import translation

from reports.charts import bars_svg, trend_svg, value_format


def test_trend_svg_is_inert_and_keeps_text_escaped():
    svg = trend_svg(
        [("1月", 0.5), ("2月", None), ("3月", 0.75)],
        title='<script>alert(1)</script><img src="file:///etc/passwd">',
        unit="fraction",
        compare=("去年", [0.25, 0.5, None]),
    )
    assert svg.startswith("<svg")
    assert "<script" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg  # the title is text
    assert "href=" not in svg and not re.search(r"\son[a-z]+=", svg)
    assert "去年" in svg and "3月" in svg


def test_bars_svg_lists_every_label():
    svg = bars_svg([("电梯", 0.625), ("噪音", None)], title="办结率", unit="fraction")
    assert "电梯" in svg and "噪音" in svg and "62.5 %" in svg


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (None, "fraction", "—"),
        (0.875, "fraction", "87.5 %"),
        (1.0, "fraction", "100.0 %"),
        (0.0, "fraction", "0.0 %"),
        (1204, "count", "1,204"),
        (12.25, "hours", "12.2 h"),
        (90.0, "minutes", "90.0 min"),
    ],
)
def test_value_format(value, unit, expected):
    with translation.override("en"):
        assert value_format(value, unit) == expected
