"""The review's challenge lists (reports/review/selectors.py `_challenges`): buildings are told
apart by compound, and the worst-category rankings say what they rank."""

from reports.review import selectors, services
from tests import factories
from tests.reports.conftest import Desk, at
from tests.review.conftest import SH, YEAR


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
