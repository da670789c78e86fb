"""Browser fixtures: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server. Reuse them in any test marked `@pytest.mark.browser`:

    def test_something(logged_in_page, world):
        page = logged_in_page(world.a.users["committee_staff"])        # desktop
        phone = logged_in_page(world.a.users["technician"], phone=True)  # 390 x 844, touch
        page.goto("/c/a-community/")                                   # relative to live_server

A failing test leaves a full-page screenshot of each of its pages in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from
# a thread with a running loop unless told this is safe (it is: the loop is Playwright's own).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_failed = report.failed
    return report


@pytest.fixture(scope="session")
def browser() -> Browser:
    """One headless Chromium for the whole run (--no-sandbox only when running as root)."""
    flags = CHROMIUM_FLAGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=flags)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request):
    """new_page(phone=False) -> a Page in a fresh context whose relative URLs go to the live
    server; phone=True gives a 390 x 844 touch screen."""
    contexts = []

    def make(*, phone: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            is_mobile=phone,
            has_touch=phone,
            locale="zh-CN",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for n, context in enumerate(contexts):
        if getattr(request.node, "browser_failed", False):
            ARTIFACTS.mkdir(exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
            for m, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS / f"{name}-{n}-{m}.png", full_page=True)
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    """A desktop-sized page, not logged in."""
    return new_page()


@pytest.fixture
def logged_in_page(new_page, live_server):
    """logged_in_page(user, phone=False) -> a Page already logged in as `user` (a session
    cookie is planted: no login form, no throttling)."""

    def make(user, *, phone: bool = False) -> Page:
        page = new_page(phone=phone)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session.session_key,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return make
