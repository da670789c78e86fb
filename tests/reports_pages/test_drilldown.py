"""The drill-down lists exactly the tickets each figure counts: on a varied data set, for every
ticket key, its count is the figure's n, its numerator marks are the figure's numerator, and the
tickets' own values give back the figure (percentiles, means)."""

import datetime as dt
import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.metrics import Target, figures_compute
from reports.metrics import tickets as ticket_figures
from reports.metrics.base import percentile_cont
from reports.periods import Period
from reports.selectors import metric_ticket_counts, metric_ticket_facts, metric_tickets
from tests.reports.conftest import IMPORT, SUBMITTER, Desk, at
from tickets.models import Ticket, TicketKind

pytestmark = pytest.mark.django_db
AS_OF = at(2016, 3, 1)
M, H = dt.timedelta(minutes=1), dt.timedelta(hours=1)


def varied(desk: Desk, year: int = 2015, count: int = 48) -> None:
    """Every branch of the ticket figures: statuses, kinds, facility and property categories,
    channels, deadlines (passed, not passed, none), ratings changed, hand-offs, supervision,
    pauses, imported flags, negative durations and events after as_of."""
    desk.category("lift", kind=TicketKind.WORK_ORDER, is_facility_fault=True)
    desk.category("leak", kind=TicketKind.WORK_ORDER)
    desk.category("service", is_property_service=True)
    desk.category("noise")
    channels = [Ticket.Channel.PHONE, Ticket.Channel.WEB, Ticket.Channel.APP]
    for i in range(count):
        s = at(year, 1 + i % 12, 1 + i % 27, 2 + i % 20, 7 * i % 60)
        category, kind = [
            ("lift", TicketKind.WORK_ORDER),
            ("leak", TicketKind.WORK_ORDER),
            ("service", TicketKind.COMPLAINT),
            ("noise", TicketKind.COMPLAINT),
        ][i % 4]
        steps = {
            0: [
                ("accepted", s + (i + 5) * M),
                ("resolved", s + (i + 2) * H),
                ("closed", s + 60 * H),
                ("rate", s + 61 * H, 1 + i % 5),
            ],
            1: [("accepted", s + 50 * M), ("dispatched", s + H), ("in_progress", s + 2 * H)],
            2: [("rejected", s + 20 * M)],
            3: [("cancelled", s + 3 * M, SUBMITTER)],
            4: [
                ("accepted", s + 2 * H),
                ("resolved", s + 30 * H),
                ("rate", s + 31 * H, 2),
                ("rate", s + 32 * H, 4),
                ("reopened", s + 40 * H),
                ("in_progress", s + 41 * H),
            ],
            5: [
                ("pause", s + 10 * M),
                ("resume", s + 5 * H),
                ("accepted", s + 6 * H),
                ("resolved", s + 20 * H),
            ],
            6: [
                ("reply", s + 15 * M),
                ("transfer", s + H),
                ("transfer", s + 2 * H),
                ("supervise", s + 3 * H),
                ("accepted", s + 4 * H),
                ("resolved", s + 80 * H),
                ("rate", s + 81 * H, 5),
            ],
            7: [("closed", s, IMPORT)],
        }[i % 8]
        if i % 11 == 0:  # answered after as_of: open, no response at as_of
            steps = [("accepted", AS_OF + H), ("resolved", AS_OF + 2 * H)]
        if i % 13 == 5:  # resolved by the import more than 60 s before it was submitted
            steps = [("accepted", s - 5 * M, IMPORT), ("resolved", s - 3 * M, IMPORT)]
        desk.ticket(
            s,
            *steps,
            category=category,
            kind=kind,
            channel=channels[i % 3],
            response_due=s + H if i % 3 else None,
            resolution_due=s + 24 * H if i % 3 != 1 else None,
            flags=("closed_without_close_time",) if i % 8 == 7 else (),
            exclude=i % 8 == 7,
        )


def ticket_keys(found: dict) -> list[str]:
    return [key for key in found if ticket_figures.has_records(key)]


@pytest.mark.parametrize("period", ["2015", "2015-03", "2015-Q2"])
def test_drilldown_counts_are_the_figures_for_every_ticket_key(world, desk, period):
    varied(desk)
    varied(Desk(world.b.community))  # another community's tickets never enter a's lists
    community, parsed = desk.community, Period.parse(period)
    target = Target(community, parsed)
    found = figures_compute(targets=[target], as_of=AS_OF)[target]
    keys = ticket_keys(found)
    assert len(keys) >= 25 and any("[category=" in key for key in keys)
    if period == "2015":  # the data set reaches every branch
        assert found["tickets.on_time_response_rate"].n > 0
        assert found["tickets.on_time_resolution_rate"].numerator > 0
        assert found["complaints.supervised_count"].value > 0
        assert found["tickets.resolution_hours.median"].excluded.keys() == {
            "closed_without_close_time",
            "negative_duration",
        }
        assert found["tickets.ineligible_count[status=cancelled]"].value > 0
        assert found["work_orders.repair_response_minutes.median"].n > 0
    for key in keys:
        figure = found[key]
        where = {"community": community, "key": key, "period": parsed, "as_of": AS_OF}
        listed = metric_tickets(**where)
        assert listed.count() == figure.n, key
        assert {t.community_id for t in listed} <= {community.pk}
        n, numerator = metric_ticket_counts(**where)
        assert n == figure.n, key
        if figure.unit == "fraction":
            assert numerator == figure.numerator, key
        facts = metric_ticket_facts(**where).values()
        values = sorted(f.value for f in facts if f.value is not None)
        if key.endswith((".median", ".p90")):
            fraction = 0.5 if key.endswith(".median") else 0.9
            expected = percentile_cont(values, fraction)
            assert (figure.value is None and expected is None) or math.isclose(
                figure.value, expected, rel_tol=1e-9
            ), key
        if key in ("tickets.rating_mean", "tickets.handoffs_mean") and figure.n:
            assert math.isclose(sum(values) / len(values), figure.value), key


