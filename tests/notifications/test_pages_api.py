"""The notification list page /c/<slug>/notifications/, its mark-read forms, the unread count in
the header and the API /api/v1/c/<slug>/notifications/: each member sees and marks only their
own; another member's or another community's notification answers 404; every role may use
them; a fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Membership, Notification
from tests.tickets.conftest import Role
from tickets.models import TicketKind

ROLES = list(Membership.Role)
SCRIPT = '<script>alert("x")</script>'


def page(side, rest=""):
    return f"/c/{side.community.slug}/notifications/{rest}"


def api(side, rest=""):
    return f"/api/v1/c/{side.community.slug}/notifications/{rest}"


def notify(side, role, count=1, *, ticket=None, title="通知", read=False):
    """`count` notifications for `side`'s member of `role`, oldest first."""
    rows = Notification.objects.bulk_create(
        Notification(
            community=side.community,
            recipient=side.users[role],
            kind=Notification.Kind.STATUS_CHANGED,
            ticket=ticket,
            title=f"{title} {i}",
            body=f"第一行 {i}\n{SCRIPT}",
            dedupe_key=f"test:{side.community.slug}:{role}:{title}:{i}",
            read_at=timezone.now() if read else None,
        )
        for i in range(count)
    )
    return rows


def test_the_page_lists_ones_own_newest_first_with_script_as_text(world, drive, page_as):
    ticket = drive.submit(world.a, TicketKind.COMPLAINT)  # tells the property manager
    Notification.objects.all().delete()
    mine = notify(world.a, Role.RESIDENT, 2, ticket=ticket)
    notify(world.a, Role.RESIDENT, 1, title="已读", read=True)
    notify(world.a, Role.PROPERTY_MANAGER, 3, title="别人的")
    notify(world.b, Role.RESIDENT, 3, title="别的社区")

    response = page_as(world.a.users[Role.RESIDENT]).get(page(world.a))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [n.title for n, _link in rows] == ["已读 0", "通知 1", "通知 0"]
    assert rows[1][1] == f"/c/a-community/complaints/{ticket.pk}/"
    html = response.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert f'href="/c/a-community/complaints/{ticket.pk}/">通知 1</a>' in html
    # The header's count: this member's unread notifications in this community.
    assert '<span class="badge rounded-pill text-bg-danger" id="unread-count">2<' in html
    assert mine[0].pk in [n.pk for n, _l in rows]


def test_marking_read_one_and_all(world, page_as):
    first, second = notify(world.a, Role.RESIDENT, 2)
    others = notify(world.a, Role.PROPERTY_MANAGER, 1)
    client = page_as(world.a.users[Role.RESIDENT])

    response = client.post(page(world.a, f"{first.pk}/read/"), {"page": "1"})
    assert response.status_code == 302 and response["Location"] == page(world.a) + "?page=1"
    first.refresh_from_db()
    read_at = first.read_at
    assert read_at is not None and Notification.objects.get(pk=second.pk).read_at is None
    client.post(page(world.a, f"{first.pk}/read/"))
    first.refresh_from_db()
    assert first.read_at == read_at  # the first read instant is kept

    assert client.post(page(world.a, "read/")).status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).get() == others[0]
    assert 'id="unread-count"' not in client.get(page(world.a)).content.decode()


