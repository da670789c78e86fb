"""Demo tickets: categories with Chinese names and SLAs, and complaints and work orders from
1 January of last calendar year to `now`, with consistent event logs.

`seed(community, rng)` is deterministic for a given `rng` seed, registry and `now`, and fast:
every ticket's life is simulated in memory with the same `event_apply` the services use (so the
derived columns equal a replay of the log), then written with a few bulk inserts. Lives are cut
at `now`, so recent tickets are still open. Categories are created when missing; tickets only
when the community has none yet (a second run adds nothing). The registry (residents/demo.py)
and the community's accounts should exist first: submitters, technicians and staff come from
them (events keep a null actor when a role has no account).
"""

import datetime
import math
import random
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from community.models import Community, Membership, User
from residents.models import Resident

from .models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind
from .services import event_apply, ticket_deadlines, ticket_numbers_reserve

S, E, A = Ticket.Status, TicketEvent.Kind, TicketEvent.ActorKind
Role = Membership.Role
C, WO = TicketKind.COMPLAINT, TicketKind.WORK_ORDER
H, WD = Category.TargetUnit.HOURS, Category.TargetUnit.WORKING_DAYS
P = ResponsibleParty


class Spec(NamedTuple):
    code: str
    kind: str
    name: str
    party: str
    facility_fault: bool
    property_service: bool
    response: tuple[int, str]  # SLA target and unit
    resolution: tuple[int, str]
    weight: float  # relative frequency within its kind
    summer: float  # frequency factor in June-August
    descriptions: tuple[str, ...]


