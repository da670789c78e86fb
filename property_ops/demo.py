"""Demo safety and operations logs: the previous calendar year and the current year to date.

    counts = seed(community, random.Random("..."), today=date(2026, 3, 1))

Realistic volumes for a community of a few thousand households: a facilities register with
breakdowns and repairs, elevator maintenance every 15 days (the statutory interval), two
garbage clearance runs a day per collection point, three patrol rounds a day over six
checkpoints, quarterly hygiene inspections, monthly and pre-holiday hazard inspections with
their findings and rectification loops, and convenience services with their uses and ratings.
Everything is built in memory and written with bulk_create; nothing lies after `today`'s
current time. `seed_demo()` runs it for the demo communities that have no facilities yet.
"""

# ruff: noqa: E501 (tables of Chinese demo text read best one entry a line)

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext

from community.models import Community, Compound
from residents.models import Building, Household

from .models import (
    ConvenienceService,
    Facility,
    FacilityStatusChange,
    Hazard,
    HazardInspection,
    HazardStep,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)

MAINTAINERS = [
    "奥的斯电梯维保站",
    "安居物业工程部",
    "恒安消防设备公司",
    "明亮照明工程队",
    "智安科技",
]
STAFF = ["张建国", "李强", "王丽", "赵刚", "孙伟", "周敏", "吴涛", "郑洁"]
GUARDS = ["保安队 陈军", "保安队 刘洋", "保安队 黄斌", "保安队 杨帆"]
CHECKPOINTS = ["南大门岗亭", "北门", "地下车库入口", "非机动车棚", "配电房", "中心花园", "垃圾房", "消防通道"]  # fmt: skip
HAZARDS = {
    Hazard.Kind.FIRE: [
        ("消防通道", "消防通道被私家车占用"),
        ("楼道", "楼道堆放纸箱等易燃杂物"),
        ("地下车库", "灭火器压力不足需更换"),
        ("楼梯间", "常闭式防火门被楔子卡住常开"),
        ("消火栓箱", "消火栓箱内水带缺失"),
    ],
    Hazard.Kind.ELECTRICAL: [
        ("楼道", "私拉电线为电动自行车充电"),
        ("非机动车棚", "充电桩线路老化裸露"),
        ("配电房", "配电柜门锁损坏"),
    ],
    Hazard.Kind.GAS: [("底商餐饮", "燃气报警器失效"), ("住户厨房", "燃气软管老化开裂")],
    Hazard.Kind.FALLING_OBJECT: [
        ("外墙", "外墙瓷砖空鼓有脱落风险"),
        ("阳台", "阳台花盆摆放在护栏外"),
    ],
    Hazard.Kind.FLOODING: [("地下车库", "集水井水泵故障"), ("小区道路", "雨水篦子堵塞")],
    Hazard.Kind.STRUCTURAL: [("单元门口", "雨棚支架锈蚀"), ("围墙", "围墙局部开裂")],
    Hazard.Kind.TRAFFIC: [("南大门", "减速带损坏"), ("主干道", "转角凸面镜缺失")],
}
SERVICES = [
    (ConvenienceService.Kind.PARCEL, "快递代收点", "社区驿站", "物业服务中心旁", "每天 8:00–20:00", 0, 3.0),
    (ConvenienceService.Kind.REPAIR_BOOKING, "小修预约（换灯泡、通下水）", "安居物业工程部", "物业服务中心", "工作日 9:00–17:00", 0, 0.6),
    (ConvenienceService.Kind.ELDERLY_MEALS, "老年助餐点", "幸福食堂", "社区活动中心一楼", "每天 11:00–12:30", 0, 1.5),
    (ConvenienceService.Kind.HAIRCUT, "义务理发", "志愿者理发队", "社区活动中心", "每月第二个周六上午", 0, 0.3),
    (ConvenienceService.Kind.TOOL_LENDING, "工具借用", "社区居委会", "居委会办公室", "工作日", 120, 0.2),
    (ConvenienceService.Kind.LEGAL_AID, "法律咨询", "新华律师事务所", "居委会调解室", "每周三下午", 0, 0.15),
    (ConvenienceService.Kind.HEALTH_CHECK, "免费测血压血糖", "社区卫生服务站", "社区活动中心", "每周五上午", 200, 0.4),
    (ConvenienceService.Kind.KNIFE_SHARPENING, "磨刀修伞", "志愿者服务队", "中心花园", "每月一次", 0, 0.1),
]  # fmt: skip
COMMENTS = ["很方便", "师傅很耐心", "希望延长时间", "排队有点久", "服务很好", "", "", ""]


