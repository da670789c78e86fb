"""Fixtures of disputes: one dispute in each community of the shared world, between its
household and a neighbour, with one mediation session."""

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints import services
from tests import factories


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def make_dispute(side):
    neighbour = factories.HouseholdFactory(unit=side.unit)
    dispute = services.dispute_create(
        community=side.community,
        actor=side.users["committee_staff"],
        title="楼上漏水纠纷",
        kind="water_leak",
        description="201卫生间漏水至101天花板",
        reported_at=ago(days=20),
        applicants=[side.household],
        respondents=[neighbour],
    )
    services.mediation_session_add(
        dispute=dispute, held_at=ago(days=15), mediator="调解员刘芳", notes="双方同意先请物业检测"
    )
    return dispute


@pytest.fixture
def disputes(world):
    """{"a": dispute, "b": dispute}."""
    return {"a": make_dispute(world.a), "b": make_dispute(world.b)}
