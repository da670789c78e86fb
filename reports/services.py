"""Writes of the reports app: computing and storing metric values (DESIGN.md, Data flow 3)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from community.models import Community

from .metrics import Figure, Target, figures_compute
from .models import MetricValue
from .periods import Period


def metrics_compute(
    *, community: Community, period: Period | str, as_of: datetime | None = None
) -> dict[str, dict]:
    """Compute every registered figure of `community` for `period` as of `as_of` (default now)
    and store them (upsert keyed by community, period, key, as_of).

    Returns {key: {"value", "numerator", "denominator", "n", "excluded", "unit"}}, the keys of
    METRICS.md. Raises ValidationError for a malformed period (see Period.parse).
    """
    if isinstance(period, str):
        period = Period.parse(period)
    target = Target(community, period)
    found = metrics_compute_many(targets=[target], as_of=as_of)[target]
    return {key: figure.as_dict() for key, figure in found.items()}


@transaction.atomic
def metrics_compute_many(
    *, targets: list[Target], as_of: datetime | None = None
) -> dict[Target, dict[str, Figure]]:
    """Compute and store the figures of many (community, period) targets with one set of
    queries per dimension. Idempotent: a second run with the same as_of overwrites the rows."""
    as_of = as_of or timezone.now()
    found = figures_compute(targets=targets, as_of=as_of)
    computed_at = timezone.now()
    rows = [
        MetricValue(
            community=target.community,
            period=target.period.key,
            key=key,
            as_of=as_of,
            computed_at=computed_at,
            **figure.as_dict(),
        )
        for target, figures in found.items()
        for key, figure in figures.items()
    ]
    MetricValue.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["community", "period", "key", "as_of"],
        update_fields=[
            "value",
            "numerator",
            "denominator",
            "n",
            "excluded",
            "unit",
            "computed_at",
            "updated_at",
        ],
    )
    return found


def metrics_recompute_request(*, community: Community, period: Period | str) -> datetime:
    """Queue a recomputation of one community and period as of now (the dashboard's button).

    Returns the as_of instant the values will carry; the task runs after the transaction
    commits. Raises ValidationError for a malformed period.
    """
    from .tasks import metrics_compute_task

    if isinstance(period, str):
        period = Period.parse(period)
    as_of = timezone.now()
    transaction.on_commit(
        lambda: metrics_compute_task.delay(community.pk, period.key, as_of.isoformat())
    )
    return as_of
