"""The rules of METRICS.md ("Imported and inconsistent records", "Time") on hand-made rows of the
portal's own CSV layout, with instants computed by hand (Asia/Shanghai is UTC+8, no DST)."""

from datetime import UTC, datetime

import pytest

from community.models import Community
from tests import factories
from tickets.importing import service_requests_import
from tickets.importing.rows import Clock, repair_text
from tickets.models import Category, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ROWS = [
    "P-1,,2024-03-01 09:00:00,2024-03-01 15:30:00,已关闭,水电维修,小程序,厨房水管漏水,"
    '"楼上漏水到厨房，""请尽快""处理",3号楼2单元501,2024-03-01 11:00:00,2024-03-05 09:00:00',
    "P-2,,2024-03-02 10:00:00,,处理中,噪音扰民,电话,夜间装修噪音,,,,",
    "P-3,,2024-03-03 08:00:00,2024-03-03 07:59:30,resolved,elevator,app,电梯困人,,,,",
    "P-4,,2024-03-04 08:00:00,2024-03-03 08:00:00,closed,电梯故障,web,电梯异响,,,,",
    "P-5,,2024-03-05 08:00:00,2024-03-05 09:00:00,已撤销,停车管理,来访,车位被占,,,,",
    "P-6,,2024-03-06 08:00:00,2024-03-07 08:00:00,已提交,邻里纠纷,意见箱,邻居堆物,,,,",
    "P-7,,2024-03-07 08:00:00,,closed,未知类别,微信群,楼道灯不亮,,,,",
    "P-8,,2024-03-08 08:00:00,,挂起,other,web,挂起的诉求,,,,",
    "P-9,,03/09/2024 08:00,,submitted,other,web,日期格式不对,,,,",
    "P-1,,2024-03-01 09:00:00,,submitted,other,web,重复的编号,,,,",
    ",,2024-03-10 08:00:00,,submitted,other,web,没有编号,,,,",
    "P-12,,2024-03-10T08:00:00+00:00,,submitted,sanitation,web,带时区的时间,,,,",
]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def events(ticket: Ticket) -> list[tuple]:
    return list(
        ticket.events.values_list("from_status", "to_status", "at", "data__instant_unknown")
    )


@pytest.fixture
def imported(portal_csv, portal_mapping):
    community = factories.CommunityFactory(slug="legacy-test")
    summary = service_requests_import(
        path=portal_csv(ROWS, encoding="utf-8-sig"), mapping=portal_mapping, community=community
    )
    by_id = {t.external_id: t for t in Ticket.objects.filter(community=community)}
    return summary, by_id


def test_every_row_is_imported_or_refused_with_its_reason(imported):
    summary, by_id = imported
    assert (summary.rows_read, summary.created, summary.updated) == (12, 8, 0)
    assert set(by_id) == {"P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7", "P-12"}
    assert dict(summary.refused) == {
        "unmapped_status": 1,
        "bad_created": 1,
        "duplicate_in_file": 1,
        "no_external_id": 1,
    }
    # Lines are physical lines of the file, the header being line 1.
    assert summary.refused_examples["unmapped_status"] == [{"line": 9, "value": "挂起"}]
    assert summary.refused_examples["bad_created"] == [{"line": 10, "value": "03/09/2024 08:00"}]
    assert summary.refused_examples["duplicate_in_file"] == [{"line": 11, "value": "P-1"}]


def test_closed_ticket_with_chinese_text_from_a_bom_file(imported):
    _summary, by_id = imported
    t = by_id["P-1"]
    assert (t.status, t.kind, t.channel, t.category.code) == (
        "closed",
        "work_order",
        "mini_program",
        "water_electricity",
    )
    assert (t.title, t.description, t.location_text) == (
        "厨房水管漏水",
        '楼上漏水到厨房，"请尽快"处理',
        "3号楼2单元501",
    )
    assert t.category.name == "水电维修" and t.category.is_facility_fault
    assert t.submitted_at == utc(2024, 3, 1, 1, 0)
    assert (t.response_due_at, t.resolution_due_at) == (utc(2024, 3, 1, 3, 0), utc(2024, 3, 5, 1))
    assert t.resolved_at == t.closed_at == t.first_response_at == utc(2024, 3, 1, 7, 30)
    assert (t.data_flags, t.exclude_from_durations) == ([], False)
    assert events(t) == [
        ("", "submitted", utc(2024, 3, 1, 1), None),
        ("submitted", "resolved", utc(2024, 3, 1, 7, 30), None),
        ("resolved", "closed", utc(2024, 3, 1, 7, 30), None),
    ]
    assert set(t.events.values_list("actor_kind", flat=True)) == {"import"}


