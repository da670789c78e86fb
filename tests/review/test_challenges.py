"""The review's challenge lists (reports/review/selectors.py `_challenges`): buildings are told
apart by compound, and the worst-category rankings say what they rank."""

import datetime as dt

from django.utils import translation

from reports.review import selectors, services
from tests import factories
from tests.reports.conftest import Desk, at
from tests.review.conftest import SH, YEAR
from tickets.models import Ticket


def challenges(community):
    services.review_figures_compute(community=community, year=YEAR)
    review = selectors.annual_review_get(community=community, year=YEAR)
    return selectors.review_data(community=community, year=YEAR, review=review).challenges


def test_buildings_of_the_same_name_in_different_compounds_are_counted_apart(world):
    """ "6号楼" in three compounds with 4, 3 and 2 complaints: two buildings are repeated (4 and
    3, not one "6号楼" with 9); the one with 2 is not; each named with its compound."""
    community = world.a.community
    desk = Desk(community)
    for compound_name, complaints in (("幸福里一期", 4), ("幸福里二期", 3), ("幸福里三期", 2)):
        compound = factories.CompoundFactory(community=community, name=compound_name)
        building = factories.BuildingFactory(compound=compound, name="6号楼")
        for i in range(complaints):
            ticket = desk.ticket(at(YEAR, 5, 1 + i, 9, tz=SH))
            ticket.building = building
            ticket.save(update_fields=["building"])
    buildings = challenges(community)[2]
    assert buildings.rows == [["幸福里一期 6号楼", "4"], ["幸福里二期 6号楼", "3"]]


def categories(desk, plan):
    """plan: {code: [(resolved, rating or None)]}: one complaint of 2015 per entry."""
    day = at(YEAR, 4, 1, 9, tz=SH)
    for code, tickets in plan.items():
        for i, (resolved, rating) in enumerate(tickets):
            start = day + dt.timedelta(days=i)
            steps = [("resolved", start + dt.timedelta(hours=3))] if resolved else []
            if rating is not None:
                steps.append(("rate", start + dt.timedelta(hours=4), rating))
            ticket = desk.ticket(start, *steps, category=code)
            if resolved:  # the derived state now, which Desk leaves at "submitted"
                Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)


def test_worst_categories_show_only_those_below_100_percent(world):
    """Unrated: lift 6 of 6 closed (100 %), noise 4 of 5 (80.0 %): the closure ranking lists
    noise alone; satisfaction has no category with 5 rated tickets (it has 11 tickets)."""
    community = world.a.community
    desk = Desk(community)
    categories(desk, {"lift": [(True, None)] * 6, "noise": [(True, None)] * 4 + [(False, None)]})
    with translation.override("zh-hans"):
        closure, satisfaction = challenges(community)[:2]
        assert closure.rows == [["noise", "80.0 %", "5"]]
        assert satisfaction.rows == []
        assert satisfaction.empty == "没有类别的已评价诉求达到 5 件及以上。"


def test_all_categories_at_100_percent_are_not_a_worst_list(world):
    """All closed; lift rated 5 six times (100 %), noise rated 2, 5, 5, 5, 5 (4 of 5 satisfied:
    80.0 %): no closure ranking (both 100 %), satisfaction lists noise alone."""
    community = world.a.community
    desk = Desk(community)
    noise = [(True, 2)] + [(True, 5)] * 4
    categories(desk, {"lift": [(True, 5)] * 6, "noise": noise})
    with translation.override("zh-hans"):
        closure, satisfaction = challenges(community)[:2]
        assert closure.rows == []
        assert closure.empty == "5 件及以上的类别中，没有办结率低于 100.0 % 的类别。"
        assert satisfaction.rows == [["noise", "80.0 %", "5"]]
