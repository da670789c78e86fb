"""Reads of the annual review: the review row, its versions, and everything the page and the PDF
show (`review_data`), from stored metric values and the community's records."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.fields.json import KT
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from community.models import Community, Drill, Incident, Meeting, Training
from reports.charts import UNITS, bars_svg, number_format, trend_svg, value_format
from reports.metrics import metric_label
from reports.models import AnnualReview, AnnualReviewVersion, MetricValue
from reports.periods import Period
from reports.selectors import metric_values_latest
from tickets.models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind

from .dimensions import DIMENSIONS, Dimension, dimension_of, registry_keys

FIRST_YEAR = 2000
MIN_N = 5  # a category is ranked among the worst only with at least this many tickets (n)
REPEATED = 3  # complaints in the year that make a building a repeated-complaint building
WORST = 5  # categories shown per ranking
LISTED = 20  # rows of a challenge list
# Units whose figures rest on a sample: `n` is shown next to them (METRICS.md, Rules).
SAMPLED_UNITS = {"fraction", "minutes", "hours", "rating", "handoffs", "score"}
# Every reason code a record is left out of a figure for (reports.metrics `excluded`, ticket
# data flags, ineligible statuses), translated: the one place that maps them. A code missing
# here shows as itself; tests/review/test_reasons.py fails when a figure reports one.
REASONS = {
    "closed_without_close_time": gettext_lazy("closed without a close time"),
    "close_time_on_open_ticket": gettext_lazy("close time on an open ticket"),
    "close_time_on_ineligible_ticket": gettext_lazy("close time on a rejected or cancelled ticket"),
    "instant_unknown": gettext_lazy("instant unknown"),
    "progress_instant_unknown": gettext_lazy("instant of a step unknown"),
    "deadline_calendar_unknown": gettext_lazy("working-day calendar unknown for the deadline"),
    "negative_duration": gettext_lazy("negative duration"),
    "text_repaired": gettext_lazy("text repaired"),
    "unknown_request_type": gettext_lazy("request type not mapped"),
    "unknown_channel": gettext_lazy("channel not mapped"),
    "clock_skew": gettext_lazy("clock skew"),
    "ambiguous_time": gettext_lazy("ambiguous local time"),
    "nonexistent_time": gettext_lazy("non-existent local time"),
    "no_deadline": gettext_lazy("no deadline"),
    "not_yet_due": gettext_lazy("not yet due"),
    "excluded_from_durations": gettext_lazy("left out of durations"),
    "rejected": gettext_lazy("rejected"),
    "cancelled": gettext_lazy("cancelled"),
    "duplicate": gettext_lazy("duplicate"),
    "retired": gettext_lazy("retired"),
    "unrated": gettext_lazy("not rated"),
    "undecided": gettext_lazy("not yet decided"),
    "correction": gettext_lazy("correction"),
    "cancelled_activity": gettext_lazy("at a cancelled activity"),
    "channel_not_running": gettext_lazy("channel not running"),
    "blank": gettext_lazy("blank answer"),
    "window_not_closed": gettext_lazy("window not yet closed"),
    "no_response": gettext_lazy("no response recorded"),
    "not_active_staff": gettext_lazy("not active staff"),
    "no_green_area": gettext_lazy("no green area recorded"),
    "no_land_area": gettext_lazy("no land area recorded"),
    "before_records_since": gettext_lazy("before the community's records begin"),
}
# Reasons that leave out the whole period rather than some records: shown without a count
# (reports.metrics gives a period before the records begin {"before_records_since": 1}).
WHOLE_PERIOD = {
    "before_records_since": gettext_lazy("the whole period is before the community's records begin")
}


def reasons_text(excluded: dict[str, int]) -> list[tuple[str, int]]:
    """[(translated reason, records left out)] of a figure's `excluded`; a combined code
    ("a+b") reads "reason a + reason b"."""
    return [
        (" + ".join(str(REASONS.get(code, code)) for code in reason.split("+")), n)
        for reason, n in excluded.items()
    ]


def left_out_text(excluded: dict[str, int]) -> str:
    """What a figure left out, as one translated list: "已撤销 27 条；不予受理 24 条"
    ("cancelled: 27; rejected: 24"); a whole-period reason alone, without its count; "" for
    none. The same text on the dashboard and in the review."""
    whole = [str(WHOLE_PERIOD[code]) for code in excluded if code in WHOLE_PERIOD]
    if whole:
        return pgettext("list separator", "; ").join(whole)
    return pgettext("list separator", "; ").join(
        _("%(reason)s: %(count)s") % {"reason": reason, "count": f"{n:,}"}
        for reason, n in reasons_text(excluded)
    )


def review_year_check(*, community: Community, year: int) -> None:
    """Raises Http404 for a year before 2000 or after the community's current local year."""
    if not FIRST_YEAR <= year <= timezone.localdate(timezone=community.tz).year:
        raise Http404