def test_in_progress_reaches_its_state_through_the_lifecycle_at_an_unknown_instant(imported):
    t = imported[1]["P-2"]
    at = utc(2024, 3, 2, 2)
    assert events(t) == [
        ("", "submitted", at, None),
        ("submitted", "accepted", at, True),
        ("accepted", "in_progress", at, True),
    ]
    assert (t.status, t.data_flags, t.exclude_from_durations) == (
        "in_progress",
        ["progress_instant_unknown"],
        True,
    )
    assert (t.first_response_at, t.resolved_at) == (at, None)


def test_clock_skew_and_negative_duration(imported):
    skew, negative = imported[1]["P-3"], imported[1]["P-4"]
    # Closed 30 s before opened: duration 0, kept in durations.
    assert (skew.status, skew.data_flags, skew.exclude_from_durations) == (
        "resolved",
        ["clock_skew"],
        False,
    )
    assert skew.resolved_at == skew.submitted_at == utc(2024, 3, 3, 0)
    assert skew.closed_at is None
    # Closed a day before opened: counts by its status, left out of durations.
    assert (negative.status, negative.data_flags, negative.exclude_from_durations) == (
        "closed",
        ["negative_duration"],
        True,
    )
    assert events(negative)[1:] == [
        ("submitted", "resolved", utc(2024, 3, 4, 0), True),
        ("resolved", "closed", utc(2024, 3, 4, 0), True),
    ]
    source = negative.events.get(to_status="submitted").data["source"]
    assert source["closed"] == "2024-03-03 08:00:00"  # kept, not used


def test_close_times_that_contradict_or_lack(imported):
    by_id = imported[1]
    cancelled, open_, no_close = by_id["P-5"], by_id["P-6"], by_id["P-7"]
    assert events(cancelled)[1:] == [("submitted", "cancelled", utc(2024, 3, 5, 1), None)]
    assert cancelled.data_flags == ["close_time_on_ineligible_ticket"]
    assert cancelled.first_response_at is None  # a cancellation is not a response
    assert (open_.status, open_.data_flags, open_.resolved_at) == (
        "submitted",
        ["close_time_on_open_ticket"],
        None,
    )
    assert open_.events.count() == 1
    # No due dates in the file: the SLA of 邻里纠纷 (24 hours; 10 China working days) from
    # Wed 6 March 2024 08:00 (UTC+8): the 10th working day after is Wed 20 March.
    assert (open_.response_due_at, open_.resolution_due_at) == (
        utc(2024, 3, 7, 0),
        utc(2024, 3, 20, 0),
    )
    assert no_close.data_flags == [
        "closed_without_close_time",
        "unknown_channel",
        "unknown_request_type",
    ]
    assert (no_close.category.code, no_close.channel, no_close.exclude_from_durations) == (
        "other",
        "other",
        True,
    )
    assert events(no_close)[1:] == [
        ("submitted", "resolved", utc(2024, 3, 7, 0), True),
        ("resolved", "closed", utc(2024, 3, 7, 0), True),
    ]
    assert by_id["P-12"].submitted_at == utc(2024, 3, 10, 8)  # an explicit offset wins


