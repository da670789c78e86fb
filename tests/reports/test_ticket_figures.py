"""Every METRICS.md ticket rule with values computed by hand from the rows written in the test."""

import datetime as dt

import pytest

from tests import factories
from tickets.models import Ticket, TicketKind

from .conftest import IMPORT, SUBMITTER, Desk, at, figures, households

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
S = dt.timedelta(seconds=1)
SH, NY = "Asia/Shanghai", "America/New_York"
LATER = at(2017, 1, 1)


def value(found, key):
    return found[key]["value"]


@pytest.fixture
def new_york(db) -> Desk:
    return Desk(factories.CommunityFactory(slug="metrics-ny", timezone=NY))


def test_period_boundaries_follow_the_community_time_zone(desk, new_york):
    # Shanghai (UTC+8): 00:10 on 1 January 2016 is still 2015 in UTC, yet belongs to 2016.
    desk.ticket(at(2015, 12, 31, 23, 30, tz=SH))
    desk.ticket(at(2016, 1, 1, 0, 10, tz=SH))
    desk.ticket(at(2015, 1, 1, 0, 0, tz=SH))  # the first instant of 2015: inside
    desk.ticket(at(2014, 12, 31, 23, 59, 59, tz=SH))
    # New York (UTC-5): 23:30 on 31 December 2015 is 2016 in UTC, yet belongs to 2015.
    new_york.ticket(at(2015, 12, 31, 23, 30, tz=NY))
    new_york.ticket(at(2016, 1, 1, 0, 30, tz=NY))

    def count(d, period):
        return value(figures(d.community, period, LATER), "tickets.count")

    assert [count(desk, p) for p in ("2014", "2015", "2016")] == [1, 2, 1]
    assert [count(desk, p) for p in ("2015-Q4", "2015-12", "2016-01", "2016-Q1")] == [1, 1, 1, 1]
    assert [count(new_york, p) for p in ("2015", "2015-12", "2016", "2016-01")] == [1, 1, 1, 1]


def test_durations_are_absolute_across_dst_changes(new_york):
    # Spring forward: 01:30 EST -> 03:30 EDT is two hours on the wall, one in the data.
    new_york.ticket(
        at(2015, 3, 8, 1, 30, tz=NY),
        ("accepted", at(2015, 3, 8, 3, 30, tz=NY)),
        ("resolved", at(2015, 3, 9, 1, 30, tz=NY)),  # 24 h on the wall, 23 h elapsed
    )
    # Fall back: 00:30 EDT (04:30Z) -> 02:30 EST (07:30Z) is two hours on the wall, three here.
    new_york.ticket(
        at(2015, 11, 1, 4, 30),
        ("accepted", at(2015, 11, 1, 5, 30)),
        ("resolved", at(2015, 11, 1, 7, 30)),
    )
    found = figures(new_york.community, "2015", LATER)
    assert found["tickets.response_minutes.median"] | {"excluded": None} == {
        "value": 60.0,
        "n": 2,
        "numerator": None,
        "denominator": None,
        "excluded": None,
        "unit": "minutes",
    }
    # Hours [3, 23]: median 13; p90 = 3 + (23 - 3) * 0.9 = 21.
    assert value(found, "tickets.resolution_hours.median") == 13.0
    assert value(found, "tickets.resolution_hours.p90") == pytest.approx(21.0)
    assert found["tickets.resolution_hours.p90"]["n"] == 2


