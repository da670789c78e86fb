"""The portal in a real browser: log in as committee staff, browse the registry, switch
community, log out; and the layout on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(world):
    """Committee staff of both communities, so there is something to switch to."""
    user = world.a.users["committee_staff"]
    factories.MembershipFactory(community=world.b.community, user=user)
    return user


def test_staff_logs_in_browses_the_registry_switches_community_and_logs_out(
    page, live_server, world, staff
):
    a, b = world.a.community, world.b.community
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill("pw-12345-test")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("#my-communities .card")).to_have_count(2)

    page.get_by_role("link", name=re.compile(a.name)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(a.name)
    page.get_by_role("button", name="房屋与居民").click()
    page.locator(f'#community-nav a[href="/c/{a.slug}/registry/buildings/"]').click()
    expect(page).to_have_url(f"{live_server.url}/c/{a.slug}/registry/buildings/")
    expect(page.locator("table tbody")).to_contain_text("1号楼")
    expect(page.locator("table tbody")).to_contain_text("a小区")

    page.get_by_role("button", name="房屋与居民").click()
    page.locator(f'#community-nav a[href="/c/{a.slug}/registry/residents/"]').click()
    rows = page.locator("table tbody")
    expect(rows).to_contain_text("a居民")
    expect(rows).to_contain_text("138****8000")
    expect(rows).not_to_contain_text("13800138000")
    expect(rows).not_to_contain_text("b居民")

    page.locator("#community-switcher").click()
    page.get_by_role("link", name=b.name).click()
    expect(page).to_have_url(f"{live_server.url}/c/{b.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(b.name)
    page.get_by_role("button", name="房屋与居民").click()
    page.locator(f'#community-nav a[href="/c/{b.slug}/registry/residents/"]').click()
    expect(page.locator("table tbody")).to_contain_text("b居民")
    expect(page.locator("table tbody")).not_to_contain_text("a居民")

    page.locator("#user-menu").click()
    page.locator("#logout-button").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"/c/{a.slug}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_language_switch_in_the_header(logged_in_page, world):
    page = logged_in_page(world.a.users["resident"])
    page.goto(f"/c/{world.a.community.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.locator("#language-menu").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#community-nav")).to_contain_text("Overview")
    world.a.users["resident"].refresh_from_db()
    assert world.a.users["resident"].language == "en"


def test_on_a_phone_the_menu_folds_and_nothing_scrolls_sideways(logged_in_page, world, staff):
    page = logged_in_page(staff, phone=True)
    page.goto(f"/c/{world.a.community.slug}/")
    switcher = page.locator("#community-switcher")
    expect(switcher).to_be_hidden()
    page.get_by_role("button", name="展开导航").click()
    expect(switcher).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    card = page.locator(".gz-card-link").first.bounding_box()
    assert card["width"] > 300  # one card per row


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(logged_in_page, world):
    page = logged_in_page(world.a.users["evaluator"])
    page.goto(f"/c/{world.a.community.slug}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main")).to_be_focused()


def test_on_a_phone_the_section_row_shows_that_it_scrolls(logged_in_page, world, staff):
    """The community sections overflow a phone's width: the row scrolls sideways with a
    shadow at the edge that hides items (right first, then left once scrolled)."""
    page = logged_in_page(staff, phone=True)
    page.goto(f"/c/{world.a.community.slug}/")
    row = page.locator("#community-nav")
    sizes = row.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1]  # more items than fit
    assert row.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    layers = row.evaluate("el => getComputedStyle(el).backgroundImage")
    assert layers.count("radial-gradient") == 2 and layers.count("linear-gradient") == 2
