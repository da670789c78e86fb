"""The four dimensions of the annual review and which figure belongs to which.

Figures come from the metric registry (`reports.metrics.DIMENSIONS`, every module's `LABELS`);
a figure's dimension is read from its key's prefix (METRICS.md, Keys: `tickets.`, `safety.`,
...). tests/review/test_dimensions.py fails when the registry holds a key whose prefix is not
mapped here, so a new figure cannot go missing from the review.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reports import metrics


@dataclass(frozen=True)
class Dimension:
    code: str
    title: str | Promise
    prefixes: tuple[str, ...]
    # Figures drawn as a monthly trend, when the registry has them.
    trends: tuple[str, ...]


DIMENSIONS = (
    Dimension(
        "service",
        _("Service quality and environment"),
        (
            "tickets",
            "complaints",
            "work_orders",
            "environment",
            "facilities",
            "services",
        ),
        (
            "tickets.closure_rate",
            "tickets.satisfaction_rate",
            "tickets.response_minutes.median",
            "environment.garbage_on_time_rate",
        ),
    ),
    Dimension(
        "governance",
        _("Governance and resident participation"),
        ("governance", "participation", "disclosure", "survey"),
        (
            "governance.topic_resolution_rate",
            "participation.activities_count",
            "participation.volunteer_hours",
        ),
    ),
    Dimension(
        "emergency",
        _("Emergency management and risk prevention"),
        ("safety", "emergency"),
        (
            "safety.patrol_completion_rate",
            "emergency.hazard_rectification_rate",
            "emergency.hazard_inspections_count",
        ),
    ),
    Dimension(
        "team",
        _("Team building and technology"),
        ("team", "tech"),
        ("tech.online_submission_rate", "team.training_coverage_rate"),
    ),
)
_BY_PREFIX = {prefix: d for d in DIMENSIONS for prefix in d.prefixes}


def dimension_of(key: str) -> Dimension | None:
    """The dimension of a figure key ("safety.patrol_completion_rate" -> emergency); None when
    its prefix is not mapped."""
    return _BY_PREFIX.get(key.split(".", 1)[0])


def registry_keys() -> list[str]:
    """Every plain (unparametrised) key of the registry, in registry order."""
    return [key for module in metrics.DIMENSIONS.values() for key in module.LABELS]
