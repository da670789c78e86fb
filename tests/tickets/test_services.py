"""The lifecycle services: reopen, hand-offs, merge, ratings, follow-up calls, auto-close,
idempotent and concurrent submissions, concurrent accepts, numbering and the event log."""

import datetime
import threading
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.tickets.conftest import Role
from tickets import services
from tickets.models import Ticket, TicketEvent, TicketKind
from tickets.rules import TransitionNotAllowed
from tickets.signals import ticket_events_recorded

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
WO, C = TicketKind.WORK_ORDER, TicketKind.COMPLAINT


def at(*args):
    return datetime.datetime(*args, tzinfo=SH)


def transitions(ticket):
    return list(ticket.events.filter(kind="transition").values_list("from_status", "to_status"))


@pytest.fixture
def people(world):
    u = world.a.users
    return (
        u[Role.PROPERTY_MANAGER],
        u[Role.TECHNICIAN],
        u[Role.RESIDENT],
        u[Role.COMMITTEE_STAFF],
    )


def resolved_on(world, drive, people, when):
    pm, tech, _resident, _cs = people
    t = drive.submit(world.a, WO, at=when)
    services.ticket_accept(ticket=t, actor=pm, at=when)
    services.ticket_dispatch(ticket=t, actor=pm, assignee=tech, at=when)
    services.ticket_start(ticket=t, actor=tech, at=when)
    return services.ticket_resolve(ticket=t, actor=tech, note="已修复", at=when)


def test_reopen_within_seven_days_then_resolve_again(world, drive, people):
    _pm, tech, resident, _cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))

    reopened = services.ticket_reopen(
        ticket=t, actor=resident, note="又漏了", at=at(2025, 5, 13, 8, 59)
    )
    assert (reopened.status, reopened.resolved_at, reopened.closed_at) == (
        "in_progress",
        None,
        None,
    )
    assert transitions(t)[-2:] == [("resolved", "reopened"), ("reopened", "in_progress")]
    again = services.ticket_resolve(ticket=t, actor=tech, note="换了阀门", at=at(2025, 5, 14, 10))
    # The last resolution is the one that counts (METRICS.md, Resolution time).
    assert again.resolved_at == at(2025, 5, 14, 10)
    assert again.first_response_at == at(2025, 5, 6, 9, 0)


def test_reopen_after_seven_days_is_refused_and_changes_nothing(world, drive, people):
    _pm, _tech, resident, _cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    with pytest.raises(TransitionNotAllowed, match="7 天内重新打开"):
        services.ticket_reopen(ticket=t, actor=resident, at=at(2025, 5, 13, 9, 1))
    t.refresh_from_db()
    assert t.status == "resolved" and t.events.count() == 5


def test_reopen_from_closed(world, drive, people):
    _pm, _tech, resident, _cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    services.ticket_confirm(ticket=t, actor=resident, at=at(2025, 5, 7, 9, 0))
    t = services.ticket_reopen(ticket=t, actor=resident, at=at(2025, 5, 8, 9, 0))
    assert t.status == "in_progress"
    assert transitions(t)[-3:] == [
        ("resolved", "closed"),
        ("closed", "reopened"),
        ("reopened", "in_progress"),
    ]


def test_handoffs_are_counted(world, drive, people):
    pm, _tech, _resident, cs = people
    t = drive(world.a, C, "dispatched")
    services.ticket_transfer(
        ticket=t, actor=pm, responsible_party="neighbourhood_committee", note="属邻里纠纷"
    )
    t = services.ticket_transfer(
        ticket=t, actor=cs, responsible_party="outside_body", note="属城管职责"
    )
    assert (t.handoff_count, t.responsible_party, t.assignee_id) == (2, "outside_body", None)
    data = list(t.events.filter(kind="transfer").values_list("data", flat=True))
    assert data == [
        {"from": "property_company", "to": "neighbourhood_committee"},
        {"from": "neighbourhood_committee", "to": "outside_body"},
    ]
    # A re-dispatch after the hand-off is an `assign` event, not another hand-off.
    t = services.ticket_dispatch(ticket=t, actor=cs, assignee=cs)
    assert (t.status, t.handoff_count, t.assignee_id) == ("dispatched", 2, cs.pk)
    assert t.events.last().kind == "assign"


