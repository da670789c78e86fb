"""The baseline of the list API benchmark: the first page of 50 complaints of a community with
their count, in raw SQL, behind the same token check and membership check as the API."""

from django.db import connection
from django.http import HttpResponse, JsonResponse

COLUMNS = (
    "t.id, t.number, t.kind, t.status, t.channel, t.title, t.description, t.location_text,"
    " t.submitted_at, t.response_due_at, t.resolution_due_at, t.first_response_at,"
    " t.resolved_at, t.closed_at, t.handoff_count, t.responsible_party, t.is_supervised,"
    " t.rating, t.source, t.data_flags, k.id, k.code, k.name"
)


def raw_complaints(request, slug):
    key = request.headers.get("Authorization", "").removeprefix("Token ")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id FROM authtoken_token a"
            " JOIN community_user u ON u.id = a.user_id AND u.is_active"
            " JOIN community_membership m ON m.user_id = u.id AND m.is_active"
            " JOIN community_community c ON c.id = m.community_id AND c.slug = %s"
            " WHERE a.key = %s LIMIT 1",
            [slug, key],
        )
        found = cursor.fetchone()
        if found is None:
            return HttpResponse(status=404)
        cursor.execute(
            "SELECT count(*) FROM tickets_ticket WHERE community_id = %s AND kind = 'complaint'",
            found,
        )
        (count,) = cursor.fetchone()
        cursor.execute(
            f"SELECT {COLUMNS} FROM tickets_ticket t"
            " JOIN tickets_category k ON k.id = t.category_id"
            " WHERE t.community_id = %s AND t.kind = 'complaint'"
            " ORDER BY t.submitted_at DESC, t.id DESC LIMIT 50",
            found,
        )
        names = [c.name for c in cursor.description]
        rows = cursor.fetchall()
    results = []
    for row in rows:
        item = dict(zip(names[:-3], row[:-3], strict=True))
        item["category"] = dict(zip(("id", "code", "name"), row[-3:], strict=True))
        results.append(item)
    return JsonResponse({"count": count, "results": results})
