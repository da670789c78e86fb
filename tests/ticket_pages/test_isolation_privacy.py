"""Tenant isolation and privacy on the ticket pages: another community's ticket answers 404 on
every page, action and photo; rows a viewer may not see answer 404 too; property staff see the
submitter's name and masked phone, only the assignee of an open work order the full phone
(logged); de-identified readers see neither, nor the photos; text is shown as text."""

import pytest

from community.models import Membership
from tests import factories
from tests.ticket_pages.conftest import page_url, png
from tickets import photos, services
from tickets.models import ContactAccessLog, TicketKind
from tickets.views import ACTIONS

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def with_photo(ticket):
    photos.ticket_photos_add(ticket=ticket, photos=photos.photos_clean([png()]))
    return ticket.photos.get()


@pytest.mark.parametrize("kind", [C, WO])
def test_another_communitys_ticket_is_404_on_every_page_action_and_photo(
    world, drive, page_as, kind
):
    theirs = drive(world.b, kind, "in_progress")
    photo = with_photo(theirs)
    before = (theirs.status, theirs.events.count())
    client = page_as(world.a.users[Role.COMMITTEE_STAFF])
    base = page_url(world.a, kind, f"{theirs.pk}/")
    answers = {
        "detail": client.get(base).status_code,
        "photo": client.get(f"{base}photos/{photo.pk}/").status_code,
    }
    for action in ACTIONS:
        slug = action.replace("_", "-")
        answers[action] = client.post(f"{base}{slug}/", {f"{action}-note": "x"}).status_code
    assert answers == dict.fromkeys(answers, 404)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.events.count()) == before
    # Their own photo id under a ticket of community A is no photo of that ticket either.
    ours = drive(world.a, kind, "submitted")
    assert client.get(page_url(world.a, kind, f"{ours.pk}/photos/{photo.pk}/")).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["complaints/", "complaints/new/", "work-orders/", "work-orders/new/", "my/tickets/"],
)
def test_another_communitys_pages_are_404_and_anonymous_visitors_log_in(world, page_as, path):
    assert (
        page_as(world.a.users[Role.COMMITTEE_STAFF]).get(f"/c/b-community/{path}").status_code
        == 404
    )
    assert page_as(world.outsider).get(f"/c/a-community/{path}").status_code == 404
    anonymous = page_as(None).get(f"/c/a-community/{path}")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("kind", [C, WO])
def test_another_residents_ticket_is_404_to_a_resident(world, drive, page_as, kind):
    a = world.a
    ticket = drive(a, kind, "resolved")
    photo = with_photo(ticket)
    neighbour = factories.UserFactory(username="neighbour")
    Membership.objects.create(community=a.community, user=neighbour, role=Role.RESIDENT)
    client = page_as(neighbour)
    base = page_url(a, kind, f"{ticket.pk}/")
    assert client.get(base).status_code == 404
    assert client.get(f"{base}photos/{photo.pk}/").status_code == 404
    assert client.post(f"{base}rate/", {"rate-rating": 1}).status_code == 404
    assert client.get(page_url(a, kind)).context["paginator"].count == 0


def test_contact_details_by_viewer_and_the_assignees_view_is_logged(world, drive, page_as):
    a = world.a
    ticket = drive(a, WO, "in_progress")  # dispatched to a's technician
    ticket.submitter_phone = "+8613900001111"
    ticket.save(update_fields=["submitter_phone"])
    photo = with_photo(ticket)
    seen = {}
    for role in [Role.TECHNICIAN, Role.PROPERTY_MANAGER, Role.RESIDENT, Role.EVALUATOR]:
        page = page_as(a.users[role]).get(page_url(a, WO, f"{ticket.pk}/"))
        seen[role] = (
            page.context["contact"],
            page.context["hidden"],
            len(page.context["intake_photos"]),
        )
    assert seen == {
        Role.TECHNICIAN: ({"name": "a居民", "phone": "139 0000 1111"}, False, 1),
        Role.PROPERTY_MANAGER: ({"name": "a居民", "phone": "139****1111"}, False, 1),
        Role.RESIDENT: ({"name": "a居民", "phone": "139 0000 1111"}, False, 1),
        Role.EVALUATOR: ({"name": "", "phone": ""}, True, 0),
    }
    log = ContactAccessLog.objects.get()
    assert (log.ticket, log.actor, log.community) == (ticket, a.users[Role.TECHNICIAN], a.community)
    photo_url = page_url(a, WO, f"{ticket.pk}/photos/{photo.pk}/")
    assert page_as(a.users[Role.EVALUATOR]).get(photo_url).status_code == 404
    served = page_as(a.users[Role.PROPERTY_MANAGER]).get(photo_url)
    assert served.status_code == 200
    assert (served["Content-Type"], served["X-Content-Type-Options"]) == ("image/png", "nosniff")
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert b"".join(served.streaming_content) == photo.file.open("rb").read()
    assert not photo_url.startswith("/media/")
    # Once resolved, the assignee sees the masked phone like other staff.
    services.ticket_resolve(ticket=ticket, actor=a.users[Role.TECHNICIAN], note="修好了")
    page = page_as(a.users[Role.TECHNICIAN]).get(page_url(a, WO, f"{ticket.pk}/"))
    assert page.context["contact"]["phone"] == "139****1111"
    assert ContactAccessLog.objects.count() == 1


def test_de_identified_readers_see_no_submitter_in_queue_page_or_timeline(world, drive, page_as):
    a = world.a
    ticket = drive(a, C, "closed")
    queue = page_as(a.users[Role.OWNERS_COMMITTEE]).get(page_url(a, C))
    assert [row["submitter"] for row in queue.context["rows"]] == [""]
    assert [row["place"] for row in queue.context["rows"]] == ["a小区 1号楼1单元"]
    page = page_as(a.users[Role.EVALUATOR]).get(page_url(a, C, f"{ticket.pk}/"))
    assert "a居民" not in page.text and "101" not in page.context["place"]
    actors = [entry.actor for entry in page.context["timeline"]]
    assert actors[0] == "提出人" and actors[-1] == "提出人"


def test_script_in_every_text_field_shows_as_text(world, categories, page_as):
    a = world.a
    staff = a.users[Role.COMMITTEE_STAFF]
    category = categories[a.community.pk][C]
    category.name = f"分类{SCRIPT}"
    category.save()
    ticket = services.ticket_submit(
        community=a.community,
        actor=staff,
        kind=C,
        category=category,
        title=f"标题{SCRIPT}",
        description=f"描述{SCRIPT}",
        location_text=f"地点{SCRIPT}",
        channel="phone",
        submitter_name=f"王{SCRIPT}"[:50],
    )
    services.ticket_reply(ticket=ticket, actor=staff, note=f"留言{SCRIPT}")
    services.ticket_accept(ticket=ticket, actor=staff)
    services.ticket_resolve(ticket=ticket, actor=staff, note=f"处理{SCRIPT}")
    pages = [
        page_as(staff).get(page_url(a, C, f"{ticket.pk}/")),
        page_as(staff).get(page_url(a, C)),
        page_as(staff).get("/c/a-community/my/tickets/"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.text
        assert ESCAPED in page.text
    detail = pages[0].text
    for text in ["标题", "描述", "地点", "王", "留言", "处理", "分类"]:
        assert f"{text}{ESCAPED}" in detail
