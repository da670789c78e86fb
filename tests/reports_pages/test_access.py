"""Tenancy and the permission matrix of `metrics` through real requests."""

import pytest

from community import permissions
from community.models import Membership
from reports.models import MetricValue

pytestmark = pytest.mark.django_db
ROLES = list(Membership.Role)
QUERY = "?key=tickets.closure_rate&period=2015"


def pages(slug: str) -> list[str]:
    return [f"/c/{slug}/dashboard/?period=2015", f"/c/{slug}/dashboard/records/{QUERY}"]


@pytest.mark.parametrize("role", ROLES)
def test_reading_follows_the_matrix(world, page_as, role):
    client = page_as(world.a.users[role])
    allowed = role in permissions.MATRIX["metrics"][permissions.READ]
    for url in pages(world.a.community.slug):
        assert client.get(url).status_code == (200 if allowed else 403), url


@pytest.mark.parametrize("role", ROLES)
def test_recomputing_follows_the_matrix(world, page_as, role, django_capture_on_commit_callbacks):
    community = world.a.community
    client = page_as(world.a.users[role])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/c/{community.slug}/dashboard/recompute/", {"period": "2015"})
    if role in permissions.MATRIX["metrics"][permissions.WRITE]:
        assert response.status_code == 302
        assert response["Location"] == f"/c/{community.slug}/dashboard/?period=2015"
        # The period, the year before and the twelve months of the trends, as of one instant
        # each, computed by the (eager) task.
        stored = MetricValue.objects.filter(community=community, key="tickets.count")
        assert set(stored.values_list("period", flat=True)) == {
            "2015",
            "2014",
            *(f"2015-{m:02d}" for m in range(1, 13)),
        }
    else:
        assert response.status_code == 403
        assert not MetricValue.objects.exists()


def test_another_communitys_pages_answer_404(world, page_as):
    """Every page of a's figures, for every member of b and for the outsider: 404."""
    slug = world.a.community.slug
    for user in [*world.b.users.values(), world.outsider]:
        client = page_as(user)
        for url in pages(slug):
            assert client.get(url).status_code == 404, (user, url)
        response = client.post(f"/c/{slug}/dashboard/recompute/", {"period": "2015"})
        assert response.status_code == 404
    assert not MetricValue.objects.filter(community=world.a.community).exists()


def test_anonymous_visitors_are_sent_to_log_in(world, page_as):
    client = page_as(None)
    for url in [*pages(world.a.community.slug), "/street/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
