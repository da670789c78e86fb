"""Tenant isolation of every non-ticket figure: the same year of records in a second community
changes nothing in the first community's figures (DESIGN.md, Tenancy).

The records are written and the figures computed once for the module, then rolled back."""

import pytest
from django.db import transaction

from reports.metrics import environment, governance, participation, safety, team
from tests import factories
from tests.reports.conftest import at, figures

from .build import year_of_records

MODULES = (environment, safety, governance, participation, team)
KEYS = sorted(
    [key for module in MODULES for key in module.LABELS]
    + [f"environment.hygiene_score_mean[quarter=2015-Q{q}]" for q in range(1, 5)]
    + [f"governance.joint_meetings_count[quarter=2015-Q{q}]" for q in range(1, 5)]
    + [f"disclosure.count[quarter=2015-Q{q}]" for q in range(1, 5)]
    + [
        f"{key}[kind={kind}]"
        for key in ("disclosure.count", "disclosure.channel_coverage_rate")
        for kind in ("property_fee", "public_revenue", "maintenance_fund")
    ]
)


def mine(found: dict) -> dict:
    """The figures of the non-ticket dimensions."""
    labels = {key for module in MODULES for key in module.LABELS}
    return {k: v for k, v in found.items() if k.partition("[")[0] in labels}


@pytest.fixture(scope="module")
def computed(django_db_setup, django_db_blocker):
    """(community A's 2015 figures alone, the same with community B's identical records)."""
    with django_db_blocker.unblock(), transaction.atomic():
        a = factories.CommunityFactory(slug="isolation-a")
        year_of_records(a)
        alone = mine(figures(a, "2015", at(2016, 3, 1)))
        year_of_records(factories.CommunityFactory(slug="isolation-b"))
        with_b = mine(figures(a, "2015", at(2016, 3, 1)))
        transaction.set_rollback(True)
    return alone, with_b


@pytest.mark.parametrize("key", KEYS)
def test_another_communitys_records_do_not_reach_the_figure(computed, key):
    alone, with_b = computed
    assert alone[key]["n"], "the records must move the figure, or the test proves nothing"
    assert with_b[key] == alone[key]


def test_no_key_of_another_community_appears(computed):
    alone, with_b = computed
    assert any("[question=" in key for key in alone)
    assert with_b == alone