CATEGORIES = [
    Spec(
        "elevator",
        WO,
        "电梯故障",
        P.PROPERTY_COMPANY,
        True,
        False,
        (1, H),
        (24, H),
        8,
        1.0,
        ("电梯停在{f}楼不动", "电梯门关不上", "电梯运行有异响"),
    ),
    Spec(
        "plumbing",
        WO,
        "水电维修",
        P.PROPERTY_COMPANY,
        True,
        False,
        (2, H),
        (2, WD),
        30,
        1.4,
        ("卫生间水管漏水", "厨房下水堵塞", "家里跳闸没电", "楼上渗水到我家天花板"),
    ),
    Spec(
        "lighting",
        WO,
        "公共照明",
        P.PROPERTY_COMPANY,
        True,
        False,
        (4, H),
        (2, WD),
        14,
        0.8,
        ("{b}楼道灯不亮", "地下车库灯坏了几盏", "单元门口路灯不亮"),
    ),
    Spec(
        "access-control",
        WO,
        "门禁对讲",
        P.PROPERTY_COMPANY,
        True,
        False,
        (4, H),
        (3, WD),
        9,
        1.0,
        ("单元门禁刷卡打不开", "可视对讲没有声音", "大门道闸抬不起来"),
    ),
    Spec(
        "drainage",
        WO,
        "管道疏通",
        P.PROPERTY_COMPANY,
        True,
        False,
        (2, H),
        (1, WD),
        10,
        1.6,
        ("雨水井堵塞积水", "化粪池冒水", "{b}门口下水道反味"),
    ),
    Spec(
        "cleaning",
        WO,
        "保洁服务",
        P.PROPERTY_COMPANY,
        False,
        False,
        (24, H),
        (2, WD),
        9,
        1.2,
        ("楼道有垃圾没人清理", "垃圾桶满了溢出来", "电梯轿厢很脏"),
    ),
    Spec(
        "greening",
        WO,
        "绿化养护",
        P.PROPERTY_COMPANY,
        False,
        False,
        (24, H),
        (5, WD),
        6,
        1.5,
        ("树枝挡住窗户需要修剪", "草坪很久没修剪", "枯树有倒伏危险"),
    ),
    Spec(
        "property-service",
        C,
        "物业服务",
        P.PROPERTY_COMPANY,
        False,
        True,
        (24, H),
        (5, WD),
        8,
        1.0,
        ("物业客服电话打不通", "维修人员态度差", "物业费公示不清楚"),
    ),
    Spec(
        "environment",
        C,
        "环境卫生",
        P.PROPERTY_COMPANY,
        False,
        True,
        (24, H),
        (3, WD),
        6,
        1.3,
        ("垃圾分类点异味严重", "小区里有人乱倒建筑垃圾", "楼道长期堆放杂物"),
    ),
    Spec(
        "parking",
        C,
        "停车管理",
        P.PROPERTY_COMPANY,
        False,
        True,
        (24, H),
        (5, WD),
        7,
        1.0,
        ("消防通道被车辆占用", "外来车辆随意进出停放", "电动车在楼道充电"),
    ),
    Spec(
        "noise",
        C,
        "噪音扰民",
        P.NEIGHBOURHOOD_COMMITTEE,
        False,
        False,
        (24, H),
        (5, WD),
        6,
        1.3,
        ("楼上深夜装修噪音", "广场舞音响声音太大", "空调外机噪音影响休息"),
    ),
    Spec(
        "neighbour",
        C,
        "邻里纠纷",
        P.NEIGHBOURHOOD_COMMITTEE,
        False,
        False,
        (48, H),
        (10, WD),
        4,
        1.0,
        ("楼上漏水邻居不配合维修", "邻居占用公共走道", "宠物狗扰民"),
    ),
    Spec(
        "illegal-building",
        C,
        "违章搭建",
        P.OUTSIDE_BODY,
        False,
        False,
        (48, H),
        (15, WD),
        2,
        1.0,
        ("顶楼住户私自加盖", "一楼住户圈占绿地", "阳台违规外扩"),
    ),
]
# Tickets a month per 1,000 households (work orders, complaints).
RATE_PER_1000 = {WO: 26.0, C: 7.0}
SUMMER = {6, 7, 8}
ONLINE_WEIGHTS = [
    (Ticket.Channel.WEB, 30),
    (Ticket.Channel.APP, 22),
    (Ticket.Channel.MINI_PROGRAM, 18),
    (Ticket.Channel.PHONE, 14),
    (Ticket.Channel.VISIT, 6),
    (Ticket.Channel.BUILDING_CAPTAIN, 3),
    (Ticket.Channel.HOTLINE_12345, 3),
    (Ticket.Channel.OPINION_BOX, 2),
    (Ticket.Channel.STAFF, 2),
]
RATINGS = [(5, 50), (4, 28), (3, 12), (2, 6), (1, 4)]
NOTES = {
    WO: ("已上门维修，恢复正常", "更换配件后已修复", "已疏通并清理现场", "已处理完毕，业主确认"),
    C: (
        "已与相关方沟通并整改",
        "已约谈当事人，问题已解决",
        "已协调物业限期整改",
        "已现场核实并处理",
    ),
}


class _Cut(Exception):
    """The simulated life reached `now`: the ticket stays in its current state."""


@dataclass
class _Life:
    """One ticket and the events of its simulated life, applied as they are added."""

    ticket: Ticket
    now: datetime.datetime
    events: list[TicketEvent] = field(default_factory=list)

    def add(self, kind, at, actor, actor_kind, *, to="", note="", rating=None, data=None):
        if at > self.now:
            raise _Cut
        paused = self.ticket.paused_since is not None
        if kind == E.TRANSITION and paused and to not in (S.DISPATCHED, S.IN_PROGRESS):
            self.add(E.RESUME, at, actor, actor_kind, data={"automatic": True})
        event = self._event(kind, at, actor, actor_kind, to, note, rating, data)
        event_apply(self.ticket, event)
        self.events.append(event)

    def insert_merge(self, at, actor, note, merged: "_Life") -> None:
        """The survivor's `merge` event, in time order (it changes no derived column)."""
        event = self._event(E.MERGE, at, actor, A.STAFF, "", note, None, {})
        event.merged = merged  # ids are known only after the insert (_write)
        self.events.append(event)
        self.events.sort(key=lambda e: e.at)

    def _event(self, kind, at, actor, actor_kind, to, note, rating, data) -> TicketEvent:
        return TicketEvent(
            community_id=self.ticket.community_id,
            ticket=self.ticket,
            kind=kind,
            from_status=self.ticket.status if kind == E.TRANSITION and self.events else "",
            to_status=to,
            actor=actor,
            actor_kind=actor_kind,
            at=at,
            note=note,
            rating=rating,
            data=data or {},
        )


