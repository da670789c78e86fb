"""Registry test helpers: ID-card numbers with check characters computed here, independently of
residents.identifiers, and register files built in memory."""

import datetime
import random

import pytest

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
