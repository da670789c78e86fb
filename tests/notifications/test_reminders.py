"""Deadline reminders and escalations from beat (ticket_deadline_reminders_write and the
`notifications.deadline_reminders` task): near a deadline the handlers are reminded, past it
they are told it is overdue and the party's staff and the committee get an escalation; each
exactly once however often beat runs; a paused clock stands still."""

import datetime

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from community.models import Notification, OutboxMessage
from community.notifications import services, tasks
from community.notifications.ticket_notices import ticket_deadline_reminders_write
from tests.tickets.conftest import Role
from tickets import services as ticket_services
from tickets.models import Ticket, TicketKind

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
MINUTE, HOUR = datetime.timedelta(minutes=1), datetime.timedelta(hours=1)
WO, C = TicketKind.WORK_ORDER, TicketKind.COMPLAINT


def deadlines(ticket, **values):
    """Give `ticket` exactly these deadlines (the others empty)."""
    fields = {"response_due_at": None, "resolution_due_at": None, **values}
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def run(now) -> list[tuple[str, str, str]]:
    """One beat run at `now`; [(recipient, kind, title)] it wrote."""
    before = set(Notification.objects.values_list("pk", flat=True))
    with transaction.atomic():
        ticket_deadline_reminders_write(now=now)
    rows = Notification.objects.exclude(pk__in=before).select_related("recipient")
    return sorted((n.recipient.username, n.kind, n.title) for n in rows)


def forget() -> None:
    """Leave out the notices of the tickets' own events: only the reminders are looked at."""
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()


def test_unassigned_complaint_near_then_overdue_each_once(world, drive, emails):
    t = drive.submit(world.a, C, at=NOW - 20 * HOUR)
    deadlines(t, response_due_at=NOW + 90 * MINUTE)
    forget()
    n = f"投诉 {t.number}"

    assert run(NOW) == [
        ("a-property_manager", "deadline_near", f"即将到期：{n}，响应截止 2026-03-02 11:30")
    ]
    assert run(NOW) == run(NOW + 10 * MINUTE) == []
    assert run(NOW + 2 * HOUR) == [
        ("a-committee_staff", "escalation", f"超期升级：{n} 已超过响应截止 2026-03-02 11:30"),
        ("a-property_manager", "overdue", f"已超期：{n}，响应截止 2026-03-02 11:30"),
    ]
    assert run(NOW + 2 * HOUR) == run(NOW + 3 * HOUR) == []

    assert services.outbox_drain(now=NOW + 3 * HOUR)["sent"] == 3
    assert services.outbox_drain(now=NOW + 4 * HOUR)["sent"] == 0
    assert sorted(e.to[0] for e in mail.outbox) == [
        "a-committee_staff@example.org",
        "a-property_manager@example.org",
        "a-property_manager@example.org",
    ]
    assert Notification.objects.get(kind="overdue").body == "楼道灯不亮\n状态：已提交"


def test_assigned_work_order_reminds_the_assignee_and_escalates_to_managers(world, drive):
    t = drive(world.a, WO, "in_progress", at=NOW - 5 * HOUR)
    # The response deadline counts no more once the ticket was answered.
    deadlines(t, response_due_at=NOW - HOUR, resolution_due_at=NOW + HOUR)
    forget()
    n = f"工单 {t.number}"

    assert run(NOW) == [
        ("a-technician", "deadline_near", f"即将到期：{n}，办结截止 2026-03-02 11:00")
    ]
    assert run(NOW + 2 * HOUR) == [
        ("a-committee_staff", "escalation", f"超期升级：{n} 已超过办结截止 2026-03-02 11:00"),
        ("a-property_manager", "escalation", f"超期升级：{n} 已超过办结截止 2026-03-02 11:00"),
        ("a-technician", "overdue", f"已超期：{n}，办结截止 2026-03-02 11:00"),
    ]
    assert run(NOW + 3 * HOUR) == []


def test_a_moved_deadline_is_reminded_of_again(world, drive):
    t = drive.submit(world.a, C, at=NOW - 20 * HOUR)
    deadlines(t, response_due_at=NOW + HOUR)
    forget()
    assert len(run(NOW)) == 1
    deadlines(t, response_due_at=NOW + 2 * HOUR)  # e.g. the clock was paused for an hour
    assert [kind for _u, kind, _t in run(NOW + HOUR)] == ["deadline_near"]


