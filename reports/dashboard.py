"""What the dashboard of a community and the street-office view show (issue 5, items 3 and 4).

Figures are the stored metric values of the newest as_of (reports.selectors); a (community,
period) never computed, or computed before a figure was added to the registry, is computed and
stored in one `metrics_compute_many` batch first. Sections and trends follow the annual review's
four dimensions (reports/review/dimensions.py); values are formatted by `reports.charts`.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from community import permissions
from community.models import Community
from community.tenancy import Tenancy
from tickets.models import Ticket

from .charts import trend_svg, value_format
from .metrics import Target, metric_label
from .metrics import tickets as ticket_figures
from .models import MetricValue
from .periods import Period
from .review.dimensions import DIMENSIONS, dimension_of, registry_keys
from .review.selectors import SAMPLED_UNITS, change_text, left_out_text, trend_value
from .selectors import metric_values_latest_many
from .services import metrics_compute_many

# Year-over-year keys: the dashboard shows every figure's change in a column of its own.
_CHANGE_KEYS = (".yoy_points", ".yoy_change")
# Units where a smaller value is better (a faster response, fewer complaints).
LOWER_IS_BETTER = {"minutes", "hours", "per_100_households", "per_1000_households", "handoffs"}
# The street-office table: one column per figure, tickets first (its value is the rank's n).
STREET_COLUMNS = (
    "tickets.count",
    "tickets.closure_rate",
    "tickets.on_time_response_rate",
    "tickets.on_time_resolution_rate",
    "tickets.satisfaction_rate",
    "tickets.response_minutes.median",
    "tickets.resolution_hours.median",
    "complaints.per_100_households",
)
STREET_DEFAULT_SORT = "tickets.closure_rate"


def dashboard_keys() -> list[str]:
    """The figures the dashboard shows: every plain registry key but the year-over-year ones."""
    return [key for key in registry_keys() if not key.endswith(_CHANGE_KEYS)]


def trend_months(period: Period) -> list[Period]:
    """The twelve months ending with the last month of `period`, oldest first."""
    last = Period.month_of(period.after - dt.timedelta(days=1))
    months = [last]
    for _step in range(11):
        months.insert(0, months[0].previous())
    return months


def period_default(tz: dt.tzinfo, months: set[dt.date] | None = None) -> Period:
    """The latest local year in time zone `tz` that has data (`months`, see data_months), the
    current year when `months` is None or empty."""
    if months:
        return Period.parse(str(max(months).year))
    return Period.parse(str(timezone.localdate(timezone=tz).year))


def data_months(*, communities: list[Community], tz: dt.tzinfo) -> set[dt.date]:
    """The first days of the local months (in `tz`) in which a ticket of `communities` was
    submitted; one query."""
    found = Ticket.objects.filter(community__in=communities).datetimes(
        "submitted_at", "month", tzinfo=tz
    )
    return {instant.date() for instant in found}


def period_choices(
    *, months: set[dt.date], current: Period, tz: dt.tzinfo
) -> list[tuple[str, list]]:
    """[(year, [(period key, label)])], newest year first: the years, quarters and months
    with data (`months`, see data_months), those of today in `tz`, and `current`."""
    today = timezone.localdate(timezone=tz)
    shown = set(months) | {today.replace(day=1)}
    if current.months == 1:
        shown.add(current.first)
    quarters = {(d.year, (d.month + 2) // 3) for d in shown}
    if current.months == 3:
        quarters.add((current.first.year, (current.first.month + 2) // 3))
    groups = []
    for year in sorted({d.year for d in shown} | {current.first.year}, reverse=True):
        options = [(str(year), _("%(year)s, whole year") % {"year": year})]
        options += [
            (f"{year}-Q{q}", _("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": q})
            for q in range(1, 5)
            if (year, q) in quarters
        ]
        options += [
            (f"{d:%Y-%m}", formats.date_format(d, "YEAR_MONTH_FORMAT"))
            for d in sorted(d for d in shown if d.year == year)
        ]
        groups.append((str(year), options))
    return groups


def figure_values(
    *, communities: list[Community], periods: list[Period], keys: list[str]
) -> dict[tuple[int, str], dict[str, MetricValue]]:
    """{(community id, period key): {key: MetricValue}} of the newest stored as_of, limited to
    `keys`. Pairs without every key of `keys` that the registry computes are computed as of now
    in one batch, stored and read again. Two queries when everything is stored."""
    wanted = set(keys) & set(registry_keys())
    found = metric_values_latest_many(
        communities=communities, periods=[p.key for p in periods], keys=keys
    )
    missing = [
        Target(community, period)
        for community in communities
        for period in periods
        if not wanted <= found.get((community.pk, period.key), {}).keys()
    ]
    if missing:
        metrics_compute_many(targets=missing)
        found = metric_values_latest_many(
            communities=communities, periods=[p.key for p in periods], keys=keys
        )
    return found


@dataclass
class FigureRow:
    """One figure of the dashboard: texts formatted for display ("—" for no data)."""

    key: str
    label: str
    unit: str
    text: str
    n: int | None
    shows_n: bool
    last_text: str
    change_text: str
    left_out: str  # left_out_text
    url: str | None


@dataclass
class Section:
    title: str
    rows: list[FigureRow] = field(default_factory=list)
    charts: list[SafeString] = field(default_factory=list)


@dataclass
class Dashboard:
    period: Period
    before: Period
    months: list[Period]
    sections: list[Section]
    as_of: dt.datetime | None
    before_as_of: dt.datetime | None
    # The oldest and newest as_of of the monthly values the trends are drawn from.
    trend_as_of: tuple[dt.datetime, dt.datetime] | None


def dashboard_data(*, tenancy: Tenancy, period: Period) -> Dashboard:
    """Every dashboard figure of the community of `tenancy` for `period`, the same period a
    year earlier (for the change) and the twelve months up to its end (for the trends), with a
    link from each figure to the records behind it where the viewer may open them."""
    community = tenancy.community
    before, months = period.year_before(), trend_months(period)
    keys = dashboard_keys()
    found = figure_values(communities=[community], periods=[period, before, *months], keys=keys)
    this = found.get((community.pk, period.key), {})
    last = found.get((community.pk, before.key), {})
    by_month = [found.get((community.pk, m.key), {}) for m in months]
    sections = {d.code: Section(str(d.title)) for d in DIMENSIONS}
    other = Section(str(_("Other figures")))
    for key in keys:
        dimension = dimension_of(key)
        value, previous = this.get(key), last.get(key)
        url = figure_url(tenancy=tenancy, key=key, period=period, value=value)
        (sections[dimension.code] if dimension else other).rows.append(
            _row(key, value, previous, url)
        )
    labels = [formats.date_format(m.first, "M") for m in months]
    drawn = set(keys)
    for dimension in DIMENSIONS:
        for key in dimension.trends:
            if key not in drawn:
                continue
            unit = next((month[key].unit for month in by_month if key in month), None)
            if unit:
                points = [
                    (label, trend_value(m, month.get(key), community.timezone))
                    for label, m, month in zip(labels, months, by_month, strict=True)
                ]
                sections[dimension.code].charts.append(
                    trend_svg(points, title=metric_label(key), unit=unit)
                )
    month_as_of = [v.as_of for month in by_month for v in list(month.values())[:1]]
    return Dashboard(
        period=period,
        before=before,
        months=months,
        sections=[*sections.values(), *([other] if other.rows else [])],
        as_of=_as_of(this),
        before_as_of=_as_of(last),
        trend_as_of=(min(month_as_of), max(month_as_of)) if month_as_of else None,
    )


def _row(key: str, value: MetricValue | None, before: MetricValue | None, url) -> FigureRow:
    unit = (value or before).unit if (value or before) else "count"
    current = value.value if value else None
    previous = before.value if before else None
    return FigureRow(
        key=key,
        label=metric_label(key),
        unit=unit,
        text=value_format(current, unit),
        n=value.n if value else None,
        shows_n=unit in SAMPLED_UNITS,
        last_text=value_format(previous, unit),
        change_text=change_text(value, before),
        left_out=left_out_text(value.excluded if value else {}),
        url=url,
    )


def _as_of(values: dict[str, MetricValue]) -> dt.datetime | None:
    first = next(iter(values.values()), None)
    return first.as_of if first else None


# The list page of the records behind a figure that is not built on tickets, by key prefix
# (the longest prefix wins): (URL name, matrix resource, whether the list filters by date with
# `date_from`/`date_to`). tests/reports_pages checks the date filters exist.
RECORD_LISTS = {
    "environment.garbage": ("property_ops:sanitation-list", "sanitation_run", True),
    "environment.green": ("community:community-home", "community", False),
    "environment.hygiene": ("property_ops:hygiene-list", "hygiene_inspection", True),
    "hygiene": ("property_ops:hygiene-list", "hygiene_inspection", True),
    "facilities": ("property_ops:facility-list", "facility", False),
    "services.kinds": ("property_ops:service-list", "convenience_service", False),
    "services": ("property_ops:service-use-list", "convenience_service", True),
    "safety.patrol": ("property_ops:patrol-list", "patrol_round", True),
    "safety.fire_hazard": ("property_ops:hazard-list", "hazard", True),
    "safety.burglar": ("community:incident-list", "incident", True),
    "emergency.hazard_rectification": ("property_ops:hazard-list", "hazard", True),
    "emergency.hazard_inspections": (
        "property_ops:hazard-inspection-list",
        "hazard",
        True,
    ),
    "emergency.drill": ("community:drill-list", "drill", True),
    "emergency.plan": ("community:emergency-plan-list", "emergency_plan", False),
    "emergency.incident": ("community:incident-list", "incident", True),
    "governance.topic": ("community:agenda-topic-list", "agenda_topic", True),
    "governance.opinion": ("community:opinion-list", "opinion", True),
    "governance.mediation": ("complaints:dispute-list", "dispute", True),
    "governance.joint_meeting": ("community:meeting-list", "meeting", True),
    "participation": ("community:activity-list", "activity", True),
    "participation.volunteer": ("community:volunteer-hours-list", "volunteer_hours", True),
    "disclosure.awareness": ("community:survey-list", "survey", True),
    "disclosure": ("community:disclosure-list", "disclosure", True),
    "survey": ("community:survey-list", "survey", True),
    "team.training": ("community:training-list", "training", True),
}


def figure_url(
    *, tenancy: Tenancy, key: str, period: Period, value: MetricValue | None
) -> str | None:
    """Where the records behind figure `key` are listed: the drill-down page for a ticket
    figure (with the as_of of `value`), the records' list page (with the period as a date
    filter where the list has one) otherwise; None when there is none or the viewer's roles
    may not read it."""
    slug = tenancy.community.slug
    if ticket_figures.has_records(key):
        query = {"key": key, "period": period.key}
        if value is not None:
            query["as_of"] = value.as_of.isoformat()
        return f"{reverse('reports:dashboard-records', args=[slug])}?{urlencode(query)}"
    prefix = max((p for p in RECORD_LISTS if key.startswith(p)), key=len, default=None)
    if prefix is None:
        return None
    url_name, resource, dated = RECORD_LISTS[prefix]
    if not tenancy.can(resource, permissions.READ):
        return None
    url = reverse(url_name, args=[slug])
    if dated:
        last_day = period.after - dt.timedelta(days=1)
        url += f"?{urlencode({'date_from': period.first, 'date_to': last_day})}"
    return url


@dataclass
class StreetCell:
    value: float | None
    text: str
    n: int | None
    shows_n: bool


@dataclass
class StreetRow:
    community: Community
    cells: list[StreetCell]
    rank: int | None  # None: not ranked (no value, or n below the minimum)


@dataclass
class StreetTable:
    office: str  # the street office's name, "" for communities without one
    period: Period
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[StreetRow]
    sort: str  # "name" or a key, "-" in front when reversed
    order: str  # how the sorted column's values run down the table: "ascending", "descending"
    rank_key: str
    min_n: int
    as_of: tuple[dt.datetime, dt.datetime] | None


def street_sort_keys() -> list[str]:
    """What the street table can be sorted by: "name" and every column's key."""
    return ["name", *STREET_COLUMNS]


