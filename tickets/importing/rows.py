"""One export row -> one `Record` (a ticket with its events) or a refusal with a reason.

Pure functions, no database: the rules of METRICS.md, "Imported and inconsistent records" and
"Time", applied to one row (docs/import.md, "Flags").
"""

import re
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket, TicketEvent
from tickets.services import FLAG_CALENDAR_UNKNOWN, event_apply

from .mapping import Mapping

S = Ticket.Status
# A close up to this long before the open is clock skew: duration 0 (METRICS.md).
CLOCK_SKEW = timedelta(seconds=60)
# Transitions an import writes to reach a state, after '' -> submitted (the lifecycle order of
# METRICS.md; a closed record goes straight to resolved, the only instant the source gives).
PATHS = {
    S.SUBMITTED: (),
    S.ACCEPTED: (S.ACCEPTED,),
    S.DISPATCHED: (S.ACCEPTED, S.DISPATCHED),
    S.IN_PROGRESS: (S.ACCEPTED, S.IN_PROGRESS),  # "start" from accepted (tickets/rules.py)
    S.RESOLVED: (S.RESOLVED,),
    S.CLOSED: (S.RESOLVED, S.CLOSED),
    S.REJECTED: (S.REJECTED,),
    S.CANCELLED: (S.CANCELLED,),
    S.DUPLICATE: (S.DUPLICATE,),
}
UNKNOWN = {"instant_unknown": True}

FLAGS = {
    "closed_without_close_time": _(
        "Status says it ended but there is no close time: events at the submission instant, "
        "left out of durations"
    ),
    "close_time_on_open_ticket": _(
        "A close time on an open ticket: kept in the source data, not used"
    ),
    "close_time_on_ineligible_ticket": _(
        "A close time on a cancelled, rejected or duplicate ticket: used as the instant it ended"
    ),
    "clock_skew": _("Closed up to 60 s before it was opened: duration 0"),
    "negative_duration": _(
        "Closed more than 60 s before it was opened: counts in rates by status, left out of "
        "durations"
    ),
    "progress_instant_unknown": _(
        "In progress, with no instant for acceptance: left out of durations"
    ),
    "ambiguous_time": _(
        "A time in the repeated hour when DST ends: the first occurrence was taken"
    ),
    "nonexistent_time": _("A time in the hour skipped when DST starts: moved forward by the gap"),
    "text_repaired": _("Double-encoded UTF-8 text repaired"),
    "unknown_request_type": _("Request type not in the mapping: fallback category"),
    "unknown_channel": _("Channel not in the mapping: default channel"),
    FLAG_CALENDAR_UNKNOWN: _(
        "No working-day calendar for the year of an SLA deadline: left without that deadline"
    ),
}
REASONS = {
    "no_community": _("No community"),
    "no_external_id": _("No source ID, or longer than 64 characters"),
    "bad_created": _("Creation time missing or not in a format of the mapping"),
    "bad_closed": _("Close time not in a format of the mapping"),
    "bad_due": _("Due date not in a format of the mapping"),
    "unmapped_status": _("Status not in the mapping"),
    "duplicate_in_file": _("Source ID already read in this file"),
}


class Refused(Exception):
    """The row cannot become a ticket; `reason` is a key of REASONS, `detail` the bad value."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


@dataclass(slots=True)
class Event:
    """A transition by the import; duck-types TicketEvent for `event_apply`."""

    from_status: str
    to_status: str
    at: datetime
    data: dict
    kind: ClassVar[str] = TicketEvent.Kind.TRANSITION
    actor_kind: ClassVar[str] = TicketEvent.ActorKind.IMPORT
    rating: ClassVar[None] = None


@dataclass(slots=True)
class Record:
    """A row ready to be written: the ticket's fields, its events and flags."""

    line: int
    community: str
    external_id: str
    category: str
    channel: str
    title: str
    description: str
    location: str
    submitted_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    status: str
    events: list[Event]
    flags: list[str] = field(default_factory=list)

    @property
    def exclude_from_durations(self) -> bool:
        """Any instant the source did not give makes the ticket's durations unknown."""
        return any(e.data.get("instant_unknown") for e in self.events)

    def derived(self) -> dict:
        """The ticket's derived columns, replayed from its events by the ticket core's own
        `event_apply` (so they equal what the lifecycle services would store)."""
        ticket = SimpleNamespace(
            status="",
            first_response_at=None,
            resolved_at=None,
            closed_at=None,
            duplicate_of_id=None,
        )
        for event in self.events:
            event_apply(ticket, event)
        return vars(ticket)


