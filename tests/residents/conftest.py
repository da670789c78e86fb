"""Registry test helpers: ID-card numbers with check characters computed here, independently of
residents.identifiers, and register files built in memory."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import translation

from residents import services


def check_character(first17: str) -> str:
    """GB 11643-1999 written out from the standard: weights W_i = 2^(i-1) mod 11 counted from
    the right, check digit a1 with (sum + a1) = 1 (mod 11), a1 = 10 written X."""
    total = 0
    for position_from_right, digit in zip(range(18, 1, -1), first17, strict=True):
        total += int(digit) * pow(2, position_from_right - 1, 11)
    a1 = (1 - total) % 11
    return "X" if a1 == 10 else str(a1)


def id_number(region="110105", born=datetime.date(1949, 10, 1), serial=123) -> str:
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + check_character(first17)


def id_numbers(count: int, seed: int = 7) -> list[str]:
    """`count` distinct valid ID-card numbers."""
    rng = random.Random(seed)
    found: set[str] = set()
    while len(found) < count:
        born = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        found.add(id_number(rng.choice(["110105", "310104", "440106"]), born, rng.randrange(1000)))
    return sorted(found)


def mobiles(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    prefixes = ["138", "139", "158", "159", "186", "188"]
    return [f"{rng.choice(prefixes)}{rng.randrange(10**8):08d}" for _ in range(count)]


@pytest.fixture
def known_id():
    """A real-format number whose check character is X (checked in test_identifiers)."""
    return "11010519491231002X"


@pytest.fixture
def identified(world, known_id):
    """world.a.resident with a phone and an ID-card number on record."""
    return services.resident_update(
        resident=world.a.resident, data={"phone": "138 0013 8000", "id_number": known_id}
    )


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded registers land in a per-test directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source form (requests follow the user's language)."""
    with translation.override("en"):
        yield


def populate(side, households: int) -> None:
    """`households` more households (two residents each, with phones and ID numbers) across
    new buildings and units of `side`'s compound, in bulk."""
    from residents.identifiers import id_number_protect
    from residents.models import Building, Household, Resident, Unit

    community, compound = side.community, side.building.compound
    count = -(-households // 10)
    buildings = Building.objects.bulk_create(
        Building(community=community, compound=compound, name=f"{100 + i}号楼")
        for i in range(count)
    )
    units = Unit.objects.bulk_create(
        Unit(community=community, building=b, name="1单元") for b in buildings
    )
    homes = Household.objects.bulk_create(
        Household(community=community, unit=units[i // 10], room=f"{'ABCDEFGHIJ'[i % 10]}01",
                  floor_area_m2=Decimal("80.00"))
        for i in range(households)
    )  # fmt: skip
    ids, phones = id_numbers(2 * households), mobiles(2 * households)
    residents = []
    for i, home in enumerate(homes):
        for j in range(2):
            protected = id_number_protect(ids[2 * i + j])
            residents.append(Resident(
                community=community, household=home, name=f"住户{i}-{j}",
                relation="owner" if j == 0 else "family", phone=f"+86{phones[2 * i + j]}",
                id_number_encrypted=protected.encrypted, id_number_hash=protected.hash,
                id_number_masked=protected.masked,
            ))  # fmt: skip
    Resident.objects.bulk_create(residents)
