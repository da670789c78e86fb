"""Import of the records committees keep in spreadsheets: activities with attendance, volunteer
hours and disclosures.

    report = IMPORTERS["activities"].run(community=c, source=f, filename="活动.xlsx",
                                         dry_run=True, user=staff)

Files are read by the register importer's reader (residents.importer.table_read: .xlsx, and .csv
in UTF-8 with or without BOM or GBK/GB18030, decoded strictly), with the same error rules: a dry
run and a commit run the same checks and list every bad row by row number, column and reason; a
commit saves nothing unless every row is good. Columns are found by header (Chinese headers
committees use, or the field name) in the first 10 rows. Naive times are read in the community's
timezone (an ambiguous wall time takes its first occurrence, a skipped one moves forward).
"""

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community.models import (
    Activity,
    ActivitySignup,
    Community,
    Disclosure,
    DisclosureChannel,
    User,
    VolunteerTeam,
)
from residents.identifiers import phone_normalise
from residents.importer import ImportFileError, ImportReport, RowError, table_read
from residents.models import Resident

from . import services

__all__ = ["IMPORTERS", "ImportFileError", "RecordImporter"]

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
)
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")
LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class Column:
    field: str
    label: Any  # translated label, shown when the column is missing
    headers: tuple[str, ...]
    required: bool = True


class RowProblem(Exception):
    """One bad cell: the column's field and the reason."""

    def __init__(self, field: str, reason: str):
        self.field, self.reason = field, reason


class RecordImporter:
    """Base: `columns`, `parse(row, context)` -> a parsed row dict (raise RowProblem), and
    `commit(rows, context)` saving them through services."""

    key = ""
    resource = ""
    title: Any = ""
    columns: tuple[Column, ...] = ()
    example: tuple[tuple[str, ...], ...] = ()

    def run(
        self,
        *,
        community: Community,
        source,
        filename: str,
        dry_run: bool = True,
        user: User | None = None,
    ) -> ImportReport:
        """Check (and unless `dry_run` or a row is bad, save) the file. Returns an ImportReport
        with every bad row and the counts created. Raises ImportFileError when the file cannot
        be read or a required column is missing."""
        started = time.perf_counter()
        table = table_read(source, filename)
        header_number, positions = self._find_columns(table)
        report = ImportReport()
        context = self.context(community)
        rows = []
        for number, cells in table:
            if number <= header_number:
                continue
            values = {
                c.field: (cells[i] if i is not None and i < len(cells) else "")
                for c, i in ((c, positions.get(c.field, (None, ""))[0]) for c in self.columns)
            }
            problems = []
            for column in self.columns:
                if column.required and not values[column.field]:
                    problems.append(RowProblem(column.field, _("This is required.")))
            if not problems:
                try:
                    rows.append((number, self.parse(values, context, number)))
                except RowProblem as problem:
                    problems.append(problem)
            for problem in problems:
                header = positions.get(problem.field, (None, str(self._label(problem.field))))[1]
                report.errors.append(
                    RowError(number, header, values.get(problem.field, ""), str(problem.reason))
                )
        report.rows = len(rows) + len({e.row for e in report.errors})
        if report.ok and not dry_run:
            try:
                with transaction.atomic():
                    report.created = self.commit(rows, context, user)
                report.committed = True
            except _CommitError as exc:
                header = positions.get(exc.field, (None, str(self._label(exc.field))))[1]
                report.errors.append(RowError(exc.row, header, "", exc.reason))
        elif report.ok:
            report.created = self.counts(rows, context)
        report.seconds = time.perf_counter() - started
        return report

    def _label(self, field: str):
        return next((c.label for c in self.columns if c.field == field), field)

    def _find_columns(self, table) -> tuple[int, dict[str, tuple[int, str]]]:
        for number, cells in table[:10]:
            found = {}
            for index, cell in enumerate(cells):
                for column in self.columns:
                    if cell in column.headers or cell == column.field:
                        found.setdefault(column.field, (index, cell))
            if all(c.field in found for c in self.columns if c.required):
                return number, found
        missing = ", ".join(
            f"{c.label} ({' / '.join(c.headers)})" for c in self.columns if c.required
        )
        raise ImportFileError(
            _("No header row with the columns %s in the first 10 rows. Check the headers.")
            % missing
        )

    def context(self, community: Community) -> dict[str, Any]:
        return {"community": community}

    def parse(self, values: dict[str, str], context: dict, number: int) -> dict:
        raise NotImplementedError

    def counts(self, rows, context) -> dict[str, int]:
        raise NotImplementedError

    def commit(self, rows, context, user) -> dict[str, int]:
        raise NotImplementedError


