"""Who is told what about a ticket (community/notifications/ticket_notices.py), written in the
transaction of the change: the submitter on each status change, staff on new, assigned,
handed-over and supervised tickets, never the member who acted; texts in the recipient's
language; e-mails plain text, so script typed into a ticket stays text."""

import datetime

import pytest
from django.core import mail
from django.db import transaction

from community.models import Notification, OutboxMessage
from community.notifications import services as notification_services
from tests.tickets.conftest import Role
from tickets import services
from tickets.models import ResponsibleParty, TicketKind

WO, C = TicketKind.WORK_ORDER, TicketKind.COMPLAINT
SCRIPT = '<script>alert("x")</script><b>粗体</b>'


def told(ticket=None):
    """[(recipient username, kind, title)] in the order written."""
    rows = Notification.objects.order_by("id").select_related("recipient")
    if ticket is not None:
        rows = rows.filter(ticket=ticket)
    return [(n.recipient.username, n.kind, n.title) for n in rows]


def test_a_work_orders_life_tells_the_submitter_each_status_and_staff_their_part(
    world, drive, emails
):
    side = world.a
    pm, tech = side.users[Role.PROPERTY_MANAGER], side.users[Role.TECHNICIAN]
    resident = side.users[Role.RESIDENT]
    t = drive.submit(side, WO)
    n = f"工单 {t.number}"
    t = services.ticket_accept(ticket=t, actor=pm)
    t = services.ticket_dispatch(ticket=t, actor=pm, assignee=tech, note="带上扳手")
    t = services.ticket_start(ticket=t, actor=tech)
    t = services.ticket_resolve(ticket=t, actor=tech, note="已更换阀门")
    services.ticket_confirm(ticket=t, actor=resident)  # their own action: nobody is told

    assert told() == [
        ("a-property_manager", "new_ticket", f"新{n}：水电维修"),
        ("a-resident", "status_changed", f"{n} 状态变为“已受理”"),
        ("a-resident", "status_changed", f"{n} 状态变为“已派单”"),
        ("a-technician", "assigned", f"{n} 已派给您"),
        ("a-resident", "status_changed", f"{n} 状态变为“处理中”"),
        ("a-resident", "status_changed", f"{n} 状态变为“已办结”"),
    ]
    assigned = Notification.objects.get(kind="assigned")
    assert assigned.body == "楼道灯不亮\n备注：带上扳手"
    resolved = Notification.objects.filter(kind="status_changed").order_by("id").last()
    assert resolved.body == "楼道灯不亮\n备注：已更换阀门"
    # Every notice with an address has its e-mail, keyed like its notification.
    keys = sorted(f"{k}:email" for k in Notification.objects.values_list("dedupe_key", flat=True))
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == keys
    assert mail.outbox == []  # sent by the drain, never inside the change


def test_staff_submitting_on_behalf_tell_the_resident_and_the_responsible_party(world, drive):
    side = world.a
    staff = side.users[Role.COMMITTEE_STAFF]
    t = services.ticket_submit(
        community=side.community,
        actor=staff,
        kind=C,
        category=drive.categories[side.community.pk][C],
        description="噪音扰民",
        channel="phone",
        resident=side.resident,
    )
    assert told() == [
        ("a-resident", "status_changed", f"投诉 {t.number} 状态变为“已提交”"),
        ("a-property_manager", "new_ticket", f"新投诉 {t.number}：物业服务"),
    ]
    assert OutboxMessage.objects.count() == 0  # nobody has an e-mail address here


