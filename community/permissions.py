"""The permission matrix: role x resource x action, one table for the whole portal.

`MATRIX[resource][action]` is the set of roles allowed. Actions are `read` (GET, HEAD, OPTIONS)
and `write` (every other method, and the POST actions of the API); a few resources have an
action of their own (`reveal`: show a masked identifier in full, logged).
`docs/permissions.md` is rendered from this table (`manage.py permission_matrix`), and
tests/community/test_permission_matrix.py checks every cell through the real pages and API.
"""

from collections.abc import Iterable

from .models import Membership

Role = Membership.Role
READ, WRITE, REVEAL = "read", "write", "reveal"

STAFF = frozenset({Role.COMMITTEE_STAFF})
STAFF_PM = frozenset({Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER})
OPERATIONS = frozenset({Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER, Role.TECHNICIAN})
GOVERNANCE_READERS = frozenset(
    {Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER, Role.OWNERS_COMMITTEE, Role.EVALUATOR}
)
EVERY_MEMBER = frozenset(Role)
NOBODY: frozenset[str] = frozenset()

MATRIX: dict[str, dict[str, frozenset[str]]] = {
    "community": {READ: EVERY_MEMBER, WRITE: STAFF},
    # Each member reads and marks read only their own notifications (community/notifications).
    "notification": {READ: EVERY_MEMBER, WRITE: EVERY_MEMBER},
    # Housing registry (residents/)
    "building": {READ: OPERATIONS | {Role.OWNERS_COMMITTEE}, WRITE: STAFF_PM},
    "unit": {READ: OPERATIONS | {Role.OWNERS_COMMITTEE}, WRITE: STAFF_PM},
    "household": {READ: OPERATIONS | {Role.OWNERS_COMMITTEE}, WRITE: STAFF_PM},
    "resident": {READ: STAFF_PM, WRITE: STAFF_PM, REVEAL: STAFF},
    "register_import": {READ: STAFF_PM, WRITE: STAFF_PM},
    "register_export": {READ: STAFF_PM, WRITE: NOBODY},
    # Tickets (tickets/, complaints/, property_ops/). Row-level rules narrow these in selectors:
    # a resident sees the tickets they submitted, a technician the work orders assigned to them,
    # an evaluator de-identified tickets.
    "category": {READ: EVERY_MEMBER - {Role.STREET_OFFICER}, WRITE: STAFF_PM},
    "complaint": {
        READ: STAFF_PM | {Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.EVALUATOR},
        WRITE: STAFF_PM | {Role.RESIDENT},
    },
    "work_order": {
        READ: OPERATIONS | {Role.RESIDENT, Role.EVALUATOR},
        WRITE: OPERATIONS | {Role.RESIDENT},
    },
    "supervision": {READ: STAFF_PM | {Role.RESIDENT}, WRITE: STAFF},
    "service_request_import": {READ: STAFF, WRITE: STAFF},
    # Community records (community/, complaints/, property_ops/)
    "meeting": {READ: GOVERNANCE_READERS, WRITE: STAFF},
    "agenda_topic": {READ: GOVERNANCE_READERS, WRITE: STAFF},
    # A resident reads only the opinions they gave (row rule in community/records/selectors.py).
    "opinion": {READ: GOVERNANCE_READERS | {Role.RESIDENT}, WRITE: STAFF | {Role.RESIDENT}},
    "dispute": {READ: STAFF | {Role.EVALUATOR}, WRITE: STAFF},
    "activity": {READ: EVERY_MEMBER - {Role.STREET_OFFICER}, WRITE: STAFF},
    "activity_signup": {READ: STAFF | {Role.RESIDENT}, WRITE: STAFF | {Role.RESIDENT}},
    "volunteer_hours": {READ: STAFF | {Role.EVALUATOR}, WRITE: STAFF},
    "disclosure": {READ: EVERY_MEMBER, WRITE: STAFF_PM | {Role.OWNERS_COMMITTEE}},
    "survey": {READ: EVERY_MEMBER - {Role.STREET_OFFICER}, WRITE: STAFF},
    "survey_answer": {READ: STAFF | {Role.EVALUATOR}, WRITE: {Role.RESIDENT}},
    "emergency_plan": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: STAFF_PM},
    "drill": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: STAFF_PM},
    "incident": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: OPERATIONS},
    "training": {READ: GOVERNANCE_READERS, WRITE: STAFF_PM},
    "facility": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: STAFF_PM},
    "sanitation_run": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: OPERATIONS},
    "patrol_round": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: OPERATIONS},
    "hygiene_inspection": {READ: GOVERNANCE_READERS, WRITE: STAFF_PM},
    "hazard": {READ: GOVERNANCE_READERS | {Role.TECHNICIAN}, WRITE: OPERATIONS},
    # A member reading only as resident sees only their household's service uses (row rule in
    # property_ops/selectors.py); the services themselves and their totals are for all.
    "convenience_service": {READ: EVERY_MEMBER - {Role.STREET_OFFICER}, WRITE: STAFF_PM},
    # Figures and the annual review (reports/)
    "metrics": {READ: GOVERNANCE_READERS | {Role.STREET_OFFICER}, WRITE: STAFF},
    "annual_review": {READ: GOVERNANCE_READERS | {Role.STREET_OFFICER}, WRITE: STAFF},
}


def allowed(roles: Iterable[str], resource: str, action: str) -> bool:
    """True when any of `roles` may do `action` on `resource`.

    Raises KeyError for a resource or action the matrix does not name, so a typo in a view
    fails loudly instead of denying or granting silently.
    """
    permitted = MATRIX[resource][action]
    return any(role in permitted for role in roles)


def as_markdown() -> str:
    """The matrix as a Markdown table: one row per resource and action, one column per role."""
    roles = list(Role)
    lines = [
        "# Permission matrix",
        "",
        "Generated by `python manage.py permission_matrix` from `community/permissions.py`;"
        " do not edit by hand. A member of another community gets 404 everywhere; an anonymous"
        " visitor is sent to the login page (pages) or gets 401/403 (API).",
        "",
        "| resource | action | " + " | ".join(r.value for r in roles) + " |",
        "| --- | --- | " + " | ".join("---" for _ in roles) + " |",
    ]
    for resource, actions in MATRIX.items():
        for action, permitted in actions.items():
            cells = " | ".join("yes" if r in permitted else "·" for r in roles)
            lines.append(f"| {resource} | {action} | {cells} |")
    return "\n".join(lines) + "\n"