def test_merge_survivor_shows_both_histories(world, drive, people, api_as):
    pm, *_ = people
    survivor = drive(world.a, C, "accepted")
    merged = drive(world.a, C, "submitted")
    merged = services.ticket_merge(ticket=merged, into=survivor, actor=pm, note="同一事项")
    assert (merged.status, merged.duplicate_of_id) == ("duplicate", survivor.pk)
    survivor_event = survivor.events.last()
    assert (survivor_event.kind, survivor_event.data) == (
        "merge",
        {"merged": merged.pk, "number": merged.number},
    )

    url = f"/api/v1/c/{world.a.community.slug}/complaints/{survivor.pk}/events/"
    timeline = api_as(pm).get(url).json()
    assert sorted({e["ticket_number"] for e in timeline}) == sorted(
        [survivor.number, merged.number]
    )
    assert len(timeline) == survivor.events.count() + merged.events.count() == 2 + 1 + 2
    assert [e["at"] for e in timeline] == sorted(e["at"] for e in timeline)


def test_merge_refuses_itself_another_kind_and_ineligible_survivors(world, drive, people):
    pm, *_ = people
    t = drive(world.a, C, "submitted")
    work_order = drive(world.a, WO, "submitted")
    cancelled = drive(world.a, C, "submitted")
    services.ticket_cancel(ticket=cancelled, actor=world.a.users[Role.RESIDENT])
    for into in (t, work_order, cancelled):
        with pytest.raises(ValidationError) as info:
            services.ticket_merge(ticket=t, into=into, actor=pm)
        assert "into" in info.value.message_dict
    t.refresh_from_db()
    assert t.status == "submitted" and t.events.count() == 1


def test_rating_changed_once_within_seven_days_latest_counts(world, drive, people):
    _pm, _tech, resident, _cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    services.ticket_rate(ticket=t, actor=resident, rating=2, at=at(2025, 5, 6, 12, 0))
    t = services.ticket_rate(
        ticket=t, actor=resident, rating=5, note="后来修好了", at=at(2025, 5, 13, 11, 0)
    )
    assert (t.rating, t.rating_count, t.first_rated_at) == (5, 2, at(2025, 5, 6, 12, 0))
    with pytest.raises(TransitionNotAllowed, match="已修改过一次"):
        services.ticket_rate(ticket=t, actor=resident, rating=1, at=at(2025, 5, 13, 11, 30))
    assert list(t.events.filter(kind="rate").values_list("rating", flat=True)) == [2, 5]


def test_rating_change_after_seven_days_and_bad_scores_are_refused(world, drive, people):
    _pm, _tech, resident, _cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    services.ticket_rate(ticket=t, actor=resident, rating=3, at=at(2025, 5, 6, 12, 0))
    with pytest.raises(TransitionNotAllowed, match="首次评价后 7 天内"):
        services.ticket_rate(ticket=t, actor=resident, rating=4, at=at(2025, 5, 13, 12, 1))
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            services.ticket_rate(ticket=t, actor=resident, rating=bad, at=at(2025, 5, 7))
    t.refresh_from_db()
    assert (t.rating, t.rating_count) == (3, 1)


def test_rating_before_resolution_is_refused(world, drive, people):
    t = drive(world.a, WO, "in_progress")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_rate(ticket=t, actor=world.a.users[Role.RESIDENT], rating=5)


def test_dissatisfied_follow_up_reopens_satisfied_does_not(world, drive, people):
    pm, *_ = people
    happy = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    happy = services.ticket_follow_up(
        ticket=happy, actor=pm, satisfied=True, note="满意", at=at(2025, 6, 1)
    )
    assert happy.status == "resolved"
    unhappy = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    # Long after the submitter's 7 days: a follow-up call still reopens.
    unhappy = services.ticket_follow_up(
        ticket=unhappy, actor=pm, satisfied=False, note="仍漏水", at=at(2025, 6, 1)
    )
    assert unhappy.status == "in_progress"
    events = list(unhappy.events.values_list("kind", "to_status", "data"))[-3:]
    assert events == [
        ("follow_up", "", {"satisfied": False}),
        ("transition", "reopened", {}),
        ("transition", "in_progress", {}),
    ]


def test_auto_close_after_seven_days_once(world, drive, people):
    old = resolved_on(world, drive, people, at(2025, 5, 1, 9, 0))
    recent = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    now = at(2025, 5, 8, 9, 0)  # old: 7 days exactly; recent: 2 days

    assert services.tickets_auto_close(now=now) == 1
    assert services.tickets_auto_close(now=now) == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.closed_at, recent.status) == ("closed", now, "resolved")
    last = old.events.last()
    assert (last.actor_id, last.actor_kind, last.from_status) == (None, "system", "resolved")


