"""manage.py compute_metrics without --json: a table a person can read."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.reports.conftest import Desk, at

pytestmark = pytest.mark.django_db


def test_the_table_formats_values_with_their_unit_and_translates_reasons(world):
    """2015: 1,200 tickets would be slow to build; instead one resolved after 177 h 30 min
    (10,650 minutes: "1.065e+04" before), one open, one cancelled."""
    desk = Desk(world.a.community)
    desk.category("general", name="一般诉求")
    t = at(2015, 3, 1, 10)
    desk.ticket(
        t,
        ("accepted", t.replace(day=8, hour=19, minute=30)),
        ("resolved", t.replace(day=8, hour=19, minute=30)),
    )
    desk.ticket(at(2015, 3, 2, 10))
    desk.ticket(at(2015, 3, 3, 10), ("cancelled", at(2015, 3, 3, 11)))
    out = StringIO()
    with translation.override("zh-hans"):
        call_command(
            "compute_metrics", "--community", world.a.community.slug, "--period", "2015", stdout=out
        )
    lines = {line.split("(")[1].split(")")[0]: line for line in out.getvalue().splitlines()[1:]}
    response = lines["tickets.response_minutes.median"].split(")", 1)[1].split()
    assert response[:2] == ["10,650.0", "分钟"] and "e+" not in out.getvalue()
    assert lines["tickets.closure_rate"].split(")", 1)[1].split()[:4] == ["50.0", "%", "1", "2"]
    assert "诉求件数" in lines["tickets.count"] and "已撤销 1 条" in lines["tickets.count"]
    # Parameters read in Chinese: the status's label, the category's name in this community.
    assert lines["tickets.ineligible_count[status=cancelled]"].startswith(
        "不计入统计的诉求（已撤销）"
    )
    assert lines["tickets.closure_rate[category=general]"].startswith("办结率（类别 一般诉求）")
