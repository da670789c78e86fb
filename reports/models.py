"""Stored metric values (DESIGN.md, Data flow 3): one row per community, period, key and as-of.

Values are computed by `reports.services.metrics_compute` following METRICS.md; the keys are
METRICS.md's "Keys" (see docs/metrics.md).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import TenantModel


class MetricValue(TenantModel):
    """One figure of one community and period, as of an instant.

    `value` is in `unit` (rates are fractions in [0, 1]; None when the denominator is 0);
    `numerator`, `denominator` and `n` are the exact counts behind it; `excluded` maps a reason
    code to the number of tickets (or records) left out of the figure for that reason.
    """

    period = models.CharField(_("Period"), max_length=7)
    key = models.CharField(_("Metric"), max_length=160)
    as_of = models.DateTimeField(_("As of"))
    value = models.FloatField(_("Value"), null=True)
    numerator = models.FloatField(_("Numerator"), null=True)
    denominator = models.FloatField(_("Denominator"), null=True)
    n = models.PositiveIntegerField("n", null=True)
    excluded = models.JSONField(_("Left out"), default=dict)
    unit = models.CharField(_("Unit"), max_length=32)
    computed_at = models.DateTimeField(_("Computed at"))

    class Meta:
        constraints = [
            # The upsert key of metrics_compute (STYLE.md 5: idempotent tasks).
            models.UniqueConstraint(
                fields=["community", "period", "key", "as_of"], name="metricvalue_uniq"
            )
        ]
        indexes = [
            # metric_values_latest: the newest as-of of a community's periods.
            models.Index(fields=["community", "period", "as_of"], name="metricvalue_latest_idx")
        ]
        verbose_name = _("Metric value")
        verbose_name_plural = _("Metric values")

    def __str__(self) -> str:
        return f"{self.key} {self.period} = {self.value}"