def test_hand_off_tells_the_new_partys_staff_and_supervision_the_property_managers(world, drive):
    side = world.a
    staff, pm = side.users[Role.COMMITTEE_STAFF], side.users[Role.PROPERTY_MANAGER]
    t = drive(side, WO, "dispatched")
    Notification.objects.all().delete()

    due = datetime.datetime(2031, 5, 6, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Shanghai
    t = services.ticket_supervise(ticket=t, actor=staff, due_at=due, note="请尽快处理")
    t = services.ticket_transfer(
        ticket=t,
        actor=pm,
        responsible_party=ResponsibleParty.NEIGHBOURHOOD_COMMITTEE,
        note="公共区域",
    )
    n = f"工单 {t.number}"
    assert told() == [
        ("a-technician", "supervised", f"{n} 已被居委会督办，期限 2031-05-06 09:30"),
        ("a-property_manager", "supervised", f"{n} 已被居委会督办，期限 2031-05-06 09:30"),
        ("a-committee_staff", "transferred", f"{n} 已转办至居委会"),
    ]
    assert Notification.objects.get(kind="transferred").body.startswith("备注：公共区域\n")


def test_a_reopen_is_one_notice_of_the_status_it_ends_in(world, drive):
    t = drive(world.a, C, "resolved")
    Notification.objects.all().delete()
    services.ticket_follow_up(ticket=t, actor=world.a.users[Role.COMMITTEE_STAFF], satisfied=False)
    assert told() == [("a-resident", "status_changed", f"投诉 {t.number} 状态变为“处理中”")]


def test_texts_are_in_each_recipients_language(world, drive, emails):
    pm = world.a.users[Role.PROPERTY_MANAGER]
    pm.language = "en"
    pm.save(update_fields=["language"])
    t = drive.submit(world.a, C)
    services.ticket_accept(ticket=t, actor=world.a.users[Role.COMMITTEE_STAFF])

    subjects = dict(OutboxMessage.objects.values_list("address", "subject"))
    assert subjects == {
        "a-property_manager@example.org": f"[a社区] New: Complaint {t.number}, 物业服务",
        "a-resident@example.org": f"[a社区] 投诉 {t.number} 状态变为“已受理”",
    }
    english = OutboxMessage.objects.get(address="a-property_manager@example.org")
    assert english.body.endswith(f"Open: http://127.0.0.1:8000/c/a-community/complaints/{t.pk}/\n")


def test_script_in_any_text_field_reaches_the_email_as_text(world, drive, emails):
    pm = world.a.users[Role.PROPERTY_MANAGER]
    t = drive.submit(world.a, C, description=SCRIPT, title=SCRIPT, location_text=SCRIPT)
    services.ticket_accept(ticket=t, actor=pm, note=SCRIPT)
    notification_services.outbox_drain()

    assert len(mail.outbox) == 2
    for email in mail.outbox:
        mime = email.message()
        assert (mime.get_content_type(), mime.is_multipart()) == ("text/plain", False)
        assert SCRIPT in email.body and "&lt;" not in email.body
    new = next(e for e in mail.outbox if e.to == ["a-property_manager@example.org"])
    assert new.body.count(SCRIPT) == 3  # title, place and description, as typed
    status = next(e for e in mail.outbox if e.to == ["a-resident@example.org"])
    assert f"备注：{SCRIPT}" in status.body
    # The subject is one header line: the title's newlines never reach it.
    assert all("\n" not in e.subject for e in mail.outbox)


def test_notices_roll_back_with_the_change(world, drive, emails):
    with pytest.raises(RuntimeError), transaction.atomic():
        drive.submit(world.a, C)
        assert Notification.objects.count() == 1 and OutboxMessage.objects.count() == 1
        raise RuntimeError("the change fails after the notices were written")
    assert (Notification.objects.count(), OutboxMessage.objects.count()) == (0, 0)


def test_each_notice_is_written_once_whatever_the_number_of_writes(world, emails):
    pm = world.a.users[Role.PROPERTY_MANAGER]
    pm.refresh_from_db()
    notice = notification_services.Notice(
        recipient=pm, kind="new_ticket", key="test:once", text=lambda: ("标题", "内容")
    )
    for _ in range(2):
        notification_services.notifications_write(community=world.a.community, notices=[notice])
    assert Notification.objects.count() == OutboxMessage.objects.count() == 1
    # The same key in another community is another notice.
    notification_services.notifications_write(community=world.b.community, notices=[notice])
    assert Notification.objects.count() == 2
