"""Celery tasks of the reports app. Tasks receive ids and call a service (STYLE.md)."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone

from community.models import Community

from .periods import Period
from .services import metrics_compute


@shared_task
def metrics_compute_task(community_id: int, period: str, as_of: str) -> int:
    """Compute and store the figures of one community and period as of `as_of` (ISO 8601 with
    offset). Idempotent: rows are upserted on (community, period, key, as_of), so a retry or a
    second delivery rewrites the same rows. Returns the number of figures stored."""
    community = Community.objects.get(pk=community_id)
    found = metrics_compute(
        community=community, period=Period.parse(period), as_of=datetime.fromisoformat(as_of)
    )
    return len(found)


@shared_task
def metrics_nightly() -> int:
    """Beat, nightly: queue the current and the previous month (in each community's time zone)
    of every community, all as of the same instant. Returns the number of tasks queued."""
    as_of = timezone.now()
    queued = 0
    for community in Community.objects.only("pk", "timezone"):
        month = Period.month_of(as_of.astimezone(community.tz).date())
        for period in (month.previous(), month):
            metrics_compute_task.delay(community.pk, period.key, as_of.isoformat())
            queued += 1
    return queued


from .review.tasks import annual_review_render_task  # noqa: E402, F401 (registers it with workers)
