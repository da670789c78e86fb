"""Intake pages: a resident's own complaint or repair request with photos, staff on behalf of
a resident with the channel, one ticket per form however often it is sent, photos checked by
content and stored without their EXIF, bad input shown on its field with the input kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community.models import Membership
from tests import factories
from tickets.models import Ticket, TicketKind, TicketPhoto

from .conftest import GPS_IFD, jpeg_with_gps, page_url, pixel_flood_png, png

Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER


def form_data(category, **extra):
    return {
        "category": category.pk,
        "description": "楼道灯不亮",
        "where": "household",
        "idempotency_key": "k-1",
        **extra,
    }


def test_a_resident_submits_a_complaint_with_a_photo_from_their_home(
    world, categories, page_as, media_root
):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    form = client.get(page_url(a, C, "new/"))
    assert form.status_code == 200
    key = form.context["form"]["idempotency_key"].value()
    assert len(key) == 32
    category = categories[a.community.pk][C]
    data = form_data(category, household=a.household.pk, idempotency_key=key)
    response = client.post(page_url(a, C, "new/"), {**data, "photos": [jpeg_with_gps()]})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == page_url(a, C, f"{ticket.pk}/")
    assert (ticket.kind, ticket.channel, ticket.submitter, ticket.household) == (
        C,
        Ticket.Channel.WEB,
        a.users[Role.RESIDENT],
        a.household,
    )
    assert (ticket.building, ticket.unit, ticket.idempotency_key) == (a.building, a.unit, key)
    photo = TicketPhoto.objects.get()
    assert (photo.ticket, photo.event, photo.community) == (ticket, None, a.community)
    # Orientation 6 applied: the 40 x 20 picture stands upright as 20 x 40.
    assert (photo.content_type, photo.width, photo.height) == ("image/jpeg", 20, 40)
    assert photo.file.name.startswith(f"tickets/{a.community.pk}/")
    assert photo.file.name.endswith(".jpg") and "photo" not in photo.file.name
    stored = media_root / photo.file.name
    assert stored.stat().st_size == photo.size_bytes
    with Image.open(stored) as image:
        assert image.size == (20, 40)
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(GPS_IFD) == {}


def test_a_double_click_or_a_retry_creates_one_ticket(world, categories, page_as):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    category = categories[a.community.pk][WO]
    data = form_data(category, household=a.household.pk)
    first = client.post(page_url(a, WO, "new/"), {**data, "photos": [png()]})
    second = client.post(page_url(a, WO, "new/"), {**data, "photos": [png()]})
    ticket = Ticket.objects.get()
    assert first["Location"] == second["Location"] == page_url(a, WO, f"{ticket.pk}/")
    assert (ticket.kind, ticket.events.count(), ticket.photos.count()) == (WO, 1, 1)


def test_staff_enter_a_complaint_on_behalf_of_a_resident_with_the_channel(
    world, categories, page_as
):
    a = world.a
    client = page_as(a.users[Role.COMMITTEE_STAFF])
    form = client.get(page_url(a, C, "new/")).context["form"]
    assert [c for c, _label in form.fields["channel"].choices][1:] == [
        "phone",
        "visit",
        "opinion_box",
        "building_captain",
        "hotline_12345",
        "staff",
        "other",
    ]
    assert "household" not in form.fields
    data = form_data(categories[a.community.pk][C], channel="building_captain")
    response = client.post(page_url(a, C, "new/"), {**data, "resident": a.resident.pk})
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.channel, ticket.submitter, ticket.created_by, ticket.household) == (
        "building_captain",
        a.users[Role.RESIDENT],
        a.users[Role.COMMITTEE_STAFF],
        a.household,
    )
    assert ticket.submitter_name == a.resident.name


def test_a_technician_reports_a_repair_in_a_public_area_for_a_caller(world, categories, page_as):
    a = world.a
    client = page_as(a.users[Role.TECHNICIAN])
    form = client.get(page_url(a, WO, "new/")).context["form"]
    assert "resident" not in form.fields  # technicians may not read the registry
    data = form_data(
        categories[a.community.pk][WO],
        channel="phone",
        where="public",
        location_text="北门停车场",
        submitter_name="王先生",
        submitter_phone="13900001111",
    )
    assert client.post(page_url(a, WO, "new/"), data).status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.location_text, ticket.household, ticket.building) == ("北门停车场", None, None)
    assert (ticket.submitter, ticket.submitter_name, ticket.submitter_phone) == (
        None,
        "王先生",
        "+8613900001111",
    )


def test_a_missing_channel_is_shown_on_its_field_and_the_input_is_kept(world, categories, page_as):
    a = world.a
    client = page_as(a.users[Role.PROPERTY_MANAGER])
    data = form_data(
        categories[a.community.pk][C], description="电梯异响<b>很久</b>", where="building"
    )
    response = client.post(page_url(a, C, "new/"), {**data, "building": a.building.pk})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["channel"] == ["该字段是必填项。"]
    assert form["description"].value() == "电梯异响<b>很久</b>"
    assert "电梯异响&lt;b&gt;很久&lt;/b&gt;" in response.text
    assert form["idempotency_key"].value() == "k-1"
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("where", "extra", "field"),
    [
        ("household", {}, "household"),
        ("public", {}, "location_text"),
        ("building", {}, "building"),
    ],
)
def test_the_chosen_kind_of_place_must_be_given(world, categories, page_as, where, extra, field):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    data = form_data(categories[a.community.pk][C], where=where, **extra)
    response = client.post(page_url(a, C, "new/"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_a_resident_cannot_name_another_households_home(world, categories, page_as):
    a, b = world.a, world.b
    client = page_as(a.users[Role.RESIDENT])
    data = form_data(categories[a.community.pk][C], household=b.household.pk)
    response = client.post(page_url(a, C, "new/"), data)
    assert response.status_code == 400
    assert "household" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def _html_as_jpg():
    return SimpleUploadedFile(
        "cat.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )


def _svg_with_script():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
    return SimpleUploadedFile("drawing.svg", svg, content_type="image/svg+xml")


def _too_large():
    return SimpleUploadedFile("huge.jpg", b"\xff" * (10 * 1024 * 1024 + 1), "image/jpeg")


def _gif():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "GIF")
    return SimpleUploadedFile("anim.gif", buffer.getvalue(), content_type="image/gif")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_html_as_jpg, "“cat.jpg”不是 JPEG、PNG 或 WebP 图片。"),
        (_svg_with_script, "“drawing.svg”不是 JPEG、PNG 或 WebP 图片。"),
        (_gif, "“anim.gif”不是 JPEG、PNG 或 WebP 图片。"),
        (lambda: pixel_flood_png(7000, 7000), "“flood.png”超过 4000 万像素。"),
        (lambda: pixel_flood_png(10_000, 10_000), "“flood.png”超过 4000 万像素。"),
        (lambda: pixel_flood_png(100_000, 100_000), "“flood.png”超过 4000 万像素。"),
        (_too_large, "“huge.jpg”超过 10 MB。"),
    ],
    ids=["html-as-jpg", "svg-script", "gif", "40mp", "pillow-warning", "pillow-bomb", "10mb"],
)
def test_a_refused_photo_is_named_on_the_photos_field_and_nothing_is_saved(
    world, categories, page_as, media_root, make, message
):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    data = form_data(categories[a.community.pk][C], household=a.household.pk)
    response = client.post(page_url(a, C, "new/"), {**data, "photos": [png(), make()]})
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == [message]
    assert response.context["form"]["description"].value() == "楼道灯不亮"
    assert (Ticket.objects.count(), TicketPhoto.objects.count()) == (0, 0)
    assert not (media_root / "tickets").exists()


def test_at_most_six_photos(world, categories, page_as):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    data = form_data(categories[a.community.pk][C], household=a.household.pk)
    response = client.post(page_url(a, C, "new/"), {**data, "photos": [png() for _ in range(7)]})
    assert response.context["form"].errors["photos"] == ["最多附加 6 张照片。"]
    six = client.post(page_url(a, C, "new/"), {**data, "photos": [png() for _ in range(6)]})
    assert six.status_code == 302
    assert TicketPhoto.objects.count() == 6


@pytest.mark.parametrize("role", [Role.OWNERS_COMMITTEE, Role.EVALUATOR])
def test_readers_who_may_not_write_are_refused_the_form(world, categories, page_as, role):
    a = world.a
    client = page_as(a.users[role])
    assert client.get(page_url(a, C, "new/")).status_code == 403
    data = form_data(categories[a.community.pk][C], household=a.household.pk)
    assert client.post(page_url(a, C, "new/"), data).status_code == 403
    assert Ticket.objects.count() == 0


def test_a_residents_only_home_is_preselected_and_places_name_their_compound(
    world, categories, page_as
):
    """The resident's only household is chosen already; buildings and units carry their
    compound's name (two compounds may each have a 1号楼). With two homes none is guessed."""
    a = world.a
    other = factories.BuildingFactory(
        compound=factories.CompoundFactory(community=a.community, name="幸福里二期"), name="1号楼"
    )
    factories.UnitFactory(building=other, name="2单元")
    client = page_as(a.users[Role.RESIDENT])
    form = client.get(page_url(a, C, "new/")).context["form"]
    assert form["household"].value() == a.household.pk
    buildings = [label for _value, label in form.fields["building"].choices][1:]
    assert sorted(buildings) == ["a小区 1号楼", "幸福里二期 1号楼"]
    units = [label for _value, label in form.fields["unit"].choices][1:]
    assert sorted(units) == ["a小区 1号楼1单元", "幸福里二期 1号楼2单元"]
    factories.ResidentFactory(
        household=factories.HouseholdFactory(unit=a.unit, room="102"),
        user=a.users[Role.RESIDENT],
    )
    assert client.get(page_url(a, C, "new/")).context["form"]["household"].value() is None


def test_a_refused_form_says_the_photos_must_be_chosen_again(world, categories, page_as):
    a = world.a
    client = page_as(a.users[Role.RESIDENT])
    data = form_data(categories[a.community.pk][C], where="public")
    response = client.post(page_url(a, C, "new/"), {**data, "photos": [png()]})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [
        "请修改下面标出的内容，然后重新选择照片。"
    ]
    assert 'class="alert alert-warning py-2 mb-2" role="alert" id="photos-again"' in response.text
    assert (Ticket.objects.count(), TicketPhoto.objects.count()) == (0, 0)
