"""Django admin for the platform operator."""

import pytest

from community.models import Membership
from tests import factories

MODELS = ["community", "compound", "organisation", "membership", "user"]


@pytest.fixture
def operator(db):
    return factories.UserFactory(username="operator", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("model", MODELS)
def test_operator_opens_every_changelist_and_add_form(page_as, operator, world, model):
    client = page_as(operator)
    assert client.get(f"/admin/community/{model}/").status_code == 200
    assert client.get(f"/admin/community/{model}/add/").status_code == 200


def test_search_and_filters(page_as, operator, world):
    client = page_as(operator)
    found = client.get("/admin/community/membership/", {"q": "a-resident"})
    assert [m.user.username for m in found.context["cl"].result_list] == ["a-resident"]
    filtered = client.get(
        "/admin/community/membership/",
        {"role__exact": "technician", "community__id__exact": world.b.community.pk},
    )
    assert [m.user.username for m in filtered.context["cl"].result_list] == ["b-technician"]
    communities = client.get("/admin/community/community/", {"q": "b-comm"})
    assert [c.slug for c in communities.context["cl"].result_list] == ["b-community"]


def test_user_page_edits_language_and_memberships(page_as, operator, world):
    user = world.a.users["resident"]
    page = page_as(operator).get(f"/admin/community/user/{user.pk}/change/").content.decode()
    assert 'name="language"' in page
    assert 'name="memberships-0-role"' in page
    assert Membership.objects.filter(user=user).count() == 1


def test_portal_users_cannot_open_the_admin(page_as, world):
    response = page_as(world.a.users["committee_staff"]).get("/admin/community/community/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
