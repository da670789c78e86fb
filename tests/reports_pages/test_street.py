"""The street-office view: only the officer's communities, side by side, sortable, never
ranking a community on fewer tickets than METRICS_RANK_MIN_N."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Community, Membership, Organisation
from tests import factories
from tests.reports.conftest import Desk, at

pytestmark = pytest.mark.django_db
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)


def tickets(community, *, eligible: int, done: int, response_minutes: int) -> None:
    desk = Desk(community)
    for i in range(eligible):
        s = at(2015, 3, 1 + i, 10)
        steps = [("accepted", s + response_minutes * M)]
        if i < done:
            steps.append(("resolved", s + 120 * M))
        desk.ticket(s, *steps)


@pytest.fixture
def officer(world, settings):
    """A street officer of a (5 tickets, 4 done, answered in 60 min), b (4, 2 done, 30 min) and
    c (2, both done, 10 min: best values, too few tickets); a resident of d."""
    settings.METRICS_RANK_MIN_N = 4
    c = factories.CommunityFactory(slug="c-community", name="c社区")
    d = factories.CommunityFactory(slug="d-community", name="d社区")
    tickets(world.a.community, eligible=5, done=4, response_minutes=60)
    tickets(world.b.community, eligible=4, done=2, response_minutes=30)
    tickets(c, eligible=2, done=2, response_minutes=10)
    tickets(d, eligible=9, done=9, response_minutes=1)
    user = factories.UserFactory(username="street")
    for community in (world.a.community, world.b.community, c):
        factories.MembershipFactory(user=user, community=community, role="street_officer")
    factories.MembershipFactory(user=user, community=d, role=Membership.Role.RESIDENT)
    return user


def table(page: str) -> list[tuple[str, str, str]]:
    """[(community slug, rank, closure cell text)] in page order."""
    rows = re.findall(
        r'<tr data-community="([\w-]+)">\s*<td[^>]*data-cell="rank">(.*?)</td>(.*?)</tr>',
        page,
        re.S,
    )
    result = []
    for slug, rank, rest in rows:
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r'<td class="text-end gz-num text-nowrap">(.*?)</td>', rest, re.S)
        ]
        result.append((slug, rank, cells[1]))
    return result


def test_only_the_officers_communities_and_no_rank_below_the_minimum(officer, page_as):
    page = page_as(officer).get("/street/?period=2015").content.decode()
    assert table(page) == [
        ("a-community", "1", "80.0 % n=5"),
        ("b-community", "2", "50.0 % n=4"),
        ("c-community", "—", "100.0 % n=2"),
    ]
    assert re.search(r'id="min-n">[^<]*\b4\b', page)


@pytest.mark.parametrize(
    ("sort", "order", "ranks", "aria"),
    [
        ("-tickets.closure_rate", ["b", "a", "c"], ["2", "1", "—"], "tickets.closure_rate asc"),
        ("name", ["a", "b", "c"], ["1", "2", "—"], "name asc"),
        ("-name", ["c", "b", "a"], ["—", "2", "1"], "name desc"),
        ("tickets.count", ["a", "b", "c"], ["1", "2", "—"], "tickets.count desc"),
        # Lower is better for durations: b (30 min) before a (60 min); c (10 min) unranked.
        (
            "tickets.response_minutes.median",
            ["b", "a", "c"],
            ["1", "2", "—"],
            "tickets.response_minutes.median asc",
        ),
        (
            "-tickets.response_minutes.median",
            ["a", "b", "c"],
            ["2", "1", "—"],
            "tickets.response_minutes.median desc",
        ),
        ("nonsense", ["a", "b", "c"], ["1", "2", "—"], "tickets.closure_rate desc"),
    ],
)
def test_sorting_keeps_unranked_rows_last(officer, page_as, sort, order, ranks, aria):
    """Best first is each figure's own direction; aria-sort says how the values run (80 % then
    50 % is descending, 30 min then 60 min ascending)."""
    page = page_as(officer).get("/street/", {"period": "2015", "sort": sort}).content.decode()
    found = table(page)
    assert [slug[0] for slug, _rank, _cell in found] == order
    assert [rank for _slug, rank, _cell in found] == ranks
    column, direction = aria.split()
    marked = re.findall(r'aria-sort="(\w+)"><a [^>]*data-sort="([\w.]+)"', page)
    assert marked == [({"asc": "ascending", "desc": "descending"}[direction], column)]


def test_who_may_open_it(world, officer, page_as):
    assert page_as(world.a.users["committee_staff"]).get("/street/").status_code == 403
    assert page_as(world.outsider).get("/street/").status_code == 403
    page = page_as(world.a.users["street_officer"]).get("/street/?period=2015").content.decode()
    assert [slug for slug, _rank, _cell in table(page)] == ["a-community"]
    assert page_as(officer).get("/street/?period=2015-5").status_code == 400


def test_home_page_links_street_officers_only(world, officer, page_as):
    assert 'id="street-link"' in page_as(officer).get("/").content.decode()
    assert 'id="street-link"' not in page_as(world.a.users["evaluator"]).get("/").content.decode()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_communities(world, page_as, django_assert_max_num_queries):
    user = factories.UserFactory(username="many")
    client = page_as(user)
    counts = []
    for batch in (3, 20):
        while Membership.objects.filter(user=user).count() < batch:
            community = factories.CommunityFactory()
            tickets(community, eligible=6, done=3, response_minutes=20)
            factories.MembershipFactory(user=user, community=community, role="street_officer")
        _queries(client, "/street/?period=2015")  # computes and stores what is missing
        counts.append(_queries(client, "/street/?period=2015"))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        client.get("/street/?period=2015")


def test_one_table_per_street_office_ranked_within_it(world, officer, page_as):
    """a and b belong to 新华街道办事处, c to none: two tables, c unranked in its own."""
    office = factories.OrganisationFactory(
        name="新华街道办事处", kind=Organisation.Kind.STREET_OFFICE
    )
    Community.objects.filter(pk__in=[world.a.community.pk, world.b.community.pk]).update(
        street_office=office
    )
    page = page_as(officer).get("/street/?period=2015").content.decode()
    sections = re.findall(r'data-office="([^"]*)">(.*?)</table>', page, re.S)
    assert [name for name, _body in sections] == ["新华街道办事处", ""]
    assert [slug for slug, _rank, _cell in table(sections[0][1])] == ["a-community", "b-community"]
    assert table(sections[1][1]) == [("c-community", "—", "100.0 % n=2")]
    # Short headings, the full label as their tooltip; instants with their time zone.
    assert 'title="按时办结率"' in page
    assert '<span data-timezone title="Asia/Shanghai">北京时间（UTC+08:00）</span>' in page


def test_default_period_is_the_latest_year_with_data(officer, page_as):
    page = page_as(officer).get("/street/").content.decode()
    assert '<option value="2015" selected>' in page
    assert [slug for slug, _rank, _cell in table(page)] == [
        "a-community",
        "b-community",
        "c-community",
    ]


def test_values_computed_within_one_minute_show_one_instant(world, officer, page_as):
    from reports.metrics import Target
    from reports.periods import Period
    from reports.services import metrics_compute_many

    year = Period.parse("2015")
    first = dt.datetime(2026, 3, 2, 1, 0, 5, tzinfo=dt.UTC)  # 09:00 in Shanghai
    for i, community in enumerate(Community.objects.filter(slug__endswith="-community")):
        metrics_compute_many(targets=[Target(community, year)], as_of=first + i * 20 * S)
    page = page_as(officer).get("/street/?period=2015").content.decode()
    shown = re.search(r"<p [^>]*data-as-of>(.*?)<span", page, re.S)[1]
    assert shown.split() == ["数据截至", "2026-03-02", "09:00"]
