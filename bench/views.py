"""The baseline of the list API benchmark: the first page of 50 complaints of a community with
its count and its counts by status, in raw SQL, behind the same token and membership check as
the API, written as a careful engineer would write it by hand: one query for the token, user
and roles, one counting by status (the count is their sum, as the API's), one page query
joining the category, one query per other relation some row has (as the API: joining them all
costs PostgreSQL more planning than the page takes to run).

Its `count`, `counts` and `results` are the very document the API returns (bench/api.py
compares them whole): the same fields, the submitter's name and phone as the viewer may see
them, the actions the viewer may take, instants in the current timezone. Those rules are the
product's (tickets.selectors, tickets.rules): the baseline differs in how the rows are read and
written, not in what they say.
"""

import json
from types import SimpleNamespace

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from tickets import selectors
from tickets.models import Ticket

COLUMNS = ", ".join(f"t.{name}" for name in selectors.ROW_COLUMNS)
INSTANTS = (
    *("submitted_at", "response_due_at", "resolution_due_at", "first_response_at"),
    *("resolved_at", "closed_at", "paused_since", "supervision_due_at"),
)
# relation -> (table, SQL of its {"id", "name"} name)
RELATIONS = {
    "household": ("residents_household", "room"),
    "building": (
        "residents_building",
        "name, (SELECT c.name FROM residents_compound c WHERE c.id = compound_id)",
    ),
    "unit": ("residents_unit", "name"),
    "assignee": (
        "community_user",
        "COALESCE(NULLIF(TRIM(first_name || ' ' || last_name), ''), username)",
    ),
    "assigned_organisation": ("community_organisation", "name"),
}


def raw_complaints(request, slug):
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, u.id, array_agg(m.role) FROM authtoken_token a"
            " JOIN community_user u ON u.id = a.user_id AND u.is_active"
            " JOIN community_membership m ON m.user_id = u.id AND m.is_active"
            " JOIN community_community c ON c.id = m.community_id AND c.slug = %s"
            " WHERE a.key = %s GROUP BY c.id, u.id",
            [slug, key],
        )
        found = cursor.fetchone()
        if found is None:
            return HttpResponse(status=404)
        community, user, roles = found[0], found[1], frozenset(found[2])
        cursor.execute(
            "SELECT status, count(*) FROM tickets_ticket"
            " WHERE community_id = %s AND kind = 'complaint' GROUP BY status",
            [community],
        )
        counts = dict.fromkeys(Ticket.Status.values, 0) | dict(cursor.fetchall())
        cursor.execute(
            f"SELECT {COLUMNS}, k.code, k.name FROM tickets_ticket t"
            " JOIN tickets_category k ON k.id = t.category_id"
            " WHERE t.community_id = %s AND t.kind = 'complaint'"
            " ORDER BY t.submitted_at DESC, t.id DESC LIMIT 50",
            [community],
        )
        tickets = []
        for row in cursor.fetchall():
            ticket = SimpleNamespace(**dict(zip(selectors.ROW_COLUMNS, row, strict=False)))
            ticket.pk, ticket.category_code, ticket.category_name = row[0], row[-2], row[-1]
            tickets.append(ticket)
        names = {}
        for relation, (table, name) in RELATIONS.items():
            ids = list({getattr(t, f"{relation}_id") for t in tickets} - {None})
            if ids:
                cursor.execute(f"SELECT id, {name} FROM {table} WHERE id = ANY(%s)", [ids])
                names[relation] = {pk: values for pk, *values in cursor.fetchall()}
    viewer = SimpleNamespace(pk=user)
    now, tz = timezone.now(), timezone.get_current_timezone()
    results = [_write(t, viewer, roles, names, now, tz) for t in tickets]
    return JsonResponse({"count": sum(counts.values()), "results": results, "counts": counts})


def _write(t, viewer, roles, names, now, tz) -> dict:
    level = selectors.ticket_identity(ticket=t, user=viewer, roles=roles, single=False)
    contact = selectors.ticket_contact(ticket=t, level=level)
    clock = t.paused_since or now
    late_response = t.first_response_at is None and (t.response_due_at or clock) < clock
    late = (t.resolution_due_at or clock) < clock
    overdue = t.status not in selectors.CLOSED_STATUSES and (late_response or late)

    def named(relation):
        pk = getattr(t, f"{relation}_id")
        if pk is None:
            return None
        found = dict(zip(("name", "compound"), names[relation][pk], strict=False))
        return {"id": pk, **found}

    instants = {}
    for name in INSTANTS:
        value = getattr(t, name)
        if value is not None:
            value = value.astimezone(tz).isoformat()
            value = value[:-6] + "Z" if value.endswith("+00:00") else value
        instants[name] = value
    return {
        "id": t.id,
        "number": t.number,
        "kind": t.kind,
        "status": t.status,
        "channel": t.channel,
        "category": {"id": t.category_id, "code": t.category_code, "name": t.category_name},
        "title": t.title,
        "description": t.description,
        "submitter_name": contact["name"],
        "submitter_phone": contact["phone"],
        "is_own": t.submitter_id is not None and t.submitter_id == viewer.pk,
        "household": None if level == selectors.HIDDEN else named("household"),
        "building": named("building"),
        "unit": named("unit"),
        "location_text": t.location_text,
        **{name: instants[name] for name in INSTANTS[:6]},
        "is_overdue": overdue,
        "paused_since": instants["paused_since"],
        "paused_seconds": t.paused_seconds,
        "handoff_count": t.handoff_count,
        "responsible_party": t.responsible_party,
        "assignee": named("assignee"),
        "assigned_organisation": named("assigned_organisation"),
        "is_supervised": t.is_supervised,
        "supervision_due_at": instants["supervision_due_at"],
        "parent": t.parent_id,
        "duplicate_of": t.duplicate_of_id,
        "rating": t.rating,
        "source": t.source,
        "external_id": t.external_id,
        "data_flags": json.loads(t.data_flags) if isinstance(t.data_flags, str) else t.data_flags,
        "actions": selectors.ticket_actions(ticket=t, user=viewer, roles=roles, at=now),
    }
