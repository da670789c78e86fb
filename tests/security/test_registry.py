"""Adversarial review of the housing registry (residents/).

Finding pinned here: the resident search matched the exact phone or ID-card number for every
role that may list residents. A property manager, who may not reveal identifiers, sees the
masked values (110105********002X, 138****8000) and could try the hidden digits one search at a
time (at most ~36,500 birth dates, 10,000 phone endings) until a row matched: a full reveal
with no access-log row. Identifier search is now for the roles that may reveal (and is the
same check as reveal itself); every reader keeps the search by name.
"""

import pytest

from community.models import Membership
from residents import services

Role = Membership.Role
KNOWN_ID = "11010519491231002X"


@pytest.fixture
def identified(world):
    return services.resident_update(
        resident=world.a.resident, data={"phone": "138 0013 8000", "id_number": KNOWN_ID}
    )


def api_search(api_as, user, side, q):
    response = api_as(user).get(f"/api/v1/c/{side.community.slug}/residents/", {"q": q})
    assert response.status_code == 200
    return [r["name"] for r in response.json()["results"]]


def page_search(page_as, user, side, q):
    response = page_as(user).get(f"/c/{side.community.slug}/registry/residents/", {"q": q})
    assert response.status_code == 200
    return [r.name for r in response.context["object_list"]]


@pytest.mark.parametrize("search", [api_search, page_search], ids=["api", "page"])
@pytest.mark.parametrize("q", ["13800138000", KNOWN_ID, KNOWN_ID.lower()])
def test_a_role_that_may_not_reveal_cannot_match_an_identifier(
    world, identified, api_as, page_as, search, q
):
    client = api_as if search is api_search else page_as
    manager = world.a.users[Role.PROPERTY_MANAGER]
    assert search(client, manager, world.a, q) == []


@pytest.mark.parametrize("search", [api_search, page_search], ids=["api", "page"])
@pytest.mark.parametrize("q", ["138-0013-8000", KNOWN_ID.lower()])
def test_a_role_that_may_reveal_still_finds_by_identifier(
    world, identified, api_as, page_as, search, q
):
    client = api_as if search is api_search else page_as
    staff = world.a.users[Role.COMMITTEE_STAFF]
    assert search(client, staff, world.a, q) == ["a居民"]


@pytest.mark.parametrize("search", [api_search, page_search], ids=["api", "page"])
def test_every_reader_still_finds_by_name(world, identified, api_as, page_as, search):
    client = api_as if search is api_search else page_as
    manager = world.a.users[Role.PROPERTY_MANAGER]
    assert search(client, manager, world.a, "居民") == ["a居民"]