def annual_review_get(*, community: Community, year: int) -> AnnualReview:
    """The review of `community` and `year`; an unsaved empty one when none was written yet.
    Raises Http404 for a year out of range (review_year_check)."""
    review_year_check(community=community, year=year)
    found = AnnualReview.objects.filter(community=community, year=year).first()
    return found or AnnualReview(community=community, year=year)


def annual_review_versions(*, review: AnnualReview) -> list[AnnualReviewVersion]:
    """The finalised versions of a review, newest first, without their PDF bytes; each with
    `change_rows` [(label, old, new)] of the figures changed since the version before."""
    if review.pk is None:
        return []
    versions = list(
        AnnualReviewVersion.objects.filter(community=review.community, review=review)
        .defer("pdf", "figures")
        .select_related("finalised_by")
    )
    for version in versions:
        version.change_rows = change_rows(version.changes)
    return versions


def annual_review_version_get(
    *, community: Community, year: int, number: int
) -> AnnualReviewVersion:
    """One finalised version with its bytes. Raises Http404 when missing or of another
    community."""
    version = AnnualReviewVersion.objects.filter(
        community=community, review__year=year, number=number
    ).first()
    if version is None:
        raise Http404
    return version


def review_periods(year: int) -> tuple[Period, Period, list[Period]]:
    """(the year, the year before, its twelve months)."""
    period = Period.parse(str(year))
    return period, period.year_before(), [Period.parse(f"{year}-{m:02d}") for m in range(1, 13)]


@dataclass
class FigureRow:
    key: str
    label: str
    unit: str
    value: float | None
    n: int | None
    last: float | None
    text: str
    last_text: str
    change_text: str
    shows_n: bool
    left_out: str  # left_out_text
    note: str = ""


@dataclass
class RecordTable:
    title: str
    headers: list[str]
    rows: list[list[str]]
    empty: str = ""


@dataclass
class Block:
    """One dimension of the review: its figures, trend charts and records."""

    dimension: Dimension | None
    title: str
    figures: list[FigureRow] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    records: list[RecordTable] = field(default_factory=list)


@dataclass
class ReviewData:
    community: Community
    year: int
    review: AnnualReview
    as_of: dt.datetime | None
    blocks: list[Block]
    challenges: list[RecordTable]
    challenge_charts: list[str]
    # {key: {value, numerator, denominator, n, excluded, unit}} of the year: what a finalised
    # version freezes.
    snapshot: dict
    # Set when rendering a version to finalise: its number and the figures changed since the
    # previous version (figure_changes).
    version: int | None = None
    changes: list[dict] = field(default_factory=list)

    def change_rows(self) -> list[tuple[str, str, str]]:
        return change_rows(self.changes)


def change_rows(changes: list[dict]) -> list[tuple[str, str, str]]:
    """(label, old, new) of changed figures (figure_changes), formatted for display."""
    return [
        (
            metric_label(c["key"]),
            value_format(c["old"], c["unit"]),
            value_format(c["new"], c["unit"]),
        )
        for c in changes
    ]


def review_data(*, community: Community, year: int, review: AnnualReview) -> ReviewData:
    """Everything the annual review page and PDF show for `community` and `year`.

    Figures are the stored MetricValues of the newest as_of (the year, the year before and the
    twelve months; two queries); records and challenges are a few set-based queries over the
    year's local bounds. Values are in their METRICS.md units; texts are formatted for display
    (rates as percent with one decimal, "—" for no data).
    """
    period, before, months = review_periods(year)
    stored = metric_values_latest(
        community=community, periods=[period.key, before.key] + [m.key for m in months]
    )
    this, last = stored.get(period.key, {}), stored.get(before.key, {})
    start, end = period.bounds(community.timezone)
    blocks = _blocks(
        this, last, [stored.get(m.key, {}) for m in months], months, community.timezone
    )
    _add_records(blocks, community, start, end)
    _note_response_at_resolution(blocks, community, start, end)
    challenges, charts = _challenges(community, this, start, end)
    any_value = next(iter(this.values()), None)
    return ReviewData(
        community=community,
        year=year,
        review=review,
        as_of=any_value.as_of if any_value else None,
        blocks=blocks,
        challenges=challenges,
        challenge_charts=charts,
        snapshot={key: _snap(value) for key, value in sorted(this.items())},
    )


