"""reports/charts.py: inert SVG markup and the one display rule of a value."""

import datetime as dt
import re

import pytest
from django.utils import translation

from reports.charts import bars_svg, trend_svg, value_format
from reports.models import MetricValue
from reports.periods import Period
from reports.review.selectors import trend_value


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


def _label_ys(svg: str, labels: list[str]) -> list[float]:
    return [
        float(re.search(rf'<text x="[-\d.]+" y="([\d.]+)"[^>]*>{label}</text>', svg)[1])
        for label in labels
    ]


def test_horizontal_bars_keep_the_table_order_and_room_for_cjk_labels():
    bars = [("邻里纠纷调解服务", 0.55), ("环境卫生", 0.6), ("门禁对讲", 0.7)]
    svg = bars_svg(bars, title="满意率最低的类别", unit="fraction")
    ys = _label_ys(svg, [label for label, _ in bars])
    assert ys == sorted(ys)  # the first row of the table is the top bar
    left = float(re.search(r'transform="translate\(([\d.]+), ', svg)[1])
    # Labels end 5 px left of the plot: 8 CJK characters of 11 px need 88 px.
    assert left >= 88 + 5


def test_long_labels_never_cut_the_value_axis():
    # Boston's category names leave a narrow value axis: pygal cut "100.0 %" to "10…".
    bars = [("Request for Pothole Repair Investigation", 0.5), ("住房", 1.0)]
    svg = bars_svg(bars, title="办结率最低的类别", unit="fraction")
    assert "…" not in svg
    ticks = re.findall(r">(\d+ %)</text>", svg)
    assert ticks == ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"]


def test_count_axes_have_whole_number_ticks():
    svg = trend_svg([("1月", 3), ("2月", 8), ("3月", None)], title="活动场次", unit="count")
    ticks = re.findall(r">([\d.,]+)</text>", svg)
    assert "8" in ticks and not any("." in tick for tick in ticks)


def test_a_month_after_as_of_is_a_gap_not_zero():
    as_of = dt.datetime(2026, 11, 29, 4, tzinfo=dt.UTC)  # 12:00 in Shanghai
    november, december = Period.parse("2026-11"), Period.parse("2026-12")
    stored = {m: MetricValue(value=0, unit="count", n=0, as_of=as_of) for m in (november, december)}
    assert trend_value(november, stored[november], "Asia/Shanghai") == 0
    assert trend_value(december, stored[december], "Asia/Shanghai") is None
    assert trend_value(november, None, "Asia/Shanghai") is None
