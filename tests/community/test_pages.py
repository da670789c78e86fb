"""The home page, the community start page and the navigation registry (community/nav.py)."""

import pytest
from django.urls import reverse

from community import nav
from community.models import Membership
from community.tenancy import tenancy_resolve
from tests import factories

ROLES = list(Membership.Role)


def test_home_lists_the_users_communities_with_roles(page_as, world):
    user = world.a.users["property_manager"]
    factories.MembershipFactory(community=world.b.community, user=user, role="technician")
    page = page_as(user).get(reverse("community:home")).content.decode()
    assert page.count('class="card gz-card gz-card-link h-100"') == 2
    assert f'href="/c/{world.a.community.slug}/"' in page
    assert f'href="/c/{world.b.community.slug}/"' in page
    assert "物业项目经理/客服" in page and "维修工/保安/保洁" in page


def test_home_without_membership_says_whom_to_ask(page_as, world):
    page = page_as(world.outsider).get(reverse("community:home")).content.decode()
    assert "您还不是任何社区的成员" in page
    assert "gz-card-link" not in page


def test_inactive_memberships_are_not_listed(page_as, world):
    user = world.a.users["resident"]
    Membership.objects.filter(user=user).update(is_active=False)
    page = page_as(user).get(reverse("community:home")).content.decode()
    assert world.a.community.name not in page
    assert page_as(user).get(f"/c/{world.a.community.slug}/").status_code == 404


def test_the_switcher_lists_only_my_communities(page_as, world):
    user = world.a.users["committee_staff"]
    factories.MembershipFactory(community=world.b.community, user=user)
    other = factories.CommunityFactory(name="别人的社区")
    page = page_as(user).get(f"/c/{world.b.community.slug}/").content.decode()
    switcher = page.split('aria-labelledby="community-switcher"')[1].split("</ul>")[0]
    assert f'href="/c/{world.a.community.slug}/">{world.a.community.name}' in switcher
    assert f'active" href="/c/{world.b.community.slug}/" aria-current="page"' in switcher
    assert other.name not in page


@pytest.mark.parametrize("role", ROLES)
def test_every_member_opens_the_start_page(page_as, world, role):
    page = page_as(world.a.users[role]).get(f"/c/{world.a.community.slug}/")
    assert page.status_code == 200
    assert page.context["community"] == world.a.community
    assert page.context["tenancy"].roles == {role}
    assert str(Membership.Role(role).label) in page.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_another_communitys_start_page_is_404(page_as, world, role):
    assert page_as(world.a.users[role]).get(f"/c/{world.b.community.slug}/").status_code == 404


def test_outsider_and_unknown_community_are_404(page_as, world):
    assert page_as(world.outsider).get(f"/c/{world.a.community.slug}/").status_code == 404
    staff = world.a.users["committee_staff"]
    assert page_as(staff).get("/c/no-such-community/").status_code == 404


def test_start_page_shows_the_compounds(page_as, world):
    company = factories.OrganisationFactory(name="安居物业", kind="property_company")
    factories.CompoundFactory(
        community=world.a.community,
        name="幸福里二期",
        land_area_m2=52000,
        green_area_m2=18720,
        property_company=company,
    )
    page = page_as(world.a.users["resident"]).get(f"/c/{world.a.community.slug}/")
    html = page.content.decode()
    assert [c.name for c in page.context["compounds"]] == ["a小区", "幸福里二期"]
    assert ">52000<" in html and ">18720<" in html and "安居物业" in html


@pytest.fixture
def registry(monkeypatch):
    """A navigation registry holding only the entries a test registers."""
    monkeypatch.setattr(nav, "_ENTRIES", {})
    return nav


@pytest.mark.parametrize("role", ROLES)
def test_cards_and_menu_show_what_the_role_may_open(page_as, world, registry, role):
    registry.register(
        "community:community-home",
        "Buildings card",
        resource="building",
        section="registry",
        icon="building",
        description="All buildings",
    )
    page = page_as(world.a.users[role]).get(f"/c/{world.a.community.slug}/").content.decode()
    may = role in {"committee_staff", "property_manager", "technician", "owners_committee"}
    assert ("Buildings card" in page) is may
    assert page.count("Buildings card") == (2 if may else 0)  # the menu and the card
    assert ("房屋与居民" in page) is may
    assert ("您的角色在这里暂时没有可打开的栏目" in page) is not may


@pytest.mark.urls("tests.community.nav_urls")
def test_entries_are_grouped_by_section_in_order_and_marked_active(world, registry):
    slug = world.a.community.slug
    registry.register("figures-test", "Figures", resource="metrics", section="figures")
    registry.register("residents-test", "Residents", resource="resident", section="registry")

    def shown(role, path=""):
        tenancy = tenancy_resolve(user=world.a.users[role], slug=slug)
        return [
            (str(label), [(link.entry.label, link.url, link.active) for link in links])
            for label, links in nav.links_for(tenancy, path)
        ]

    assert shown("committee_staff", f"/c/{slug}/residents-test/?page=2") == [
        ("房屋与居民", [("Residents", f"/c/{slug}/residents-test/", True)]),
        ("数据与年度总结", [("Figures", f"/c/{slug}/figures-test/", False)]),
    ]
    assert shown("street_officer") == [
        ("数据与年度总结", [("Figures", f"/c/{slug}/figures-test/", False)])
    ]
    assert shown("technician") == []


def test_a_typo_in_a_nav_entry_fails_at_once(registry):
    with pytest.raises(KeyError):
        registry.register("x:y", "X", resource="no_such_resource", section="registry")
    with pytest.raises(KeyError):
        registry.register("x:y", "X", resource="building", section="no_such_section")


def test_every_registered_entry_resolves_for_a_community(world):
    for entry in nav.entries():
        assert reverse(entry.url_name, kwargs={"slug": world.a.community.slug}).startswith(
            f"/c/{world.a.community.slug}/"
        )


def test_home_query_count_does_not_grow_with_communities(
    page_as, world, django_assert_max_num_queries
):
    user = world.a.users["evaluator"]
    for n in range(30):
        community = factories.CommunityFactory(name=f"评估社区{n:02d}")
        factories.MembershipFactory(community=community, user=user, role="evaluator")
    client = page_as(user)
    with django_assert_max_num_queries(5):
        page = client.get(reverse("community:home"))
    assert len(page.context["communities"]) == 31


def test_start_page_query_count_does_not_grow_with_compounds(
    page_as, world, django_assert_max_num_queries
):
    for n in range(40):
        factories.CompoundFactory(community=world.a.community, name=f"小区{n:02d}")
    client = page_as(world.a.users["committee_staff"])
    with django_assert_max_num_queries(7):
        page = client.get(f"/c/{world.a.community.slug}/")
    assert len(page.context["compounds"]) == 41