def figure_changes(old: dict, new: dict) -> list[dict]:
    """The figures whose value differs between two snapshots ({key: {"value", "unit", ...}}):
    [{"key", "old", "new", "unit"}] sorted by key; a figure missing on one side is None there."""
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        old_value = before["value"] if before else None
        new_value = after["value"] if after else None
        if old_value != new_value:
            unit = (after or before)["unit"]
            changes.append({"key": key, "old": old_value, "new": new_value, "unit": unit})
    return changes


def _snap(value: MetricValue) -> dict:
    return {
        "value": value.value,
        "numerator": value.numerator,
        "denominator": value.denominator,
        "n": value.n,
        "excluded": value.excluded,
        "unit": value.unit,
    }


def change_text(this: MetricValue | None, last: MetricValue | None) -> str:
    """The change from last year: percentage points for rates ("+2.5 pp"), the unit otherwise
    ("+1,204", "-3.5 h", "0.0 pp", never "-0.0"); "—" when either year has no value or last
    year's value rests on no record (n == 0: a count of 0 there is no data to compare with).
    It is the difference of the two values as shown (value_format, one decimal), so it agrees
    with them: 0.5 % after 0.8 % is -0.3 pp even when the unrounded values differ by 0.2."""
    if this is None or last is None or this.value is None or last.value is None or last.n == 0:
        return "—"
    unit = this.unit
    if unit == "count" and float(this.value - last.value).is_integer():
        change = int(this.value - last.value)
        return f"{change:+,}" if change else "0"
    scale = 100 if unit == "fraction" else 1
    change = round(this.value * scale, 1) - round(last.value * scale, 1)
    if unit == "fraction":
        return _("%(change)s pp") % {"change": number_format(change, signed=True)}
    return f"{number_format(change, signed=True)} {UNITS.get(unit, '')}".strip()


def _row(key: str, value: MetricValue | None, before: MetricValue | None) -> FigureRow:
    unit = (value or before).unit if (value or before) else "count"
    current = value.value if value else None
    previous = before.value if before else None
    excluded = value.excluded if value else {}
    return FigureRow(
        key=key,
        label=metric_label(key),
        unit=unit,
        value=current,
        n=value.n if value else None,
        last=previous,
        text=value_format(current, unit),
        last_text=value_format(previous, unit),
        change_text=change_text(value, before),
        shows_n=unit in SAMPLED_UNITS,
        left_out=left_out_text(excluded),
    )


def _blocks(
    this: dict, last: dict, by_month: list[dict], months: list[Period], tz: str
) -> list[Block]:
    blocks = {d.code: Block(d, str(d.title)) for d in DIMENSIONS}
    other = Block(None, _("Other figures"))
    for key in registry_keys():
        dimension = dimension_of(key)
        block = blocks[dimension.code] if dimension else other
        block.figures.append(_row(key, this.get(key), last.get(key)))
    labels = [formats.date_format(m.first, "M") for m in months]
    for block in blocks.values():
        for key in block.dimension.trends:
            points = [
                (label, trend_value(m, month.get(key), tz))
                for label, m, month in zip(labels, months, by_month, strict=True)
            ]
            unit = next((month[key].unit for month in by_month if key in month), None)
            if unit:
                block.charts.append(trend_svg(points, title=metric_label(key), unit=unit))
    return [*blocks.values(), *([other] if other.figures else [])]


def trend_value(month: Period, value: MetricValue | None, tz: str) -> float | None:
    """A month's point on a trend: its value; None (a gap, never 0) when it has no value or
    begins after the value's as_of (a month still to come has no data yet). `tz`: the
    community's IANA time zone."""
    if value is None or month.bounds(tz)[0] > value.as_of:
        return None
    return value.value


# Response figures that equal the resolution when a ticket's first response is its resolution.
RESPONSE_KEYS = ("tickets.response_minutes.median", "tickets.response_minutes.p90")