def test_another_members_or_communitys_notification_is_404(world, page_as, api_as):
    colleague = notify(world.a, Role.PROPERTY_MANAGER)[0]
    theirs = notify(world.b, Role.RESIDENT)[0]
    resident = world.a.users[Role.RESIDENT]
    client, api_client = page_as(resident), api_as(resident)
    for pk in (colleague.pk, theirs.pk, 999999):
        assert client.post(page(world.a, f"{pk}/read/")).status_code == 404
        assert api_client.get(api(world.a, f"{pk}/")).status_code == 404
        assert api_client.post(api(world.a, f"{pk}/read/")).status_code == 404
    # Community B's URLs, for a member of A only: 404 on every route.
    for url in (page(world.b), page(world.b, "read/"), page(world.b, f"{theirs.pk}/read/")):
        method = client.get if url == page(world.b) else client.post
        assert method(url).status_code == 404
    for url in (api(world.b), api(world.b, f"{theirs.pk}/")):
        assert api_client.get(url).status_code == 404
    for url in (api(world.b, "read-all/"), api(world.b, f"{theirs.pk}/read/")):
        assert api_client.post(url).status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert api_as(world.outsider).get(api(world.a)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_and_marks_its_own(world, page_as, api_as, role):
    notify(world.a, role, 2)
    user = world.a.users[role]
    assert len(page_as(user).get(page(world.a)).context["rows"]) == 2
    assert page_as(user).post(page(world.a, "read/")).status_code == 302
    data = api_as(user).get(api(world.a)).json()
    assert data["count"] == 2 and all(row["read_at"] for row in data["results"])


def test_anonymous_visitors_are_refused(world, page_as, api_as):
    response = page_as(None).get(page(world.a))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_as(None).get(api(world.a)).status_code in (401, 403)


def test_the_api_lists_reads_and_marks(world, drive, api_as):
    ticket = drive.submit(world.a, TicketKind.WORK_ORDER)
    Notification.objects.all().delete()
    old, new = notify(world.a, Role.RESIDENT, 2, ticket=ticket)
    notify(world.a, Role.RESIDENT, 1, title="已读", read=True)
    client = api_as(world.a.users[Role.RESIDENT])

    data = client.get(api(world.a)).json()
    assert data["count"] == 3
    assert data["results"][1] == {
        "id": new.pk,
        "kind": "status_changed",
        "title": "通知 1",
        "body": f"第一行 1\n{SCRIPT}",  # plain text, as data
        "ticket": ticket.pk,
        "ticket_number": ticket.number,
        "link": f"/c/a-community/work-orders/{ticket.pk}/",
        "created_at": data["results"][1]["created_at"],
        "read_at": None,
    }
    assert data["results"][0]["ticket"] is None and data["results"][0]["link"] == ""
    unread = client.get(api(world.a), {"unread": "true"}).json()
    assert [row["id"] for row in unread["results"]] == [new.pk, old.pk]

    marked = client.post(api(world.a, f"{old.pk}/read/")).json()
    assert marked["id"] == old.pk and marked["read_at"] is not None
    assert client.post(api(world.a, "read-all/")).json() == {"marked": 1}
    assert client.post(api(world.a, "read-all/")).json() == {"marked": 0}
    assert client.get(api(world.a), {"unread": "1"}).json()["count"] == 0


def test_list_queries_do_not_grow_with_rows(
    world, drive, page_as, api_as, django_assert_max_num_queries
):
    ticket = drive.submit(world.a, TicketKind.COMPLAINT)
    notify(world.a, Role.RESIDENT, 40, ticket=ticket)
    notify(world.a, Role.RESIDENT, 40, title="无工单")
    user = world.a.users[Role.RESIDENT]
    client = page_as(user)
    # session, user, memberships, the header's communities (with the unread count), count, rows
    with django_assert_max_num_queries(6):
        response = client.get(page(world.a))
    assert len(response.context["rows"]) == 50
    client = api_as(user)
    with django_assert_max_num_queries(3):  # token and memberships, count, rows
        data = client.get(api(world.a), {"page_size": 200}).json()
    assert len(data["results"]) == 80


def test_the_header_count_costs_no_query_of_its_own(world, page_as):
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    home = f"/c/{world.a.community.slug}/"
    with CaptureQueriesContext(connection) as without:
        response = client.get(home)
    assert 'id="unread-count"' not in response.content.decode()
    notify(world.a, Role.COMMITTEE_STAFF, 30)
    notify(world.b, Role.COMMITTEE_STAFF, 5)
    with CaptureQueriesContext(connection) as with_unread:
        response = client.get(home)
    assert len(with_unread) == len(without)
    assert 'id="unread-count">30<' in response.content.decode()
