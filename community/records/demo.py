"""Demo community records: meetings and topics, opinions, activities with sign-ups and
attendance, volunteer hours, disclosures (hash-chained, with a correction), surveys with
answers, emergency plans with revisions, drills, incidents and staff trainings, from 1 January
of last calendar year (local) to `now`, in Chinese.

`seed(community, rng)` is deterministic for a given `rng` seed, registry and `now`. Records are
created only when the community has no meeting yet (a second run adds nothing). Residents,
households and staff accounts come from the registry and memberships (residents/demo.py,
community/demo.py), so run those first; without them the records still appear, with fewer
participants. Volumes per year for a community of ~2,000 households: ~14 meetings and ~40
topics, ~110 opinions, ~75 activities with ~1,800 participations, ~500 volunteer-hour rows,
~25 disclosures, 2 surveys with a few hundred answers each, 6 plans, 5 drills, ~18 incidents,
8 trainings.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from community.models import (
    Activity,
    ActivitySignup,
    AgendaTopic,
    Community,
    DisclosureChannel,
    Drill,
    DrillAction,
    EmergencyPlan,
    EmergencyPlanRevision,
    Incident,
    Meeting,
    MeetingAttendance,
    Membership,
    Opinion,
    Organisation,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Training,
    TrainingAttendance,
    VolunteerHours,
    VolunteerTeam,
)
from residents.models import Building, Resident

from . import services

Role = Membership.Role
DAY = datetime.timedelta(days=1)

TOPICS = [
    ("地面停车位不足，夜间乱停车", "complaint"),
    ("3号楼外墙渗水维修", "complaint"),
    ("增设电动自行车集中充电桩", "resident_opinion"),
    ("老旧小区加装电梯意愿征集", "resident_opinion"),
    ("垃圾分类投放点异味整治", "complaint"),
    ("楼道堆物清理与消防通道畅通", "staff"),
    ("公共收益使用方案", "staff"),
    ("小区绿化补植", "resident_opinion"),
    ("单元门禁系统更换", "complaint"),
    ("物业费调价听证", "staff"),
    ("广场舞噪音扰民协调", "complaint"),
    ("快递柜设置位置", "resident_opinion"),
    ("二次供水水箱清洗公示", "staff"),
    ("监控盲区补装摄像头", "resident_opinion"),
    ("雨季地下车库防汛准备", "staff"),
    ("宠物粪便管理公约", "resident_opinion"),
]
OPINIONS = [
    "建议在东门增加路灯，晚上太暗",
    "希望增设快递柜",
    "小区健身器材老化，建议更换",
    "建议在楼下设置休息座椅",
    "电动车充电桩太少",
    "希望物业公布维修资金使用明细",
    "建议开设老年人智能手机培训",
    "垃圾桶清运时间太早，影响休息",
    "希望增加儿童游乐设施",
    "建议规范外卖车辆进出",
    "小区车辆限速标志不明显",
    "希望定期组织义诊活动",
    "建议公告栏同步发到微信群",
    "地下车库照明不足",
    "希望加强夜间巡逻",
]
NOT_ADOPTED = [
    "涉及规划调整，需报街道审批，暂不具备条件",
    "场地不足，经评估暂不采纳",
    "费用超出公共收益预算，业委会表决未通过",
    "已有同类设施，将优化现有安排",
]
ACTIVITIES = {
    "culture": ["书法兴趣班", "社区合唱团排练", "邻里电影夜", "剪纸非遗体验", "读书分享会"],
    "sports": ["健步走活动", "乒乓球友谊赛", "太极拳晨练", "亲子趣味运动会"],
    "science": ["垃圾分类科普讲座", "防诈骗知识讲座", "青少年科学小实验", "消防安全知识讲座"],
    "volunteer_service": ["楼道清洁志愿行动", "为老助餐送餐", "文明养犬宣传", "社区环境大扫除"],
    "health": ["社区义诊", "老年人健康体检", "中医养生讲座", "心理健康讲座"],
    "education": ["老年人智能手机课堂", "四点半课堂", "家庭教育讲座"],
    "festival": [
        "春节写春联送福",
        "元宵节猜灯谜",
        "端午节包粽子",
        "中秋邻里联欢",
        "重阳节敬老茶话会",
    ],
}
FESTIVAL_MONTHS = {
    "春节写春联送福": 1,
    "元宵节猜灯谜": 2,
    "端午节包粽子": 6,
    "中秋邻里联欢": 9,
    "重阳节敬老茶话会": 10,
}
REPAIRS = ["屋面防水", "电梯大修", "外墙修缮", "消防管网更换"]
PLACES = ["社区活动室", "党群服务中心", "中心广场", "社区图书角", "社区卫生服务站", "小区花园"]
TEAMS = [
    ("红马甲志愿服务队", "陈建华"),
    ("银发互助队", "王秀英"),
    ("青少年志愿服务队", "李晓明"),
    ("平安巡逻队", "赵国强"),
]
PLANS = [
    ("fire", "消防安全应急预案"),
    ("flood_typhoon", "防汛防台应急预案"),
    ("earthquake", "地震应急预案"),
    ("public_health", "突发公共卫生事件应急预案"),
    ("gas_leak", "燃气泄漏应急预案"),
    ("elevator_entrapment", "电梯困人应急预案"),
]
INCIDENTS = [  # kind, title, yearly count range, minutes to first response, hours to resolve
    ("elevator_entrapment", "{b}电梯困人", (4, 8), (5, 25), (0.3, 1.5)),
    ("burglary", "{b}入室盗窃", (1, 3), (10, 40), (24, 240)),
    ("flood", "地下车库进水", (1, 3), (10, 30), (2, 12)),
    ("power_outage", "{b}停电", (2, 4), (10, 45), (1, 6)),
    ("gas_leak", "{b}燃气泄漏报警", (0, 2), (5, 15), (1, 4)),
    ("fire", "{b}电动车起火", (0, 1), (3, 10), (1, 3)),
]
TRAININGS = [
    "消防安全与初期火灾扑救",
    "矛盾纠纷调解技巧",
    "居民个人信息保护",
    "电梯困人应急处置",
    "防汛物资使用",
    "12345热线工单规范办理",
    "急救知识与AED使用",
    "垃圾分类指导员培训",
]


# What the summary counts (_Builder.count), as it names them.
COUNTED = {
    "meetings": gettext_lazy("joint meetings"),
    "agenda topics": gettext_lazy("agenda topics"),
    "opinions": gettext_lazy("opinions"),
    "activities": gettext_lazy("activities"),
    "participations": gettext_lazy("participations"),
    "volunteer-hour rows": gettext_lazy("volunteer-hour rows"),
    "disclosures": gettext_lazy("disclosures"),
    "survey responses": gettext_lazy("survey responses"),
    "drills": gettext_lazy("drills"),
    "incidents": gettext_lazy("incidents"),
    "trainings": gettext_lazy("trainings"),
}


def seed(community: Community, rng: random.Random, *, now: datetime.datetime | None = None) -> str:
    """Create the demo records of `community` (module docstring); a one-line summary."""
    now = now or timezone.now()
    with transaction.atomic():
        if Meeting.objects.filter(community=community).exists():
            return gettext("%(community)s: community records exist already") % {
                "community": community.slug
            }
        builder = _Builder(community, rng, now)
        counts = builder.build()
    counted = ", ".join(
        gettext("%(n)s %(what)s") % {"n": f"{n:,}", "what": COUNTED[what]}
        for what, n in counts.items()
    )
    return gettext("%(community)s: %(counted)s") % {"community": community.slug, "counted": counted}


class _Builder:
    def __init__(self, community: Community, rng: random.Random, now: datetime.datetime):
        self.c, self.rng, self.now = community, rng, now
        self.tz = community.tz
        self.start = datetime.datetime(now.astimezone(self.tz).year - 1, 1, 1, tzinfo=self.tz)
        memberships = Membership.objects.filter(community=community, is_active=True).select_related(
            "user"
        )
        self.staff = [m.user for m in memberships if m.role == Role.COMMITTEE_STAFF]
        self.staff_users = sorted(
            {m.user for m in memberships if m.role in services.STAFF_ROLES}, key=lambda u: u.pk
        )
        self.residents = list(Resident.objects.filter(community=community).order_by("pk")[:3000])
        self.resident_users = [m.user for m in memberships if m.role == Role.RESIDENT]
        self.orgs = list(
            Organisation.objects.filter(
                pk__in={m.organisation_id for m in memberships if m.organisation_id}
            )
        ) or [
            Organisation.objects.get_or_create(
                kind=Organisation.Kind.NEIGHBOURHOOD_COMMITTEE, name=f"{community.name}居委会"
            )[0]
        ]
        self.counts: dict[str, int] = {}

    # helpers ---------------------------------------------------------------------------------

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def days(self, every: int, jitter: int):
        """Local dates from the start to now, about every `every` days."""
        day = self.start.date() + datetime.timedelta(days=self.rng.randint(0, jitter))
        while self.at(day, 0) < self.now:
            yield day
            day += datetime.timedelta(days=every + self.rng.randint(-jitter, jitter))

    def past(self, instant: datetime.datetime) -> bool:
        return instant <= self.now

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    def person(self):
        return self.rng.choice(self.residents) if self.residents else None

    def build(self) -> dict[str, int]:
        self.governance()
        self.activities()
        self.disclosures()
        self.surveys()
        self.emergency()
        self.trainings()
        return self.counts

    # governance ------------------------------------------------------------------------------

    def governance(self) -> None:
        rng = self.rng
        kinds = [
            ("joint", 91, 10, "季度联席会议"),
            ("owners_committee", 45, 8, "业委会例会"),
            ("residents_forum", 150, 20, "居民恳谈会"),
        ]
        topics = []
        for kind, every, jitter, label in kinds:
            for day in self.days(every, jitter):
                held = self.at(day, rng.choice([9, 14, 19]), rng.choice([0, 30]))
                if not self.past(held):
                    continue
                local = held.astimezone(self.tz)
                meeting = Meeting.objects.create(
                    community=self.c,
                    kind=kind,
                    title=f"{local.year}年{local.month}月{label}",
                    held_at=held,
                    place=rng.choice(["社区会议室", "党群服务中心二楼", "小区议事厅"]),
                    resident_representatives="\n".join(
                        r.name for r in rng.sample(self.residents, min(3, len(self.residents)))
                    ),
                    minutes="会议由居委会主持。与会各方通报了上期议题办理情况，并就本期议题逐项讨论，形成决议如下。",
                    recorded_by=self.staff[0] if self.staff else None,
                )
                MeetingAttendance.objects.bulk_create(
                    MeetingAttendance(
                        community=self.c,
                        meeting=meeting,
                        organisation=o,
                        headcount=rng.randint(1, 3),
                    )
                    for o in self.orgs
                )
                self.count("meetings")
                for title, source in rng.sample(TOPICS, rng.randint(2, 4)):
                    topics.append(self.topic(meeting, title, source))
        self.opinions(topics)

    def topic(self, meeting: Meeting, title: str, source: str) -> AgendaTopic:
        rng = self.rng
        raised = meeting.held_at
        resolved = raised + DAY * rng.randint(7, 120)
        roll = rng.random()
        if roll < 0.75 and self.past(resolved):
            status, resolved_at = "resolved", resolved
        elif roll < 0.85:
            status, resolved_at = "deferred", None
        else:
            status, resolved_at = (
                ("in_progress" if raised < self.now - 14 * DAY else "raised"),
                None,
            )
        self.count("agenda topics")
        return AgendaTopic.objects.create(
            community=self.c,
            meeting=meeting,
            title=title,
            source=source,
            raised_at=raised,
            responsible_organisation=rng.choice(self.orgs),
            due_date=(raised + 60 * DAY).astimezone(self.tz).date(),
            status=status,
            resolved_at=resolved_at,
            decision="责成相关单位限期办理，办理结果在下次会议通报。" if status != "raised" else "",
        )

    def opinions(self, topics: list[AgendaTopic]) -> None:
        rng = self.rng
        rows = []
        for day in self.days(3, 2):
            received = self.at(day, rng.randint(8, 21), rng.randint(0, 59))
            if not self.past(received):
                continue
            decided = received + DAY * rng.randint(3, 40)
            roll = rng.random()
            if not self.past(decided) or roll < 0.12:
                decision, reason, decided_at, topic = "pending", "", None, None
            elif roll < 0.75:
                decision, reason, decided_at = "adopted", "", decided
                topic = rng.choice([t for t in topics if t.raised_at >= received] or [None])
            else:
                decision, reason, decided_at, topic = (
                    "not_adopted",
                    rng.choice(NOT_ADOPTED),
                    decided,
                    None,
                )
            person = self.person()
            rows.append(
                Opinion(
                    community=self.c,
                    channel=rng.choices(["online", "opinion_box", "forum"], [5, 3, 2])[0],
                    content=rng.choice(OPINIONS),
                    submitter=person.user if person else None,
                    submitter_name=person.name if person else "匿名",
                    received_at=received,
                    decision=decision,
                    decision_reason=reason,
                    decided_at=decided_at,
                    topic=topic,
                )
            )
        Opinion.objects.bulk_create(rows)
        self.count("opinions", len(rows))

    # activities and volunteers -------------------------------------------------------------------

    def activities(self) -> None:
        rng = self.rng
        teams = [
            VolunteerTeam.objects.create(community=self.c, name=n, leader=leader)
            for n, leader in TEAMS
        ]
        signups, hours = [], []
        volunteers = self.residents[: max(1, len(self.residents) // 25)]
        for day in self.days(5, 2):
            kind = rng.choices(list(ACTIVITIES), [3, 2, 2, 3, 2, 1, 1])[0]
            title = rng.choice(ACTIVITIES[kind])
            month = FESTIVAL_MONTHS.get(title)
            if month is not None and month != day.month:
                kind, title = "culture", rng.choice(ACTIVITIES["culture"])
            starts = self.at(day, rng.choice([9, 10, 14, 15, 19]), rng.choice([0, 30]))
            capacity = rng.choice([20, 30, 40, 60, None])
            activity = Activity.objects.create(
                community=self.c,
                kind=kind,
                title=title,
                place=rng.choice(PLACES),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=rng.choice([1, 1.5, 2, 3])),
                capacity=capacity,
                signup_open=True,
                description=f"{title}，欢迎社区居民报名参加。",
            )
            self.count("activities")
            wanted = rng.randint(8, capacity or 60)
            held = self.past(starts)
            if not held:
                wanted = rng.randint(0, wanted // 2)
            for person in rng.sample(self.residents, min(wanted, len(self.residents))):
                signups.append(
                    ActivitySignup(
                        community=self.c,
                        activity=activity,
                        resident=person,
                        user=person.user,
                        name=person.name,
                        phone=person.phone,
                        person_key=services.person_key(resident=person),
                        source="web" if rng.random() < 0.6 else "staff",
                        attended=held and rng.random() < 0.85,
                    )
                )
            if held and kind == "volunteer_service" and volunteers:
                team = rng.choice(teams)
                for person in rng.sample(volunteers, min(rng.randint(5, 15), len(volunteers))):
                    hours.append(
                        VolunteerHours(
                            community=self.c,
                            team=team,
                            activity=activity,
                            resident=person,
                            name=person.name,
                            phone=person.phone,
                            person_key=services.person_key(resident=person),
                            served_on=day,
                            hours=Decimal(rng.choice(["1.5", "2.0", "2.5", "3.0", "4.0"])),
                        )
                    )
        for day in self.days(2, 1):  # everyday service: patrols, meal delivery, reception desk
            if volunteers and self.at(day, 18) <= self.now:
                person = rng.choice(volunteers)
                hours.append(
                    VolunteerHours(
                        community=self.c,
                        team=rng.choice(teams),
                        resident=person,
                        name=person.name,
                        phone=person.phone,
                        person_key=services.person_key(resident=person),
                        served_on=day,
                        hours=Decimal(rng.choice(["1.0", "2.0", "3.0"])),
                        note=rng.choice(["夜间巡逻", "为老助餐", "值守服务台"]),
                    )
                )
        ActivitySignup.objects.bulk_create(signups, batch_size=2000)
        VolunteerHours.objects.bulk_create(hours, batch_size=2000)
        self.count("participations", sum(1 for s in signups if s.attended))
        self.count("volunteer-hour rows", len(hours))

    # disclosures ---------------------------------------------------------------------------------

    def disclosures(self) -> None:
        rng, year0 = self.rng, self.start.year
        channels = [
            ("notice_board", datetime.date(2015, 1, 1)),
            ("wechat_group", datetime.date(2019, 6, 1)),
            ("portal", datetime.date(year0, 1, 1)),
        ]
        if rng.random() < 0.5:
            channels.append(("official_account", datetime.date(year0, 7, 1)))
        DisclosureChannel.objects.bulk_create(
            DisclosureChannel(community=self.c, channel=ch, started_on=since)
            for ch, since in channels
        )
        running = [ch for ch, _since in channels]
        plan = []  # (published_at, kind, title, body, period_start, period_end)
        for year in (year0, year0 + 1):
            for q in range(4):
                start = datetime.date(year, 3 * q + 1, 1)
                end = (datetime.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - DAY
                publish = self.at(end + DAY * rng.randint(8, 20), 10)
                income, spent = rng.randint(900_000, 1_300_000), rng.randint(850_000, 1_250_000)
                plan.append(
                    (
                        publish,
                        "property_fee",
                        f"{year}年第{q + 1}季度物业费收支情况公示",
                        f"本季度物业费收入 {income:,} 元，支出 {spent:,} 元，"
                        f"结余 {income - spent:,} 元。明细见附表。",
                        start,
                        end,
                    )
                )
                if q % 2 == 1:
                    revenue = rng.randint(40_000, 90_000)
                    plan.append(
                        (
                            publish + DAY,
                            "public_revenue",
                            f"{year}年{'上' if q == 1 else '下'}半年公共收益公示",
                            f"广告位及停车场地租金等公共收益共计 {revenue:,} 元，"
                            "已存入业主共有资金账户。",
                            datetime.date(year, 1 if q == 1 else 7, 1),
                            end,
                        )
                    )
            for month in rng.sample(range(2, 12), 3):
                day = datetime.date(year, month, rng.randint(1, 25))
                plan.append(
                    (
                        self.at(day, 15),
                        "maintenance_fund",
                        f"{year}年{month}月专项维修资金使用公示",
                        f"拟使用专项维修资金 {rng.randint(20_000, 180_000):,} 元用于"
                        f"{rng.choice(REPAIRS)}，公示期七日。",
                        day,
                        day + 7 * DAY,
                    )
                )
            report_day = datetime.date(year, 1, rng.randint(15, 28))
            plan.append(
                (
                    self.at(report_day, 10),
                    "committee_report",
                    f"{year - 1}年度居委会工作报告",
                    "一年来，居委会围绕共建共治共享，完成了以下工作……",
                    datetime.date(year - 1, 1, 1),
                    datetime.date(year - 1, 12, 31),
                )
            )
        for meeting in Meeting.objects.filter(community=self.c, kind="joint").order_by("held_at"):
            day = meeting.held_at.astimezone(self.tz).date()
            plan.append(
                (
                    meeting.held_at + 3 * DAY,
                    "meeting_resolution",
                    f"{meeting.title}决议公示",
                    "经联席会议讨论，形成决议如下：一、……二、……",
                    day,
                    day,
                )
            )
        published = []
        for publish, kind, title, body, start, end in sorted(p for p in plan if self.past(p[0])):
            used = sorted(rng.sample(running, rng.randint(1, len(running))))
            published.append(
                services.disclosure_publish(
                    community=self.c,
                    user=self.staff[0] if self.staff else None,
                    data={
                        "kind": kind,
                        "title": title,
                        "body": body,
                        "period_start": start,
                        "period_end": end,
                        "channels": used,
                        "published_at": publish,
                    },
                )
            )
        fees = [d for d in published if d.kind == "property_fee"]
        if len(fees) > 2:
            wrong = fees[1]
            published.append(
                services.disclosure_publish(
                    community=self.c,
                    user=self.staff[0] if self.staff else None,
                    supersedes=wrong,
                    data={
                        "kind": wrong.kind,
                        "title": wrong.title + "（更正）",
                        "body": wrong.body + "（更正：支出项中保洁费金额有误，已修正。）",
                        "period_start": wrong.period_start,
                        "period_end": wrong.period_end,
                        "channels": wrong.channels,
                        "published_at": wrong.published_at + 10 * DAY,
                        "correction_reason": "保洁费支出金额笔误",
                    },
                )
            )
        self.count("disclosures", len(published))

    # surveys -----------------------------------------------------------------------------------

    def surveys(self) -> None:
        for year in (self.start.year, self.start.year + 1):
            for month, title, anonymous in (
                (6, f"{year}年居民满意度调查", True),
                (11, f"{year}年社区事务知晓率调查", False),
            ):
                opens = self.at(datetime.date(year, month, 1), 9)
                if not self.past(opens):
                    continue
                survey = services.survey_save(
                    community=self.c,
                    survey=None,
                    data={
                        "title": title,
                        "opens_at": opens,
                        "closes_at": opens + 21 * DAY,
                        "is_anonymous": anonymous,
                        "scope": "household",
                        "description": "请每户填写一份，感谢您的参与。",
                    },
                    questions=[
                        {"kind": "satisfaction", "text": "您对物业服务的总体满意度"},
                        {"kind": "satisfaction", "text": "您对居委会工作的满意度"},
                        {"kind": "awareness", "text": "您是否知道小区公共收益的公示渠道？"},
                        {"kind": "awareness", "text": "您是否了解本小区的消防应急疏散路线？"},
                        {
                            "kind": "multiple_choice",
                            "text": "您希望社区增加哪些服务？",
                            "choices": ["老年助餐", "托育服务", "充电桩", "快递柜", "健身场地"],
                        },
                        {"kind": "free_text", "text": "其他意见和建议", "is_required": False},
                    ],
                )
                self.answers(survey, opens, min(opens + 21 * DAY, self.now))

    def answers(self, survey: Survey, opens, closes) -> None:
        rng = self.rng
        questions = list(survey.questions.all())
        households = {}
        for person in self.residents:
            households.setdefault(person.household_id, person)
        respondents = rng.sample(
            list(households.values()), int(len(households) * rng.uniform(0.08, 0.15))
        )
        span = max((closes - opens).total_seconds(), 1)
        responses = [
            SurveyResponse(
                community=self.c,
                survey=survey,
                household=None if survey.is_anonymous else p.household,
                user=None if survey.is_anonymous else p.user,
                respondent_key=services.survey_respondent_key(survey, user=p.user, resident=p),
                submitted_at=opens + datetime.timedelta(seconds=rng.uniform(0, span)),
            )
            for p in respondents
        ]
        SurveyResponse.objects.bulk_create(responses, batch_size=2000)
        answers = []
        for response in responses:
            for q in questions:
                if q.kind == "satisfaction":
                    answers.append(
                        SurveyAnswer(
                            community=self.c,
                            response=response,
                            question=q,
                            number=rng.choices([5, 4, 3, 2, 1], [38, 37, 15, 7, 3])[0],
                        )
                    )
                elif q.kind == "awareness":
                    answers.append(
                        SurveyAnswer(
                            community=self.c,
                            response=response,
                            question=q,
                            number=int(rng.random() < 0.78),
                        )
                    )
                elif q.kind == "multiple_choice":
                    answers.append(
                        SurveyAnswer(
                            community=self.c,
                            response=response,
                            question=q,
                            selected=rng.sample(q.choices, rng.randint(1, 3)),
                        )
                    )
                elif rng.random() < 0.15:
                    answers.append(
                        SurveyAnswer(
                            community=self.c,
                            response=response,
                            question=q,
                            text=rng.choice(OPINIONS),
                        )
                    )
        SurveyAnswer.objects.bulk_create(answers, batch_size=5000)
        self.count("survey responses", len(responses))

    # emergency and team ------------------------------------------------------------------------

    def emergency(self) -> None:
        rng = self.rng
        plans = []
        for index, (kind, title) in enumerate(PLANS):
            plan = EmergencyPlan.objects.create(
                community=self.c, kind=kind, title=title, in_force_from=datetime.date(2019, 3, 1)
            )
            plans.append(plan)
            for year in (self.start.year - 1, self.start.year, self.start.year + 1):
                # The last plan is left unrevised for a while: plan currency is not always 100 %.
                if index == len(PLANS) - 1 and year >= self.start.year:
                    continue
                day = datetime.date(year, rng.randint(3, 5), rng.randint(1, 28))
                if self.at(day, 12) <= self.now:
                    EmergencyPlanRevision.objects.create(
                        community=self.c,
                        plan=plan,
                        version=f"{year}版",
                        revised_on=day,
                        summary="根据上年度演练发现的问题更新了联系人和处置流程。",
                    )
        for day in self.days(75, 15):
            held = self.at(day, 9, 30)
            if not self.past(held):
                continue
            plan = rng.choice(plans)
            drill = Drill.objects.create(
                community=self.c,
                plan=plan,
                title=plan.title.replace("应急预案", "演练"),
                held_at=held,
                place=rng.choice(["小区中心广场", "3号楼", "地下车库"]),
                participants=rng.randint(25, 120),
                findings="部分居民对疏散路线不熟悉；个别灭火器压力不足。",
            )
            for text in rng.sample(
                ["更换压力不足的灭火器", "张贴疏散路线图", "补充应急照明", "更新应急联系人名单"], 2
            ):
                due = held + 30 * DAY
                DrillAction.objects.create(
                    community=self.c,
                    drill=drill,
                    description=text,
                    responsible="物业工程部",
                    due_date=due.astimezone(self.tz).date(),
                    done_at=due - 5 * DAY if self.past(due) and rng.random() < 0.9 else None,
                )
            self.count("drills")
        # The community's own buildings (residents.demo ran first): 幸福里一期 3号楼.
        buildings = [
            (b.name, f"{b.compound.name} {b.name}")
            for b in Building.objects.filter(community=self.c)
            .select_related("compound")
            .order_by("compound__name", "pk")
        ] or [("1号楼", "1号楼")]
        for kind, title, (low, high), response, resolve in INCIDENTS:
            for year in (self.start.year, self.start.year + 1):
                for _ in range(rng.randint(low, high)):
                    month = rng.choice([6, 7, 8]) if kind == "flood" else rng.randint(1, 12)
                    reported = self.at(
                        datetime.date(year, month, rng.randint(1, 28)),
                        rng.randint(0, 23),
                        rng.randint(0, 59),
                    )
                    if not self.past(reported):
                        continue
                    first = reported + datetime.timedelta(minutes=rng.randint(*response))
                    resolved = first + datetime.timedelta(hours=rng.uniform(*resolve))
                    building, place = rng.choice(buildings)
                    Incident.objects.create(
                        community=self.c,
                        kind=kind,
                        title=title.format(b=building),
                        place=place,
                        reported_at=reported,
                        first_response_at=first if self.past(first) else None,
                        resolved_at=resolved if self.past(resolved) else None,
                        description="接报后物业值班人员到场处置，居委会跟进。",
                    )
                    self.count("incidents")

    def trainings(self) -> None:
        rng = self.rng
        for day in self.days(45, 10):
            if self.at(day, 17) > self.now:
                continue
            training = Training.objects.create(
                community=self.c,
                topic=rng.choice(TRAININGS),
                held_on=day,
                hours=Decimal(rng.choice(["1.5", "2.0", "3.0"])),
                organiser=rng.choice(["街道办事处", "区应急管理局", "居委会", "物业公司"]),
            )
            people = rng.sample(
                self.staff_users, rng.randint(min(1, len(self.staff_users)), len(self.staff_users))
            )
            TrainingAttendance.objects.bulk_create(
                TrainingAttendance(community=self.c, training=training, user=u) for u in people
            )
            self.count("trainings")


def seed_demo() -> str:
    """Run `seed` for every demo community (seed_demo's generator list); a one-line summary."""
    from community.demo import demo_communities

    return "; ".join(
        seed(community, random.Random(f"records-{community.slug}"))
        for community in demo_communities()
    )
