"""The interface language: zh-hans by default, English second, chosen per user."""

import pytest
from django.urls import reverse

from tests import factories


@pytest.fixture
def alice(db):
    return factories.UserFactory(username="alice")


def test_chinese_is_the_default(page_as, alice):
    assert alice.language == "zh-hans"
    page = page_as(alice).get(reverse("community:home")).content.decode()
    assert '<html lang="zh-CN">' in page
    assert "我的社区" in page


def test_switching_to_english_is_stored_on_the_user_and_follows_them(page_as, alice, client):
    response = page_as(alice).post(
        reverse("community:language"), {"language": "en", "next": "/me/api-token/"}
    )
    assert response["Location"] == "/me/api-token/"
    alice.refresh_from_db()
    assert alice.language == "en"
    # A new session (another device) gets English too: the choice is the user's, not a cookie.
    client.cookies.clear()
    page = page_as(alice).get(reverse("community:home")).content.decode()
    assert '<html lang="en">' in page
    assert "My communities" in page
    page_as(alice).post(reverse("community:language"), {"language": "zh-hans"})
    alice.refresh_from_db()
    assert alice.language == "zh-hans"
    assert "我的社区" in page_as(alice).get(reverse("community:home")).content.decode()


def test_an_unknown_language_changes_nothing(page_as, alice):
    response = page_as(alice).post(reverse("community:language"), {"language": "fr"})
    assert response["Location"] == reverse("community:home")
    alice.refresh_from_db()
    assert alice.language == "zh-hans"


def test_next_may_not_leave_the_site(page_as, alice):
    response = page_as(alice).post(
        reverse("community:language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("community:home")


def test_anonymous_visitors_switch_with_a_cookie_on_the_login_page(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "Log in to Gongzhi" in page
    assert client.post(reverse("community:language"), {"language": "en"}).status_code == 302


def test_visitors_get_chinese_whatever_their_browser_says(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in page
    assert "登录共治平台" in page