def test_drilldown_page_lists_the_tickets_and_marks_the_numerator(world, desk, page_as):
    varied(desk, count=96)
    target = Target(desk.community, Period.parse("2015"))
    figure = figures_compute(targets=[target], as_of=AS_OF)[target]["tickets.closure_rate"]
    client = page_as(world.a.users["evaluator"])
    url = f"/c/{desk.community.slug}/dashboard/records/"
    query = {"key": "tickets.closure_rate", "period": "2015", "as_of": AS_OF.isoformat()}
    page = client.get(url, query).content.decode()
    assert re.search(r'id="count-n">(\d+)<', page)[1] == str(figure.n)
    assert re.search(r'id="count-numerator">(\d+)<', page)[1] == str(figure.numerator)
    rows = re.findall(r'<tr data-ticket="(\d+)">(.*?)</tr>', page, re.S)
    eligible = metric_tickets(
        community=desk.community, key="tickets.count", period=target.period, as_of=AS_OF
    )
    assert len(rows) == 50 < figure.n <= 100
    assert {int(pk) for pk, _cells in rows} <= {t.pk for t in eligible}
    marked = sum("bi-check-lg" in cells for _pk, cells in rows)
    second = client.get(url, {**query, "page": 2}).content.decode()
    marked += second.count("bi-check-lg")
    assert marked == figure.numerator


def test_bad_parameters_answer_400_naming_them(world, desk, page_as):
    client = page_as(world.a.users["committee_staff"])
    url = f"/c/{desk.community.slug}/dashboard/records/"
    cases = [
        ({"period": "2015"}, "key"),
        ({"key": "tickets.closure_rate", "period": "2015-13"}, "period"),
        ({"key": "environment.green_coverage_rate", "period": "2015"}, "key"),
        ({"key": "tickets.closure_rate", "period": "2015", "as_of": "yesterday"}, "as_of"),
        ({"key": "tickets.closure_rate", "period": "2015", "as_of": "2016-01-01T00:00"}, "as_of"),
    ]
    for query, field in cases:
        response = client.get(url, query)
        assert response.status_code == 400, query
        error = re.search(r'id="records-error">(.*?)<', response.content.decode(), re.S)[1]
        assert re.match(rf"{field}[:：]", error), (query, error)


def test_drilldown_queries_are_constant(world, desk, page_as, django_assert_max_num_queries):
    client = page_as(world.a.users["committee_staff"])
    url = f"/c/{desk.community.slug}/dashboard/records/"
    query = {"key": "tickets.on_time_resolution_rate", "period": "2015", "as_of": AS_OF.isoformat()}
    counts = []
    for total in (16, 160):
        varied(desk, count=total)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {**query, "page": 2}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    # Session, user, membership; the tuned transaction (savepoint, two settings, release);
    # count with numerator, the page, its facts; the stored figure; the header's communities.
    with django_assert_max_num_queries(12):
        client.get(url, query)


def test_rows_show_the_tickets_own_values_and_link_where_the_role_may_read(world, desk, page_as):
    """Response minutes 30, 90 and 60 (tests/reports_pages/conftest.py, hand_built)."""
    from .conftest import hand_built

    hand_built(desk)
    query = {"key": "tickets.response_minutes.median", "period": "2015"}
    url = f"/c/{desk.community.slug}/dashboard/records/"
    page = page_as(world.a.users["committee_staff"]).get(url, query).content.decode()
    values = re.findall(r'<td class="text-end gz-num">([\d.,]+)</td>', page)
    assert values == ["30.0", "90.0", "60.0"]  # oldest first
    # Ratings are whole: 5 and 3, not "5.0".
    rated = page_as(world.a.users["committee_staff"]).get(
        url, {"key": "tickets.satisfaction_rate", "period": "2015"}
    )
    assert re.findall(r'<td class="text-end gz-num">([\d.,]+)</td>', rated.text) == ["5", "3"]
    ticket_link = rf'href="/c/{desk.community.slug}/complaints/\d+/"'
    assert len(re.findall(ticket_link, page)) == 3
    officer = page_as(world.a.users["street_officer"]).get(url, query).content.decode()
    assert not re.findall(ticket_link, officer)
    assert len(re.findall(r'data-ticket="\d+"', officer)) == 3
