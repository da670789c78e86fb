"""The real 311 exports of ../shared/data, each imported once with its community column
(module fixture `real`), against the counts SOURCES.md states and independent csv counts."""

import csv
from collections import Counter
from datetime import UTC, datetime

import pytest
from django.db.models import Count, F, OuterRef, Q, Subquery

from community.models import Community
from tickets.models import Ticket, TicketEvent

from .conftest import REAL_FILES, data_dir, import_real

pytestmark = pytest.mark.django_db


def column_values(name: str, column: str) -> list[str]:
    with (data_dir() / REAL_FILES[name][0]).open(newline="", encoding="utf-8") as fh:
        return [row[column] for row in csv.DictReader(fh)]


def tickets(source: str, **filters):
    return Ticket.objects.filter(source=source, **filters)


def flagged(source: str, flag: str):
    return tickets(source, data_flags__contains=[flag])


def test_la_2020(real):
    s = real["la2020"]
    # 10,000 rows: 38 without a neighbourhood council are refused, the rest imported.
    assert (s.rows_read, s.created, s.updated) == (10_000, 9_962, 0)
    assert dict(s.refused) == {"no_community": 38}
    # SOURCES.md: 18 Closed without closeddate; 246 Cancelled or Referred Out with a closeddate
    # (none of them among the 38 refused); 15 Pending -> accepted, instant unknown.
    assert dict(s.flagged) == {
        "closed_without_close_time": 18,
        "close_time_on_ineligible_ticket": 246,
        "progress_instant_unknown": 15,
    }
    assert len(s.communities_created) == 102  # SOURCES.md: 102 neighbourhood councils
    unknown = flagged("la311", "closed_without_close_time")
    assert unknown.count() == 18
    assert not unknown.exclude(status="closed").exists()
    assert not unknown.filter(exclude_from_durations=False).exists()
    events = TicketEvent.objects.filter(ticket__in=unknown).exclude(to_status="submitted")
    assert events.count() == 36  # resolved then closed, for each
    assert not events.exclude(data__instant_unknown=True).exists()
    assert not unknown.exclude(resolved_at=F("submitted_at")).exists()
    # The status is authoritative: counted with the csv module over the rows with a council.
    by_status = Counter(
        status
        for status, council in zip(
            column_values("la2020", "status"), column_values("la2020", "ncname"), strict=True
        )
        if council
    )
    mapped = {"Closed": "closed", "Cancelled": "cancelled", "Referred Out": "rejected"}
    mapped |= {"Open": "submitted", "Pending": "accepted"}
    statuses = (
        tickets("la311", submitted_at__year=2020).values_list("status").annotate(n=Count("id"))
    )
    assert dict(statuses) == {mapped[k]: n for k, n in by_status.items()}


def test_la_2018_negative_durations_are_streetlights(real):
    s = real["la2018"]
    assert (s.rows_read, s.created, s.refused["no_community"]) == (10_000, 9_862, 138)
    # SOURCES.md: 13 closed before created, all streetlight issues; none lacks a council.
    assert s.flagged["negative_duration"] == 13
    negative = flagged("la311", "negative_duration")
    assert set(negative.values_list("category__code", flat=True)) == {"streetlight"}
    assert negative.filter(title="Single Streetlight Issue").count() == 11
    ticket = negative.get(external_id="1-871070261")
    # Created 01/02/2018 12:56:09 AM PST (UTC-8); closed 12:00:00 AM the same day.
    assert ticket.submitted_at == datetime(2018, 1, 2, 8, 56, 9, tzinfo=UTC)
    assert ticket.resolved_at == ticket.submitted_at
    assert ticket.exclude_from_durations
    kept = ticket.events.get(to_status="submitted").data["source"]
    assert kept["closed"] == "01/02/2018 12:00:00 AM"
    # Both LA layouts fill one set of neighbourhood-council communities.
    councils = set(column_values("la2020", "ncname")) | set(column_values("la2018", "NCName"))
    councils.discard("")
    assert Community.objects.filter(street_office__name="LA test office").count() == len(councils)


def test_sf_negative_durations_and_multiline_text(real):
    s = real["sf"]
    assert (s.rows_read, s.created, dict(s.refused)) == (10_000, 9_680, {"no_community": 320})
    # SOURCES.md: 129 closed before opened: 1 within 60 s (clock skew), 128 beyond, of which
    # one has no neighbourhood and is refused.
    assert (s.flagged["clock_skew"], s.flagged["negative_duration"]) == (1, 127)
    assert len(s.communities_created) == 122
    ticket = tickets("sf311").get(external_id="3953406")
    assert ticket.data_flags == ["negative_duration"]
    # Opened 08/26/2014 11:53:14 AM PDT (UTC-7).
    assert ticket.submitted_at == datetime(2014, 8, 26, 18, 53, 14, tzinfo=UTC)
    # Quoted fields spanning lines are one field: the row after them is read whole.
    assert tickets("sf311").get(external_id="4395022").description == (
        "Liquids - Oil/Paint/Other\nCase Transferred - Municipal Haz Waste Mgmt Program, DPH\n"
        " Jeff Nalle, Inspector\n 415-252-3976"
    )