def test_reopened_ineligible_and_final_resolution(desk):
    t = at(2015, 3, 2, 9, tz=SH)
    # Reopened, then resolved again: resolution counts to the final resolution (10 h).
    desk.ticket(
        t,
        ("accepted", t + H),
        ("resolved", t + 2 * H),
        ("closed", t + 3 * H),
        ("reopened", t + 5 * H, SUBMITTER),
        ("in_progress", t + 6 * H),
        ("resolved", t + 10 * H),
    )
    # Reopened and not resolved again: open.
    desk.ticket(
        t,
        ("accepted", t + H),
        ("resolved", t + 2 * H),
        ("reopened", t + 4 * H, SUBMITTER),
    )
    desk.ticket(
        t,
        ("accepted", t + 30 * M),
        ("dispatched", t + H),
        ("in_progress", t + 2 * H),
        ("resolved", t + 4 * H),
        ("closed", t + 5 * H),
    )
    desk.ticket(t, ("rejected", t + H))
    desk.ticket(t, ("cancelled", t + 10 * M, SUBMITTER))
    desk.ticket(t, ("accepted", t + 5 * M), ("duplicate", t + 20 * M))
    found = figures(desk.community, "2015-03", LATER)
    assert found["tickets.count"]["value"] == 3
    assert found["tickets.count"]["excluded"] == {"rejected": 1, "cancelled": 1, "duplicate": 1}
    assert value(found, "tickets.ineligible_count") == 3
    assert [
        value(found, f"tickets.ineligible_count[status={s}]")
        for s in ("rejected", "cancelled", "duplicate")
    ] == [1, 1, 1]
    closure = found["tickets.closure_rate"]
    assert (closure["numerator"], closure["denominator"], closure["n"]) == (2, 3, 3)
    assert closure["value"] == pytest.approx(2 / 3)
    # Resolution hours [4, 10]: median 7, p90 = 4 + 6 * 0.9 = 9.4.
    assert value(found, "tickets.resolution_hours.median") == 7.0
    assert value(found, "tickets.resolution_hours.p90") == pytest.approx(9.4)
    # Response minutes of eligible tickets [30, 60, 60]: the rejection is not counted.
    assert value(found, "tickets.response_minutes.median") == 60.0
    assert found["tickets.response_minutes.median"]["n"] == 3
    assert value(found, "tickets.closure_rate[category=general]") == pytest.approx(2 / 3)


def test_zero_denominators_are_no_data_and_small_n_is_visible(desk):
    empty = figures(desk.community, "2015-04", LATER)
    for key in (
        "tickets.closure_rate",
        "tickets.on_time_response_rate",
        "tickets.on_time_resolution_rate",
        "tickets.satisfaction_rate",
        "tickets.rating_mean",
        "tickets.rating_coverage",
        "tickets.handoffs_mean",
        "tickets.response_minutes.median",
        "tickets.resolution_hours.p90",
        "complaints.per_100_households",
        "complaints.per_100_households.yoy_points",
        "complaints.per_100_households.yoy_change",
        "complaints.supervised_closure_rate",
        "work_orders.repair_completion_rate",
        "work_orders.repair_response_minutes.median",
        "tech.online_submission_rate",
    ):
        assert empty[key]["value"] is None, key
    assert empty["tickets.closure_rate"] | {"unit": None} == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "n": 0,
        "excluded": {},
        "unit": None,
    }
    assert empty["tickets.count"]["value"] == 0

    t = at(2015, 5, 4, 9, tz=SH)
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 2 * H))
    one = figures(desk.community, "2015-05", LATER)["tickets.closure_rate"]
    assert (one["value"], one["numerator"], one["denominator"], one["n"]) == (1.0, 1, 1, 1)


