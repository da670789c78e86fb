"""The shared fixture world (STYLE.md, Tests): two communities, each with one user of every role,
a compound, a building, a unit, a household and a resident; plus an outsider with no membership.
"""

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Community, Membership, User
from residents.models import Building, Household, Resident, Unit
from tests import factories

ROLES = list(Membership.Role)


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language (Chinese): a request by an English
    user leaves English active in the thread, which would leak into the next test's messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class Side:
    community: Community
    users: dict[str, User]
    building: Building
    unit: Unit
    household: Household
    resident: Resident
    extra: dict = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    outsider: User


def _side(prefix: str) -> Side:
    community = factories.CommunityFactory(slug=f"{prefix}-community", name=f"{prefix}社区")
    compound = factories.CompoundFactory(community=community, name=f"{prefix}小区")
    users = {}
    for role in ROLES:
        user = factories.UserFactory(username=f"{prefix}-{role}")
        factories.MembershipFactory(community=community, user=user, role=role)
        users[role] = user
    building = factories.BuildingFactory(compound=compound, name="1号楼")
    unit = factories.UnitFactory(building=building, name="1单元")
    household = factories.HouseholdFactory(unit=unit, room="101")
    resident = factories.ResidentFactory(
        household=household, name=f"{prefix}居民", user=users[Membership.Role.RESIDENT]
    )
    return Side(community, users, building, unit, household, resident)


@pytest.fixture
def world(db) -> World:
    return World(a=_side("a"), b=_side("b"), outsider=factories.UserFactory(username="outsider"))


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated as `user` with an API token, as a client
    of the API is (None: anonymous). The token's look-up also reads the user's roles in the
    URL's community (community.authentication), so every API test goes through it."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def page_as(client):
    """page_as(user) -> the Django test client logged in as `user` (None: anonymous)."""

    def make(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make
