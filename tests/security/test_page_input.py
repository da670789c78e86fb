"""Adversarial review of the record pages' forms: an instant that cannot be stored is refused.

Finding pinned here: a page form took "0001-01-01T00:00" as 00:00 in Asia/Shanghai, which is
in year 0 in UTC. PostgreSQL stored it BC and every later read of the row failed, so one
submitted form broke the incident list (page and API) for everyone with a 500.
"""

import pytest

from community.models import Incident, Membership
from complaints.models import Dispute

Role = Membership.Role


@pytest.fixture
def staff_page(world, page_as):
    return page_as(world.a.users[Role.COMMITTEE_STAFF])


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "0001-01-01 00:05"])
def test_incident_page_refuses_an_instant_before_year_one_utc(world, staff_page, value):
    slug = world.a.community.slug
    response = staff_page.post(
        f"/c/{slug}/emergency/incidents/new/",
        {"kind": "fire", "title": "公元元年", "reported_at": value},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reported_at"]
    assert "请输入公元 1 年至 9999 年之间的时间。" in response.content.decode()
    assert not Incident.objects.filter(title="公元元年").exists()
    assert staff_page.get(f"/c/{slug}/emergency/incidents/").status_code == 200


def test_incident_page_still_takes_an_early_instant_that_can_be_stored(world, staff_page):
    slug = world.a.community.slug
    response = staff_page.post(
        f"/c/{slug}/emergency/incidents/new/",
        {"kind": "fire", "title": "早年", "reported_at": "1900-01-01T08:00"},
    )
    assert response.status_code == 302
    incident = Incident.objects.get(title="早年")
    # Asia/Shanghai kept local mean time (+08:05:43) until 1901.
    assert incident.reported_at.isoformat() == "1899-12-31T23:54:17+00:00"
    assert staff_page.get(f"/c/{slug}/emergency/incidents/").status_code == 200


def test_dispute_page_refuses_an_instant_before_year_one_utc(world, staff_page):
    slug = world.a.community.slug
    response = staff_page.post(
        f"/c/{slug}/disputes/new/",
        {
            "title": "公元元年",
            "kind": "noise",
            "reported_at": "0001-01-01T00:00",
            "applicants": [world.a.household.pk],
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["reported_at"]
    assert not Dispute.objects.filter(title="公元元年").exists()