def _note_response_at_resolution(blocks: list[Block], community: Community, start, end) -> None:
    """When most tickets of the year with a first response were first answered by their
    resolution (imported tickets have no separate reply: resolving counts as the first
    response, METRICS.md), say so under the response figures. One query."""
    found = Ticket.objects.filter(
        community=community,
        submitted_at__gte=start,
        submitted_at__lt=end,
        first_response_at__isnull=False,
    ).aggregate(
        answered=Count("id"),
        at_resolution=Count("id", filter=Q(resolved_at=F("first_response_at"))),
    )
    if not found["answered"] or 2 * found["at_resolution"] <= found["answered"]:
        return
    note = _(
        "%(share)s of these tickets had no response before their resolution (imported "
        "tickets have none): their response time is their resolution time."
    ) % {"share": value_format(found["at_resolution"] / found["answered"], "fraction")}
    for block in blocks:
        for row in block.figures:
            if row.key in RESPONSE_KEYS:
                row.note = note


def _local(instant: dt.datetime | None, community: Community, fmt: str = "Y-m-d H:i") -> str:
    if instant is None:
        return "—"
    return formats.date_format(timezone.localtime(instant, community.tz), fmt)


def _add_records(blocks: list[Block], community: Community, start, end) -> None:
    """Meetings held (governance), drills and incidents (emergency), trainings (team)."""
    by_code = {block.dimension.code: block for block in blocks if block.dimension}
    meetings = list(
        Meeting.objects.filter(community=community, held_at__gte=start, held_at__lt=end)
        .order_by("held_at", "id")
        .only("kind", "title", "held_at", "place")
    )
    by_code["governance"].records.append(
        RecordTable(
            _("Meetings held"),
            [_("Held at"), _("Kind"), _("Title"), _("Place")],
            [
                [_local(m.held_at, community), m.get_kind_display(), m.title, m.place or "—"]
                for m in meetings
            ],
            _("No meeting was recorded this year."),
        )
    )
    drills = list(
        Drill.objects.filter(community=community, held_at__gte=start, held_at__lt=end)
        .order_by("held_at", "id")
        .only("title", "held_at", "place", "participants")
    )
    incidents = list(
        Incident.objects.filter(community=community, reported_at__gte=start, reported_at__lt=end)
        .order_by("reported_at", "id")
        .only("kind", "title", "reported_at", "first_response_at", "resolved_at")
    )
    by_code["emergency"].records += [
        RecordTable(
            _("Drills held"),
            [_("Held at"), _("Title"), _("Place"), _("Participants")],
            [
                [_local(d.held_at, community), d.title, d.place or "—", f"{d.participants:,}"]
                for d in drills
            ],
            _("No drill was recorded this year."),
        ),
        RecordTable(
            _("Incidents"),
            [
                _("Reported at"),
                _("Kind"),
                _("Title"),
                _("Response time"),
                pgettext("incident", "Resolved at"),
            ],
            [
                [
                    _local(i.reported_at, community),
                    i.get_kind_display(),
                    i.title,
                    value_format(
                        (i.first_response_at - i.reported_at).total_seconds() / 60
                        if i.first_response_at
                        else None,
                        "minutes",
                    ),
                    _local(i.resolved_at, community),
                ]
                for i in incidents
            ],
            _("No incident was recorded this year."),
        ),
    ]
    trainings = list(
        Training.objects.filter(
            community=community,
            held_on__gte=timezone.localtime(start, community.tz).date(),
            held_on__lt=timezone.localtime(end, community.tz).date(),
        )
        .annotate(attendees=Count("attendances"))
        .order_by("held_on", "id")
        .only("topic", "held_on", "hours")
    )
    by_code["team"].records.append(
        RecordTable(
            _("Trainings held"),
            [
                _("Held on"),
                _("Topic"),
                pgettext("training", "Hours"),
                pgettext("count", "Attendees"),
            ],
            [
                [formats.date_format(t.held_on, "Y-m-d"), t.topic, f"{t.hours}", f"{t.attendees:,}"]
                for t in trainings
            ],
            _("No training was recorded this year."),
        )
    )


def _party(code: str | None) -> str:
    return str(ResponsibleParty(code).label) if code in ResponsibleParty.values else code or "—"


