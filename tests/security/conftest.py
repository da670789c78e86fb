"""Fixtures of the adversarial review: the community records of both sides of the world."""

import pytest

from tests.records.conftest import make_records


@pytest.fixture
def records(world):
    """records.a / records.b: {kind: record} for each community (tests/records/conftest.py)."""

    class Records:
        a = make_records(world.a)
        b = make_records(world.b)

    return Records
