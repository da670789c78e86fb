"""Demo housing registry for the demo communities (community/demo.py): buildings, units,
households with floor areas and occupancy, residents with valid Chinese names, mobile numbers
and ID-card numbers (real GB 11643 check characters, stored through residents.identifiers).

Deterministic (one seeded random stream per community, the whole registry generated on every
run) and idempotent (only rows whose natural key is missing are created, in bulk).
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from community.demo import ACCOUNTS, demo_communities
from community.models import Community, Compound, Membership, User

from .identifiers import id_check_character, id_number_protect
from .models import Building, Household, Resident, Unit


@dataclass(frozen=True)
class Layout:
    compound: str
    buildings: int
    units: int
    floors: int
    rooms_per_floor: int
    area_m2: tuple[int, int]  # smallest and largest floor area


LAYOUTS = {
    "xingfuli": (  # 660 + 1,152 + 432 = 2,244 households
        Layout("幸福里一期", 10, 3, 11, 2, (89, 128)),
        Layout("幸福里二期", 8, 2, 18, 4, (60, 144)),
        Layout("幸福里老公房", 12, 3, 6, 2, (42, 68)),
    ),
    "hepingyuan": (  # 192 + 120 = 312 households
        Layout("和平苑", 8, 2, 6, 2, (75, 110)),
        Layout("和平新村", 6, 2, 5, 2, (48, 72)),
    ),
}
VACANCY_RATE = 0.09
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红"
    "建国文辉鹏飞云峰宇欣怡浩然子涵梓萱诗琪雨桐晨阳志"
)
# Household registration areas: Shanghai districts, and a few provinces people move from.
AREA_CODES = (  # noqa: SIM905 (a table reads better as one string)
    "310101 310104 310105 310106 310107 310110 310112 310113 310115 "
    "320102 330106 340104 410105 420106 510107 370102 430104 360102"
).split()
MOBILE_PREFIXES = (
    *range(130, 134),
    *range(135, 140),
    *range(150, 154),
    *range(155, 160),
    *(166, 173, 176, 177),
    *range(180, 184),
    *range(185, 190),
    *(191, 198, 199),
)
TODAY = datetime.date(2026, 1, 1)  # ages are computed from a fixed day: output never drifts


def seed() -> str:
    """Create what is missing of the registry of every demo community; a one-line summary."""
    counts = [_seed_community(community) for community in demo_communities()]
    households = sum(h for h, _ in counts)
    residents = sum(r for _, r in counts)
    return gettext("%(households)s households, %(residents)s residents") % {
        "households": f"{households:,}",
        "residents": f"{residents:,}",
    }


def _seed_community(community: Community) -> tuple[int, int]:
    rng = random.Random(f"gongzhi-demo-{community.slug}")
    compounds = {c.name: c for c in Compound.objects.filter(community=community)}
    buildings, units, households = [], [], []
    for layout in LAYOUTS[community.slug]:
        compound = compounds[layout.compound]
        for b in range(1, layout.buildings + 1):
            buildings.append(
                Building(
                    community=community,
                    compound=compound,
                    name=f"{b}号楼",
                    floors=layout.floors,
                )
            )
    building_ids = _ensure(Building, community, ("compound_id", "name"), buildings)
    for layout in LAYOUTS[community.slug]:
        compound = compounds[layout.compound]
        for b in range(1, layout.buildings + 1):
            building_id = building_ids[(compound.pk, f"{b}号楼")]
            units += [
                Unit(community=community, building_id=building_id, name=f"{u}单元")
                for u in range(1, layout.units + 1)
            ]
    unit_ids = _ensure(Unit, community, ("building_id", "name"), units)
    unit_layouts = []
    for layout in LAYOUTS[community.slug]:
        compound = compounds[layout.compound]
        for b in range(1, layout.buildings + 1):
            building_id = building_ids[(compound.pk, f"{b}号楼")]
            for u in range(1, layout.units + 1):
                unit_layouts.append((unit_ids[(building_id, f"{u}单元")], layout))
    for unit_id, layout in unit_layouts:
        for floor in range(1, layout.floors + 1):
            for room in range(1, layout.rooms_per_floor + 1):
                area = Decimal(rng.randint(layout.area_m2[0] * 100, layout.area_m2[1] * 100))
                vacant = rng.random() < VACANCY_RATE
                households.append(
                    Household(
                        community=community,
                        unit_id=unit_id,
                        room=f"{floor}{room:02d}",
                        floor_area_m2=area / 100,
                        occupancy=Household.Occupancy.VACANT
                        if vacant
                        else Household.Occupancy.OCCUPIED,
                    )
                )
    household_ids = _ensure(Household, community, ("unit_id", "room"), households)
    account = next(a for a in ACCOUNTS if a.role == Membership.Role.RESIDENT)
    account_name = account.full_name if community.slug in account.slugs else None
    residents = _residents(rng, community, households, household_ids, account_name)
    _ensure(Resident, community, ("household_id", "name"), residents, prepare=_protect)
    if account_name:
        # The demo `resident` account is the first registered resident of its community.
        first = residents[0]
        Resident.objects.filter(
            community=community, household_id=first.household_id, name=first.name, user=None
        ).update(user=User.objects.get(username=account.username))
    return len(households), len(residents)


def _residents(rng, community, households, household_ids, first_name) -> list[Resident]:
    """Residents of the occupied households; the very first is called `first_name` if given."""
    residents, used_ids = [], set()
    for household in households:
        if household.occupancy == Household.Occupancy.VACANT:
            continue
        household_id = household_ids[(household.unit_id, household.room)]
        size = rng.choices((1, 2, 3, 4, 5), weights=(15, 35, 30, 15, 5))[0]
        head = Resident.Relation.TENANT if rng.random() < 0.15 else Resident.Relation.OWNER
        surname = rng.choice(SURNAMES)
        names = set()
        for i in range(size):
            age = rng.randint(25, 85) if i == 0 else rng.randint(1, 80)
            name = _name(rng, surname if i != 1 and rng.random() < 0.8 else rng.choice(SURNAMES))
            while name in names:
                name = _name(rng, surname)
            if first_name and not residents:
                name = first_name
            names.add(name)
            resident = Resident(
                community=community,
                household_id=household_id,
                name=name,
                phone=_mobile(rng) if age >= 16 else "",
                relation=head if i == 0 else Resident.Relation.FAMILY,
            )
            resident.id_number = _id_number(rng, age, used_ids)  # plain: only for _protect
            residents.append(resident)
    return residents


def _name(rng: random.Random, surname: str) -> str:
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _mobile(rng: random.Random) -> str:
    return f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def _id_number(rng: random.Random, age: int, used: set[str]) -> str:
    while True:
        born = TODAY - datetime.timedelta(days=age * 365 + rng.randrange(365))
        first17 = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
        number = first17 + id_check_character(first17)
        if number not in used:
            used.add(number)
            return number


def _protect(resident: Resident) -> None:
    protected = id_number_protect(resident.id_number)
    resident.id_number_encrypted = protected.encrypted
    resident.id_number_hash = protected.hash
    resident.id_number_masked = protected.masked


def _ensure(model, community, key, rows, prepare=None) -> dict[tuple, int]:
    """Create the `rows` whose natural `key` (field attnames) is not stored yet, in bulk.

    `prepare(row)` runs on the missing rows only (encryption is the slow part). Returns
    {key values: pk} of every row of `model` in `community`.
    """
    ids = {
        tuple(values[:-1]): values[-1]
        for values in model.objects.filter(community=community).values_list(*key, "pk")
    }
    missing = [row for row in rows if tuple(getattr(row, f) for f in key) not in ids]
    for row in missing:
        if prepare:
            prepare(row)
    model.objects.bulk_create(missing, batch_size=1000)
    ids.update({tuple(getattr(row, f) for f in key): row.pk for row in missing})
    return ids