def seed(community: Community, rng: random.Random, *, today: date | None = None) -> dict:
    """Fill `community`'s logs from 1 January of last year to now (or to the end of `today`).

    Needs the community's compounds and buildings (the registry demo runs first); uses its
    households for service uses. Returns {model name: rows created}.
    """
    tz = community.tz
    today = today or timezone.localdate(timezone=tz)
    start = datetime(today.year - 1, 1, 1, tzinfo=tz)
    now = min(timezone.now(), datetime.combine(today, time(23, 59), tzinfo=tz))
    builder = _Builder(community, rng, tz, start, now)
    builder.facilities()
    builder.sanitation()
    builder.patrols()
    builder.hygiene()
    builder.hazards()
    builder.convenience()
    return builder.counts


def seed_demo() -> str:
    """Run `seed` for every demo community without facilities yet; a one-line summary."""
    from community.demo import demo_communities

    total: dict[str, int] = {}
    for community in demo_communities():
        if Facility.objects.filter(community=community).exists():
            continue
        for name, n in seed(community, random.Random(f"ops-{community.slug}")).items():
            total[name] = total.get(name, 0) + n
    return ", ".join(
        gettext("%(n)s %(what)s")
        % {"n": f"{n:,}", "what": apps.get_model("property_ops", name)._meta.verbose_name_plural}
        for name, n in total.items()
    ) or gettext("already there")


