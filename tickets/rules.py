"""Who may do what to a ticket, and from which states: the one table (METRICS.md, Tickets).

`RULES[action]` names the statuses an action starts from, the ticket kinds it applies to, and
who may do it: a role (`Membership.Role`) of the actor in the ticket's community, or a row
rule (the ticket's submitter, its assignee). The permission matrix (community/permissions.py)
is checked first, per endpoint; this table narrows it per ticket. services.py asks `refusal()`
before every change; pages and the API show `allowed_actions()`.

Row rules:
- `submitter`: the account that submitted the ticket (confirm, reopen, cancel, rate).
- `handler`: on a work order with an assignee, only the assignee (start, resolve); otherwise
  committee staff or the property manager, or the assignee.
- `handler_or_staff`: committee staff, the property manager or the assignee (pause).
- `participant`: staff, the assignee or the submitter (reply, resume).
- a technician may `accept` a submitted work order from the pool; they become its assignee
  and may start it straight away (accepted -> in_progress without a separate dispatch).
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from community.models import Membership, User

from .models import Ticket, TicketKind

Role = Membership.Role
S = Ticket.Status

OPEN = frozenset({S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS})
WORKING = frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS})
DONE = frozenset({S.RESOLVED, S.CLOSED})
MANAGERS = frozenset({Role.COMMITTEE_STAFF, Role.PROPERTY_MANAGER})
BOTH = frozenset(TicketKind)
REOPEN_WINDOW = datetime.timedelta(days=7)
RATING_CHANGE_WINDOW = datetime.timedelta(days=7)
AUTO_CLOSE_AFTER = datetime.timedelta(days=7)

ROLE, SUBMITTER, HANDLER, HANDLER_OR_STAFF, PARTICIPANT, SYSTEM = (
    "role",
    "submitter",
    "handler",
    "handler_or_staff",
    "participant",
    "system",
)


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset[str]
    who: str
    roles: frozenset[str] = frozenset()
    work_order_roles: frozenset[str] | None = None  # when work orders differ from complaints
    kinds: frozenset[str] = BOTH

    def roles_for(self, kind: str) -> frozenset[str]:
        if kind == TicketKind.WORK_ORDER and self.work_order_roles is not None:
            return self.work_order_roles
        return self.roles


RULES: dict[str, Rule] = {
    "accept": Rule(
        _("accept"), frozenset({S.SUBMITTED}), ROLE, MANAGERS, MANAGERS | {Role.TECHNICIAN}
    ),
    "dispatch": Rule(_("dispatch"), WORKING, ROLE, MANAGERS),
    "start": Rule(_("start"), frozenset({S.ACCEPTED, S.DISPATCHED}), HANDLER, MANAGERS),
    "resolve": Rule(_("resolve"), WORKING, HANDLER, MANAGERS),
    "confirm": Rule(_("confirm"), frozenset({S.RESOLVED}), SUBMITTER),
    "reopen": Rule(_("reopen"), DONE, SUBMITTER),
    "reject": Rule(_("reject"), frozenset({S.SUBMITTED, S.ACCEPTED, S.DISPATCHED}), ROLE, MANAGERS),
    "cancel": Rule(_("cancel"), OPEN, SUBMITTER),
    "transfer": Rule(_("transfer"), OPEN, ROLE, MANAGERS),
    "supervise": Rule(_("supervise"), OPEN, ROLE, frozenset({Role.COMMITTEE_STAFF})),
    "merge": Rule(_("merge"), OPEN, ROLE, MANAGERS),
    "rate": Rule(_("rate"), DONE, SUBMITTER),
    "pause": Rule(_("pause the clock"), WORKING, HANDLER_OR_STAFF, MANAGERS),
    "resume": Rule(_("resume the clock"), WORKING, PARTICIPANT, MANAGERS),
    "reply": Rule(_("reply"), OPEN | DONE, PARTICIPANT, MANAGERS),
    "follow_up": Rule(_("record a follow-up call"), DONE, ROLE, MANAGERS),
    "spawn_work_order": Rule(
        _("create a work order"),
        WORKING,
        ROLE,
        MANAGERS,
        kinds=frozenset({TicketKind.COMPLAINT}),
    ),
    "auto_close": Rule(_("close automatically"), frozenset({S.RESOLVED}), SYSTEM),
}


class TransitionNotAllowed(Exception):
    """An action the ticket's state, the actor's role or a time limit does not allow.

    `message` is translated (in the language active when it was raised); the API answers 409.
    Nothing has been changed when it is raised.
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def refusal(
    action: str,
    ticket: Ticket,
    actor: User | None,
    roles: frozenset[str],
    at: datetime.datetime,
) -> str | None:
    """Why `actor` (holding `roles` in the ticket's community) may not do `action` on `ticket`
    at the instant `at`, translated; None when they may."""
    rule = RULES[action]
    label = rule.label
    if ticket.kind not in rule.kinds:
        return gettext("“%(action)s” does not apply to a %(kind)s.") % {
            "action": label,
            "kind": ticket.get_kind_display(),
        }
    if not _may(rule, ticket, actor, roles):
        return gettext("You may not “%(action)s” this ticket.") % {"action": label}
    if ticket.status not in rule.sources:
        return gettext("This ticket is “%(status)s”; it cannot “%(action)s” now.") % {
            "status": ticket.get_status_display(),
            "action": label,
        }
    return _time_rule(action, ticket, at)