@dataclass
class _People:
    residents: list[Resident]
    managers: list[User]
    technicians: list[User]
    staff: list[User]

    @classmethod
    def of(cls, community: Community) -> "_People":
        by_role: dict[str, list[User]] = {}
        memberships = Membership.objects.filter(community=community, is_active=True)
        for m in memberships.select_related("user").order_by("pk"):
            by_role.setdefault(m.role, []).append(m.user)
        residents = list(
            Resident.objects.filter(community=community)
            .select_related("household__unit__building", "user")
            .order_by("pk")
        )
        return cls(
            residents=residents,
            managers=by_role.get(Role.PROPERTY_MANAGER, []),
            technicians=by_role.get(Role.TECHNICIAN, []),
            staff=by_role.get(Role.COMMITTEE_STAFF, []),
        )

    def one(self, rng: random.Random, people: list):
        return rng.choice(people) if people else None


def seed(
    community: Community,
    rng: random.Random,
    *,
    now: datetime.datetime | None = None,
    households: int | None = None,
) -> str:
    """Create the demo categories and tickets of `community` (module docstring); a summary.

    Volumes follow RATE_PER_1000 per month for `households` (default: the registry's count,
    at least 100), with a summer peak for water, drains and greenery."""
    now = now or timezone.now()
    with transaction.atomic():
        categories = _categories(community)
        if Ticket.objects.filter(community=community).exists():
            return gettext("%(community)s: tickets exist already") % {"community": community.slug}
        people = _People.of(community)
        if households is None:
            households = max(len({r.household_id for r in people.residents}), 100)
        lives = _simulate(community, rng, now, categories, people, households)
        _write(community, lives)
    work_orders = sum(1 for life in lives if life.ticket.kind == WO)
    events = sum(len(life.events) for life in lives)
    return gettext(
        "%(community)s: %(work_orders)s work orders, %(complaints)s complaints, %(events)s events"
    ) % {
        "community": community.slug,
        "work_orders": f"{work_orders:,}",
        "complaints": f"{len(lives) - work_orders:,}",
        "events": f"{events:,}",
    }


def _categories(community: Community) -> dict[str, Category]:
    existing = set(Category.objects.filter(community=community).values_list("code", flat=True))
    Category.objects.bulk_create(
        Category(
            community=community,
            code=spec.code,
            kind=spec.kind,
            name=spec.name,
            responsible_party=spec.party,
            is_facility_fault=spec.facility_fault,
            is_property_service=spec.property_service,
            response_target=spec.response[0],
            response_unit=spec.response[1],
            resolution_target=spec.resolution[0],
            resolution_unit=spec.resolution[1],
        )
        for spec in CATEGORIES
        if spec.code not in existing
    )
    return {c.code: c for c in Category.objects.filter(community=community)}


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _hours(rng: random.Random, median: float, spread: float = 0.8) -> datetime.timedelta:
    """A log-normal delay with the given median, in hours."""
    return datetime.timedelta(hours=median * math.exp(rng.gauss(0, spread)))


def _office(at: datetime.datetime, tz, rng: random.Random) -> datetime.datetime:
    """Staff act between 08:00 and 21:00 local time: a night-time action waits for morning."""
    local = at.astimezone(tz)
    if 8 <= local.hour < 21:
        return at
    day = local.date() + datetime.timedelta(days=1 if local.hour >= 21 else 0)
    morning = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz)
    return (morning + datetime.timedelta(minutes=rng.randrange(60))).astimezone(datetime.UTC)