def test_imported_inconsistent_records_and_clock_skew(desk):
    s = at(2015, 6, 1, 8)
    due = {"response_due": s + 2 * H, "resolution_due": s + 72 * H}
    # Closed without a close time: events at submission, flagged, left out of durations.
    desk.ticket(
        s,
        ("resolved", s, IMPORT),
        ("closed", s, IMPORT),
        flags=("closed_without_close_time",),
        exclude=True,
        **due,
    )
    desk.ticket(s, ("resolved", s - 30 * S, IMPORT), flags=("clock_skew",), **due)  # 0 h
    desk.ticket(s, ("resolved", s - 90 * S, IMPORT), **due)  # a data error found by the metric
    desk.ticket(
        s, ("resolved", s - 24 * H, IMPORT), flags=("negative_duration",), exclude=True, **due
    )
    desk.ticket(s, ("accepted", s + H, IMPORT), ("resolved", s + 5 * H, IMPORT), **due)
    found = figures(desk.community, "2015", LATER)
    left_out = {"closed_without_close_time": 1, "negative_duration": 2}
    # Status is authoritative: all five count as closed.
    assert (value(found, "tickets.closure_rate"), found["tickets.closure_rate"]["n"]) == (1.0, 5)
    # Resolution hours [0 (skew), 5]: median 2.5.
    resolution = found["tickets.resolution_hours.median"]
    assert (resolution["value"], resolution["n"], resolution["excluded"]) == (2.5, 2, left_out)
    # First responses: the import's resolutions and the acceptance. Minutes [0 (skew), 60].
    response = found["tickets.response_minutes.median"]
    assert (response["value"], response["n"], response["excluded"]) == (30.0, 2, left_out)
    on_time = found["tickets.on_time_resolution_rate"]
    assert (on_time["numerator"], on_time["denominator"], on_time["excluded"]) == (2, 2, left_out)


def test_ratings_changed_once_the_latest_counts(desk):
    t = at(2015, 7, 1, 9, tz=SH)
    desk.ticket(
        t,
        ("accepted", t + H),
        ("resolved", t + 2 * H),
        ("rate", t + 3 * H, 2),
        ("rate", t + 48 * H, 5),
    )
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 2 * H), ("rate", t + 3 * H, 3))
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 2 * H))
    desk.ticket(t, ("accepted", t + H))
    found = figures(desk.community, "2015-07", LATER)
    satisfaction = found["tickets.satisfaction_rate"]
    assert (satisfaction["value"], satisfaction["numerator"], satisfaction["n"]) == (0.5, 1, 2)
    assert value(found, "tickets.rating_mean") == 4.0  # (5 + 3) / 2
    coverage = found["tickets.rating_coverage"]
    assert (coverage["numerator"], coverage["denominator"]) == (2, 3)  # rated ÷ resolved
    # Before the change the first score (2) counts.
    before = figures(desk.community, "2015-07", t + 24 * H)
    assert value(before, "tickets.satisfaction_rate") == 0.0
    assert value(before, "tickets.rating_mean") == 2.5


def test_on_time_rates_with_paused_clocks(desk):
    s = at(2015, 8, 3, 9, tz=SH)
    due = {"response_due": s + 2 * H, "resolution_due": s + 24 * H}
    # Paused 1 h -> 5 h: deadlines move 4 h later (6 h and 28 h); both met.
    desk.ticket(
        s,
        ("pause", s + H),
        ("resume", s + 5 * H),
        ("accepted", s + 5.5 * H),
        ("resolved", s + 27 * H),
        **due,
    )
    # Late response (3 h > 2 h); the pause from 4 h starts after the response deadline so does
    # not move it, but moves the resolution deadline by 96 h (to 120 h): resolved at 101 h.
    desk.ticket(
        s,
        ("accepted", s + 3 * H),
        ("pause", s + 4 * H),
        ("resume", s + 100 * H),
        ("resolved", s + 101 * H),
        **due,
    )
    # Paused at as_of since 10 h, before its resolution deadline: that deadline has not passed.
    desk.ticket(s, ("accepted", s + H), ("pause", s + 10 * H), **due)
    desk.ticket(s, ("accepted", s + H))  # no SLA
    desk.ticket(s, ("accepted", s + H), **due)  # still open after its resolution deadline
    found = figures(desk.community, "2015-08", s + 200 * H)
    response = found["tickets.on_time_response_rate"]
    assert (response["numerator"], response["denominator"], response["excluded"]) == (
        3,
        4,
        {"no_deadline": 1},
    )
    resolution = found["tickets.on_time_resolution_rate"]
    assert (resolution["numerator"], resolution["denominator"], resolution["excluded"]) == (
        2,
        3,
        {"no_deadline": 1},
    )
    # At 1.5 h no deadline has passed yet: no data, not 0 % or 100 %.
    early = figures(desk.community, "2015-08", s + 1.5 * H)
    assert early["tickets.on_time_response_rate"]["value"] is None
    assert early["tickets.on_time_response_rate"]["denominator"] == 0