def _may(rule: Rule, ticket: Ticket, actor: User | None, roles: frozenset[str]) -> bool:
    if rule.who == SYSTEM or actor is None:
        return rule.who == SYSTEM and actor is None
    has_role = bool(roles & rule.roles_for(ticket.kind))
    is_assignee = ticket.assignee_id is not None and ticket.assignee_id == actor.pk
    is_submitter = ticket.submitter_id is not None and ticket.submitter_id == actor.pk
    if rule.who == ROLE:
        return has_role
    if rule.who == SUBMITTER:
        return is_submitter
    if rule.who == HANDLER:
        if ticket.kind == TicketKind.WORK_ORDER and ticket.assignee_id is not None:
            return is_assignee
        return has_role or is_assignee
    if rule.who == HANDLER_OR_STAFF:
        return has_role or is_assignee
    return has_role or is_assignee or is_submitter  # PARTICIPANT


def _time_rule(action: str, ticket: Ticket, at: datetime.datetime) -> str | None:
    if action == "pause" and ticket.paused_since is not None:
        return gettext("The clock of this ticket is already paused.")
    if action == "resume" and ticket.paused_since is None:
        return gettext("The clock of this ticket is not paused.")
    if action == "reopen" and at > ticket.resolved_at + REOPEN_WINDOW:
        return gettext("A ticket can be reopened only within 7 days of its resolution.")
    if action == "rate" and ticket.rating_count >= 2:
        return gettext("This rating has already been changed once.")
    if (
        action == "rate"
        and ticket.rating_count == 1
        and at > (ticket.first_rated_at + RATING_CHANGE_WINDOW)
    ):
        return gettext("A rating can be changed only within 7 days of giving it.")
    if action == "auto_close" and at < ticket.resolved_at + AUTO_CLOSE_AFTER:
        return gettext("This ticket was resolved less than 7 days ago.")
    return None


# (kind, status) -> the (action, rule) pairs a person may start from there, in table order.
_CANDIDATES = {
    (kind, status): [
        (action, rule)
        for action, rule in RULES.items()
        if rule.who != SYSTEM and kind in rule.kinds and status in rule.sources
    ]
    for kind in TicketKind
    for status in S
}


def allowed_actions(
    ticket: Ticket, actor: User, roles: frozenset[str], at: datetime.datetime
) -> list[str]:
    """The actions `actor` may do on `ticket` now, in table order (for pages and the API)."""
    # The same checks as refusal(), without building a message for every refused action.
    return [
        action
        for action, rule in _CANDIDATES[ticket.kind, ticket.status]
        if _may(rule, ticket, actor, roles) and _time_rule(action, ticket, at) is None
    ]
