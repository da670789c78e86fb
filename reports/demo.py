"""Demo figures: last year's and this year's figures of the demo communities, computed once,
so the annual review of last year is there to open right after `seed_demo`."""

from django.utils import timezone
from django.utils.translation import gettext

from community.demo import demo_communities

from .metrics import Target
from .models import MetricValue
from .periods import Period
from .services import metrics_compute_many


def seed_demo() -> str:
    """Compute the year, quarter and month figures of last year and this year (to date) for
    every demo community that has none stored yet; a one-line summary."""
    now = timezone.now()
    targets = []
    for community in demo_communities():
        if MetricValue.objects.filter(community=community).exists():
            continue
        this_year = now.astimezone(community.tz).year
        for year in (this_year - 1, this_year):
            periods = [f"{year}"] + [f"{year}-Q{q}" for q in range(1, 5)]
            periods += [f"{year}-{m:02d}" for m in range(1, 13)]
            targets += [Target(community, Period.parse(p)) for p in periods]
    if not targets:
        return gettext("figures already computed")
    metrics_compute_many(targets=targets, as_of=now)
    return gettext("%(n)d community-periods computed") % {"n": len(targets)}