C1_CONTROLS = re.compile("[\x80-\x9f]")


def repair_text(text: str) -> tuple[str, bool]:
    """Undo UTF-8 read as Latin-1 (`Transportationâ\\x80\\x99s` -> `Transportation’s`).

    Only where it is unambiguous: the text holds C1 control characters (never in real text)
    and the whole of it re-encodes to Latin-1 and decodes as UTF-8. Returns (text, repaired).
    """
    if not C1_CONTROLS.search(text):
        return text, False
    try:
        return text.encode("latin-1").decode("utf-8"), True
    except UnicodeError:
        return text, False


class Clock:
    """Reads source timestamps: explicit formats, naive ones in the source timezone (METRICS.md,
    Time). `read()` returns an aware UTC datetime and the flags it raised."""

    def __init__(self, formats: tuple[str, ...], timezone: str):
        self.formats = formats
        self.tz = zoneinfo.ZoneInfo(timezone)
        # Exports repeat timestamps a lot (minute precision, batch closes): parse each once.
        self.read = lru_cache(maxsize=65536)(self._read)

    def _read(self, raw: str) -> tuple[datetime, tuple[str, ...]]:
        for fmt in self.formats:
            try:
                value = datetime.strptime(raw, fmt)  # noqa: DTZ007 - made aware below
            except ValueError:
                continue
            if value.tzinfo is not None:
                return value.astimezone(UTC), ()
            return self._localise(value)
        raise ValueError(raw)

    def _localise(self, naive: datetime) -> tuple[datetime, tuple[str, ...]]:
        first = naive.replace(tzinfo=self.tz)  # fold=0: the earlier offset
        offset, other = first.utcoffset(), first.replace(fold=1).utcoffset()
        flags: tuple[str, ...] = ()
        if offset != other:
            # Clocks went back (ambiguous: fold=0 is the first occurrence) or forward (the
            # wall time never existed: the pre-transition offset moves it forward by the gap).
            flags = ("ambiguous_time",) if offset > other else ("nonexistent_time",)
        return first.astimezone(UTC), flags