def ranked(key: str, unit: str) -> bool:
    """Whether communities are ranked on figure `key` (counts are not: more is not better)."""
    return unit != "count"


def street_tables(*, communities: list[Community], period: Period, sort: str) -> list[StreetTable]:
    """One table per street office (by name; communities without one last) of `communities`
    side by side for `period`, ranked within their office; see street_table. The same queries
    as one table, whatever the number of offices and communities."""
    keys = list(STREET_COLUMNS)
    found = figure_values(communities=communities, periods=[period], keys=keys)
    groups: dict[str, list[Community]] = {}
    for community in communities:
        office = community.street_office.name if community.street_office else ""
        groups.setdefault(office, []).append(community)
    return [
        street_table(
            communities=groups[office], period=period, sort=sort, found=found, office=office
        )
        for office in sorted(groups, key=lambda name: (not name, name))
    ]


def street_table(
    *, communities: list[Community], period: Period, sort: str, found: dict, office: str
) -> StreetTable:
    """The communities side by side for `period`, sorted by `sort` ("name" or a column key,
    "-" in front to reverse), with a rank on the sorted figure (on the closure rate when sorted
    by name or a count). A community is ranked only when the ranked figure has a value resting
    on at least `settings.METRICS_RANK_MIN_N` tickets (its n); unranked rows come after the
    ranked ones whatever the direction. Best first is the natural direction of a figure
    (higher rates, lower durations and complaint rates). `found`: figure_values of at least
    `communities` and `period`; `office`: the name the table is headed with. No query."""
    min_n = settings.METRICS_RANK_MIN_N
    keys = list(STREET_COLUMNS)
    reverse_order, by = sort.startswith("-"), sort.lstrip("-")
    units = {key: next((v[key].unit for v in found.values() if key in v), "count") for key in keys}
    rank_key = by if by in keys and ranked(by, units[by]) else STREET_DEFAULT_SORT
    rows = []
    for community in communities:
        values = found.get((community.pk, period.key), {})
        cells = [
            StreetCell(
                value=values[key].value if key in values else None,
                text=value_format(values[key].value if key in values else None, units[key]),
                n=values[key].n if key in values else None,
                shows_n=units[key] in SAMPLED_UNITS,
            )
            for key in keys
        ]
        rows.append(StreetRow(community, cells, None))
    index = keys.index(rank_key)
    better = _better(units[rank_key])
    rankable = [
        better(row.cells[index].value)
        for row in rows
        if row.cells[index].value is not None and (row.cells[index].n or 0) >= min_n
    ]
    for row in rows:
        cell = row.cells[index]
        if cell.value is not None and (cell.n or 0) >= min_n:
            # Competition ranking: equal values share a rank (1, 2, 2, 4).
            row.rank = 1 + sum(1 for other in rankable if other < better(cell.value))
    rows = _sorted(rows, keys, by, units, reverse_order)
    stored = [
        v.as_of
        for community in communities
        for v in list(found.get((community.pk, period.key), {}).values())[:1]
    ]
    # Best first is descending for most figures, ascending for durations and complaint rates.
    ascending = (by not in keys or units[by] in LOWER_IS_BETTER) != reverse_order
    return StreetTable(
        office=office,
        order="ascending" if ascending else "descending",
        period=period,
        columns=[(key, metric_label(key)) for key in keys],
        rows=rows,
        sort=sort,
        rank_key=rank_key,
        min_n=min_n,
        as_of=(min(stored), max(stored)) if stored else None,
    )


def _better(unit: str):
    """A sort key putting the best value first (for a count: the largest)."""
    return (lambda v: v) if unit in LOWER_IS_BETTER else (lambda v: -v)


def _sorted(rows: list[StreetRow], keys, by: str, units, reverse_order: bool) -> list[StreetRow]:
    """By name; or by column `by`: ranked rows (on `by`), then unranked rows with a value, each
    best first (reversed with `reverse_order`), then rows without a value; ties by name."""
    rows = sorted(rows, key=lambda r: r.community.name)
    if by not in keys:
        return rows[::-1] if reverse_order else rows
    index, better = keys.index(by), _better(units[by])
    on_rank = ranked(by, units[by])
    groups: tuple[list, list, list] = ([], [], [])
    for row in rows:
        value = row.cells[index].value
        groups[2 if value is None else 1 if on_rank and row.rank is None else 0].append(row)
    for group in groups[:2]:
        group.sort(key=lambda r: better(r.cells[index].value), reverse=reverse_order)
    return [*groups[0], *groups[1], *groups[2]]
