"""An API token's look-up reads the user's active roles in the URL's community in the same
statement (community.authentication), and tenancy_resolve takes them from the request: the
same answers as its own query, one round trip fewer."""

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from community.authentication import TokenAuthentication
from community.models import Membership
from community.tenancy import tenancy_resolve
from tests import factories

pytestmark = pytest.mark.django_db


def token_of(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def authenticated(key: str, slug: str | None) -> Request:
    """A DRF request for `slug`'s complaints (no slug: an endpoint outside communities),
    authenticated with token `key`, as DRF's view would make it."""
    http = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    kwargs = {} if slug is None else {"slug": slug}
    request = Request(
        http, authenticators=[TokenAuthentication()], parser_context={"kwargs": kwargs}
    )
    request.user  # noqa: B018 (authenticates)
    return request


def test_one_statement_reads_the_token_and_the_roles(world):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token_of(world.a.users['committee_staff'])}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/c/{world.a.community.slug}/complaints/")
    assert response.status_code == 200
    memberships = [q["sql"] for q in queries if "community_membership" in q["sql"]]
    assert len(memberships) == 1
    assert "authtoken_token" in memberships[0]


def test_every_active_role_and_no_other_query(world, django_assert_num_queries):
    user = world.a.users[Membership.Role.RESIDENT]
    factories.MembershipFactory(
        community=world.a.community, user=user, role=Membership.Role.COMMITTEE_STAFF
    )
    factories.MembershipFactory(
        community=world.a.community, user=user, role=Membership.Role.EVALUATOR, is_active=False
    )
    request = authenticated(token_of(user), world.a.community.slug)
    with django_assert_num_queries(0):
        tenancy = tenancy_resolve(user=user, slug=world.a.community.slug, request=request)
    assert tenancy.community == world.a.community
    assert tenancy.community.timezone == world.a.community.timezone  # every column read
    assert tenancy.roles == {Membership.Role.RESIDENT, Membership.Role.COMMITTEE_STAFF}
    # Another slug than the token's look-up read is looked up on its own.
    with django_assert_num_queries(1), pytest.raises(Http404):
        tenancy_resolve(user=user, slug=world.b.community.slug, request=request)


@pytest.mark.parametrize("case", ["another community", "inactive membership", "no community"])
def test_no_active_membership_is_a_404_with_no_other_query(world, case, django_assert_num_queries):
    user, slug = world.a.users[Membership.Role.COMMITTEE_STAFF], world.b.community.slug
    if case == "inactive membership":
        Membership.objects.filter(user=user).update(is_active=False)
        slug = world.a.community.slug
    elif case == "no community":
        slug = "nowhere"
    request = authenticated(token_of(user), slug)
    assert request.user == user
    with django_assert_num_queries(0), pytest.raises(Http404):
        tenancy_resolve(user=user, slug=slug, request=request)
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token_of(user)}").get(
        f"/api/v1/c/{slug}/complaints/"
    )
    assert response.status_code == 404


def test_a_bad_token_or_an_inactive_user_is_refused_whatever_the_community(world):
    user = world.a.users[Membership.Role.COMMITTEE_STAFF]
    slug = world.a.community.slug
    client = APIClient(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get(f"/api/v1/c/{slug}/complaints/").status_code == 401
    key = token_of(user)
    user.is_active = False
    user.save()
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/c/{slug}/complaints/").status_code == 401
