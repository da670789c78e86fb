"""Every API 404 answers the generic, translated "Not found." without naming a model: a missing
row, another community's row and a missing photo alike."""

from community.models import Membership
from tickets.models import TicketKind

Role = Membership.Role
CHINESE = {"detail": "未找到。"}


def test_ticket_404s_are_generic_and_chinese(world, drive, api_as):
    a, b = world.a, world.b
    ticket = drive(a, TicketKind.COMPLAINT, "submitted")
    other = drive(b, TicketKind.COMPLAINT, "submitted")
    client = api_as(a.users[Role.COMMITTEE_STAFF])
    base = "/api/v1/c/a-community/complaints"
    for url in (
        f"{base}/{ticket.pk + other.pk + 1000}/",
        f"{base}/{other.pk}/",  # another community's ticket
        f"{base}/{ticket.pk}/photos/999999/",
    ):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, CHINESE), url


def test_record_404s_are_generic_and_chinese(world, api_as):
    client = api_as(world.a.users[Role.COMMITTEE_STAFF])
    for endpoint in ("meetings", "service-uses", "hazards", "facilities"):
        response = client.get(f"/api/v1/c/a-community/{endpoint}/999999/")
        assert (response.status_code, response.json()) == (404, CHINESE), endpoint


def test_404_in_english_for_an_english_user(world, api_as):
    staff = world.a.users[Role.COMMITTEE_STAFF]
    staff.language = "en"
    staff.save(update_fields=["language"])
    client = api_as(None)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/api/v1/c/a-community/service-uses/999999/")
    assert response.json() == {"detail": "Not found."}