class _CommitError(Exception):
    """A service refused a row during the commit: everything is rolled back."""

    def __init__(self, row: int, error: ValidationError):
        field, reasons = (
            next(iter(error.message_dict.items()))
            if hasattr(error, "error_dict")
            else ("", error.messages)
        )
        self.row, self.field, self.reason = row, field, " ".join(reasons)


def _commit_row(number: int, action: Callable[[], Any]):
    try:
        return action()
    except ValidationError as exc:
        raise _CommitError(number, exc) from exc


# --- cell parsers -----------------------------------------------------------------------------


def parse_datetime(text: str, field: str, tz) -> datetime.datetime:
    """A naive local date and time read in `tz` (fold 0: first occurrence of an ambiguous time;
    a skipped time keeps the offset before the gap, i.e. moves forward by it)."""
    for fmt in DATETIME_FORMATS:
        try:
            naive = datetime.datetime.strptime(text.strip(), fmt)  # noqa: DTZ007 (made aware below)
        except ValueError:
            continue
        return naive.replace(tzinfo=tz)
    raise RowProblem(field, _("Write a date and time such as 2025-03-08 09:30."))


def parse_date(text: str, field: str) -> datetime.date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise RowProblem(field, _("Write a date such as 2025-03-08."))


def parse_choice(text: str, field: str, words: dict[str, tuple[str, ...]]) -> str:
    """The value whose words include `text` (case-insensitive). `words[value][0]` is the word
    the error message suggests."""
    text = text.strip().lower()
    for value, names in words.items():
        if text == value or text in names:
            return value
    raise RowProblem(
        field, _("Write one of: %s.") % "、".join(names[0] for names in words.values())
    )


def parse_phone(text: str, field: str) -> str:
    try:
        return phone_normalise(text)
    except ValidationError as exc:
        raise RowProblem(field, exc.messages[0]) from exc