def _arrivals(rng, now, tz, households) -> list[tuple[datetime.datetime, Spec]]:
    """(submission instant, category spec) of every ticket, oldest first."""
    month = datetime.datetime(now.astimezone(tz).year - 1, 1, 1, tzinfo=tz)
    arrivals = []
    while month < now:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        seconds = (min(following, now) - month).total_seconds()
        for kind in (WO, C):
            pool = [spec for spec in CATEGORIES if spec.kind == kind]
            weights = [spec.weight * (spec.summer if month.month in SUMMER else 1) for spec in pool]
            expected = RATE_PER_1000[kind] * households / 1000 * seconds / (30 * 86400)
            # Normal approximation of a Poisson count (tens to hundreds a month here).
            for _ in range(max(0, round(rng.gauss(expected, math.sqrt(expected))))):
                at = _daytime(rng, month, seconds, tz)
                if at <= now:
                    arrivals.append((at, rng.choices(pool, weights=weights)[0]))
        month = following
    arrivals.sort(key=lambda arrival: arrival[0])
    return arrivals


def _daytime(rng, month, seconds, tz) -> datetime.datetime:
    """A submission instant in the month, mostly between 07:00 and 22:00."""
    local = (month + datetime.timedelta(seconds=rng.uniform(0, seconds))).astimezone(tz)
    hour = _pick(rng, [(h, 1 if h < 7 else 6 if h < 22 else 2) for h in range(24)])
    at = local.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
    return at.astimezone(datetime.UTC)


def _simulate(community, rng, now, categories, people: _People, households) -> list[_Life]:
    tz = community.tz
    lives: list[_Life] = []
    last_seen: dict[tuple, _Life] = {}
    for at, spec in _arrivals(rng, now, tz, households):
        life = _submitted(community, rng, now, tz, categories[spec.code], spec, at, people)
        key = (spec.code, life.ticket.building_id)
        earlier = last_seen.get(key)
        last_seen[key] = life
        lives.append(life)
        try:
            if (
                earlier is not None
                and at - earlier.ticket.submitted_at < datetime.timedelta(hours=12)
                and earlier.ticket.status not in Ticket.INELIGIBLE
                and rng.random() < 0.3
            ):
                _duplicate(life, earlier, rng)
            else:
                _live(life, rng, tz, people)
        except _Cut:
            pass
    return lives


def _submitted(community, rng, now, tz, category, spec, at, people) -> _Life:
    resident = people.one(rng, people.residents)
    channel = _pick(rng, ONLINE_WEIGHTS)
    online = channel in Ticket.ONLINE_CHANNELS
    account = resident.user if resident is not None else None
    desk = people.one(rng, people.managers if spec.kind == WO else people.staff or people.managers)
    household = resident.household if resident else None
    building = household.unit.building if household else None
    description = rng.choice(spec.descriptions).format(
        f=rng.randrange(2, 18), b=building.name if building else "1号楼"
    )
    response_due, resolution_due, flags = ticket_deadlines(
        category=category, submitted_at=at, tz=tz
    )
    ticket = Ticket(
        community=community,
        kind=spec.kind,
        channel=channel,
        category=category,
        title=description[:20],
        description=description,
        submitter=account,
        submitter_name=resident.name if resident else "",
        submitter_phone=resident.phone if resident else "",
        household=household,
        unit=household.unit if household else None,
        building=building,
        submitted_at=at,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        nominal_response_due_at=response_due,
        nominal_resolution_due_at=resolution_due,
        responsible_party=category.responsible_party,
        created_by=account if online else desk,
        data_flags=flags,
    )
    life = _Life(ticket, now)
    if online:
        life.add(E.TRANSITION, at, account, A.SUBMITTER, to=S.SUBMITTED)
    else:
        life.add(E.TRANSITION, at, desk, A.STAFF, to=S.SUBMITTED)
    return life