def test_a_ticket_never_answered_is_late_once_its_deadline_passed(desk):
    s = at(2015, 9, 1, 9, tz=SH)
    due = {"response_due": s + 2 * H, "resolution_due": s + 24 * H}
    desk.ticket(s, ("accepted", s + H), ("resolved", s + 5 * H), **due)  # both on time
    desk.ticket(s, ("accepted", s + 3 * H), ("resolved", s + 30 * H), **due)  # both late
    desk.ticket(s, **due)  # never answered: both deadlines passed by as_of (48 h)
    found = figures(desk.community, "2015-09", s + 48 * H)
    response = found["tickets.on_time_response_rate"]
    assert (response["numerator"], response["denominator"], response["excluded"]) == (1, 3, {})
    assert response["value"] == pytest.approx(1 / 3)
    resolution = found["tickets.on_time_resolution_rate"]
    assert (resolution["numerator"], resolution["denominator"]) == (1, 3)
    # It has no response time: the median is over the two answers (60 and 180 min).
    median = found["tickets.response_minutes.median"]
    assert (median["value"], median["n"], median["excluded"]) == (120.0, 2, {})
    # Before its response deadline it is not judged yet.
    early = figures(desk.community, "2015-09", s + 1.5 * H)["tickets.on_time_response_rate"]
    assert (early["numerator"], early["denominator"]) == (0, 0)


def test_first_response_is_the_earliest_staff_answer(desk):
    t = at(2015, 9, 1, 9, tz=SH)
    desk.ticket(t, ("reply", t + 10 * M, SUBMITTER), ("reply", t + 40 * M))  # own edits: no
    desk.ticket(t, ("accepted", t + 5 * M, "system"), ("dispatched", t + 50 * M))  # system: no
    desk.ticket(t, ("note", t + M), ("accepted", t + 20 * M))  # a note is not an answer
    found = figures(desk.community, "2015-09", LATER)
    assert value(found, "tickets.response_minutes.median") == 40.0  # of [20, 40, 50]
    assert value(found, "tickets.response_minutes.p90") == pytest.approx(48.0)  # 40 + 10 * 0.8