def test_boston_housing(real):
    s = real["boston_housing"]
    assert (s.rows_read, s.created, dict(s.refused)) == (18_245, 18_160, {"no_community": 85})
    assert dict(s.flagged) == {"ambiguous_time": 1}
    assert len(s.communities_created) == 22  # SOURCES.md: 22 neighbourhoods
    office = Community.objects.filter(street_office__name="Boston test office")
    assert office.filter(
        slug="south-boston-south-boston-waterfront", timezone="America/New_York"
    ).exists()
    ticket = tickets("boston311").get(external_id="101001624970")
    # 11/01/2015 01:16 AM, the repeated hour: the first occurrence is EDT (UTC-4).
    assert ticket.submitted_at == datetime(2015, 11, 1, 5, 16, tzinfo=UTC)
    assert ticket.data_flags == ["ambiguous_time"]
    # TARGET_DT is the resolution deadline: 04/01/2015 03:03:21 PM EDT for the first row.
    first = tickets("boston311").get(external_id="101001240846")
    assert first.resolution_due_at == datetime(2015, 4, 1, 19, 3, 21, tzinfo=UTC)
    assert first.status == "submitted" and first.resolved_at is None


def test_boston_pothole_clock_skew(real):
    s = real["boston_pothole"]
    assert (s.rows_read, s.created, dict(s.refused)) == (5_393, 5_384, {"no_community": 9})
    # SOURCES.md: 140 rows closed 1 to 40 s before opened: duration 0, kept in durations.
    assert dict(s.flagged) == {"clock_skew": 140}
    skew = flagged("boston311", "clock_skew")
    assert skew.count() == 140
    assert not skew.exclude(resolved_at=F("submitted_at")).exists()
    assert not skew.filter(exclude_from_durations=True).exists()
    # Chestnut Hill only occurs in the pothole file: the one community it adds.
    assert s.communities_created == ["chestnut-hill"]
    potholes = tickets("boston311", category__code="pothole")
    assert potholes.count() == 5_384
    assert not potholes.filter(resolution_due_at__isnull=False).exists()  # TARGET_DT empty


def test_nyc(real):
    s = real["nyc"]
    assert (s.rows_read, s.created, dict(s.refused)) == (4_999, 4_999, {})
    # SOURCES.md: 35 not Closed with a Closed Date, 183 mojibake descriptions, 2 closed before
    # created; In Progress 185 + Assigned 29 + Pending 4 + Started 1 = 219 progress unknown.
    assert dict(s.flagged) == {
        "close_time_on_open_ticket": 35,
        "text_repaired": 183,
        "negative_duration": 2,
        "progress_instant_unknown": 219,
    }
    assert len(s.communities_created) == 69  # SOURCES.md: 69 community boards
    repaired = flagged("nyc311", "text_repaired")
    assert not repaired.filter(description__regex="[\x80-\x9f]").exists()
    assert repaired.filter(description__contains="Transportation’s website").exists()
    assigned = tickets("nyc311", status="dispatched").first()
    assert list(
        assigned.events.values_list("from_status", "to_status", "at", "data__instant_unknown")
    ) == [
        ("", "submitted", assigned.submitted_at, None),
        ("submitted", "accepted", assigned.submitted_at, True),
        ("accepted", "dispatched", assigned.submitted_at, True),
    ]
    assert assigned.exclude_from_durations


def test_derived_columns_agree_with_the_events(real):
    last = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-at", "-id")
    imported = Ticket.objects.filter(source__in=["la311", "sf311", "boston311", "nyc311"])
    assert imported.count() == sum(s.imported for s in real.values())
    assert not imported.exclude(status=Subquery(last.values("to_status")[:1])).exists()
    assert (
        not imported.filter(status="closed")
        .exclude(closed_at=Subquery(last.values("at")[:1]))
        .exists()
    )
    assert not TicketEvent.objects.filter(ticket__in=imported).exclude(actor_kind="import").exists()
    assert not imported.filter(Q(status="closed") & Q(first_response_at__isnull=True)).exists()


def test_reimport_updates_and_never_duplicates(real):
    before = (
        tickets("boston311").count(),
        TicketEvent.objects.filter(ticket__source="boston311").count(),
    )
    again = import_real("boston_pothole")
    assert (again.created, again.updated, dict(again.flagged)) == (0, 5_384, {"clock_skew": 140})
    assert again.communities_created == [] and again.categories_created == 0
    after = (
        tickets("boston311").count(),
        TicketEvent.objects.filter(ticket__source="boston311").count(),
    )
    assert after == before