def test_gb18030_file_fills_a_community_named_in_chinese(portal_csv, portal_mapping):
    path = portal_csv(
        [
            "G-1,幸福里社区,2024-05-01 08:00,2024-05-02 08:00,已办结,环境卫生,网页,垃圾未清运,"
            "垃圾桶三天没有清运,5号楼,,",
            "G-2,,2024-05-01 09:00,,已提交,绿化养护,网页,草坪枯黄,,,,",
        ],
        encoding="gb18030",
        name="gbk.csv",
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    summary = service_requests_import(path=path, mapping=portal_mapping, street_office="幸福街道")
    assert (summary.created, dict(summary.refused)) == (1, {"no_community": 1})
    community = Community.objects.get(name="幸福里社区")
    assert community.slug.startswith("c-") and community.slug == summary.communities_created[0]
    assert (community.timezone, community.street_office.name) == ("Asia/Shanghai", "幸福街道")
    t = Ticket.objects.get(community=community)
    assert (t.title, t.description, t.status, t.category.name) == (
        "垃圾未清运",
        "垃圾桶三天没有清运",
        "resolved",
        "环境卫生",
    )
    # Every category of the mapping exists in the new community.
    assert Category.objects.filter(community=community).count() == 11


def test_reimport_updates_the_ticket_and_keeps_portal_events(portal_csv, portal_mapping):
    community = factories.CommunityFactory(slug="reimport-test")
    first = portal_csv(["R-1,,2024-06-01 08:00,,处理中,水电维修,电话,水管漏水,,,,"])
    service_requests_import(path=first, mapping=portal_mapping, community=community)
    ticket = Ticket.objects.get(community=community)
    TicketEvent.objects.create(
        community=community, ticket=ticket, kind="reply", actor_kind="staff", at=utc(2024, 6, 1, 1)
    )
    second = portal_csv(
        ["R-1,,2024-06-01 08:00,2024-06-01 12:00,已关闭,水电维修,电话,水管漏水,已更换阀门,,,"],
        name="second.csv",
    )
    summary = service_requests_import(path=second, mapping=portal_mapping, community=community)
    assert (summary.created, summary.updated) == (0, 1)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.description, ticket.data_flags) == ("closed", "已更换阀门", [])
    assert ticket.closed_at == utc(2024, 6, 1, 4)
    assert list(ticket.events.order_by("at", "id").values_list("kind", "to_status")) == [
        ("transition", "submitted"),
        ("reply", ""),
        ("transition", "resolved"),
        ("transition", "closed"),
    ]
    assert Ticket.objects.filter(community=community).count() == 1


def test_reimport_keeps_what_a_pause_in_the_portal_moved_the_deadlines(portal_csv, portal_mapping):
    # Due 2024-06-03 10:00 and 06-05 08:00 in Shanghai (02:00 and 00:00 UTC). Paused in the
    # portal 03:00 -> 06:00 UTC after the first response: the resolution deadline moves 3 h.
    from tickets import services

    community = factories.CommunityFactory(slug="reimport-pause")
    row = "R-1,,2024-06-03 08:00,,处理中,水电维修,电话,水管漏水,,,2024-06-03 10:00,2024-06-05 08:00"
    service_requests_import(path=portal_csv([row]), mapping=portal_mapping, community=community)
    manager = factories.MembershipFactory(community=community, role="property_manager").user
    ticket = Ticket.objects.get(community=community)
    services.ticket_pause(ticket=ticket, actor=manager, note="等业主回电", at=utc(2024, 6, 3, 3))
    services.ticket_resume(ticket=ticket, actor=manager, at=utc(2024, 6, 3, 6))
    again = portal_csv([row], name="again.csv")
    service_requests_import(path=again, mapping=portal_mapping, community=community)
    ticket.refresh_from_db()
    assert (ticket.nominal_resolution_due_at, ticket.resolution_due_at) == (
        utc(2024, 6, 5, 0),
        utc(2024, 6, 5, 3),
    )
    assert ticket.nominal_response_due_at == ticket.response_due_at == utc(2024, 6, 3, 2)
    assert ticket.paused_seconds == 3 * 3600


def test_dry_run_and_limit_save_nothing_beyond_their_scope(portal_csv, portal_mapping):
    community = factories.CommunityFactory(slug="dry-run-test")
    path = portal_csv(ROWS)
    dry = service_requests_import(
        path=path, mapping=portal_mapping, community=community, dry_run=True
    )
    assert (dry.dry_run, dry.created, sum(dry.refused.values())) == (True, 8, 4)
    assert not Ticket.objects.filter(community=community).exists()
    assert not Category.objects.filter(community=community).exists()
    limited = service_requests_import(
        path=path, mapping=portal_mapping, community=community, limit=2
    )
    assert (limited.rows_read, limited.created) == (2, 2)


