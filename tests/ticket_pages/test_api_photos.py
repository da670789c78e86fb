"""Photos through the API: multipart `photos` on submission and on resolution, checked and
stored like the pages' (tickets.photos); a refused photo answers 400 naming `photos`."""

from PIL import Image

from community.models import Membership
from tickets.models import Ticket, TicketKind, TicketPhoto

from .conftest import GPS_IFD, jpeg_with_gps, pixel_flood_png, png

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER


def api(side, path):
    return f"/api/v1/c/{side.community.slug}/{path}"


def test_submit_with_photos_as_multipart_and_retry(world, categories, api_as, media_root):
    a = world.a
    client = api_as(a.users[Role.RESIDENT])
    body = {
        "category": categories[a.community.pk][C].pk,
        "description": "垃圾桶满了",
        "household": a.household.pk,
        "idempotency_key": "api-1",
    }
    first = client.post(api(a, "complaints/"), {**body, "photos": [jpeg_with_gps(), png()]})
    again = client.post(api(a, "complaints/"), {**body, "photos": [png()]})
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] == Ticket.objects.get().pk
    stored = list(TicketPhoto.objects.values_list("content_type", "width", "height", "event"))
    assert stored == [("image/jpeg", 20, 40, None), ("image/png", 8, 8, None)]
    with Image.open(media_root / TicketPhoto.objects.first().file.name) as image:
        assert image.getexif().get_ifd(GPS_IFD) == {}


def test_a_refused_photo_answers_400_on_photos_and_saves_nothing(world, categories, api_as):
    a = world.a
    client = api_as(a.users[Role.RESIDENT])
    body = {
        "category": categories[a.community.pk][C].pk,
        "description": "垃圾桶满了",
        "household": a.household.pk,
        "photos": [pixel_flood_png(100_000, 100_000)],
    }
    response = client.post(api(a, "complaints/"), body)
    assert response.status_code == 400
    assert response.json() == {"photos": ["“flood.png”超过 4000 万像素。"]}
    assert (Ticket.objects.count(), TicketPhoto.objects.count()) == (0, 0)


def test_resolve_with_photos_and_another_communitys_ticket_is_404(world, drive, api_as):
    a = world.a
    ticket = drive(a, WO, "in_progress")
    client = api_as(a.users[Role.TECHNICIAN])
    url = api(a, f"work-orders/{ticket.pk}/resolve/")
    response = client.post(url, {"note": "已修好", "photos": [png(), png()]})
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"
    event = ticket.events.get(to_status="resolved")
    assert list(TicketPhoto.objects.values_list("event", flat=True)) == [event.pk, event.pk]
    theirs = drive(world.b, WO, "in_progress")
    staff = api_as(a.users[Role.PROPERTY_MANAGER])
    other = staff.post(
        api(a, f"work-orders/{theirs.pk}/resolve/"), {"note": "x", "photos": [png()]}
    )
    assert other.status_code == 404
    assert TicketPhoto.objects.count() == 2


def test_photos_listed_and_downloaded_as_stored_not_to_deidentified_readers(
    world, drive, api_as, media_root
):
    a = world.a
    ticket = drive(a, WO, "in_progress")
    tech = api_as(a.users[Role.TECHNICIAN])
    tech.post(
        api(a, f"work-orders/{ticket.pk}/resolve/"), {"note": "已修好", "photos": [png(6, 4)]}
    )
    photo = TicketPhoto.objects.get()
    event = ticket.events.get(to_status="resolved")
    listed = tech.get(api(a, f"work-orders/{ticket.pk}/photos/"))
    download = f"http://testserver{api(a, f'work-orders/{ticket.pk}/photos/{photo.pk}/')}"
    assert listed.json() == [
        {
            "id": photo.pk,
            "event": event.pk,
            "content_type": "image/png",
            "width": 6,
            "height": 4,
            "size_bytes": (media_root / photo.file.name).stat().st_size,
            "url": download,
        }
    ]
    for accept in ("*/*", "image/png"):
        image = tech.get(download, HTTP_ACCEPT=accept)
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        assert b"".join(image.streaming_content) == (media_root / photo.file.name).read_bytes()
    evaluator = api_as(a.users[Role.EVALUATOR])
    assert evaluator.get(api(a, f"work-orders/{ticket.pk}/photos/")).status_code == 404
    assert evaluator.get(download).status_code == 404


def test_a_photo_of_another_ticket_or_community_is_404(world, drive, api_as, media_root):
    a, b = world.a, world.b
    mine, other = drive(a, WO, "in_progress"), drive(a, WO, "in_progress")
    tech = api_as(a.users[Role.TECHNICIAN])
    tech.post(api(a, f"work-orders/{other.pk}/resolve/"), {"note": "好", "photos": [png()]})
    theirs = drive(b, WO, "in_progress")
    api_as(b.users[Role.TECHNICIAN]).post(
        api(b, f"work-orders/{theirs.pk}/resolve/"), {"note": "好", "photos": [png()]}
    )
    other_photo = TicketPhoto.objects.get(ticket=other)
    their_photo = TicketPhoto.objects.get(ticket=theirs)
    staff = api_as(a.users[Role.PROPERTY_MANAGER])
    assert staff.get(api(a, f"work-orders/{mine.pk}/photos/")).json() == []
    assert staff.get(api(a, f"work-orders/{mine.pk}/photos/{other_photo.pk}/")).status_code == 404
    for path in (f"{theirs.pk}/photos/", f"{theirs.pk}/photos/{their_photo.pk}/"):
        assert staff.get(api(a, f"work-orders/{path}")).status_code == 404
        assert staff.get(api(b, f"work-orders/{path}")).status_code == 404
    assert staff.get(api(a, f"complaints/{other.pk}/photos/")).status_code == 404