def test_handoffs_supervision_repairs_channels_categories_and_complaint_rate(desk):
    desk.category("lift", kind=TicketKind.WORK_ORDER, is_facility_fault=True)
    desk.category("service", is_property_service=True)
    desk.category("noise")
    t = at(2015, 10, 12, 9, tz=SH)
    order = {"kind": TicketKind.WORK_ORDER, "category": "lift"}
    transfers = [("transfer", t + 2 * H)]
    desk.ticket(
        t,
        ("accepted", t + 30 * M),
        *transfers * 3,
        ("resolved", t + 3 * H),
        channel=Ticket.Channel.APP,
        **order,
    )
    desk.ticket(t, ("accepted", t + 90 * M), *transfers, channel=Ticket.Channel.WEB, **order)
    desk.ticket(
        t,
        ("supervise", t + H),
        ("accepted", t + 2 * H),
        ("resolved", t + 5 * H),
        category="service",
    )
    desk.ticket(
        t,
        ("supervise", t + H),
        ("accepted", t + 2 * H),
        category="service",
        channel=Ticket.Channel.MINI_PROGRAM,
    )
    desk.ticket(t, ("rejected", t + H), *transfers * 4, category="noise")
    desk.ticket(t, ("accepted", t + H), *transfers * 2, ("resolved", t + 4 * H), category="noise")
    desk.ticket(at(2014, 10, 12, tz=SH), ("accepted", at(2014, 10, 13)), category="noise")
    # 2014 is read for the complaint rate only: its work orders and its rejected complaints
    # are not complaints counted there.
    desk.ticket(at(2014, 10, 12, tz=SH), ("accepted", at(2014, 10, 13)), **order)
    desk.ticket(at(2014, 10, 12, tz=SH), ("rejected", at(2014, 10, 13)), category="noise")
    households(
        desk.community,
        at(2014, 6, 1),
        at(2014, 6, 1),  # two at the end of 2014
        at(2015, 6, 1),
        at(2015, 12, 31, 15, 59),  # four at the end of 2015 (Shanghai midnight is 16:00 UTC)
        at(2015, 12, 31, 16),  # registered in 2016
    )
    found = figures(desk.community, "2015", LATER)
    expected = {
        "tickets.count": (5, 5, None),
        "tickets.handoffs_mean": (1.2, 6, 5),  # (3 + 1 + 0 + 0 + 2) / 5; the rejection's 4: no
        "tickets.handoffs_two_plus_rate": (0.4, 2, 5),
        "work_orders.repair_completion_rate": (0.5, 1, 2),
        "tech.online_submission_rate": (0.6, 3, 5),  # app, web, mini-program
        "complaints.supervised_count": (2, 2, None),
        "complaints.supervised_closure_rate": (0.5, 1, 2),
        "complaints.property_closure_rate": (0.5, 1, 2),
        "tickets.closure_rate[category=lift]": (0.5, 1, 2),
        "tickets.closure_rate[category=service]": (0.5, 1, 2),
        "tickets.closure_rate[category=noise]": (1.0, 1, 1),
        "complaints.per_100_households": (75.0, 3, 4),  # 3 complaints, 4 households
        "complaints.per_100_households.yoy_points": (25.0, 75.0, 50.0),  # 2014: 1 per 2
        "complaints.per_100_households.yoy_change": (0.5, 25.0, 50.0),
    }
    assert {
        key: (value(found, key), found[key]["numerator"], found[key]["denominator"])
        for key in expected
    } == expected
    assert value(found, "work_orders.repair_response_minutes.median") == 60.0  # [30, 90]


def test_as_of_replays_the_log(desk):
    # Resolved within 2014; a note in 2015 changes nothing.
    a = at(2014, 6, 1, 9, tz=SH)
    desk.ticket(
        a,
        ("accepted", a + H),
        ("resolved", a + 30 * H),
        ("rate", a + 40 * H, 5),
        ("note", at(2015, 4, 1)),
    )
    january, june = at(2015, 1, 10), at(2015, 6, 10)
    assert figures(desk.community, "2014", january) == figures(desk.community, "2014", june)

    b = at(2015, 11, 1, 9, tz=SH)
    desk.ticket(b, ("accepted", b + H), ("resolved", at(2016, 2, 1)))
    in_january = figures(desk.community, "2015", at(2016, 1, 15))
    in_june = figures(desk.community, "2015", at(2016, 6, 15))
    assert (value(in_january, "tickets.closure_rate"), value(in_june, "tickets.closure_rate")) == (
        0.0,
        1.0,
    )
    # A ticket submitted after as_of does not exist yet.
    assert value(figures(desk.community, "2015", at(2015, 10, 1)), "tickets.count") == 0


def test_another_communitys_tickets_never_count(desk, new_york):
    t = at(2015, 3, 2, 9, tz=SH)
    desk.ticket(t, ("accepted", t + H), ("resolved", t + 2 * H))
    new_york.ticket(t, ("accepted", t + H))
    new_york.ticket(t, ("rejected", t + H))
    found = figures(desk.community, "2015", LATER)
    assert (value(found, "tickets.count"), value(found, "tickets.ineligible_count")) == (1, 0)
    assert value(found, "tickets.closure_rate") == 1.0
