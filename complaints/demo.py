"""Demo disputes and mediation: the previous calendar year and the current year to date.

    counts = seed(community, random.Random("..."), today=date(2026, 3, 1))

About three disputes a month per community (noise, leaks, parking, pets, ...), each between
two households of the community, with one to three mediation sessions; most end in an
agreement, some without, a few withdrawn or referred; the latest ones are still being
mediated. `seed_demo()` runs it for the demo communities that have no disputes yet.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from community.models import Community
from residents.models import Household

from .models import Dispute, DisputeParty, MediationSession

CASES = {
    Dispute.Kind.NOISE: (
        30,
        [
            ("深夜噪音纠纷", "楼上住户夜间走动、挪动家具声音较大，影响楼下老人休息"),
            ("装修噪音投诉", "邻居周末清晨施工，噪音扰民"),
        ],
    ),
    Dispute.Kind.WATER_LEAK: (
        20,
        [
            ("卫生间漏水纠纷", "楼上卫生间防水层破损，楼下天花板渗水发霉"),
            ("空调冷凝水滴落", "空调外机冷凝水滴落在楼下阳台"),
        ],
    ),
    Dispute.Kind.PARKING: (
        15,
        [
            ("车位占用纠纷", "固定车位多次被邻居车辆占用"),
            ("电动车停放纠纷", "电动车停放在楼道口影响通行"),
        ],
    ),
    Dispute.Kind.PETS: (
        12,
        [
            ("犬只扰民", "邻居家犬只夜间吠叫、未牵绳外出"),
            ("宠物粪便纠纷", "楼道内宠物粪便无人清理"),
        ],
    ),
    Dispute.Kind.NEIGHBOURS: (
        10,
        [
            ("公共走廊堆物纠纷", "邻居在公共走廊堆放鞋柜杂物"),
            ("晾晒纠纷", "楼上晾晒衣物滴水至楼下"),
        ],
    ),
    Dispute.Kind.RENOVATION: (6, [("装修损坏纠纷", "邻居装修时损坏共用墙体")]),
    Dispute.Kind.PROPERTY_SERVICE: (5, [("物业费争议", "业主对公共部位维修分摊费用有异议")]),
    Dispute.Kind.FAMILY: (2, [("赡养纠纷", "兄弟之间就父母赡养费用分担发生争执")]),
}
MEDIATORS = ["王丽（居委会）", "刘芳（人民调解员）", "陈敏（楼栋长）", "赵文（社区民警）"]
SESSION_NOTES = [
    "听取双方陈述，约定现场查看",
    "组织双方面对面协商",
    "请物业到场检测并出具意见",
    "双方初步达成意向，待书面确认",
]
OUTCOME_NOTES = {
    Dispute.Outcome.AGREEMENT: "双方签订调解协议，约定整改及补偿方式",
    Dispute.Outcome.NO_AGREEMENT: "双方分歧较大，未能达成一致，告知可通过诉讼解决",
    Dispute.Outcome.WITHDRAWN: "申请方自行撤回调解申请",
    Dispute.Outcome.REFERRED: "涉及专业鉴定，转街道人民调解委员会处理",
}


def seed(community: Community, rng: random.Random, *, today: date | None = None) -> dict:
    """Fill `community`'s disputes from 1 January of last year to now (or to the end of
    `today`). Needs at least two households (the registry demo runs first); returns
    {model name: rows created}."""
    tz = community.tz
    today = today or timezone.localdate(timezone=tz)
    start = datetime(today.year - 1, 1, 1, tzinfo=tz)
    now = min(timezone.now(), datetime.combine(today, time(23, 59), tzinfo=tz))
    households = list(Household.objects.filter(community=community).values_list("pk", flat=True))
    if len(households) < 2:
        return {}
    disputes, plans = [], []
    kinds = list(CASES)
    moment = start
    while True:
        moment += timedelta(days=rng.expovariate(3 / 30.4))
        if moment > now - timedelta(hours=2):
            break
        reported = moment.replace(hour=rng.randint(8, 18), minute=rng.randrange(60))
        if reported > now:
            break
        kind = rng.choices(kinds, weights=[CASES[k][0] for k in kinds])[0]
        title, text = rng.choice(CASES[kind][1])
        sessions, outcome, concluded = _course(rng, reported, now)
        disputes.append(
            Dispute(
                community=community,
                title=title,
                kind=kind,
                description=text,
                reported_at=reported,
                outcome=outcome,
                concluded_at=concluded,
                outcome_note=OUTCOME_NOTES.get(outcome, ""),
            )
        )
        plans.append((rng.sample(households, 2), sessions))
    disputes = Dispute.objects.bulk_create(disputes)
    parties, sessions = [], []
    for dispute, (pair, held) in zip(disputes, plans, strict=True):
        parties += [
            DisputeParty(
                community=community,
                dispute=dispute,
                household_id=pair[0],
                side=DisputeParty.Side.APPLICANT,
            ),
            DisputeParty(
                community=community,
                dispute=dispute,
                household_id=pair[1],
                side=DisputeParty.Side.RESPONDENT,
            ),
        ]
        sessions += [
            MediationSession(
                community=community,
                dispute=dispute,
                held_at=at,
                mediator=rng.choice(MEDIATORS),
                notes=rng.choice(SESSION_NOTES),
            )
            for at in held
        ]
    DisputeParty.objects.bulk_create(parties)
    MediationSession.objects.bulk_create(sessions)
    return {
        "dispute": len(disputes),
        "disputeparty": len(parties),
        "mediationsession": len(sessions),
    }


def _course(rng, reported, now) -> tuple[list[datetime], str, datetime | None]:
    """Sessions held by now, and the outcome and its instant (empty while still running)."""
    sessions, moment = [], reported
    for _ in range(rng.choices((1, 2, 3), weights=(50, 35, 15))[0]):
        moment += timedelta(days=rng.uniform(1, 10))
        if moment > now:
            return sessions, "", None
        sessions.append(moment)
    concluded = moment + timedelta(hours=rng.uniform(1, 72))
    if concluded > now:
        return sessions, "", None
    outcome = rng.choices(list(OUTCOME_NOTES), weights=(72, 12, 9, 7))[0]
    return sessions, outcome, concluded


def seed_demo() -> str:
    """Run `seed` for every demo community without disputes yet; a one-line summary."""
    from community.demo import demo_communities

    total = 0
    for community in demo_communities():
        if not Dispute.objects.filter(community=community).exists():
            total += seed(community, random.Random(f"disputes-{community.slug}")).get("dispute", 0)
    return gettext("%(n)s disputes") % {"n": f"{total:,}"}
