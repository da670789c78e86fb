"""Deadlines on China's calendar (METRICS.md, Time). Every expected instant is worked out by
hand in the comment next to it, from the State Council's published holiday notices."""

import datetime
import importlib
import zoneinfo

import pytest
from django.apps import apps

from reports.metrics import Target, figures_compute
from reports.periods import Period
from tests.tickets.conftest import Role
from tickets import services, sla
from tickets.models import Ticket, TicketEvent, TicketKind

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NY = zoneinfo.ZoneInfo("America/New_York")
UTC = datetime.UTC
RESOLUTION = "tickets.on_time_resolution_rate"


def at(*args, tz=SH):
    return datetime.datetime(*args, tzinfo=tz)


def days(start, n):
    return sla.deadline(start=start, target=n, unit=sla.WORKING_DAYS, tz=SH)


def test_national_day_eve_three_working_days():
    # 2025-09-30 (Tue) 10:00. Oct 1-8 are holidays (National Day + Mid-Autumn); Oct 9 (Thu) is
    # working day 1, Oct 10 (Fri) day 2, Oct 11 (Sat) an adjusted working day: day 3.
    assert days(at(2025, 9, 30, 10, 0), 3) == at(2025, 10, 11, 10, 0)
    assert days(at(2025, 9, 30, 10, 0), 3) == datetime.datetime(2025, 10, 11, 2, 0, tzinfo=UTC)


def test_before_an_adjusted_working_sunday():
    # 2025-09-26 (Fri) 15:20: Sat 27 is a rest day, Sun 28 an adjusted working day (调休).
    assert days(at(2025, 9, 26, 15, 20), 1) == at(2025, 9, 28, 15, 20)
    # Day 2 is Mon 29, day 3 Tue 30; day 4 only after the holiday: Thu Oct 9.
    assert days(at(2025, 9, 26, 15, 20), 2) == at(2025, 9, 29, 15, 20)
    assert days(at(2025, 9, 26, 15, 20), 4) == at(2025, 10, 9, 15, 20)


def test_before_an_adjusted_working_saturday_and_spring_festival():
    # 2026-02-13 (Fri) 09:30: Sat 14 is a working day; Feb 15-23 Spring Festival; Tue 24 next.
    assert days(at(2026, 2, 13, 9, 30), 1) == at(2026, 2, 14, 9, 30)
    assert days(at(2026, 2, 13, 9, 30), 2) == at(2026, 2, 24, 9, 30)


def test_submitted_on_a_holiday_counts_from_the_next_working_day():
    # Submitted on National Day itself, 2025-10-03 23:59: day 1 = Oct 9, day 2 = Oct 10.
    assert days(at(2025, 10, 3, 23, 59), 2) == at(2025, 10, 10, 23, 59)


def test_local_date_decides_not_the_utc_date():
    # 2025-09-30 01:00 in Shanghai is 2025-09-29 17:00 UTC; the local date (Sep 30) counts.
    start = datetime.datetime(2025, 9, 29, 17, 0, tzinfo=UTC)
    assert days(start, 1) == at(2025, 10, 9, 1, 0)


def test_hours_across_midnight_are_absolute():
    # 2025-03-10 22:30 + 4 h = 2025-03-11 02:30 local = 2025-03-10 18:30 UTC.
    deadline = sla.deadline(start=at(2025, 3, 10, 22, 30), target=4, unit=sla.HOURS, tz=SH)
    assert deadline == datetime.datetime(2025, 3, 10, 18, 30, tzinfo=UTC)
    # Across New York's spring-forward night: 4 hours of real time, 5 on the wall clock.
    start = at(2025, 3, 8, 23, 0, tz=NY)
    deadline = sla.deadline(start=start, target=4, unit=sla.HOURS, tz=NY)
    assert deadline == datetime.datetime(2025, 3, 9, 8, 0, tzinfo=UTC)
    assert deadline.astimezone(NY).hour == 4


def test_no_target_no_deadline():
    assert sla.deadline(start=at(2025, 1, 1), target=None, unit=sla.HOURS, tz=SH) is None


def test_a_year_the_calendar_does_not_know_is_an_error_not_a_guess():
    # 2026-12-31 (Thu) + 2 working days runs into 2027, which chinesecalendar 1.11 lacks.
    with pytest.raises(sla.WorkingCalendarUnknown, match="2027"):
        days(at(2026, 12, 31, 10, 0), 2)


