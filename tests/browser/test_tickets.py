"""Complaints in a real browser: on a phone a resident submits one with a photo; the property
manager accepts, dispatches and resolves it; on the phone the resident rates it."""

import io
import re

import pytest
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from community.models import Membership
from tests.tickets.conftest import categories  # noqa: F401  (fixture)
from tickets.models import Ticket, TicketPhoto

pytestmark = pytest.mark.browser
Role = Membership.Role


def label(status) -> str:
    with translation.override("zh-hans"):
        return str(status.label)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def open_action(page, action):
    page.locator(f"#action-{action} summary").click()
    return page.locator(f"#action-{action} form")


def test_a_complaint_from_a_phone_to_its_rating(logged_in_page, world, categories, live_server):  # noqa: F811
    a = world.a
    slug = a.community.slug
    resident = logged_in_page(a.users[Role.RESIDENT], phone=True)
    resident.goto(f"/c/{slug}/my/tickets/")
    resident.get_by_role("link", name="我要投诉").click()
    resident.get_by_label("事项类别").select_option(label="物业服务")
    resident.get_by_label("描述", exact=True).fill("楼道灯坏了三天")
    resident.get_by_label("哪一处住房").select_option(index=1)
    resident.get_by_label("照片").set_input_files(
        [{"name": "light.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    resident.locator("#submit-ticket").click()
    expect(resident).to_have_url(re.compile(rf"/c/{slug}/complaints/\d+/$"))
    ticket = Ticket.objects.get()
    expect(resident.locator("#ticket-status")).to_have_text(label(Ticket.Status.SUBMITTED))
    photo = resident.locator("#intake-photos img")
    expect(photo).to_have_count(1)
    resident.wait_for_function("document.querySelector('#intake-photos img').naturalWidth > 0")
    assert photo.evaluate("img => img.naturalWidth") == 64  # served by the photo page
    assert TicketPhoto.objects.get().ticket == ticket

    staff = logged_in_page(a.users[Role.PROPERTY_MANAGER])
    staff.goto(f"/c/{slug}/complaints/")
    staff.get_by_role("link", name=re.compile(ticket.number)).click()
    open_action(staff, "accept").locator("button[type=submit]").click()
    expect(staff.locator("#ticket-status")).to_have_text(label(Ticket.Status.ACCEPTED))
    dispatch = open_action(staff, "dispatch")
    dispatch.locator("select[name='dispatch-assignee']").select_option(label="a-property_manager")
    dispatch.locator("button[type=submit]").click()
    expect(staff.locator("#ticket-status")).to_have_text(label(Ticket.Status.DISPATCHED))
    expect(staff.locator("#ticket-assignee")).to_contain_text("a-property_manager")
    resolve = open_action(staff, "resolve")
    resolve.locator("textarea").fill("已更换灯泡")
    resolve.locator("button[type=submit]").click()
    expect(staff.locator("#ticket-status")).to_have_text(label(Ticket.Status.RESOLVED))

    resident.reload()
    rate = open_action(resident, "rate")
    rate.get_by_label("5", exact=True).check()
    rate.locator("textarea").fill("很及时")
    rate.locator("button[type=submit]").click()
    expect(resident.locator("#ticket-rating")).to_have_text("5/5")
    expect(resident.locator("#timeline")).to_contain_text("已更换灯泡")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.assignee) == (
        Ticket.Status.RESOLVED,
        5,
        a.users[Role.PROPERTY_MANAGER],
    )
    # Nothing of the ticket page is wider than the phone (the header is test_portal's).
    assert resident.evaluate("document.querySelector('main').scrollWidth") <= 390
