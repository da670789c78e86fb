"""Every transition x every role, through the real API (tickets/rules.py, permission matrix).

Expected outcomes are written out by hand below, not derived from the code's table:
- "ok": the action is done, and the ticket shows the expected result;
- 409: the role may write the resource and see the row, but the ticket rules refuse it;
- 404: the row is not visible to that user (a technician and a ticket not assigned to them);
- 403: the permission matrix refuses the resource itself (e.g. an evaluator's write).
Refused actions change nothing (status, events, assignment, ... and updated_at).
"""

import datetime

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from tests.tickets.conftest import Role, snapshot
from tickets.models import Ticket, TicketKind

CS, PM, T, OC, R, E, SO = (
    Role.COMMITTEE_STAFF,
    Role.PROPERTY_MANAGER,
    Role.TECHNICIAN,
    Role.OWNERS_COMMITTEE,
    Role.RESIDENT,
    Role.EVALUATOR,
    Role.STREET_OFFICER,
)
ROLES = [CS, PM, T, OC, R, E, SO]
WO, C = TicketKind.WORK_ORDER, TicketKind.COMPLAINT

# action: (state the ticket is put in, {role: outcome} for work orders, ... for complaints)
# Roles left out answer 403 (the matrix). On complaints a technician always gets 403.
TABLE = {
    "accept": ("submitted", {CS: "ok", PM: "ok", T: "ok", R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "dispatch": ("accepted", {CS: "ok", PM: "ok", T: 404, R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "start": ("dispatched", {CS: 409, PM: 409, T: "ok", R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "resolve": ("in_progress", {CS: 409, PM: 409, T: "ok", R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "confirm": ("resolved", {CS: 409, PM: 409, T: 409, R: "ok"}, {CS: 409, PM: 409, R: "ok"}),
    "reopen": ("resolved", {CS: 409, PM: 409, T: 409, R: "ok"}, {CS: 409, PM: 409, R: "ok"}),
    "reject": ("submitted", {CS: "ok", PM: "ok", T: 409, R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "cancel": ("submitted", {CS: 409, PM: 409, T: 409, R: "ok"}, {CS: 409, PM: 409, R: "ok"}),
    "transfer": ("dispatched", {CS: "ok", PM: "ok", T: 409, R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "supervise": ("dispatched", {CS: "ok"}, {CS: "ok"}),
    "merge": ("dispatched", {CS: "ok", PM: "ok", T: 409, R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "rate": ("resolved", {CS: 409, PM: 409, T: 409, R: "ok"}, {CS: 409, PM: 409, R: "ok"}),
    "pause": ("in_progress", {CS: "ok", PM: "ok", T: "ok", R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "resume": ("paused", {CS: "ok", PM: "ok", T: "ok", R: "ok"}, {CS: "ok", PM: "ok", R: "ok"}),
    "reply": ("in_progress", {CS: "ok", PM: "ok", T: "ok", R: "ok"}, {CS: "ok", PM: "ok", R: "ok"}),
    "follow-up": ("resolved", {CS: "ok", PM: "ok", T: 409, R: 409}, {CS: "ok", PM: "ok", R: 409}),
    "spawn-work-order": ("accepted", None, {CS: "ok", PM: "ok", R: 409}),
}

CASES = [
    pytest.param(action, kind, role, id=f"{action}-{kind}-{role}")
    for action, (_state, wo, c) in TABLE.items()
    for kind, table in ((WO, wo), (C, c))
    if table is not None
    for role in ROLES
]


def expected(action, kind, role):
    table = TABLE[action][1] if kind == WO else TABLE[action][2]
    return table.get(role, 403)


def payload(action, world, kind, drive):
    a = world.a
    if action == "dispatch":
        target = a.users[T] if kind == WO else a.users[PM]
        return {"assignee": target.pk}
    if action in ("resolve", "reject", "pause", "reply", "transfer"):
        body = {"note": "说明"}
        if action == "transfer":
            body["responsible_party"] = "neighbourhood_committee"
        return body
    if action == "supervise":
        return {"due_at": (timezone.now() + datetime.timedelta(days=3)).isoformat()}
    if action == "merge":
        return {"into": drive(a, kind, "accepted").pk}
    if action == "rate":
        return {"rating": 4, "note": "满意"}
    if action == "follow-up":
        return {"satisfied": False, "note": "仍然漏水"}
    if action == "spawn-work-order":
        return {"category": drive.categories[a.community.pk][WO].pk, "description": "维修水管"}
    return {}


def check_result(action, kind, ticket: Ticket, body, world):
    """The state each allowed action leads to, by hand."""
    ticket.refresh_from_db()
    status = {
        "accept": "accepted",
        "dispatch": "dispatched",
        "start": "in_progress",
        "resolve": "resolved",
        "confirm": "closed",
        "reopen": "in_progress",
        "reject": "rejected",
        "cancel": "cancelled",
        "transfer": "dispatched",
        "supervise": "dispatched",
        "merge": "duplicate",
        "rate": "resolved",
        "pause": "in_progress",
        "resume": "in_progress",
        "reply": "in_progress",
        "follow-up": "in_progress",
        "spawn-work-order": "accepted",
    }[action]
    assert ticket.status == status
    if action == "spawn-work-order":  # the answer is the new work order, linked to the complaint
        assert (body["kind"], body["status"], body["parent"]) == (WO, "submitted", ticket.pk)
        assert ticket.spawned.get().pk == body["id"]
        return
    assert body["status"] == status
    if action == "transfer":
        assert (ticket.handoff_count, ticket.responsible_party) == (1, "neighbourhood_committee")
        assert ticket.assignee_id is None
    if action == "supervise":
        assert ticket.is_supervised and ticket.supervision_due_at is not None
    if action == "rate":
        assert ticket.rating == 4
    if action == "pause":
        assert ticket.paused_since is not None
    if action == "resume":
        assert ticket.paused_since is None
    if action == "reopen":
        assert ticket.resolved_at is None
    if action == "merge":
        assert ticket.duplicate_of_id is not None


@pytest.mark.parametrize(("action", "kind", "role"), CASES)
def test_transition_by_role(world, drive, api_as, action, kind, role):
    state = TABLE[action][0]
    ticket = drive(world.a, kind, state)
    body = payload(action, world, kind, drive)
    before = snapshot(ticket)
    endpoint = "work-orders" if kind == WO else "complaints"
    url = f"/api/v1/c/{world.a.community.slug}/{endpoint}/{ticket.pk}/{action}/"

    response = api_as(world.a.users[role]).post(url, body, format="json")

    outcome = expected(action, kind, role)
    if outcome == "ok":
        assert response.status_code == (201 if action == "spawn-work-order" else 200), (
            response.content
        )
        check_result(action, kind, ticket, response.json(), world)
    else:
        assert response.status_code == outcome, response.content
        assert snapshot(ticket) == before
        if outcome == 409:
            assert response.json()["detail"]


def test_the_409_message_is_translated(world, drive):
    """In the user's interface language (community.middleware: session users)."""
    ticket = drive(world.a, WO, "resolved")
    url = f"/api/v1/c/{world.a.community.slug}/work-orders/{ticket.pk}/accept/"
    answers = {}
    for role, language in ((PM, "zh-hans"), (CS, "en")):
        user = world.a.users[role]
        user.language = language
        user.save(update_fields=["language"])
        client = APIClient()
        client.force_login(user)
        answers[language] = client.post(url, {}, format="json")

    assert answers["zh-hans"].status_code == answers["en"].status_code == 409
    with translation.override("zh-hans"):  # the status label is shared with other catalogues
        resolved = str(Ticket.Status.RESOLVED.label)
    assert answers["zh-hans"].json()["detail"] == f"当前状态为“{resolved}”，不能“受理”。"
    assert answers["en"].json()["detail"] == "This ticket is “Resolved”; it cannot “accept” now."


def test_bad_input_is_400_naming_the_field_and_changes_nothing(world, drive, api_as):
    ticket = drive(world.a, WO, "in_progress")
    before = snapshot(ticket)
    base = f"/api/v1/c/{world.a.community.slug}/work-orders/{ticket.pk}"
    technician = api_as(world.a.users[T])

    resolve = technician.post(f"{base}/resolve/", {"note": "  "}, format="json")
    pause = technician.post(f"{base}/pause/", {}, format="json")
    transfer = api_as(world.a.users[PM]).post(
        f"{base}/transfer/", {"responsible_party": "property_company", "note": "x"}, format="json"
    )

    assert resolve.status_code == pause.status_code == transfer.status_code == 400
    assert list(resolve.json()) == ["note"] and list(pause.json()) == ["note"]
    assert list(transfer.json()) == ["responsible_party"]
    assert snapshot(ticket) == before
