"""The header's menu offers the resident's intake pages ("submit a complaint", "report a
repair") only to members holding the resident role in that community; staff who may enter
requests for residents keep the start page's cards worded for that."""

import pytest

from community.models import Membership
from tests import factories

Role = Membership.Role
ROLES = list(Role)


def header_links(page) -> set[str]:
    html = page.content.decode()
    menu = html.split('id="community-nav"')[1].split("</nav>")[0]
    return {href for href in ("complaints/new/", "work-orders/new/") if f'/{href}"' in menu}


@pytest.mark.parametrize("role", ROLES)
def test_only_residents_get_the_intake_links_in_the_header(page_as, world, role):
    slug = world.a.community.slug
    page = page_as(world.a.users[role]).get(f"/c/{slug}/")
    expected = {"complaints/new/", "work-orders/new/"} if role == Role.RESIDENT else set()
    assert header_links(page) == expected
    if role == Role.COMMITTEE_STAFF:
        # The start page still offers staff to enter a complaint for a resident.
        main = page.content.decode().split('id="main"')[1]
        assert f'href="/c/{slug}/complaints/new/"' in main and "代居民登记投诉" in main


def test_a_staff_member_who_is_also_a_resident_there_gets_them(page_as, world):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    client = page_as(staff)
    assert header_links(client.get(f"/c/{world.a.community.slug}/")) == set()
    # A resident of another community only: still none here.
    factories.MembershipFactory(community=world.b.community, user=staff, role=Role.RESIDENT)
    assert header_links(client.get(f"/c/{world.a.community.slug}/")) == set()
    assert header_links(client.get(f"/c/{world.b.community.slug}/")) == {
        "complaints/new/",
        "work-orders/new/",
    }
    factories.MembershipFactory(community=world.a.community, user=staff, role=Role.RESIDENT)
    assert header_links(client.get(f"/c/{world.a.community.slug}/")) == {
        "complaints/new/",
        "work-orders/new/",
    }
