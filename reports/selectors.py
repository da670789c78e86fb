"""Reads of the reports app."""

from django.db.models import Max, Q

from community.models import Community

from .models import MetricValue


def metric_values_latest(
    *, community: Community, periods: list[str]
) -> dict[str, dict[str, MetricValue]]:
    """The stored values of the newest as_of of each period: {period: {key: MetricValue}}.

    Periods never computed are absent. Two queries whatever the number of periods.
    """
    latest = (
        MetricValue.objects.filter(community=community, period__in=periods)
        .values("period")
        .annotate(as_of=Max("as_of"))
    )
    wanted = Q(pk__in=[])
    for row in latest:
        wanted |= Q(period=row["period"], as_of=row["as_of"])
    result: dict[str, dict[str, MetricValue]] = {}
    for value in MetricValue.objects.filter(wanted, community=community):
        result.setdefault(value.period, {})[value.key] = value
    return result
