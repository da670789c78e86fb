"""Fixtures of the non-ticket figures: a community of their own (Asia/Shanghai, UTC+8, so a
local midnight is 16:00 UTC the day before) and the check of one figure against hand counts."""

import pytest

from tests import factories

from .build import Records


@pytest.fixture
def rec(db) -> Records:
    return Records(factories.CommunityFactory(slug="dimensions", name="指标社区"))


def check(found: dict, key: str, value, numerator=None, denominator=None, n=None, **excluded):
    """found[key] has these value, numerator, denominator, n and excluded counts."""
    assert found[key] == {
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "n": n,
        "excluded": excluded,
        "unit": found[key]["unit"],
    }, key


def rate(found: dict, key: str, numerator: int, denominator: int, **excluded) -> None:
    """A rate: numerator ÷ denominator (None when 0), n = denominator."""
    value = numerator / denominator if denominator else None
    check(found, key, value, numerator, denominator, denominator, **excluded)


def count(found: dict, key: str, value: int, **excluded) -> None:
    check(found, key, value, value, None, value, **excluded)