def test_a_paused_clock_stands_still(world, drive):
    paused = drive(world.a, WO, "paused", at=NOW - 3 * HOUR)  # paused since NOW - 3 h
    deadlines(paused, resolution_due_at=NOW + HOUR)
    late = drive(world.a, WO, "paused", at=NOW - 3 * HOUR)
    deadlines(late, resolution_due_at=NOW - 4 * HOUR)  # passed before the pause began
    stopped = drive(world.a, WO, "paused", at=NOW - 3 * HOUR)
    deadlines(stopped, resolution_due_at=NOW - 2 * HOUR)  # passed while paused: not overdue
    forget()

    assert [kind for _u, kind, _t in run(NOW)] == ["escalation", "escalation", "overdue"]
    assert set(Notification.objects.values_list("ticket", flat=True)) == {late.pk}


def test_supervision_deadline_and_what_is_left_alone(world, drive):
    supervised = drive(world.a, C, "accepted", at=NOW - 5 * HOUR)
    ticket_services.ticket_supervise(
        ticket=supervised,
        actor=world.a.users[Role.COMMITTEE_STAFF],
        due_at=NOW + 30 * MINUTE,
        at=NOW - HOUR,
    )
    deadlines(supervised)
    long_ago = drive.submit(world.a, C, at=NOW - 30 * 24 * HOUR)
    deadlines(long_ago, response_due_at=NOW - 8 * 24 * HOUR)  # past the look-back
    resolved = drive(world.a, C, "resolved", at=NOW - 5 * HOUR)
    deadlines(resolved, resolution_due_at=NOW + HOUR)
    other = drive.submit(world.b, C, at=NOW - 20 * HOUR)
    deadlines(other, response_due_at=NOW + HOUR)
    forget()

    assert run(NOW) == [
        (
            "a-property_manager",
            "deadline_near",
            f"即将到期：投诉 {supervised.number}，督办期限 2026-03-02 10:30",
        ),
        (
            "b-property_manager",
            "deadline_near",
            f"即将到期：投诉 {other.number}，响应截止 2026-03-02 11:00",
        ),
    ]
    b_notice = Notification.objects.get(recipient=world.b.users[Role.PROPERTY_MANAGER])
    assert b_notice.community == world.b.community


def test_lead_time_is_a_setting(world, drive, settings):
    t = drive.submit(world.a, C, at=NOW - 20 * HOUR)
    deadlines(t, response_due_at=NOW + 3 * HOUR)
    forget()
    assert run(NOW) == []
    settings.TICKET_REMINDER_LEAD_MINUTES = 240
    assert len(run(NOW)) == 1


def test_the_beat_task_writes_once_and_drains(
    world, drive, emails, django_capture_on_commit_callbacks
):
    now = timezone.now()
    t = drive.submit(world.a, C, at=now - 20 * HOUR)
    deadlines(t, response_due_at=now + HOUR)
    forget()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deadline_reminders() == 1  # one e-mail: the property manager's
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deadline_reminders() == 0
    assert [e.to for e in mail.outbox] == [["a-property_manager@example.org"]]
    beat = settings.CELERY_BEAT_SCHEDULE
    assert beat["tickets-deadline-reminders"] == {
        "task": tasks.deadline_reminders.name,
        "schedule": 600,
    }
    assert (beat["outbox-drain"]["task"], beat["outbox-drain"]["schedule"]) == (
        tasks.outbox_drain.name,
        60,
    )


def test_a_fixed_number_of_queries_whatever_the_number_of_tickets(
    world, drive, django_assert_max_num_queries
):
    for side in (world.a, world.b):
        for _ in range(15):
            t = drive.submit(side, C, at=NOW - 20 * HOUR)
            deadlines(t, response_due_at=NOW + HOUR)
    forget()
    # tickets, staff; per community: existing keys, notifications, outbox (none: no address)
    with django_assert_max_num_queries(8), transaction.atomic():
        ticket_deadline_reminders_write(now=NOW)
    assert Notification.objects.count() == 30
