"""The dispute demo generator fills last year and this year to date consistently."""

import random
from datetime import date, datetime

from django.db.models import Count, Max, Min

from complaints.demo import seed
from complaints.models import Dispute
from tests import factories


def test_seed_fills_the_period_with_consistent_disputes(world):
    community = world.a.community
    factories.HouseholdFactory(unit=world.a.unit)
    counts = seed(community, random.Random(3), today=date(2025, 6, 30))
    tz = community.tz
    disputes = Dispute.objects.filter(community=community)
    assert counts["dispute"] == disputes.count()
    assert 35 <= disputes.count() <= 75  # about three a month over 18 months
    span = disputes.aggregate(first=Min("reported_at"), last=Max("reported_at"))
    assert span["first"] >= datetime(2024, 1, 1, tzinfo=tz)
    assert span["last"] <= datetime(2025, 6, 30, 23, 59, tzinfo=tz)
    concluded = disputes.exclude(outcome="")
    agreed = concluded.filter(outcome="agreement").count()
    assert 0.55 < agreed / concluded.count() < 0.9
    assert disputes.filter(outcome="").exists()  # the latest are still being mediated
    for dispute in disputes.annotate(n=Count("parties")).prefetch_related("sessions"):
        assert dispute.n == 2
        held = [s.held_at for s in dispute.sessions.all()]
        assert all(dispute.reported_at <= at for at in held)
        if dispute.concluded_at:
            assert held and dispute.concluded_at >= max(held)
    assert not Dispute.objects.filter(community=world.b.community).exists()