@pytest.mark.parametrize(
    ("zone", "wall", "expected", "flags"),
    [
        # 1 Nov 2015, 01:30 happens twice in New York: EDT (UTC-4) first, then EST (UTC-5).
        ("America/New_York", "2015-11-01 01:30:00", utc(2015, 11, 1, 5, 30), ("ambiguous_time",)),
        # 8 Mar 2015, 02:30 never happens in New York: read with EST, it is 03:30 EDT.
        ("America/New_York", "2015-03-08 02:30:00", utc(2015, 3, 8, 7, 30), ("nonexistent_time",)),
        # 13 Mar 2016, 02:15 skipped in Los Angeles: PST (UTC-8) gives 10:15 UTC, 03:15 PDT.
        (
            "America/Los_Angeles",
            "2016-03-13 02:15:00",
            utc(2016, 3, 13, 10, 15),
            ("nonexistent_time",),
        ),
        ("America/New_York", "2015-11-01 02:30:00", utc(2015, 11, 1, 7, 30), ()),
        ("Asia/Shanghai", "2024-01-01 08:00:00", utc(2024, 1, 1, 0, 0), ()),
    ],
)
def test_dst_wall_times(zone, wall, expected, flags):
    assert Clock(("%Y-%m-%d %H:%M:%S",), zone).read(wall) == (expected, flags)


def test_dst_through_the_importer(portal_csv, portal_mapping):
    community = factories.CommunityFactory(slug="dst-test")
    path = portal_csv(
        [
            "D-1,,2015-11-01 01:30:00,2015-11-01 02:10:00,closed,other,web,a,,,,",
            "D-2,,2015-03-08 02:30:00,,submitted,other,web,b,,,,",
        ]
    )
    summary = service_requests_import(
        path=path, mapping=portal_mapping, community=community, timezone="America/New_York"
    )
    assert dict(summary.flagged) == {"ambiguous_time": 1, "nonexistent_time": 1}
    ambiguous = Ticket.objects.get(community=community, external_id="D-1")
    assert ambiguous.submitted_at == utc(2015, 11, 1, 5, 30)
    # 02:10 EST is 07:10 UTC: 1 h 40 min after the first 01:30, though 40 min on the wall.
    assert ambiguous.resolved_at == utc(2015, 11, 1, 7, 10)
    nonexistent = Ticket.objects.get(community=community, external_id="D-2")
    assert nonexistent.submitted_at == utc(2015, 3, 8, 7, 30)


def test_mojibake_repaired_only_when_unambiguous():
    assert repair_text("Transportationâ\x80\x99s â\x80\x9cLearn Moreâ\x80\x9d") == (
        "Transportation’s “Learn More”",
        True,
    )
    # "Â" + no-break space is plausible Latin-1 text: no C1 control, left alone.
    assert repair_text("Â\xa0Closed") == ("Â\xa0Closed", False)
    # Mixed with text that is not Latin-1: cannot be undone as a whole, left alone.
    assert repair_text("已处理 â\x80\x99") == ("已处理 â\x80\x99", False)
    assert repair_text("plain") == ("plain", False)


def test_the_insert_path_of_other_databases_writes_the_same(
    monkeypatch, portal_csv, portal_mapping
):
    """PostgreSQL gets COPY; other databases a multi-row INSERT ... RETURNING (run here on
    PostgreSQL, which speaks it too)."""
    monkeypatch.setattr("tickets.importing.bulk.use_copy", lambda: False)
    community = factories.CommunityFactory(slug="insert-path")
    summary = service_requests_import(
        path=portal_csv(ROWS), mapping=portal_mapping, community=community
    )
    assert (summary.created, sum(summary.refused.values())) == (8, 4)
    t = Ticket.objects.get(community=community, external_id="P-1")
    assert (t.title, t.status, t.closed_at, t.data_flags) == (
        "厨房水管漏水",
        "closed",
        utc(2024, 3, 1, 7, 30),
        [],
    )
    assert events(t)[0][:3] == ("", "submitted", utc(2024, 3, 1, 1))
    assert t.events.get(to_status="submitted").data["source"]["status"] == "已关闭"


@pytest.mark.parametrize("size", [1, 5, 7, 64, -1])
def test_the_copy_stream_hands_over_every_character_once(size):
    """tickets.importing.bulk.CopyStream, read as psycopg2's COPY reads it (chunks of `size`
    until an empty read), gives the lines back exactly, a chunk never longer than asked."""
    from tickets.importing.bulk import CopyStream

    lines = ["1\tlift\n", "2\t电梯 \\t\n", "", "3\t\\N\n"]
    stream, chunks = CopyStream(iter(lines)), []
    while chunk := stream.read(size):
        chunks.append(chunk)
    assert "".join(chunks) == "".join(lines)
    assert all(len(c) <= size for c in chunks) if size > 0 else len(chunks) == 1