class _Builder:
    def __init__(self, community, rng, tz, start, now):
        self.community, self.rng, self.tz, self.start, self.now = community, rng, tz, start, now
        self.compounds = list(Compound.objects.filter(community=community))
        self.buildings = list(
            Building.objects.filter(community=community).select_related("compound")
        )
        self.households = list(
            Household.objects.filter(community=community).values_list("pk", flat=True)
        )
        self.counts: dict[str, int] = {}

    def _save(self, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=2000)
        self.counts[model._meta.model_name] = self.counts.get(model._meta.model_name, 0) + len(rows)
        return created

    def days(self):
        day = self.start.date()
        while day <= self.now.astimezone(self.tz).date():
            yield day
            day += timedelta(days=1)

    def at(self, day: date, hour: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=self.tz) + timedelta(hours=hour)

    def between(self, first: datetime, last: datetime) -> datetime:
        return first + (last - first) * self.rng.random()

    # Facilities register ------------------------------------------------------------------------

    def facilities(self) -> None:
        rng, c = self.rng, self.community
        plan = []
        for b in self.buildings:
            if (b.floors or 6) > 7:
                plan += [
                    (Facility.Kind.ELEVATOR, f"{b.compound.name}{b.name}{u}号电梯", b)
                    for u in (1, 2)
                ]
            plan += [(Facility.Kind.FIRE_EQUIPMENT, f"{b.compound.name}{b.name}消火栓及灭火器", b)]
            plan += [(Facility.Kind.ACCESS_CONTROL, f"{b.compound.name}{b.name}单元门禁", b)]
        for compound in self.compounds:
            plan += [
                (Facility.Kind.LIGHTING, f"{compound.name}{n}号路灯组", None, compound)
                for n in range(1, 9)
            ]
            plan += [
                (Facility.Kind.FITNESS_EQUIPMENT, f"{compound.name}健身器材{n}", None, compound)
                for n in range(1, 5)
            ]
            plan += [
                (Facility.Kind.CCTV, f"{compound.name}监控点{n}", None, compound)
                for n in range(1, 7)
            ]
            plan += [(Facility.Kind.WATER_PUMP, f"{compound.name}二次供水泵房", None, compound)]
            plan += [(Facility.Kind.CHARGING_POINT, f"{compound.name}电动车充电棚", None, compound)]
        facilities = []
        for n, (kind, name, building, *rest) in enumerate(plan, start=1):
            compound = building.compound if building else rest[0]
            new = rng.random() < 0.06  # installed during the period
            registered = (
                self.between(self.start, self.now - timedelta(days=30))
                if new
                else self.start - timedelta(days=rng.randint(30, 3000))
            )
            facilities.append(
                Facility(
                    community=c,
                    compound=compound,
                    kind=kind,
                    name=name,
                    code=f"SB-{n:04d}",
                    location=building.name if building else "小区公共区域",
                    installed_on=registered.astimezone(self.tz).date(),
                    registered_at=registered,
                )
            )
        facilities = self._save(Facility, facilities)
        changes, maintenance = [], []
        for f in facilities:
            history = [(Facility.Status.IN_SERVICE, f.registered_at, "登记入账")]
            moment = max(f.registered_at, self.start)
            while True:
                moment += timedelta(days=rng.expovariate(1 / 200))
                if moment >= self.now:
                    break
                if f.kind != Facility.Kind.ELEVATOR and rng.random() < 0.03:
                    history.append((Facility.Status.RETIRED, moment, "设备老化报废"))
                    break
                history.append((Facility.Status.OUT_OF_SERVICE, moment, "故障停用"))
                repaired = moment + timedelta(hours=rng.uniform(2, 24 * 12))
                if repaired >= self.now:
                    break
                history.append((Facility.Status.IN_SERVICE, repaired, "维修完成恢复使用"))
                maintenance.append(
                    self._maintenance(f, MaintenanceRecord.Kind.REPAIR, repaired, "故障维修")
                )
                moment = repaired
            changes += [
                FacilityStatusChange(community=c, facility=f, status=s, at=at, note=note)
                for s, at, note in history
            ]
            f.status = history[-1][0]
            maintenance += self._routine(f)
        Facility.objects.bulk_update(facilities, ["status"])
        self._save(FacilityStatusChange, changes)
        self._save(MaintenanceRecord, maintenance)

    def _routine(self, f: Facility) -> list:
        interval = {Facility.Kind.ELEVATOR: 15, Facility.Kind.FIRE_EQUIPMENT: 30}.get(f.kind, 90)
        rows, moment = (
            [],
            max(f.registered_at, self.start) + timedelta(days=self.rng.randint(1, 10)),
        )
        while moment < self.now:
            rows.append(
                self._maintenance(f, MaintenanceRecord.Kind.ROUTINE, moment, "例行保养检查")
            )
            moment += timedelta(days=interval, hours=self.rng.uniform(-24, 24))
        if f.kind == Facility.Kind.ELEVATOR:
            for year in (self.start.year, self.start.year + 1):
                when = datetime(year, 5, 12, 10, tzinfo=self.tz)
                if f.registered_at < when < self.now:
                    rows.append(
                        self._maintenance(
                            f, MaintenanceRecord.Kind.INSPECTION, when, "电梯年度定期检验，合格"
                        )
                    )
        return rows

    def _maintenance(self, f, kind, when, text) -> MaintenanceRecord:
        cost = None
        if kind == MaintenanceRecord.Kind.REPAIR:
            cost = Decimal(self.rng.randrange(50, 3000))
        return MaintenanceRecord(
            community=self.community,
            facility=f,
            kind=kind,
            performed_at=when,
            performed_by=self.rng.choice(MAINTAINERS),
            description=f"{f.name}：{text}",
            cost=cost,
        )

    # Sanitation, patrols, hygiene -------------------------------------------------------------

    def sanitation(self) -> None:
        rng, rows = self.rng, []
        points = [(c, f"{c.name}{n}号垃圾房") for c in self.compounds for n in (1, 2)]
        for day in self.days():
            for compound, point in points:
                for hour, kind in (
                    (7.5, SanitationRun.WasteKind.HOUSEHOLD),
                    (18, SanitationRun.WasteKind.KITCHEN),
                ):
                    due = self.at(day, hour)
                    if due > self.now:
                        continue
                    late = rng.random() < 0.05
                    done = due + timedelta(
                        minutes=rng.uniform(5, 150) if late else -rng.uniform(0, 40)
                    )
                    missed = rng.random() < 0.005 or done > self.now
                    rows.append(
                        SanitationRun(
                            community=self.community,
                            compound=compound,
                            collection_point=point,
                            waste_kind=kind,
                            due_at=due,
                            done_at=None if missed else done,
                            crew="环卫清运车队",
                            note="车辆故障延误" if late and rng.random() < 0.3 else "",
                        )
                    )
                if day.weekday() == 5:
                    due = self.at(day, 10)
                    if due < self.now:
                        rows.append(
                            SanitationRun(
                                community=self.community,
                                compound=compound,
                                collection_point=point,
                                waste_kind=rng.choice(
                                    [
                                        SanitationRun.WasteKind.RECYCLABLE,
                                        SanitationRun.WasteKind.BULKY,
                                    ]
                                ),
                                due_at=due,
                                done_at=due - timedelta(minutes=rng.uniform(0, 60)),
                                crew="再生资源回收站",
                            )
                        )
        self._save(SanitationRun, rows)

    def patrols(self) -> None:
        rng, rounds, plans = self.rng, [], []
        for day in self.days():
            for hour, route in ((9, "白班巡逻"), (15, "午后巡逻"), (22, "夜间巡逻")):
                begin = self.at(day, hour)
                if begin + timedelta(hours=2) > self.now:
                    continue
                stops = rng.sample(CHECKPOINTS, 6)
                rounds.append(
                    PatrolRound(
                        community=self.community,
                        route=route,
                        guard=rng.choice(GUARDS),
                        planned_start=begin,
                        planned_end=begin + timedelta(hours=1, minutes=30),
                    )
                )
                plans.append(stops)
        rounds = self._save(PatrolRound, rounds)
        visits = []
        for patrol, stops in zip(rounds, plans, strict=True):
            for position, stop in enumerate(stops):
                roll = rng.random()
                visited = patrol.planned_start + timedelta(
                    minutes=12 * position + rng.uniform(0, 10)
                )
                if roll < 0.03:
                    visited = None  # skipped
                elif roll < 0.06:
                    visited = patrol.planned_end + timedelta(minutes=rng.uniform(5, 40))  # late
                visits.append(
                    PatrolVisit(
                        community=self.community,
                        patrol_round=patrol,
                        checkpoint=stop,
                        position=position,
                        window_start=patrol.planned_start,
                        window_end=patrol.planned_end,
                        visited_at=visited,
                        note="未发现异常" if visited else "",
                    )
                )
        self._save(PatrolVisit, visits)

    def hygiene(self) -> None:
        rng, rows = self.rng, []
        today = self.now.astimezone(self.tz).date()
        for year in (self.start.year, self.start.year + 1):
            for quarter in range(4):
                day = date(year, 3 * quarter + 3, 15)
                if day > today:
                    continue
                for compound in self.compounds:
                    for area in ("公共楼道", "垃圾房及周边", "绿化带", "地下车库"):
                        score = round(min(100, max(50, rng.gauss(86, 7))), 1)
                        grade = (
                            "excellent"
                            if score >= 90
                            else "good"
                            if score >= 80
                            else "pass"
                            if score >= 60
                            else "fail"
                        )
                        rows.append(
                            HygieneInspection(
                                community=self.community,
                                compound=compound,
                                area=area,
                                inspected_on=day,
                                inspector=rng.choice(
                                    ["街道城管科", "社区卫生监督员", "居委会环境组"]
                                ),
                                score=Decimal(str(score)),
                                grade=grade,
                                findings=""
                                if score >= 90
                                else rng.choice(
                                    [
                                        "个别楼道有小广告",
                                        "垃圾桶外溢",
                                        "绿化带有烟头",
                                        "车库角落积灰",
                                    ]
                                ),
                            )
                        )
        self._save(HygieneInspection, rows)

    # Hazards ----------------------------------------------------------------------------------

    def hazards(self) -> None:
        rng, inspections = self.rng, []
        for day in self.days():
            kind = None
            if day.day == 10:
                kind = (
                    HazardInspection.Kind.FIRE_SAFETY
                    if day.month in (1, 4, 7, 11)
                    else HazardInspection.Kind.ROUTINE
                )
            elif (day.month, day.day) in ((1, 20), (9, 25)):
                kind = HazardInspection.Kind.HOLIDAY
            elif (day.month, day.day) == (6, 1):
                kind = HazardInspection.Kind.SEASONAL
            elif (day.month, day.day) == (11, 9):
                kind = HazardInspection.Kind.JOINT
            held = self.at(day, 9.5)
            if kind and held < self.now:
                inspections.append(
                    HazardInspection(
                        community=self.community,
                        kind=kind,
                        held_at=held,
                        area="全社区"
                        if kind != HazardInspection.Kind.SEASONAL
                        else "地下车库及低洼处",
                        inspectors=f"{rng.choice(STAFF)}、{rng.choice(STAFF)}",
                    )
                )
        inspections = self._save(HazardInspection, inspections)
        hazards, steps = [], []
        number = 0
        for inspection in inspections:
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
                number += 1
                kind = rng.choices(list(HAZARDS), weights=(40, 20, 8, 8, 8, 8, 8))[0]
                if inspection.kind == HazardInspection.Kind.FIRE_SAFETY:
                    kind = Hazard.Kind.FIRE
                place, text = rng.choice(HAZARDS[kind])
                building = rng.choice(self.buildings).name if self.buildings else ""
                found = inspection.held_at + timedelta(minutes=rng.uniform(0, 180))
                hazard = Hazard(
                    community=self.community,
                    inspection=inspection,
                    reference=f"YH-{found.year}-{number:04d}",
                    kind=kind,
                    place=f"{building}{place}",
                    description=text,
                    found_at=found,
                    found_by=inspection.inspectors.split("、")[0],
                    rectify_by=(found + timedelta(days=rng.choice((3, 7, 15))))
                    .astimezone(self.tz)
                    .date(),
                    responsible=rng.choice(
                        ["安居物业工程部", "相关住户", "物业保安部", "底商业主"]
                    ),
                )
                hazards.append((hazard, self._loop(hazard)))
        created = self._save(Hazard, [h for h, _ in hazards])
        for hazard, loop in zip(created, (loop for _, loop in hazards), strict=True):
            for step in loop:
                step.hazard = hazard
                steps.append(step)
        self._save(HazardStep, steps)

    def _loop(self, hazard: Hazard) -> list:
        rng, steps, moment = self.rng, [], hazard.found_at
        while True:
            moment += timedelta(days=rng.expovariate(1 / 5))
            if moment > self.now or rng.random() < 0.04:
                break  # still awaiting rectification
            steps.append(
                HazardStep(
                    community=self.community,
                    kind=HazardStep.Kind.RECTIFIED,
                    at=moment,
                    note="已按要求整改",
                )
            )
            hazard.status, hazard.rectified_at = Hazard.Status.RECTIFIED, moment
            moment += timedelta(days=rng.uniform(0.5, 4))
            if moment > self.now:
                break
            passed = rng.random() < 0.9
            kind = (
                HazardStep.Kind.REINSPECTION_PASSED
                if passed
                else HazardStep.Kind.REINSPECTION_FAILED
            )
            steps.append(
                HazardStep(
                    community=self.community,
                    kind=kind,
                    at=moment,
                    note="复查合格" if passed else "整改不到位，要求重新整改",
                )
            )
            hazard.reinspected_at, hazard.reinspection_passed = moment, passed
            hazard.status = Hazard.Status.VERIFIED if passed else Hazard.Status.OPEN
            if passed:
                break
        return steps

    # Convenience services ---------------------------------------------------------------------

    def convenience(self) -> None:
        rng, uses = self.rng, []
        services = []
        for kind, name, provider, location, schedule, offset, per_day in SERVICES:
            started = (
                self.start.date() + timedelta(days=offset)
                if offset
                else date(self.start.year - 3, 3, 1)
            )
            ended = (
                date(self.start.year, 10, 31)
                if kind == ConvenienceService.Kind.KNIFE_SHARPENING
                else None
            )
            services.append(
                (
                    ConvenienceService(
                        community=self.community,
                        kind=kind,
                        name=name,
                        provider=provider,
                        location=location,
                        schedule=schedule,
                        started_on=started,
                        ended_on=ended,
                    ),
                    per_day,
                )
            )
        created = self._save(ConvenienceService, [s for s, _ in services])
        for service, (_, per_day) in zip(created, services, strict=True):
            for day in self.days():
                if day < service.started_on or (service.ended_on and day > service.ended_on):
                    continue
                for _ in range(_poisson(rng, per_day)):
                    used = self.at(day, rng.uniform(8.5, 19.5))
                    if used > self.now:
                        continue
                    rating = (
                        rng.choices((5, 4, 3, 2, 1), weights=(55, 30, 9, 4, 2))[0]
                        if rng.random() < 0.4
                        else None
                    )
                    uses.append(
                        ServiceUse(
                            community=self.community,
                            service=service,
                            used_at=used,
                            household_id=rng.choice(self.households)
                            if self.households and rng.random() < 0.8
                            else None,
                            rating=rating,
                            comment=rng.choice(COMMENTS) if rating else "",
                        )
                    )
        self._save(ServiceUse, uses)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (means here are small)."""
    count, total = 0, rng.expovariate(1)
    while total < mean:
        count += 1
        total += rng.expovariate(1)
    return count