def _duplicate(life: _Life, survivor: _Life, rng) -> None:
    """A repeat of a report made hours before: merged into it (-> duplicate)."""
    at = life.ticket.submitted_at + _hours(rng, 2)
    actor = survivor.events[1].actor if len(survivor.events) > 1 else None
    note = "重复反映，已合并"
    life.add(E.TRANSITION, at, actor, A.STAFF, to=S.DUPLICATE, note=note, data={"into": None})
    survivor.insert_merge(at, actor, note, life)


def _handler(ticket: Ticket, rng, people: _People):
    if ticket.kind == WO or ticket.responsible_party == P.PROPERTY_COMPANY:
        return people.one(rng, people.managers)
    return people.one(rng, people.staff)


def _live(life: _Life, rng, tz, people: _People) -> None:
    t = life.ticket
    kind, account = t.kind, t.submitter
    handler = _handler(t, rng, people)
    roll = rng.random()
    if roll < 0.03:
        life.add(
            E.TRANSITION, t.submitted_at + _hours(rng, 3), account, A.SUBMITTER, to=S.CANCELLED
        )
        return
    at = _office(t.submitted_at + _hours(rng, 1.2 if kind == WO else 5), tz, rng)
    if roll < 0.06:
        note = "不属于受理范围，已告知反映人向相关部门反映"
        life.add(E.TRANSITION, at, handler, A.STAFF, to=S.REJECTED, note=note)
        return
    life.add(E.TRANSITION, at, handler, A.STAFF, to=S.ACCEPTED)
    if kind == C and rng.random() < 0.12:
        for _ in range(2 if rng.random() < 0.25 else 1):
            at = _office(at + _hours(rng, 8), tz, rng)
            to = (
                P.OUTSIDE_BODY
                if t.handoff_count
                else (
                    P.PROPERTY_COMPANY
                    if t.responsible_party == P.NEIGHBOURHOOD_COMMITTEE
                    else P.NEIGHBOURHOOD_COMMITTEE
                )
            )
            data = {"from": t.responsible_party, "to": to}
            life.add(E.TRANSFER, at, handler, A.STAFF, note="职责不符，转交相关方办理", data=data)
            handler = _handler(t, rng, people)
    if kind == C and rng.random() < 0.06 and people.staff:
        at = _office(at + _hours(rng, 20), tz, rng)
        due = (at + datetime.timedelta(days=3)).astimezone(datetime.UTC).isoformat()
        staff = people.one(rng, people.staff)
        life.add(E.SUPERVISE, at, staff, A.STAFF, note="请责任方限期办结", data={"due_at": due})
    doer = people.one(rng, people.technicians) if kind == WO else None
    doer = doer or handler
    at = _office(at + _hours(rng, 0.4), tz, rng)
    data = {"assignee": doer.pk if doer else None, "organisation": None}
    life.add(E.TRANSITION, at, handler, A.STAFF, to=S.DISPATCHED, data=data)
    at = _office(at + _hours(rng, 1.5 if kind == WO else 10), tz, rng)
    life.add(E.TRANSITION, at, doer, A.STAFF, to=S.IN_PROGRESS)
    if kind == WO and rng.random() < 0.08:
        at += _hours(rng, 1)
        life.add(E.PAUSE, at, doer, A.STAFF, note="与业主约定上门时间")
        at += _hours(rng, 14)
        life.add(E.RESUME, at, account, A.SUBMITTER)
    _resolve(life, rng, tz, at, doer, people, reopened=False)