def test_submission_keeps_the_ticket_and_flags_an_unknown_calendar(world, categories):
    category = categories[world.a.community.pk][TicketKind.WORK_ORDER]  # 2 h / 2 working days
    ticket = services.ticket_submit(
        community=world.a.community,
        actor=world.a.users[Role.RESIDENT],
        kind=TicketKind.WORK_ORDER,
        category=category,
        description="水管爆裂",
        at=at(2026, 12, 31, 10, 0),
    )
    assert ticket.response_due_at == at(2026, 12, 31, 12, 0)
    assert ticket.resolution_due_at is None
    assert ticket.data_flags == ["deadline_calendar_unknown"]


def test_submission_sets_deadlines_from_the_category(world, categories):
    # Complaint category: response 24 h, resolution 3 working days.
    ticket = services.ticket_submit(
        community=world.a.community,
        actor=world.a.users[Role.RESIDENT],
        kind=TicketKind.COMPLAINT,
        category=categories[world.a.community.pk][TicketKind.COMPLAINT],
        description="节前投诉",
        at=at(2025, 9, 30, 10, 0),
    )
    assert ticket.response_due_at == at(2025, 10, 1, 10, 0)
    assert ticket.resolution_due_at == at(2025, 10, 11, 10, 0)


def paused_work_order(world, drive):
    """A work order (2 h / 2 working days) submitted Mon 2025-06-09 09:00 (response due 11:00,
    resolution due Wed 06-11 09:00), accepted 09:20, started 10:00; the resident asks for a
    visit the next evening: paused 10:30 -> 06-10 19:00. Returns (ticket, the resumed one)."""
    ticket = drive.submit(world.a, TicketKind.WORK_ORDER, at=at(2025, 6, 9, 9, 0))
    pm, tech = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.TECHNICIAN]
    services.ticket_accept(ticket=ticket, actor=pm, at=at(2025, 6, 9, 9, 20))
    services.ticket_dispatch(ticket=ticket, actor=pm, assignee=tech, at=at(2025, 6, 9, 9, 30))
    services.ticket_start(ticket=ticket, actor=tech, at=at(2025, 6, 9, 10, 0))
    services.ticket_pause(
        ticket=ticket, actor=tech, note="业主约定次日晚上", at=at(2025, 6, 9, 10, 30)
    )
    return ticket, services.ticket_resume(ticket=ticket, actor=tech, at=at(2025, 6, 10, 19, 0))


def test_a_paused_and_resumed_clock_moves_deadlines(world, drive):
    # Work order (2 h / 2 working days) submitted Mon 2025-06-09 09:00:
    # response due 11:00; resolution due Wed 2025-06-11 09:00.
    ticket, paused = paused_work_order(world, drive)
    assert ticket.resolution_due_at == at(2025, 6, 11, 9, 0)  # as submitted
    pm, tech = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.TECHNICIAN]
    # Paused 32 h 30 min = 117000 s: resolution due 2025-06-11 09:00 + 32:30 = 06-12 17:30.
    assert paused.paused_seconds == 117000
    assert paused.paused_since is None
    assert paused.resolution_due_at == at(2025, 6, 12, 17, 30)
    # The response deadline stays: the ticket had its first response (accept at 09:20) already.
    assert paused.response_due_at == at(2025, 6, 9, 11, 0)
    assert paused.first_response_at == at(2025, 6, 9, 9, 20)
    # A second pause adds up; a resolve while paused ends the pause first.
    services.ticket_pause(ticket=ticket, actor=pm, note="等待业主确认", at=at(2025, 6, 12, 8, 0))
    done = services.ticket_resolve(
        ticket=ticket, actor=tech, note="已修复", at=at(2025, 6, 12, 9, 0)
    )
    assert done.paused_seconds == 117000 + 3600
    assert done.resolution_due_at == at(2025, 6, 12, 18, 30)
    kinds = list(done.events.values_list("kind", "actor_kind"))[-3:]
    assert kinds == [("pause", "staff"), ("resume", "staff"), ("transition", "staff")]