class RowReader:
    """Turns the csv rows of one file into Records with one mapping.

    `community_from_file` False: the command names the community and the column is ignored.
    """

    def __init__(self, mapping: Mapping, header: list[str], *, timezone: str, community_from_file):
        self.mapping = mapping
        self.clock = Clock(mapping.date_formats, timezone)
        self.width = len(header)
        index = {name: i for i, name in enumerate(header)}
        needed = mapping.required_columns()
        if not community_from_file:
            needed.discard(mapping.columns.get("community"))
        self.missing = sorted(needed - set(index))

        def pick(key):
            value = mapping.columns.get(key)
            if value is None:
                return None
            return index.get(value) if isinstance(value, str) else [index.get(v) for v in value]

        self.col = {key: pick(key) for key in mapping.columns}
        if not community_from_file:
            self.col["community"] = None

    def _value(self, row: list[str], key: str) -> str:
        i = self.col.get(key)
        return row[i].strip() if i is not None else ""

    def _text(self, row: list[str], key: str, sep: str, flags: set) -> str:
        i = self.col.get(key)
        if i is None:
            return ""
        parts = [row[i].strip()] if isinstance(i, int) else [row[j].strip() for j in i]
        # NUL never belongs in text and PostgreSQL refuses it.
        text = sep.join(p for p in parts if p).replace("\x00", "")
        text, repaired = repair_text(text)
        if repaired:
            flags.add("text_repaired")
        return text

    def _time(self, row, key, reason, flags: set) -> datetime | None:
        raw = self._value(row, key)
        if not raw:
            return None
        try:
            value, time_flags = self.clock.read(raw)
        except ValueError:
            raise Refused(reason, raw) from None
        flags.update(time_flags)
        return value

    def record(self, row: list[str], line: int) -> Record:
        """Raises Refused with the reason when the row cannot be imported."""
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        m = self.mapping
        flags: set[str] = set()
        community = self._value(row, "community")
        if self.col.get("community") is not None and not community:
            raise Refused("no_community")
        external_id = self._value(row, "external_id")
        if not external_id or len(external_id) > 64:
            raise Refused("no_external_id", external_id)
        raw_status = self._value(row, "status")
        state = m.statuses.get(raw_status)
        if state is None:
            raise Refused("unmapped_status", raw_status)
        submitted_at = self._time(row, "created", "bad_created", flags)
        if submitted_at is None:
            raise Refused("bad_created")
        closed_at = self._time(row, "closed", "bad_closed", flags)
        resolution_due_at = self._time(row, "resolution_due", "bad_due", flags)
        response_due_at = self._time(row, "response_due", "bad_due", flags)

        raw_type = self._value(row, "request_type")
        category = m.request_types.get(raw_type)
        if category is None:
            category = m.fallback_category
            flags.add("unknown_request_type")
        raw_channel = self._value(row, "channel")
        channel = m.channels.get(raw_channel)
        if channel is None:
            channel = m.default_channel
            if self.col.get("channel") is not None:
                flags.add("unknown_channel")

        source = {"status": raw_status, "type": raw_type, "created": self._value(row, "created")}
        if closed_at is not None:
            source["closed"] = self._value(row, "closed")
        events = [Event("", S.SUBMITTED, submitted_at, {"source": source})]
        events += _transitions(state, submitted_at, closed_at, flags)
        return Record(
            line=line,
            community=community,
            external_id=external_id,
            category=category,
            channel=channel,
            title=self._text(row, "title", " · ", flags)[:200] or raw_type[:200],
            description=self._text(row, "description", "\n", flags),
            location=self._text(row, "location", ", ", flags)[:300],
            submitted_at=submitted_at,
            response_due_at=response_due_at,
            resolution_due_at=resolution_due_at,
            status=state,
            events=events,
            flags=sorted(flags),
        )


def _transitions(state, submitted_at, closed_at, flags: set) -> list[Event]:
    """The events after '' -> submitted, by the rules of docs/import.md ("Events")."""
    path = PATHS[state]
    if not path:
        if closed_at is not None:
            flags.add("close_time_on_open_ticket")
        return []
    if state in (S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS):
        if closed_at is not None:
            flags.add("close_time_on_open_ticket")
        flags.add("progress_instant_unknown")
        at, data = submitted_at, UNKNOWN
    elif closed_at is None:
        flags.add("closed_without_close_time")
        at, data = submitted_at, UNKNOWN
    else:
        if state in Ticket.INELIGIBLE:
            flags.add("close_time_on_ineligible_ticket")
        at, data = closed_at, {}
        if closed_at < submitted_at - CLOCK_SKEW:
            flags.add("negative_duration")
            at, data = submitted_at, UNKNOWN
        elif closed_at < submitted_at:
            flags.add("clock_skew")
            at = submitted_at
    events, previous = [], S.SUBMITTED
    for to in path:
        # A merge names the ticket it went into; the source does not say which.
        extra = {"into": None} if to == S.DUPLICATE else {}
        events.append(Event(previous, to, at, {**data, **extra}))
        previous = to
    return events