def test_auto_close_task_runs_the_service(world, drive, people):
    from tickets.tasks import tickets_auto_close

    resolved_on(world, drive, people, at(2025, 5, 1, 9, 0))
    assert tickets_auto_close.delay().get() == 1


def test_spawned_work_order_stays_linked(world, drive, people, categories):
    pm, *_ = people
    complaint = drive(world.a, C, "accepted")
    work_order = services.ticket_spawn_work_order(
        ticket=complaint,
        actor=pm,
        category=categories[world.a.community.pk][WO],
        description="更换破损水管",
    )
    assert (work_order.kind, work_order.parent_id, work_order.status) == (
        WO,
        complaint.pk,
        "submitted",
    )
    assert (work_order.submitter_id, work_order.household_id) == (
        complaint.submitter_id,
        complaint.household_id,
    )
    assert work_order.channel == "staff"
    note = complaint.events.last()
    assert (note.kind, note.data) == (
        "note",
        {"work_order": work_order.pk, "number": work_order.number},
    )


def test_first_response_ignores_the_submitters_own_reply(world, drive, people):
    pm, _tech, resident, _cs = people
    t = drive.submit(world.a, C, at=at(2025, 4, 1, 9, 0))
    services.ticket_reply(ticket=t, actor=resident, note="补充：晚上更吵", at=at(2025, 4, 1, 9, 5))
    t.refresh_from_db()
    assert t.first_response_at is None
    t = services.ticket_reply(ticket=t, actor=pm, note="已收到", at=at(2025, 4, 1, 10, 0))
    assert t.first_response_at == at(2025, 4, 1, 10, 0)
    assert t.status == "submitted"


def test_numbers_are_per_community_kind_and_local_year(world, drive):
    first = drive.submit(world.a, C, at=at(2025, 12, 31, 23, 59))
    second = drive.submit(world.a, C, at=at(2026, 1, 1, 0, 1))  # Dec 31 16:01 UTC
    third = drive.submit(world.a, C, at=at(2026, 1, 2, 8, 0))
    order = drive.submit(world.a, WO, at=at(2026, 1, 2, 8, 0))
    other = drive.submit(world.b, C, at=at(2026, 1, 2, 8, 0))
    assert [first.number, second.number, third.number, order.number, other.number] == [
        "TS2025-00001",
        "TS2026-00001",
        "TS2026-00002",
        "GD2026-00001",
        "TS2026-00001",
    ]


def test_submission_is_idempotent_per_key(world, categories):
    kwargs = {
        "community": world.a.community,
        "actor": world.a.users[Role.RESIDENT],
        "kind": C,
        "category": categories[world.a.community.pk][C],
        "description": "噪音扰民",
        "idempotency_key": "0b0c6b1e-double-click",
    }
    first = services.ticket_submit(**kwargs)
    again = services.ticket_submit(**kwargs)
    assert again.pk == first.pk
    assert Ticket.objects.filter(community=world.a.community).count() == 1
    assert TicketEvent.objects.filter(ticket=first).count() == 1


def test_staff_on_behalf_records_channel_and_resident(world, categories):
    ticket = services.ticket_submit(
        community=world.a.community,
        actor=world.a.users[Role.COMMITTEE_STAFF],
        kind=C,
        category=categories[world.a.community.pk][C],
        description="独居老人反映楼道堆物",
        channel="building_captain",
        resident=world.a.resident,
    )
    assert ticket.channel == "building_captain"
    assert (ticket.submitter_id, ticket.created_by_id) == (
        world.a.users[Role.RESIDENT].pk,
        world.a.users[Role.COMMITTEE_STAFF].pk,
    )
    assert (ticket.submitter_name, ticket.submitter_phone) == ("a居民", "+8613800138000")
    assert (ticket.household_id, ticket.building_id) == (world.a.household.pk, world.a.building.pk)
    first = ticket.events.get()
    assert (first.actor_kind, first.from_status, first.to_status) == ("staff", "", "submitted")


@pytest.mark.parametrize(
    ("role", "extra", "field"),
    [
        (Role.COMMITTEE_STAFF, {}, "channel"),
        (Role.RESIDENT, {"channel": "phone"}, "channel"),
        (Role.RESIDENT, {"description": "  "}, "description"),
        (Role.COMMITTEE_STAFF, {"channel": "phone", "submitter_phone": "12345"}, "submitter_phone"),
    ],
)
def test_submission_bad_input(world, categories, role, extra, field):
    kwargs = {"description": "描述", **extra}
    with pytest.raises(ValidationError) as info:
        services.ticket_submit(
            community=world.a.community,
            actor=world.a.users[role],
            kind=C,
            category=categories[world.a.community.pk][C],
            **kwargs,
        )
    assert list(info.value.message_dict) == [field]
    assert not Ticket.objects.exists()


