"""The dashboard shows the engine's figures: hand-built tickets, values computed by hand."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import urlencode

from reports.models import MetricValue
from reports.review.services import review_figures_compute
from reports.services import metrics_compute
from tests.reports.conftest import at
from tickets.models import Ticket

from .conftest import figure_link, figure_row, hand_built

pytestmark = pytest.mark.django_db


def test_figures_on_the_page_are_the_hand_computed_ones(world, desk, page_as):
    hand_built(desk)
    response = page_as(world.a.users["committee_staff"]).get(
        f"/c/{desk.community.slug}/dashboard/?period=2015"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert figure_row(page, "tickets.closure_rate") == {
        "value": "66.7 %",
        "n": "3",
        "last": "50.0 %",
        "change": "+16.7 个百分点",
    }
    assert figure_row(page, "tickets.satisfaction_rate") | {"last": ""} == {
        "value": "50.0 %",
        "n": "2",
        "last": "",
        "change": "—",
    }
    response_row = figure_row(page, "tickets.response_minutes.median")
    assert response_row["value"].startswith("60.0 ") and response_row["n"] == "3"
    resolution = figure_row(page, "tickets.resolution_hours.median")
    assert resolution["value"].startswith("15.0 ") and resolution["n"] == "2"
    assert figure_row(page, "tickets.count")["value"] == "3"
    assert figure_row(page, "tickets.ineligible_count")["value"] == "1"
    # No work order: no data, never 0 %.
    assert figure_row(page, "work_orders.repair_completion_rate")["value"] == "—"
    assert figure_row(page, "work_orders.repair_completion_rate")["n"] == "0"


def test_stored_values_are_read_and_their_as_of_shown(world, desk, page_as):
    hand_built(desk)
    as_of = dt.datetime(2016, 2, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
    metrics_compute(community=desk.community, period="2015", as_of=as_of)
    # A stored value is what the page shows, even where the records have changed since.
    MetricValue.objects.filter(
        community=desk.community, period="2015", key="tickets.closure_rate"
    ).update(value=0.125, numerator=1, denominator=8, n=8)
    page = (
        page_as(world.a.users["owners_committee"])
        .get(f"/c/{desk.community.slug}/dashboard/?period=2015")
        .content.decode()
    )
    assert figure_row(page, "tickets.closure_rate")["value"] == "12.5 %"
    assert figure_row(page, "tickets.closure_rate")["n"] == "8"
    assert "2016-02-01 12:00" in page
    link = figure_link(page, "tickets.closure_rate")
    query = urlencode({"key": "tickets.closure_rate", "period": "2015", "as_of": as_of.isoformat()})
    assert link == f"/c/{desk.community.slug}/dashboard/records/?{query}"
    # The drill-down counts the tickets as of the same instant: three eligible.
    records = page_as(world.a.users["owners_committee"]).get(link).content.decode()
    assert 'id="count-n">3<' in records and 'id="count-numerator">2<' in records


def test_periods_and_trends(world, desk, page_as):
    hand_built(desk)
    client = page_as(world.a.users["committee_staff"])
    url = f"/c/{desk.community.slug}/dashboard/"
    page = client.get(url, {"period": "2015-Q1"}).content.decode()
    # Q1 2015: two tickets, both resolved; Q1 2014 had none.
    assert figure_row(page, "tickets.closure_rate") == {
        "value": "100.0 %",
        "n": "2",
        "last": "—",
        "change": "—",
    }
    charts = re.findall(r"<svg.*?</svg>", page, re.S)
    assert charts and not any("<script" in chart for chart in charts)
    # Trends are the twelve months up to the end of the period (April 2014 - March 2015).
    stored = set(
        MetricValue.objects.filter(community=desk.community).values_list("period", flat=True)
    )
    assert {"2015-Q1", "2014-Q1", "2014-04", "2015-03"} <= stored and "2015-04" not in stored
    page = client.get(url, {"period": "2015-03"}).content.decode()
    assert figure_row(page, "tickets.closure_rate")["value"] == "100.0 %"
    response = client.get(url, {"period": "2015-Q5"})
    assert response.status_code == 400
    assert 'id="period-error">period: ' in response.content.decode()


def test_the_default_period_is_the_latest_local_year_with_tickets(world, desk, page_as):
    """The current local year without tickets or with this year's; an imported community
    whose tickets end in 2015 opens on 2015, not on an empty year."""

    def selected() -> str:
        page = page_as(world.a.users["evaluator"]).get(f"/c/{desk.community.slug}/dashboard/")
        return re.search(r'<option value="(\d{4})" selected>', page.content.decode())[1]

    now = dt.datetime.now(desk.community.tz)
    assert selected() == str(now.year)
    # 31 December 2015, 23:30 in Shanghai (15:30 UTC): that local year, not the UTC one.
    desk.ticket(dt.datetime(2015, 12, 31, 23, 30, tzinfo=desk.community.tz))
    assert selected() == "2015"
    desk.ticket(now - dt.timedelta(minutes=5))
    assert selected() == str(now.year)


def test_recompute_button_for_staff_only(world, desk, page_as):
    url = f"/c/{desk.community.slug}/dashboard/?period=2015"
    assert 'id="recompute"' in page_as(world.a.users["committee_staff"]).get(url).content.decode()
    for role in ("property_manager", "evaluator", "street_officer", "owners_committee"):
        assert 'id="recompute"' not in page_as(world.a.users[role]).get(url).content.decode()


def test_records_of_other_figures_are_linked_where_the_role_may_read_them(world, desk, page_as):
    url = f"/c/{desk.community.slug}/dashboard/?period=2015-Q2"
    staff = page_as(world.a.users["committee_staff"]).get(url).content.decode()
    assert figure_link(staff, "governance.topic_resolution_rate") == (
        f"/c/{desk.community.slug}/topics/?date_from=2015-04-01&date_to=2015-06-30"
    )
    officer = page_as(world.a.users["street_officer"]).get(url).content.decode()
    assert figure_link(officer, "governance.topic_resolution_rate") is None
    assert figure_link(officer, "tickets.closure_rate").startswith(
        f"/c/{desk.community.slug}/dashboard/records/?key=tickets.closure_rate&period=2015-Q2"
    )


def test_record_lists_exist_and_filter_by_date():
    from django.urls import resolve, reverse

    from community.permissions import MATRIX
    from reports.dashboard import RECORD_LISTS

    for prefix, (url_name, resource, dated) in RECORD_LISTS.items():
        view = resolve(reverse(url_name, args=["x"])).func.view_class
        assert resource in MATRIX, prefix
        if dated:
            assert {"date_from", "date_to"} <= set(view.filterset_class.base_filters), prefix


def test_dashboard_queries_are_constant(world, desk, page_as, django_assert_max_num_queries):
    """Stored values: the same number of queries with 10 or 200 tickets; computing the
    missing ones is one batch whatever the number of months."""
    client = page_as(world.a.users["committee_staff"])
    url = f"/c/{desk.community.slug}/dashboard/?period=2015"
    counts = []
    for total in (10, 200):
        MetricValue.objects.all().delete()
        while Ticket.objects.filter(community=desk.community).count() < total:
            i = Ticket.objects.filter(community=desk.community).count()
            s = at(2015, 1 + i % 12, 1 + i % 28, 3)
            desk.ticket(s, ("accepted", s + dt.timedelta(minutes=i)))
        with CaptureQueriesContext(connection) as computing:
            client.get(url)
        with CaptureQueriesContext(connection) as stored:
            client.get(url)
        counts.append((len(computing), len(stored)))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(10):
        client.get(url)


def test_the_period_menu_lists_periods_with_data_and_today(world, desk, page_as):
    hand_built(desk)  # tickets in March-May 2015 and June 2014
    page = (
        page_as(world.a.users["evaluator"])
        .get(f"/c/{desk.community.slug}/dashboard/", {"period": "2015"})
        .content.decode()
    )
    options = re.findall(r'<option value="([\dQ-]+)"', page)
    today = dt.datetime.now(desk.community.tz).date()
    now = [str(today.year), f"{today.year}-Q{(today.month + 2) // 3}", f"{today:%Y-%m}"]
    assert options == [
        *now,
        "2015",
        "2015-Q1",
        "2015-Q2",
        "2015-03",
        "2015-04",
        "2015-05",
        "2014",
        "2014-Q2",
        "2014-06",
    ]


def test_a_period_not_over_says_to_which_day_and_what_it_is_compared_with(world, desk, page_as):
    today = dt.datetime.now(desk.community.tz).date()
    page = (
        page_as(world.a.users["evaluator"])
        .get(f"/c/{desk.community.slug}/dashboard/")
        .content.decode()
    )
    day = f"{today.month}月{today.day}日"
    assert f'<h1 class="h3 mb-2">数据看板 {today.year}（截至 {day}）</h1>' in page
    note = re.search(r'id="to-date">(.*?)</div>', page, re.S)[1]
    assert day in note and f"{today.year - 1} 全年" in note
    page = (
        page_as(world.a.users["evaluator"])
        .get(f"/c/{desk.community.slug}/dashboard/", {"period": "2015"})
        .content.decode()
    )
    assert 'id="to-date"' not in page and "截至" not in page.split("<h1")[1].split("</h1>")[0]


def test_the_time_zone_is_shown_in_words_with_its_offset(world, desk, page_as):
    hand_built(desk)
    staff = world.a.users["committee_staff"]
    url = f"/c/{desk.community.slug}/dashboard/?period=2015"
    zone = '<dt>时区</dt><dd title="Asia/Shanghai">北京时间（UTC+08:00）</dd>'
    assert zone in page_as(staff).get(url).content.decode()
    staff.language = "en"
    staff.save(update_fields=["language"])
    page = page_as(staff).get(url).content.decode()
    assert '<dd title="Asia/Shanghai">China Standard Time (UTC+08:00)</dd>' in page
    assert "Asia/Shanghai</dd>" not in page
    # Another zone: its IANA name and offset (Tokyo keeps +09:00 all year).
    desk.community.timezone = "Asia/Tokyo"
    desk.community.save(update_fields=["timezone"])
    page = page_as(staff).get(url).content.decode()
    assert '<dd title="Asia/Tokyo">Asia/Tokyo (UTC+09:00)</dd>' in page


def test_left_out_reads_the_same_on_the_dashboard_and_in_the_review(world, desk, page_as):
    """hand_built: one rejected ticket of 2015, left out of the ticket count."""
    hand_built(desk)
    client = page_as(world.a.users["committee_staff"])
    review_figures_compute(community=desk.community, year=2015)
    dashboard = client.get(f"/c/{desk.community.slug}/dashboard/?period=2015").content.decode()
    review = client.get(f"/c/{desk.community.slug}/review/2015/").content.decode()
    row = re.search(r'<tr data-key="tickets.count">(.*?)</tr>', dashboard, re.S)[1]
    assert re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1] == "不予受理 1 条"
    assert "未计入：不予受理 1 条</span>" in review
