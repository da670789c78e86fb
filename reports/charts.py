"""SVG charts of figures (pygal), as inline markup safe to put in a page or a PDF.

    trend_svg([("1月", 0.91), ("2月", None), ...], title="办结率", unit="fraction")
    bars_svg([("电梯", 0.62), ("噪音", 0.80)], title="...", unit="fraction")

Both return a `SafeString` holding one `<svg>` element: no script, no event handler attribute,
no link outside the chart itself (pygal's own JavaScript is switched off and whatever is left
is removed by `_sanitize`), so the markup can go into `{{ chart }}` and into WeasyPrint.
Values are in the metric's unit (METRICS.md, Keys): `fraction` values are drawn as percents;
None is a gap ("no data"), never zero. `value_format` is the one display rule of a value.
"""

from collections.abc import Sequence
from xml.etree import ElementTree

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"

# Display suffix of each unit of reports.metrics (docs/metrics.md, Shape of a value).
UNITS = {
    "fraction": "%",
    "minutes": _("min"),
    "hours": _("h"),
    "count": "",
    "rating": _("/ 5"),
    "handoffs": _("per ticket"),
    "per_100_households": _("per 100 households"),
    "per_1000_households": _("per 1,000 households"),
    "points": _("percentage points"),
    "m2": "m²",
    "score": pgettext_lazy("unit of a score", "points"),
}
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'
STYLE = Style(
    font_family=FONT,
    background="white",
    plot_background="white",
    colors=("#0d6efd", "#adb5bd", "#198754", "#dc3545", "#fd7e14"),
    title_font_size=14,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    value_font_size=10,
    no_data_font_size=18,
)
_DANGEROUS = {"script", "foreignObject", "iframe", "object", "embed", "use", "image", "a"}


def value_format(value: float | None, unit: str) -> str:
    """A figure for display: "—" for None, fractions as a percent rounded to one decimal
    ("87.5 %"), whole counts as integers ("1,204"), other units with one decimal, thousands
    separators and their unit suffix ("1,042.0 h"); never "-0.0"."""
    if value is None:
        return "—"
    if unit == "fraction":
        return f"{number_format(value * 100)} %"
    if unit == "count" and float(value).is_integer():
        return f"{int(value):,}"
    return f"{number_format(value)} {UNITS.get(unit, '')}".strip()


def number_format(value: float, *, signed: bool = False) -> str:
    """`value` with one decimal and thousands separators ("11,130.3"); a value that rounds to
    zero is "0.0" (no "-0.0", and no sign even when `signed`); `signed` puts "+" before a
    positive value ("+2.5")."""
    rounded = round(value, 1)
    if rounded == 0:
        return "0.0"
    return f"{rounded:+,.1f}" if signed else f"{rounded:,.1f}"


def trend_svg(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str,
    compare: tuple[str, Sequence[float | None]] | None = None,
) -> SafeString:
    """A line chart of one figure over time.

    points: [(x label, value in `unit` or None)], in order; compare: an optional second series
    (its name, values aligned with `points`), e.g. the same months a year earlier.
    """
    chart = _chart(pygal.Line, title=title, unit=unit)
    chart.x_labels = [label for label, _value in points]
    chart.add(title, [_scaled(value, unit) for _label, value in points])
    if compare:
        name, values = compare
        chart.add(name, [_scaled(value, unit) for value in values])
    else:
        chart.show_legend = False
    return _render(chart)


def bars_svg(
    bars: Sequence[tuple[str, float | None]], *, title: str, unit: str, horizontal: bool = True
) -> SafeString:
    """A bar chart comparing one figure across labels (categories, communities, buildings).

    bars: [(label, value in `unit` or None)], drawn in the given order (horizontal bars: the
    first on top, as in a table). The left margin fits the longest label, CJK characters
    counted a full em wide (pygal assumes 0.6 em and would cut them off).
    """
    chart = _chart(pygal.HorizontalBar if horizontal else pygal.Bar, title=title, unit=unit)
    chart.show_legend = False
    if horizontal:
        bars = list(bars)[::-1]  # pygal draws the first label at the bottom
        chart.margin_left = 8 + round(max((_text_width(label) for label, _ in bars), default=0))
        if unit == "fraction":  # long labels leave a narrow value axis: a label every 20 %
            chart.y_labels = list(range(0, 101, 20))
    chart.x_labels = [label for label, _value in bars]
    chart.add(title, [_scaled(value, unit) for _label, value in bars])
    return _render(chart)


def _text_width(text: str, size: int = STYLE.label_font_size) -> float:
    """How much wider `text` is drawn than pygal reckons (0.6 em a character), in pixels: a
    CJK character takes a full em."""
    return sum(0.4 * size for ch in text if ord(ch) > 0x2E7F)


def _chart(kind, *, title: str, unit: str):
    suffix = str(UNITS.get(unit, ""))
    return kind(
        style=STYLE,
        js=[],
        disable_xml_declaration=True,
        explicit_size=True,
        width=640,
        height=240,
        title=str(title),
        show_dots=True,
        dots_size=2.5,
        allow_interruptions=True,
        include_x_axis=unit in ("fraction", "count"),
        range=(0, 100) if unit == "fraction" else None,
        # Axis labels: whole numbers without a decimal ("100 %", not "100.0 %", which pygal
        # cut to "10…" on a narrow axis); never truncated (truncate_label -1).
        value_formatter=(
            lambda v: (f"{v:,.0f} {suffix}" if v == int(v) else f"{v:,.1f} {suffix}").strip()
        ),
        truncate_label=-1,
        order_min=0 if unit == "count" else None,  # counts: whole-number ticks only
        legend_at_bottom=True,
        margin=8,
        no_data_text=str(_("No data")),
    )


def _scaled(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    return value * 100 if unit == "fraction" else value


def _render(chart) -> SafeString:
    return mark_safe(_sanitize(chart.render(is_unicode=True)))  # noqa: S308 (sanitized)


def _sanitize(markup: str) -> str:
    """Keep the drawing, drop anything active or remote: script-like elements, on* handlers,
    and href/src attributes that point anywhere but inside the chart (`#id`).

    Names are written without namespace prefixes (`xlink:href` becomes SVG 2's `href`): the
    process-wide prefix registry of ElementTree is changed by other libraries, and an
    `ns0:svg` would not draw inside HTML."""
    root = ElementTree.fromstring(markup)  # noqa: S314 (pygal output: labels arrive escaped)
    for parent in root.iter():
        for child in list(parent):
            if child.tag.rpartition("}")[2] in _DANGEROUS:
                parent.remove(child)
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
        for name, value in list(element.attrib.items()):
            del element.attrib[name]
            local = name.rpartition("}")[2]
            active = local.lower().startswith("on")
            remote = local.lower() in ("href", "src") and not value.strip().startswith("#")
            if not (active or remote):
                element.set(local, value)
    root.set("xmlns", SVG_NS)
    return ElementTree.tostring(root, encoding="unicode")