def _labels(choices, extra: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Accepted words per value: the synonyms committees write (the first one suggested in
    errors), the value's Chinese label and the value itself."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return {value: (*extra[value], str(label).lower(), value) for value, label in choices}


# --- activities with attendance ---------------------------------------------------------------


class ActivityImporter(RecordImporter):
    """One row per participant (or one row per activity without a participant). Rows of the
    same activity (same title and start) must agree on its kind, place, end and capacity. An
    activity already recorded with that title and start gets the attendance added; a
    participant already recorded for it is left as is. Participants are matched to the
    register by name and phone."""

    key = "activities"
    resource = "activity"
    title = gettext_lazy("Activities with attendance")
    columns = (
        Column("title", gettext_lazy("Title"), ("活动名称", "活动主题", "活动")),
        Column("kind", gettext_lazy("Kind"), ("活动类型", "类型", "类别")),
        Column("starts_at", gettext_lazy("Starts at"), ("开始时间", "活动时间", "时间")),
        Column("ends_at", gettext_lazy("Ends at"), ("结束时间",), required=False),
        Column("place", gettext_lazy("Place"), ("活动地点", "地点")),
        Column("capacity", gettext_lazy("Capacity"), ("名额", "人数上限", "容量"), required=False),
        Column("name", gettext_lazy("Participant"), ("参与人", "参加人", "姓名"), required=False),
        Column("phone", gettext_lazy("Phone"), ("联系电话", "电话", "手机"), required=False),
    )
    example = (
        ("活动名称", "活动类型", "开始时间", "结束时间", "活动地点", "名额", "参与人", "联系电话"),
        (
            "重阳节敬老茶话会",
            "节日",
            "2025-10-29 09:00",
            "2025-10-29 11:00",
            "社区活动室",
            "40",
            "王秀英",
            "13800138000",
        ),
    )
    KINDS = {
        Activity.Kind.CULTURE: ("文化", "文艺", "文体"),
        Activity.Kind.SPORTS: ("体育", "健身"),
        Activity.Kind.SCIENCE: ("科普", "科学"),
        Activity.Kind.VOLUNTEER_SERVICE: ("志愿服务", "志愿"),
        Activity.Kind.HEALTH: ("健康", "义诊"),
        Activity.Kind.EDUCATION: ("教育", "讲座", "培训"),
        Activity.Kind.FESTIVAL: ("节日", "节庆"),
        Activity.Kind.OTHER: ("其他",),
    }

    def context(self, community):
        residents = {
            (r.name, r.phone): r
            for r in Resident.objects.filter(community=community).exclude(phone="")
        }
        existing = {(a.title, a.starts_at): a for a in Activity.objects.filter(community=community)}
        return {
            "community": community,
            "tz": community.tz,
            "residents": residents,
            "existing": existing,
            "kinds": _labels(Activity.Kind.choices, self.KINDS),
            "activities": {},
            "people": {},
        }

    def parse(self, v, context, number):
        starts_at = parse_datetime(v["starts_at"], "starts_at", context["tz"])
        ends_at = parse_datetime(v["ends_at"], "ends_at", context["tz"]) if v["ends_at"] else None
        if ends_at is not None and ends_at < starts_at:
            raise RowProblem("ends_at", _("The end must not be before the start."))
        capacity = None
        if v["capacity"]:
            if not v["capacity"].isdigit() or int(v["capacity"]) == 0:
                raise RowProblem(
                    "capacity", _("Write a whole number of places, or leave it empty.")
                )
            capacity = int(v["capacity"])
        activity = {
            "title": v["title"][:200],
            "kind": parse_choice(v["kind"], "kind", context["kinds"]),
            "starts_at": starts_at,
            "ends_at": ends_at or starts_at + datetime.timedelta(hours=2),
            "place": v["place"][:200],
            "capacity": capacity,
        }
        key = (activity["title"], starts_at)
        first = context["activities"].setdefault(key, (number, activity))
        if first[1] != activity:
            field = next(f for f in activity if activity[f] != first[1][f])
            raise RowProblem(field, _("Row %d gives this activity another value.") % first[0])
        person = None
        if v["name"]:
            phone = parse_phone(v["phone"], "phone")
            resident = context["residents"].get((v["name"], phone)) if phone else None
            person = {
                "name": v["name"][:50],
                "phone": phone,
                "resident": resident,
                "person_key": services.person_key(
                    resident=resident, name=v["name"][:50], phone=phone
                ),
            }
            seen = context["people"].setdefault((key, person["person_key"]), number)
            if seen != number:
                raise RowProblem("name", _("Row %d lists this participant already.") % seen)
        elif v["phone"]:
            raise RowProblem("name", _("A row with a phone needs the participant's name."))
        return {"key": key, "activity": activity, "person": person}

    def counts(self, rows, context):
        keys = {r["key"] for _n, r in rows}
        return {
            "activities": len(keys - set(context["existing"])),
            "participations": sum(1 for _n, r in rows if r["person"]),
        }

    def commit(self, rows, context, user):
        community = context["community"]
        activities = dict(context["existing"])
        created = {"activities": 0, "participations": 0}
        for number, row in rows:
            activity = activities.get(row["key"])
            if activity is None:
                data = {**row["activity"], "signup_open": False}
                activity = _commit_row(
                    number,
                    lambda d=data: services.activity_save(
                        community=community, activity=None, data=d
                    ),
                )
                activities[row["key"]] = activity
                created["activities"] += 1
            person = row["person"]
            if person and not activity.signups.filter(person_key=person["person_key"]).exists():
                ActivitySignup.objects.create(
                    community=community,
                    activity=activity,
                    attended=True,
                    source=ActivitySignup.Source.IMPORT,
                    **person,
                )
                created["participations"] += 1
        return created


# --- volunteer hours --------------------------------------------------------------------------


class VolunteerHoursImporter(RecordImporter):
    """One row per volunteer per service. A team that does not exist yet is created; an
    activity is matched by its title and the local date of its start (= the service date)."""

    key = "volunteer-hours"
    resource = "volunteer_hours"
    title = gettext_lazy("Volunteer hours")
    columns = (
        Column("name", gettext_lazy("Volunteer"), ("姓名", "志愿者")),
        Column("phone", gettext_lazy("Phone"), ("联系电话", "电话", "手机"), required=False),
        Column("team", gettext_lazy("Team"), ("志愿队", "队伍", "服务队"), required=False),
        Column(
            "activity", gettext_lazy("Activity"), ("活动名称", "服务项目", "活动"), required=False
        ),
        Column("served_on", gettext_lazy("Served on"), ("服务日期", "日期")),
        Column("hours", gettext_lazy("Hours"), ("服务时长", "时长", "小时数", "时长（小时）")),
    )
    example = (
        ("姓名", "联系电话", "志愿队", "活动名称", "服务日期", "服务时长"),
        ("李建国", "13900139000", "红马甲志愿服务队", "", "2025-05-01", "3.5"),
    )

    def context(self, community):
        activities: dict[tuple, list[Activity]] = {}
        tz = community.tz
        for a in Activity.objects.filter(community=community):
            activities.setdefault((a.title, a.starts_at.astimezone(tz).date()), []).append(a)
        return {
            "community": community,
            "activities": activities,
            "people": {},
            "teams": {t.name: t for t in VolunteerTeam.objects.filter(community=community)},
        }

    def parse(self, v, context, number):
        served_on = parse_date(v["served_on"], "served_on")
        try:
            hours = Decimal(v["hours"].replace("小时", "").replace("h", "").strip()).quantize(
                Decimal("0.1")
            )
        except InvalidOperation:
            raise RowProblem("hours", _("Write the hours as a number, e.g. 2.5.")) from None
        if not Decimal(0) < hours <= Decimal(24):
            raise RowProblem("hours", _("Hours must be more than 0 and at most 24."))
        phone = parse_phone(v["phone"], "phone")
        activity = None
        if v["activity"]:
            matches = context["activities"].get((v["activity"], served_on), [])
            if len(matches) != 1:
                raise RowProblem(
                    "activity", _("No single activity with this title starts on the service date.")
                )
            activity = matches[0]
            key = (activity.pk, services.person_key(name=v["name"], phone=phone))
            seen = context["people"].setdefault(key, number)
            if seen != number:
                raise RowProblem(
                    "name", _("Row %d logs this volunteer for this activity already.") % seen
                )
        return {
            "name": v["name"][:50],
            "phone": phone,
            "team": v["team"][:100],
            "activity": activity,
            "served_on": served_on,
            "hours": hours,
        }

    def counts(self, rows, context):
        return {
            "volunteer_hours": len(rows),
            "teams": len({r["team"] for _n, r in rows if r["team"]} - set(context["teams"])),
        }

    def commit(self, rows, context, user):
        community, teams = context["community"], dict(context["teams"])
        created = {"volunteer_hours": 0, "teams": 0}
        for number, row in rows:
            name = row.pop("team")
            if name and name not in teams:
                teams[name] = VolunteerTeam.objects.create(community=community, name=name)
                created["teams"] += 1
            data = {**row, "team": teams.get(name)}
            _commit_row(
                number,
                lambda d=data: services.volunteer_hours_log(
                    community=community, entry=None, data=d
                ),
            )
            created["volunteer_hours"] += 1
        return created


# --- disclosures ------------------------------------------------------------------------------


class DisclosureImporter(RecordImporter):
    """One row per disclosure published (oldest first in the chain, by publication time). A
    row whose kind, title and publication time are already published is refused."""

    key = "disclosures"
    resource = "disclosure"
    title = gettext_lazy("Disclosures")
    columns = (
        Column("kind", gettext_lazy("Kind"), ("公示类型", "类型", "类别")),
        Column("title", gettext_lazy("Title"), ("标题", "公示标题")),
        Column("body", gettext_lazy("Content"), ("内容", "公示内容", "正文")),
        Column("period_start", gettext_lazy("Period from"), ("期间起", "所属期间起", "开始日期")),
        Column("period_end", gettext_lazy("Period to"), ("期间止", "所属期间止", "结束日期")),
        Column("channels", gettext_lazy("Published on"), ("发布渠道", "公示渠道", "渠道")),
        Column("published_at", gettext_lazy("Published at"), ("发布时间", "公示时间")),
    )
    example = (
        ("公示类型", "标题", "内容", "期间起", "期间止", "发布渠道", "发布时间"),
        (
            "物业费收支",
            "2025年第一季度物业费收支公示",
            "收入…支出…",
            "2025-01-01",
            "2025-03-31",
            "公告栏、微信群",
            "2025-04-10 10:00",
        ),
    )
    KINDS = {
        Disclosure.Kind.PROPERTY_FEE: ("物业费收支", "物业费"),
        Disclosure.Kind.PUBLIC_REVENUE: ("公共收益",),
        Disclosure.Kind.MAINTENANCE_FUND: ("维修资金使用", "维修资金", "专项维修资金"),
        Disclosure.Kind.COMMITTEE_REPORT: ("工作报告", "居委会工作报告"),
        Disclosure.Kind.MEETING_RESOLUTION: ("会议决议", "决议"),
        Disclosure.Kind.OTHER: ("其他",),
    }
    CHANNELS = {
        DisclosureChannel.Channel.PORTAL: ("门户", "网站", "平台"),
        DisclosureChannel.Channel.NOTICE_BOARD: ("公告栏", "公示栏", "宣传栏"),
        DisclosureChannel.Channel.WECHAT_GROUP: ("微信群",),
        DisclosureChannel.Channel.OFFICIAL_ACCOUNT: ("公众号", "微信公众号"),
    }

    def context(self, community):
        published = set(
            Disclosure.objects.filter(community=community).values_list(
                "kind", "title", "published_at"
            )
        )
        return {
            "community": community,
            "tz": community.tz,
            "published": published,
            "seen": {},
            "kinds": _labels(Disclosure.Kind.choices, self.KINDS),
            "channels": _labels(DisclosureChannel.Channel.choices, self.CHANNELS),
        }

    def parse(self, v, context, number):
        row = {
            "kind": parse_choice(v["kind"], "kind", context["kinds"]),
            "title": v["title"][:200],
            "body": v["body"],
            "period_start": parse_date(v["period_start"], "period_start"),
            "period_end": parse_date(v["period_end"], "period_end"),
            "channels": [
                parse_choice(c, "channels", context["channels"])
                for c in LIST_SEPARATORS.split(v["channels"])
                if c
            ],
            "published_at": parse_datetime(v["published_at"], "published_at", context["tz"]),
        }
        if row["period_end"] < row["period_start"]:
            raise RowProblem("period_end", _("The end must not be before the start."))
        key = (row["kind"], row["title"], row["published_at"])
        if key in context["published"]:
            raise RowProblem("title", _("This disclosure is published already."))
        seen = context["seen"].setdefault(key, number)
        if seen != number:
            raise RowProblem("title", _("Row %d has the same disclosure.") % seen)
        return row

    def counts(self, rows, context):
        return {"disclosures": len(rows)}

    def commit(self, rows, context, user):
        community = context["community"]
        for number, row in sorted(rows, key=lambda r: (r[1]["published_at"], r[0])):
            _commit_row(
                number,
                lambda d=row: services.disclosure_publish(community=community, user=user, data=d),
            )
        return {"disclosures": len(rows)}


IMPORTERS: dict[str, RecordImporter] = {
    i.key: i for i in (ActivityImporter(), VolunteerHoursImporter(), DisclosureImporter())
}
