"""A period that ends before a community's records begin has no data (METRICS.md, Rules for
every figure: no data is "—", never 0), so no change from last year is ever computed from it."""

import datetime

import pytest
from django.core.management import call_command

from community.models import Community
from community.services import community_create
from reports.metrics import Target, figures_compute
from reports.periods import Period
from tests import factories
from tickets.models import Category, Ticket, TicketKind

UTC = datetime.UTC


def _ticket(community, category, when):
    return Ticket.objects.create(
        community=community,
        kind=TicketKind.COMPLAINT,
        channel=Ticket.Channel.WEB,
        category=category,
        responsible_party=category.responsible_party,
        submitted_at=when,
    )


@pytest.fixture
def community(db):
    community = factories.CommunityFactory(records_since=datetime.date(2015, 3, 1))
    category = Category.objects.create(
        community=community,
        kind=TicketKind.COMPLAINT,
        code="noise",
        name="噪音",
        responsible_party="neighbourhood_committee",
    )
    _ticket(community, category, datetime.datetime(2015, 3, 5, 2, tzinfo=UTC))
    _ticket(community, category, datetime.datetime(2015, 7, 1, 2, tzinfo=UTC))
    return community


def test_a_period_before_the_records_has_no_data_and_one_overlapping_them_counts(community):
    targets = {p: Target(community, Period.parse(p)) for p in ("2014", "2015-02", "2015-Q1")}
    found = figures_compute(targets=list(targets.values()), as_of=datetime.datetime.now(UTC))

    for before in ("2014", "2015-02"):
        count = found[targets[before]]["tickets.count"]
        assert (count.value, count.n, count.excluded) == (None, None, {"before_records_since": 1})
        assert all(f.value is None for f in found[targets[before]].values())
    # Q1 2015 ends after 1 March 2015: it holds the ticket of 5 March.
    assert found[targets["2015-Q1"]]["tickets.count"].value == 1


def test_community_create_starts_the_records_today_in_its_timezone(db):
    community, _ = community_create(
        slug="new", name="新社区", timezone="Asia/Shanghai", staff_username="new-staff"
    )
    today = datetime.datetime.now(community.tz).date()
    assert Community.objects.get(pk=community.pk).records_since == today


def test_an_import_moves_the_ticket_records_back_to_its_earliest_ticket(db, tmp_path):
    community = factories.CommunityFactory(
        slug="imported", timezone="Asia/Shanghai", records_since=datetime.date(2026, 1, 1)
    )
    export = tmp_path / "old.csv"
    export.write_text(
        "external_id,submitted_at,closed_at,status,category,channel,title,description,"
        "location,response_due_at,resolution_due_at\n"
        "A-1,2019-06-30 23:30:00,2019-07-01 10:00:00,resolved,property_service,phone,"
        "楼道灯坏了,3号楼楼道灯不亮,3号楼,,\n"
        "A-2,2020-01-02 09:00:00,,in_progress,elevator,web,电梯异响,电梯运行有异响,5号楼,,\n",
        encoding="utf-8",
    )
    call_command(
        "import_service_requests",
        str(export),
        "--mapping",
        "tickets/mappings/portal.toml",
        "--community",
        "imported",
    )
    # 2019-06-30 23:30 Shanghai is the earliest ticket's local date; the community's own
    # records still begin in 2026.
    community = Community.objects.get(pk=community.pk)
    assert (community.tickets_since, community.records_since) == (
        datetime.date(2019, 6, 30),
        datetime.date(2026, 1, 1),
    )
    # 2019 counts its ticket; its meetings and drills were never kept here: no data, not 0.
    found = figures_compute(
        targets=[Target(community, Period.parse("2019"))], as_of=datetime.datetime.now(UTC)
    )
    (year,) = found.values()
    assert (year["tickets.count"].value, year["tickets.closure_rate"].value) == (1, 1.0)
    for key in ("governance.joint_meetings_count", "emergency.drills_count"):
        assert (year[key].value, year[key].n, year[key].excluded) == (
            None,
            None,
            {"before_records_since": 1},
        )
    # 2018, before the first ticket: no data either.
    before = Target(community, Period.parse("2018"))
    assert figures_compute(targets=[before], as_of=datetime.datetime.now(UTC))[before][
        "tickets.count"
    ].excluded == {"before_records_since": 1}


def test_a_community_the_import_creates_keeps_its_own_records_from_today(db, tmp_path):
    export = tmp_path / "city.csv"
    export.write_text(
        "external_id,submitted_at,closed_at,status,category,channel,title,description,"
        "location,response_due_at,resolution_due_at,community\n"
        "B-1,2015-03-01 09:00:00,,submitted,property_service,phone,路灯,路灯不亮,1号楼,,,"
        "new-from-import\n",
        encoding="utf-8",
    )
    call_command(
        "import_service_requests", str(export), "--mapping", "tickets/mappings/portal.toml"
    )
    community = Community.objects.get(slug="new-from-import")
    today = datetime.datetime.now(community.tz).date()
    assert (community.tickets_since, community.records_since) == (datetime.date(2015, 3, 1), today)


def test_no_change_from_last_year_when_last_year_is_before_the_records(community):
    """Households registered since 2014, records since 1 March 2015: 2015's complaint rate is
    2 per 100 households, but 2014 had no records, so there is no change to show (not +2)."""
    from residents.models import Household

    unit = factories.UnitFactory(building__compound__community=community)
    for n in range(100):
        factories.HouseholdFactory(unit=unit, room=f"{n + 101}")
    Household.objects.filter(community=community).update(
        created_at=datetime.datetime(2014, 1, 2, tzinfo=UTC)
    )
    target = Target(community, Period.parse("2016"))
    year = Target(community, Period.parse("2015"))
    found = figures_compute(targets=[year, target], as_of=datetime.datetime.now(UTC))
    assert found[year]["complaints.per_100_households"].value == pytest.approx(2.0)
    for key in ("yoy_points", "yoy_change"):
        assert found[year][f"complaints.per_100_households.{key}"].value is None
    # 2016 compares with 2015, which has records: 0 complaints now, 2 then.
    assert found[target]["complaints.per_100_households.yoy_points"].value == pytest.approx(-2.0)
