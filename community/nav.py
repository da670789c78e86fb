"""The community navigation: which pages a member can open, for the header and the start page.

Each app registers its pages in its own `urls.py`, one line per page, next to the URL pattern:

    nav.register("residents:building-list", _("Buildings"), resource="building",
                 section="registry", icon="building")

The URL name must take the community `slug` as its only argument. An entry is shown only to
members whose roles may `action` the `resource` (community/permissions.py).
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import permissions
from .tenancy import Tenancy

SECTIONS = {
    "registry": _("Housing registry"),
    "tickets": _("Complaints and repairs"),
    "records": _("Community records"),
    "figures": _("Figures and annual review"),
}


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    resource: str
    section: str
    icon: str  # a Bootstrap Icons name without the "bi-" prefix
    description: str | Promise
    action: str


_ENTRIES: dict[str, NavEntry] = {}

# Entries the header offers only to members holding one of these roles in the community. The
# resident's own intake pages: staff who enter a request for a resident (and may open these
# pages) find them on the start page, worded for that, not as "submit a complaint" in the header.
HEADER_ROLES: dict[str, frozenset[str]] = {
    "tickets:complaint-new": frozenset({"resident"}),
    "tickets:work-order-new": frozenset({"resident"}),
}


def register(
    url_name: str,
    label: str | Promise,
    *,
    resource: str,
    section: str,
    icon: str = "circle",
    description: str | Promise = "",
    action: str = permissions.READ,
) -> None:
    """Add a page to the community navigation (idempotent per `url_name`).

    Raises KeyError when `resource`/`action` is not in the permission matrix or `section` is not
    one of SECTIONS, so a typo fails at start-up rather than hiding the page.
    """
    if section not in SECTIONS or action not in permissions.MATRIX.get(resource, {}):
        raise KeyError(f"nav entry {url_name}: unknown section {section!r} or {resource}.{action}")
    _ENTRIES[url_name] = NavEntry(url_name, label, resource, section, icon, description, action)


def entries() -> list[NavEntry]:
    """Every registered entry, in registration order."""
    return list(_ENTRIES.values())


@dataclass(frozen=True)
class NavLink:
    entry: NavEntry
    url: str
    active: bool


def links_for(
    tenancy: Tenancy, path: str = "", *, header: bool = False
) -> list[tuple[str, list[NavLink]]]:
    """[(section label, [links])] the member may open, sections in SECTIONS order, empty ones
    left out; a link is `active` when `path` is its page or below it. `header`: the header's
    menu, which also leaves out the entries of HEADER_ROLES the member holds none of. No
    query: roles come from `tenancy`."""
    slug = tenancy.community.slug
    grouped: dict[str, list[NavLink]] = {key: [] for key in SECTIONS}
    for entry in _ENTRIES.values():
        only_for = HEADER_ROLES.get(entry.url_name) if header else None
        if only_for is not None and not only_for & tenancy.roles:
            continue
        if tenancy.can(entry.resource, entry.action):
            url = reverse(entry.url_name, kwargs={"slug": slug})
            grouped[entry.section].append(NavLink(entry, url, path.startswith(url)))
    return [(SECTIONS[key], links) for key, links in grouped.items() if links]