def _resolve(life: _Life, rng, tz, at, doer, people: _People, *, reopened: bool) -> None:
    """Resolution, then the rating, a reopen, a follow-up call, and the close."""
    t = life.ticket
    kind, account = t.kind, t.submitter
    at = _office(at + _hours(rng, 16 if kind == WO else 60, 1.0), tz, rng)
    life.add(E.TRANSITION, at, doer, A.STAFF, to=S.RESOLVED, note=rng.choice(NOTES[kind]))
    resolved = at
    if rng.random() < 0.55:
        first = resolved + _hours(rng, 10)
        life.add(E.RATE, first, account, A.SUBMITTER, rating=_pick(rng, RATINGS))
        if rng.random() < 0.05:
            life.add(
                E.RATE, first + _hours(rng, 30), account, A.SUBMITTER, rating=_pick(rng, RATINGS)
            )
    caller = people.one(rng, people.managers if kind == WO else people.staff or people.managers)
    roll = rng.random()
    if roll < 0.08 and not reopened:  # the submitter reopens within 7 days
        at = max(resolved + min(_hours(rng, 40), datetime.timedelta(days=6)), life.events[-1].at)
        life.add(E.TRANSITION, at, account, A.SUBMITTER, to=S.REOPENED, note="问题没有解决")
        life.add(E.TRANSITION, at, account, A.SUBMITTER, to=S.IN_PROGRESS)
        _resolve(life, rng, tz, at, doer, people, reopened=True)
        return
    if roll < 0.25 and caller is not None:  # a follow-up call (回访)
        at = max(_office(resolved + _hours(rng, 48), tz, rng), life.events[-1].at)
        satisfied = reopened or rng.random() > 0.1
        life.add(E.FOLLOW_UP, at, caller, A.STAFF, note="电话回访", data={"satisfied": satisfied})
        if not satisfied:
            life.add(E.TRANSITION, at, caller, A.STAFF, to=S.REOPENED)
            life.add(E.TRANSITION, at, caller, A.STAFF, to=S.IN_PROGRESS)
            _resolve(life, rng, tz, at, doer, people, reopened=True)
            return
    if rng.random() < 0.45:
        at = max(resolved + min(_hours(rng, 30), datetime.timedelta(days=6)), life.events[-1].at)
        life.add(E.TRANSITION, at, account, A.SUBMITTER, to=S.CLOSED)
    else:  # nobody answered: the system closes it after 7 days (tickets_auto_close)
        closing = max(resolved + datetime.timedelta(days=7), life.events[-1].at)
        life.add(E.TRANSITION, closing, None, A.SYSTEM, to=S.CLOSED)


def _write(community: Community, lives: list[_Life]) -> None:
    """Numbers, then tickets, then the ids merges refer to, then every event: bulk inserts."""
    tz = community.tz
    by_year: dict[tuple, list[Ticket]] = {}
    for life in lives:
        t = life.ticket
        by_year.setdefault((t.kind, t.submitted_at.astimezone(tz).year), []).append(t)
    for (kind, year), tickets in by_year.items():
        numbers = ticket_numbers_reserve(
            community_id=community.pk, kind=kind, year=year, count=len(tickets)
        )
        for ticket, number in zip(tickets, numbers, strict=True):
            ticket.number = number
    Ticket.objects.bulk_create([life.ticket for life in lives], batch_size=500)
    merged = []
    for life in lives:
        for event in life.events:
            event.ticket_id = life.ticket.pk
            if event.kind == E.MERGE:
                duplicate = event.merged.ticket
                event.data = {"merged": duplicate.pk, "number": duplicate.number}
                duplicate.duplicate_of_id = life.ticket.pk
                event.merged.events[-1].data = {
                    "into": life.ticket.pk,
                    "number": life.ticket.number,
                }
                merged.append(duplicate)
    Ticket.objects.bulk_update(merged, ["duplicate_of"], batch_size=500)
    TicketEvent.objects.bulk_create(
        [event for life in lives for event in life.events], batch_size=2000
    )


def seed_demo() -> str:
    """Run `seed` for every demo community (seed_demo's generator list); a one-line summary."""
    from community.demo import demo_communities

    return "; ".join(
        seed(community, random.Random(f"tickets-{community.slug}"))
        for community in demo_communities()
    )
