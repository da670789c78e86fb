"""API authentication (settings.REST_FRAMEWORK): its own module, because DRF reads the
authentication classes when its views module is imported, which community.api does."""

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .models import Community, Membership, User
from .rows import columns, instance, instances
from .tenancy import Tenancy, tenancy_known


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication (`Authorization: Token <key>`, 401 with DRF's messages for
    an unknown key or an inactive user), the token's user read by a constant statement
    (community.rows): the ORM's select_related get cost 0.5 ms of an API list page's 11, and
    a raw queryset 0.25 ms of the statement's 0.12 (bench/api.py).

    When the URL names a community (`/api/v1/c/<slug>/...`), the same statement reads the
    user's active roles there and hands them to tenancy_resolve (community.tenancy_known):
    one round trip for the token and the tenancy instead of two, as a hand-written view
    would (bench/views.py)."""

    request = None  # set by authenticate; None when authenticate_credentials is called alone

    def authenticate(self, request):
        self.request = request  # an authenticator serves one request (DRF makes one per request)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        request = self.request
        slug = request.parser_context.get("kwargs", {}).get("slug") if request else None
        # A NUL cannot be in a key, nor be sent to PostgreSQL (it answered 500).
        if "\x00" in key:
            found = []
        elif slug is None:
            found = instances(User, _token_user_sql(), [key])
        else:
            found = instances(User, _token_user_roles_sql(), [slug, key])
        if not found:
            raise AuthenticationFailed(_("Invalid token."))
        user = found[0][0]
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        if slug is not None:
            roles = frozenset(role for _, (*_community, role) in found if role is not None)
            tenancy = Tenancy(instance(Community, found[0][1][:-1]), roles) if roles else None
            tenancy_known(request, user=user, slug=slug, tenancy=tenancy)
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


@cache
def _token_user_roles_sql() -> str:
    """The user of a token key (second %s), then the community of a slug (first %s) and one
    active role of the user there: a row per role, or one row with no role (and, when no
    community has the slug, no community) when the user holds none. The same membership rule
    as community.tenancy._memberships_sql."""
    t, u, c, m = Token._meta, User._meta, Community._meta, Membership._meta
    return (
        f"SELECT {columns(User, 'u')}, {columns(Community, 'c')},"  # noqa: S608 (names)
        f" m.{m.get_field('role').column}"
        f" FROM {t.db_table} t JOIN {u.db_table} u ON u.{u.pk.column} = t.user_id"
        f" LEFT JOIN {c.db_table} c ON c.{c.get_field('slug').column} = %s"
        f" LEFT JOIN {m.db_table} m ON m.user_id = u.{u.pk.column}"
        f" AND m.community_id = c.{c.pk.column} AND m.{m.get_field('is_active').column}"
        f" WHERE t.{t.pk.column} = %s"
    )