def test_the_metrics_count_a_pause_once(world, drive):
    # The deadlines the services move on resume are not moved a second time by the metrics'
    # replay of the same pause: they start from the deadlines as set at submission.
    # Work order (2 h / 2 working days) submitted Mon 2025-06-09 09:00: response due 11:00,
    # resolution due Wed 06-11 09:00; paused 10:30 -> 06-10 19:00 (32 h 30 min), so the
    # resolution is due 06-12 17:30. Counting the pause twice would make it 06-14 02:00.
    ticket, _paused = paused_work_order(world, drive)
    tech = world.a.users[Role.TECHNICIAN]
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == at(2025, 6, 12, 17, 30)
    assert ticket.nominal_resolution_due_at == at(2025, 6, 11, 9, 0)
    assert ticket.nominal_response_due_at == ticket.response_due_at == at(2025, 6, 9, 11, 0)

    def on_time(as_of):
        target = Target(world.a.community, Period.parse("2025-06"))
        found = figures_compute(targets=[target], as_of=as_of)[target]
        return [
            (f.numerator, f.denominator)
            for f in (found["tickets.on_time_response_rate"], found[RESOLUTION])
        ]

    # 06-12 18:00, still open: the resolution deadline (17:30) has passed, missed.
    assert on_time(at(2025, 6, 12, 18, 0)) == [(1, 1), (0, 1)]
    # Resolved 06-13 09:00: late.
    services.ticket_resolve(ticket=ticket, actor=tech, note="已修复", at=at(2025, 6, 13, 9, 0))
    assert on_time(at(2025, 7, 1)) == [(1, 1), (0, 1)]


def test_the_migration_recovers_the_deadlines_at_submission(world, drive):
    # tickets 0006 backfills the new columns by taking back the moves of each resume: here a
    # pause before the first response (both deadlines moved 2 h) and one after it (only the
    # resolution deadline moved, 1 h). Submitted Mon 2025-06-09 09:00: due 11:00 and 06-11 09:00.
    backfill = importlib.import_module("tickets.migrations.0006_ticket_nominal_deadlines").backfill
    ticket = drive.submit(world.a, TicketKind.WORK_ORDER, at=at(2025, 6, 9, 9, 0))
    pm, tech = world.a.users[Role.PROPERTY_MANAGER], world.a.users[Role.TECHNICIAN]
    # The services pause only accepted tickets; an older log can hold a pause before the first
    # response, applied here as tickets.demo and the importers apply events.
    for kind, instant in (("pause", at(2025, 6, 9, 9, 10)), ("resume", at(2025, 6, 9, 11, 10))):
        event = TicketEvent.objects.create(
            community=world.a.community, ticket=ticket, kind=kind, actor_kind="staff", at=instant
        )
        services.event_apply(ticket, event)
    ticket.save()
    services.ticket_accept(ticket=ticket, actor=pm, at=at(2025, 6, 9, 11, 20))
    services.ticket_dispatch(ticket=ticket, actor=pm, assignee=tech, at=at(2025, 6, 9, 11, 30))
    services.ticket_start(ticket=ticket, actor=tech, at=at(2025, 6, 9, 12, 0))
    services.ticket_pause(ticket=ticket, actor=tech, note="等配件", at=at(2025, 6, 9, 13, 0))
    services.ticket_resume(ticket=ticket, actor=tech, at=at(2025, 6, 9, 14, 0))
    untouched = drive.submit(world.a, TicketKind.WORK_ORDER, at=at(2025, 6, 9, 9, 0))
    Ticket.objects.update(nominal_response_due_at=None, nominal_resolution_due_at=None)
    backfill(apps, None)
    ticket.refresh_from_db()
    assert (ticket.response_due_at, ticket.resolution_due_at) == (
        at(2025, 6, 9, 13, 0),
        at(2025, 6, 11, 12, 0),
    )
    assert (ticket.nominal_response_due_at, ticket.nominal_resolution_due_at) == (
        at(2025, 6, 9, 11, 0),
        at(2025, 6, 11, 9, 0),
    )
    untouched.refresh_from_db()
    assert (untouched.nominal_response_due_at, untouched.nominal_resolution_due_at) == (
        at(2025, 6, 9, 11, 0),
        at(2025, 6, 11, 9, 0),
    )
