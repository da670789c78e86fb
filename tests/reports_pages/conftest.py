"""Pages of the reports app: hand-built tickets (tests/reports/conftest.py's Desk) in the shared
world's community `a`, and helpers reading the figures off a page."""

import html
import re

import pytest

from tests.reports.conftest import Desk, at

H = 3600


@pytest.fixture
def desk(world) -> Desk:
    """A desk on world.a's community (Asia/Shanghai)."""
    return Desk(world.a.community)


def hand_built(desk: Desk) -> None:
    """2015: three eligible tickets (two resolved, rated 5 and 3; one answered, open) and one
    rejected; 2014: one resolved, one open. Instants at 10:00 UTC, far from any period edge.

    By hand, 2015: closure 2/3 = 66.7 % (n 3), 2014: 1/2 = 50.0 %: change +16.7 pp. Response
    minutes 30, 90, 60: median 60.0 (n 3). Resolution hours 5, 25: median 15.0 (n 2).
    Satisfaction 1/2 = 50.0 % (n 2). Ineligible: 1.
    """
    t = at(2015, 3, 1, 10)
    desk.ticket(
        t,
        ("accepted", t.replace(minute=30)),
        ("resolved", t.replace(hour=15)),
        ("rate", t.replace(hour=16), 5),
    )
    t = at(2015, 3, 2, 10)
    desk.ticket(
        t,
        ("accepted", t.replace(hour=11, minute=30)),
        ("resolved", t.replace(day=3, hour=11)),
        ("rate", t.replace(day=4), 3),
    )
    t = at(2015, 4, 1, 10)
    desk.ticket(t, ("accepted", t.replace(hour=11)))
    t = at(2015, 5, 1, 10)
    desk.ticket(t, ("rejected", t.replace(minute=10)))
    t = at(2014, 6, 1, 10)
    desk.ticket(t, ("accepted", t.replace(hour=11)), ("resolved", t.replace(hour=12)))
    desk.ticket(at(2014, 6, 2, 10))


def figure_row(page: str, key: str) -> dict[str, str]:
    """{cell name: text} of the dashboard row of figure `key` (value, n, last, change)."""
    match = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {key}"
    cells = re.findall(r'data-cell="(\w+)">(.*?)</td>', match[1], re.S)
    return {name: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for name, text in cells}


def figure_link(page: str, key: str) -> str | None:
    """The link of the figure's label, if any."""
    row = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {key}"
    match = re.search(r'<a href="([^"]+)"', row[1])
    return html.unescape(match[1]) if match else None
