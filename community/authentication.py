"""API authentication (settings.REST_FRAMEWORK): its own module, because DRF reads the
authentication classes when its views module is imported, which community.api does."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .models import User
from .rows import columns, instances


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (`Authorization: Token <key>`, 401 with DRF's messages for
    an unknown key or an inactive user), the token's user read by a constant statement
    (community.rows): the ORM's select_related get cost 0.5 ms of an API list page's 11, and
    a raw queryset 0.25 ms of the statement's 0.12 (bench/api.py)."""

    def authenticate_credentials(self, key):
        # A NUL cannot be in a key, nor be sent to PostgreSQL (it answered 500).
        found = [] if "\x00" in key else instances(User, _token_user_sql(), [key])
        if not found:
            raise AuthenticationFailed(_("Invalid token."))
        user = found[0][0]
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        # request.auth: the stored token as the ORM loads it, `created` deferred (read on use).
        token = Token.from_db(user._state.db, ["key", "user_id"], [key, user.pk])
        token.user = user
        return user, token


@cache
def _token_user_sql() -> str:
    """The user of a token key (%s)."""
    t, u = Token._meta, User._meta
    return (
        f"SELECT {columns(User, 'u')} FROM {t.db_table} t"  # noqa: S608 (names)
        f" JOIN {u.db_table} u ON u.{u.pk.column} = t.user_id"
        f" WHERE t.{t.pk.column} = %s"
    )
