"""Stored metric values (DESIGN.md, Data flow 3): one row per community, period, key and as-of.

Values are computed by `reports.services.metrics_compute` following METRICS.md; the keys are
METRICS.md's "Keys" (see docs/metrics.md).
"""

from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Community, TenantModel


class MetricValue(TenantModel):
    """One figure of one community and period, as of an instant.

    `value` is in `unit` (rates are fractions in [0, 1]; None when the denominator is 0);
    `numerator`, `denominator` and `n` are the exact counts behind it; `excluded` maps a reason
    code to the number of tickets (or records) left out of the figure for that reason.
    """

    # No index of its own: the primary key's leading column serves every lookup by it. No
    # foreign-key constraint in the database either: its trigger checked each of a run's
    # 369,600 rows at commit (2.3 s of a 18.5 s job, bench/metrics.py). The table's one writer,
    # reports.services.metrics_compute_many, makes the same check once per community: it locks
    # the community rows FOR KEY SHARE, as the trigger would, and refuses an id that is not
    # there. A trigger on the community table (migration 0009) does the rest of a foreign key's
    # work, after the community row is gone or while it is locked: deleting a community deletes
    # its values, rows a run committed meanwhile included, and changing its id is refused. So
    # Django leaves them to it (DO_NOTHING): deleting them first would lock rows a run may be
    # about to replace, and the two would wait for each other.
    community = models.ForeignKey(
        Community,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    period = models.CharField(pgettext_lazy("reporting period", "Period"), max_length=7)
    key = models.CharField(_("Metric"), max_length=160)
    as_of = models.DateTimeField(_("As of"))
    value = models.FloatField(pgettext_lazy("metric", "Value"), null=True)
    numerator = models.FloatField(_("Numerator"), null=True)
    denominator = models.FloatField(_("Denominator"), null=True)
    n = models.PositiveIntegerField("n", null=True)
    excluded = models.JSONField(_("Left out"), default=dict)
    unit = models.CharField(pgettext_lazy("unit of measure", "Unit"), max_length=32)
    computed_at = models.DateTimeField(_("Computed at"))
    # Not indexed: nothing looks rows up by it, and a run inserts some 370,000 rows. Both
    # instants have a database default, which the store's COPY leaves to fill them.
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True, db_default=Now())
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True, db_default=Now())

    # The upsert key of metrics_compute (STYLE.md 5: idempotent tasks) is the primary key, the
    # table's one index: in this column order it also serves metric_values_latest (the newest
    # as_of of a community's periods, then its keys). A surrogate id would add a second index
    # and a sequence to each of a run's 369,600 rows (0.4 s of the store, bench/metrics.py).
    pk = models.CompositePrimaryKey("community", "period", "as_of", "key")

    class Meta:
        verbose_name = _("Metric value")
        verbose_name_plural = _("Metric values")

    def __str__(self) -> str:
        return f"{self.key} {self.period} = {self.value}"


class AnnualReview(TenantModel):
    """The annual review (年度工作总结) of a community and year: the sections staff write, and the
    state of its render job (reports/review/). Figures are not stored here: the page reads the
    stored MetricValues; each finalised version keeps its own snapshot."""

    class JobStatus(models.TextChoices):
        IDLE = "idle", _("Not started")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("Year"))
    highlights = models.TextField(_("Highlights of the year"), blank=True)
    challenges = models.TextField(_("Challenges"), blank=True)
    plans = models.TextField(_("Plans for next year"), blank=True)
    edited_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The render job (one at a time per review): progress in percent, 0-100.
    job_status = models.CharField(
        _("Render job"), max_length=8, choices=JobStatus.choices, default=JobStatus.IDLE
    )
    job_progress = models.PositiveSmallIntegerField(default=0)
    job_finalise = models.BooleanField(default=False)
    job_error = models.CharField(max_length=300, blank=True)
    job_requested_by = models.ForeignKey(
        "community.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    job_updated_at = models.DateTimeField(null=True, blank=True)
    # The latest draft PDF (not finalised): replaced by every render.
    draft_pdf = models.BinaryField(null=True, blank=True)
    draft_generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "year"], name="annualreview_year_uniq")
        ]
        verbose_name = _("Annual review")
        verbose_name_plural = _("Annual reviews")

    def __str__(self) -> str:
        return f"{self.year}"


class AnnualReviewVersion(TenantModel):
    """A finalised annual review PDF, frozen: its bytes, their SHA-256 and the figures snapshot
    it was built from. A later finalisation makes version n + 1, whose `changes` lists the
    figures that differ from version n (METRICS.md, Rules: a correction after finalisation)."""

    review = models.ForeignKey(AnnualReview, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Version"))
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField("SHA-256", max_length=64)
    # {"as_of": ISO instant, "figures": {key: {value, numerator, denominator, n, excluded, unit}}}
    figures = models.JSONField(_("Figures"))
    # [{"key", "old", "new"}] against the previous version; empty for version 1.
    changes = models.JSONField(_("Changed figures"), default=list)
    generated_at = models.DateTimeField(_("Generated at"))
    finalised_by = models.ForeignKey(
        "community.User",
        verbose_name=_("Finalised by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["review_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "review", "number"], name="annualreviewversion_uniq"
            )
        ]
        verbose_name = _("Finalised annual review")
        verbose_name_plural = _("Finalised annual reviews")

    def __str__(self) -> str:
        return f"{self.review} v{self.number}"
