"""Accounts: login, logout, throttling (django-axes), password reset and change, API tokens."""

import re

import pytest
from axes.utils import reset as axes_reset
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests import factories

PASSWORD = "pw-12345-test"  # tests/factories.py UserFactory


@pytest.fixture
def alice(db):
    return factories.UserFactory(username="alice", email="alice@example.org")


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_the_right_password_opens_the_home_page(client, alice):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("community:home")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_shows_the_error_and_logs_nobody_in(client, alice):
    response = login(client, "alice", "wrong")
    assert response.status_code == 200
    assert 'id="login-error"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client, world):
    for url in [reverse("community:home"), f"/c/{world.a.community.slug}/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_logout_is_a_post_and_ends_the_session(client, alice):
    login(client, "alice", PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("community:home")).status_code == 302


def test_the_sixth_attempt_is_refused_even_with_the_right_password(client, alice):
    statuses = [login(client, "alice", "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected: the lock is per username.
    factories.UserFactory(username="bob")
    assert login(client, "bob", PASSWORD).status_code == 302


def test_the_lockout_page_explains_the_wait_and_offers_a_reset(client, alice, settings):
    settings.AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
    for _ in range(5):
        login(client, "alice", "wrong")
    response = login(client, "alice", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "密码连续输错 5 次，此账号在本设备上已锁定 15 分钟" in page
    assert f'href="{reverse("password_reset")}"' in page


def test_an_operator_reset_lifts_the_lock(client, alice):
    for _ in range(6):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 429
    assert axes_reset(username="alice") == 1
    assert login(client, "alice", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_successful_login_resets_the_failure_count(client, alice):
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_password_reset_by_email(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "重置您的共治平台密码"
    assert "alice，您好" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": "Lantern-47-quiet", "new_password2": "x"})
    assert 'class="form-control is-invalid"' in mismatch.content.decode()
    done = client.post(
        set_url, {"new_password1": "Lantern-47-quiet", "new_password2": "Lantern-47-quiet"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("Lantern-47-quiet")
    # The link works once.
    assert "此链接已失效" in client.get(link, follow=True).content.decode()
    assert login(client, "alice", "Lantern-47-quiet").status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, alice):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "请查收邮件" in response.content.decode()
    assert mail.outbox == []


def test_password_change(client, alice):
    login(client, "alice", PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lantern-47-quiet",
            "new_password2": "Lantern-47-quiet",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("Lantern-47-quiet")


def test_api_token_page_creates_and_replaces_the_token(client, alice, api_as):
    login(client, "alice", PASSWORD)
    page = client.get(reverse("community:api-token"))
    assert 'id="no-token"' in page.content.decode()
    client.post(reverse("community:api-token"))
    first = Token.objects.get(user=alice)
    assert first.key in client.get(reverse("community:api-token")).content.decode()
    client.post(reverse("community:api-token"))
    second = Token.objects.get(user=alice)
    assert second.key != first.key
    assert Token.objects.filter(user=alice).count() == 1


def test_the_token_authenticates_api_requests(client, world):
    staff = world.a.users["committee_staff"]
    token = Token.objects.create(user=staff)
    url = f"/api/v1/c/{world.a.community.slug}/buildings/"
    response = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [b["name"] for b in response.json()["results"]] == ["1号楼"]
    # 401 with the scheme to use (TokenAuthentication is the first class).
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous["WWW-Authenticate"]) == (401, "Token")
    wrong = client.get(url, HTTP_AUTHORIZATION="Token wrong")
    assert (wrong.status_code, wrong.json()["detail"]) == (401, "认证令牌无效。")
    nul = client.get(url, HTTP_AUTHORIZATION=f"Token {token.key[:20]}\x00{token.key[20:]}")
    assert (nul.status_code, nul.json()["detail"]) == (401, "认证令牌无效。")
    other = Token.objects.create(user=world.b.users["committee_staff"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other.key}").status_code == 404


def test_the_token_and_its_user_are_those_stored(world):
    """community.authentication reads both with one constant statement: the user is the stored
    user, request.auth the stored token (not a new one), an inactive user's token is refused."""
    from rest_framework.exceptions import AuthenticationFailed

    from community.authentication import TokenAuthentication

    staff = world.a.users["committee_staff"]
    stored = Token.objects.create(user=staff)
    user, token = TokenAuthentication().authenticate_credentials(stored.key)
    assert (user.pk, user.username, user.is_active) == (staff.pk, staff.username, True)
    assert (token.pk, token.user_id, token._state.adding) == (stored.key, staff.pk, False)
    assert token.created == Token.objects.get(pk=stored.key).created  # aware, read on use
    assert token.created.tzinfo is not None
    staff.is_active = False
    staff.save()
    with pytest.raises(AuthenticationFailed) as refused:
        TokenAuthentication().authenticate_credentials(stored.key)
    assert str(refused.value.detail) == "用户未激活或者已删除。"  # DRF's own message