def _challenges(
    community: Community, this: dict[str, MetricValue], start, end
) -> tuple[list[RecordTable], list[str]]:
    """Challenges found in the data: the categories with the worst closure and satisfaction
    rates below 100 % (n >= MIN_N, from the stored per-category figures), buildings with repeated
    complaints, supervised complaints past their supervision deadline and still open, and the
    hand-off hot spots (from party -> to party)."""
    names = dict(Category.objects.filter(community=community).values_list("code", "name"))
    tables, charts = [], []
    full = {"n": MIN_N, "full": value_format(1.0, "fraction")}
    for prefix, title, too_few, none_below in (
        (
            "tickets.closure_rate[category=",
            _("Categories with the lowest closure rate"),
            _("No category has %(n)s tickets or more."),
            _("No category with %(n)s tickets or more has a closure rate below %(full)s."),
        ),
        (
            "tickets.satisfaction_rate[category=",
            _("Categories with the lowest satisfaction"),
            # The satisfaction rate's n is the rated tickets.
            _("No category has %(n)s rated tickets or more."),
            _(
                "No category with %(n)s rated tickets or more has a satisfaction rate below "
                "%(full)s."
            ),
        ),
    ):
        eligible = [
            (v.value, names.get(key[len(prefix) : -1], key[len(prefix) : -1]), v)
            for key, v in this.items()
            if key.startswith(prefix) and v.value is not None and (v.n or 0) >= MIN_N
        ]
        # A category at 100 % is no challenge, however few the others.
        ranked = sorted(
            (item for item in eligible if item[0] < 1), key=lambda item: (item[0], item[1])
        )[:WORST]
        tables.append(
            RecordTable(
                title,
                [_("Category"), _("Rate"), "n"],
                [[name, value_format(value, "fraction"), f"{v.n:,}"] for value, name, v in ranked],
                (none_below if eligible else too_few) % full,
            )
        )
        if ranked:
            charts.append(
                bars_svg(
                    [(name, value) for value, name, _v in ranked], title=title, unit="fraction"
                )
            )
    year_tickets = Ticket.objects.filter(
        community=community, submitted_at__gte=start, submitted_at__lt=end
    ).exclude(status__in=Ticket.INELIGIBLE)
    complaints = year_tickets.filter(kind=TicketKind.COMPLAINT)
    # By building id: names repeat across compounds ("6号楼" of each phase of an estate).
    buildings = list(
        complaints.exclude(building=None)
        .values("building_id", "building__compound__name", "building__name")
        .annotate(n=Count("id"))
        .filter(n__gte=REPEATED)
        .order_by("-n", "building__compound__name", "building__name", "building_id")[:LISTED]
    )
    tables.append(
        RecordTable(
            _("Buildings with repeated complaints"),
            [_("Building"), pgettext("count", "Complaints")],
            [
                [f"{b['building__compound__name']} {b['building__name']}", f"{b['n']:,}"]
                for b in buildings
            ],
            _("No building had %(n)s complaints or more.") % {"n": REPEATED},
        )
    )
    overdue = list(
        complaints.filter(is_supervised=True, supervision_due_at__lt=timezone.now())
        .exclude(status__in=Ticket.DONE)
        .select_related("category")
        .order_by("supervision_due_at", "id")[:LISTED]
    )
    tables.append(
        RecordTable(
            _("Supervised complaints past their deadline"),
            [_("Number"), _("Category"), _("Title"), _("Status"), _("Supervision deadline")],
            [
                [
                    t.number or f"#{t.pk}",
                    t.category.name,
                    t.title or "—",
                    t.get_status_display(),
                    _local(t.supervision_due_at, community),
                ]
                for t in overdue
            ],
            _("No supervised complaint is past its deadline."),
        )
    )
    handoffs = list(
        TicketEvent.objects.filter(
            community=community,
            kind=TicketEvent.Kind.TRANSFER,
            # Only tickets handed off at least once (the derived count now): the events are
            # then read through the (community, ticket, at) index, not the whole log.
            ticket__in=year_tickets.filter(handoff_count__gt=0),
        )
        .annotate(source=KT("data__from"), target=KT("data__to"))
        .values("source", "target")
        .annotate(n=Count("id"), tickets=Count("ticket", distinct=True))
        .order_by("-n", "source", "target")[:WORST]
    )
    tables.append(
        RecordTable(
            _("Hand-off hot spots"),
            [_("Handed off by"), _("Handed off to"), _("Hand-offs"), _("Tickets")],
            [
                [_party(h["source"]), _party(h["target"]), f"{h['n']:,}", f"{h['tickets']:,}"]
                for h in handoffs
            ],
            _("No ticket was handed off this year."),
        )
    )
    return tables, charts
