"""tickets.demo: deterministic, consistent with a replay of its own event logs, idempotent."""

import datetime
import itertools
import random
import zoneinfo

from tickets import demo, services
from tickets.models import Category, Ticket, TicketEvent

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=SH)


def test_seed_is_deterministic_and_idempotent(world):
    summary = demo.seed(world.a.community, random.Random(7), now=NOW, households=1000)
    demo.seed(world.b.community, random.Random(7), now=NOW, households=1000)
    again = demo.seed(world.a.community, random.Random(7), now=NOW, households=1000)

    a = Ticket.objects.filter(community=world.a.community).order_by("submitted_at", "id")
    b = Ticket.objects.filter(community=world.b.community).order_by("submitted_at", "id")
    shape = [
        "number",
        "kind",
        "status",
        "submitted_at",
        "first_response_at",
        "resolved_at",
        "rating",
    ]
    assert list(a.values_list(*shape)) == list(b.values_list(*shape))
    assert again == "a-community：诉求已存在"
    assert a.count() > 500 and summary.startswith("a-community：工单 ")
    assert Category.objects.filter(community=world.a.community).count() == len(demo.CATEGORIES)
    # Last calendar year and this year to date, nothing after `now`.
    first, last = a.first().submitted_at.astimezone(SH), a.last().submitted_at.astimezone(SH)
    assert first.year == 2025 and first.month == 1 and last <= NOW
    assert TicketEvent.objects.filter(community=world.a.community, at__gt=NOW).count() == 0
    # Every state of the lifecycle shows up, and recent tickets are still open.
    statuses = set(a.values_list("status", flat=True))
    assert {"closed", "rejected", "cancelled", "duplicate", "in_progress"} <= statuses
    assert a.filter(handoff_count__gte=2).exists() and a.filter(is_supervised=True).exists()


def test_seeded_columns_equal_a_replay_of_their_logs(world):
    demo.seed(world.a.community, random.Random(11), now=NOW, households=1000)
    events: dict[int, list[TicketEvent]] = {}
    for event in TicketEvent.objects.filter(community=world.a.community).order_by("at", "id"):
        events.setdefault(event.ticket_id, []).append(event)
    names = [n for n in services.DERIVED_FIELDS if n != "updated_at"]
    tickets = Ticket.objects.filter(community=world.a.community)
    for stored in tickets:
        log = events[stored.pk]
        assert (log[0].from_status, log[0].to_status, log[0].at) == (
            "",
            "submitted",
            stored.submitted_at,
        )
        transitions = [e for e in log if e.kind == "transition"]
        for before, after in itertools.pairwise(transitions):
            assert after.from_status == before.to_status, stored.number
        replay = Ticket(
            community_id=stored.community_id,
            kind=stored.kind,
            response_due_at=services.ticket_deadlines(
                category=stored.category, submitted_at=stored.submitted_at, tz=SH
            )[0],
            resolution_due_at=services.ticket_deadlines(
                category=stored.category, submitted_at=stored.submitted_at, tz=SH
            )[1],
            responsible_party=stored.category.responsible_party,
        )
        for event in log:
            services.event_apply(replay, event)
        for name in names:
            field = Ticket._meta.get_field(name).attname
            assert getattr(replay, field) == getattr(stored, field), (stored.number, name)
    duplicates = tickets.filter(status="duplicate")
    assert duplicates.exists()
    for duplicate in duplicates:
        survivor = duplicate.duplicate_of
        assert survivor.events.filter(kind="merge", data__merged=duplicate.pk).count() == 1
