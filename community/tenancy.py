"""The one place that resolves the current community and checks roles (DESIGN.md, Tenancy).

Pages use `CommunityPageMixin`, the API uses `community.api.CommunityViewSet`; nothing else
looks up tenants. A community the user is no member of answers 404, exactly like one that does
not exist.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import permissions
from .models import Community, Membership, User
from .rows import columns, instances


@dataclass(frozen=True)
class Tenancy:
    community: Community
    roles: frozenset[str]

    def can(self, resource: str, action: str) -> bool:
        return permissions.allowed(self.roles, resource, action)


def tenancy_resolve(*, user: User, slug: str, request=None) -> Tenancy:
    """The community `slug` with the roles `user` holds there, in one query, or none when
    `request` carries them for this user and slug (tenancy_known: an API token's look-up).

    Raises Http404 when the community does not exist or the user holds no active membership in it.

    The query is a constant statement (community.rows, with the ORM's conversions of the
    community's columns): compiling the same filter for every request cost 1 ms of an API list
    page's 11 (bench/api.py).
    """
    if not user.is_authenticated:
        raise Http404
    known = getattr(request, _KNOWN, None)
    if known is not None and known[:2] == (user.pk, slug):
        tenancy = known[2]
    else:
        rows = instances(Community, _memberships_sql(), [user.pk, slug])
        tenancy = Tenancy(rows[0][0], frozenset(r for _, (r,) in rows)) if rows else None
    if tenancy is None:
        raise Http404
    return tenancy


_KNOWN = "_gongzhi_tenancy"  # (user id, slug, Tenancy or None) on a request


def tenancy_known(request, *, user: User, slug: str, tenancy: Tenancy | None) -> None:
    """Let tenancy_resolve take `tenancy` (None: no active membership) of `user` in the
    community `slug` from `request` instead of querying: read with the API token, in the same
    statement as the token's user (community.authentication)."""
    setattr(request, _KNOWN, (user.pk, slug, tenancy))


@cache
def _memberships_sql() -> str:
    """One row per active membership of a user (%s) in the community of a slug (%s): the
    community's columns, then the role."""
    m, c = Membership._meta, Community._meta
    return (
        f"SELECT {columns(Community, 'c')}, m.{m.get_field('role').column}"  # noqa: S608 (names)
        f" FROM {m.db_table} m JOIN {c.db_table} c ON c.{c.pk.column} = m.community_id"
        f" WHERE m.user_id = %s AND m.{m.get_field('is_active').column}"
        f" AND c.{c.get_field('slug').column} = %s"
    )


def method_action(method: str) -> str:
    return permissions.READ if method in ("GET", "HEAD", "OPTIONS") else permissions.WRITE


class CommunityPageMixin(LoginRequiredMixin):
    """Base of every community page (`/c/<slug>/...`).

    Sets `self.tenancy` (also `request.tenancy`, for filters and forms that get the request),
    `self.community` and `self.roles`; refuses with 404 outside the user's
    communities and 403 when the role may not do the method's action on `resource`. Pages whose
    writes need another action set `action_for_post`.
    """

    resource: str = ""
    action_for_post: str = permissions.WRITE

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.tenancy = request.tenancy = tenancy_resolve(user=request.user, slug=kwargs["slug"])
        self.community = self.tenancy.community
        self.roles = self.tenancy.roles
        action = (
            permissions.READ
            if method_action(request.method) == permissions.READ
            else self.action_for_post
        )
        if not self.tenancy.can(self.resource, action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        """A form page shown again with its errors answers 400 (bad input), not 200. For the
        pages built on Django's FormMixin; the others render their 400s themselves."""
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["community"] = self.community
        context["tenancy"] = self.tenancy
        return context