def test_submission_refuses_another_communitys_records(world, categories):
    for kwargs in (
        {"category": categories[world.b.community.pk][C]},
        {"category": categories[world.a.community.pk][C], "building": world.b.building},
    ):
        with pytest.raises(ValidationError):
            services.ticket_submit(
                community=world.a.community,
                actor=world.a.users[Role.COMMITTEE_STAFF],
                kind=C,
                description="x",
                channel="phone",
                **kwargs,
            )
    assert not Ticket.objects.exists()


def test_one_hook_per_service_call_inside_the_transaction(world, drive, people):
    pm, *_ = people
    t = drive(world.a, C, "submitted")
    calls = []

    def receiver(sender, ticket, events, **kwargs):
        calls.append((ticket.status, [e.to_status for e in events], connection.in_atomic_block))

    ticket_events_recorded.connect(receiver)
    try:
        services.ticket_accept(ticket=t, actor=pm)
    finally:
        ticket_events_recorded.disconnect(receiver)
    assert calls == [("accepted", ["accepted"], True)]


def test_derived_columns_equal_a_replay_of_the_log(world, drive, people):
    """The stored columns are what event_apply makes of the saved events, from scratch."""
    pm, tech, resident, cs = people
    t = resolved_on(world, drive, people, at(2025, 5, 6, 9, 0))
    services.ticket_rate(ticket=t, actor=resident, rating=4, at=at(2025, 5, 6, 10))
    services.ticket_reopen(ticket=t, actor=resident, at=at(2025, 5, 7))
    services.ticket_supervise(ticket=t, actor=cs, due_at=at(2025, 5, 9), at=at(2025, 5, 7, 1))
    services.ticket_pause(ticket=t, actor=tech, note="等配件", at=at(2025, 5, 7, 2))
    services.ticket_resume(ticket=t, actor=resident, at=at(2025, 5, 7, 5))
    services.ticket_transfer(
        ticket=t, actor=pm, responsible_party="owners_committee", note="公共维修", at=at(2025, 5, 8)
    )
    stored = Ticket.objects.get(pk=t.pk)
    replay = Ticket(
        community_id=stored.community_id,
        kind=stored.kind,
        submitted_at=stored.submitted_at,
        response_due_at=stored.submitted_at + datetime.timedelta(hours=2),
        resolution_due_at=at(2025, 5, 8, 9, 0),
        responsible_party="property_company",
    )
    for event in stored.events.order_by("at", "id"):
        services.event_apply(replay, event)
    for name in services.DERIVED_FIELDS:
        if name != "updated_at":
            field = Ticket._meta.get_field(name).attname
            assert getattr(replay, field) == getattr(stored, field), name
    assert stored.paused_seconds == 3 * 3600
    assert stored.resolution_due_at == at(2025, 5, 8, 12, 0)


@pytest.mark.django_db(transaction=True)
def test_two_technicians_accepting_at_once_exactly_one_wins(world, drive):
    """Two threads, each with its own database connection, accept the same pool work order."""
    from tests import factories

    second = factories.UserFactory(username="a-technician-2")
    factories.MembershipFactory(community=world.a.community, user=second, role=Role.TECHNICIAN)
    ticket = drive.submit(world.a, WO)
    technicians = [world.a.users[Role.TECHNICIAN], second]
    barrier = threading.Barrier(2)
    results = {}

    def accept(user):
        try:
            barrier.wait()
            services.ticket_accept(ticket=ticket, actor=user)
            results[user.pk] = "won"
        except TransitionNotAllowed:
            results[user.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in technicians]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results.values()) == ["refused", "won"]
    winner = next(pk for pk, result in results.items() if result == "won")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee_id) == ("accepted", winner)
    assert list(ticket.events.values_list("to_status", flat=True)) == ["submitted", "accepted"]


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_retry_with_the_same_key_creates_one_ticket(world, categories):
    barrier = threading.Barrier(2)
    ids = []

    def submit():
        try:
            barrier.wait()
            ticket = services.ticket_submit(
                community=world.a.community,
                actor=world.a.users[Role.RESIDENT],
                kind=C,
                category=categories[world.a.community.pk][C],
                description="双击提交",
                idempotency_key="same-key",
            )
            ids.append(ticket.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 2 and ids[0] == ids[1]
    assert Ticket.objects.filter(community=world.a.community).count() == 1
