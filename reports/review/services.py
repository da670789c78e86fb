"""Writes of the annual review: its figures, the sections staff write, the render job and the
finalised versions (METRICS.md, Rules: a finalised PDF never changes; a correction makes a new
version that lists the figures that changed)."""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.models import Community, User
from reports.metrics import Target
from reports.models import AnnualReview, AnnualReviewVersion, MetricValue
from reports.services import metrics_compute_many

from .pdf import review_pdf
from .selectors import (
    ReviewData,
    annual_review_get,
    figure_changes,
    review_data,
    review_periods,
)

logger = logging.getLogger(__name__)
SECTION_MAX_CHARS = 20_000
# A queued or running job not heard from for this long is taken as lost (a worker died).
JOB_STALE = dt.timedelta(minutes=15)
Job = AnnualReview.JobStatus


def review_figures_compute(
    *, community: Community, year: int, as_of: dt.datetime | None = None
) -> dt.datetime:
    """Compute and store the figures of the year, the year before and the year's twelve months
    as of `as_of` (default now), in one `metrics_compute_many` batch. Returns the as_of."""
    period, before, months = review_periods(year)
    as_of = as_of or timezone.now()
    metrics_compute_many(
        targets=[Target(community, p) for p in (period, before, *months)], as_of=as_of
    )
    return as_of


def review_figures_ensure(*, community: Community, year: int) -> bool:
    """Compute the review's figures (review_figures_compute) when any of its periods has none
    stored. Returns True when it computed."""
    period, before, months = review_periods(year)
    wanted = {p.key for p in (period, before, *months)}
    stored = set(
        MetricValue.objects.filter(community=community, period__in=wanted)
        .values_list("period", flat=True)
        .distinct()
    )
    if wanted <= stored:
        return False
    review_figures_compute(community=community, year=year)
    return True


@transaction.atomic
def annual_review_sections_update(
    *, community: Community, year: int, user: User, highlights: str, challenges: str, plans: str
) -> AnnualReview:
    """Save the three sections staff write (plain text, each at most 20,000 characters).

    Raises ValidationError naming the section that is too long; Http404 for a year out of range.
    """
    for name, text in (("highlights", highlights), ("challenges", challenges), ("plans", plans)):
        if len(text) > SECTION_MAX_CHARS:
            raise ValidationError(
                {name: _("At most %(max)s characters.") % {"max": f"{SECTION_MAX_CHARS:,}"}}
            )
    review = _review_locked(community=community, year=year)
    review.highlights, review.challenges, review.plans = highlights, challenges, plans
    review.edited_by = user
    review.save(update_fields=["highlights", "challenges", "plans", "edited_by", "updated_at"])
    return review


def _review_locked(*, community: Community, year: int) -> AnnualReview:
    annual_review_get(community=community, year=year)  # 404 for a year out of range
    review, _created = AnnualReview.objects.select_for_update().get_or_create(
        community=community, year=year
    )
    return review


@transaction.atomic
def annual_review_render_request(
    *, community: Community, year: int, user: User, finalise: bool
) -> AnnualReview:
    """Queue the render job of a review (after commit): recompute the figures as of now, render
    the PDF and store it as the draft, or, with `finalise`, as a new finalised version.

    Raises ValidationError when a job of this review is already queued or running (and was
    heard from within the last 15 minutes).
    """
    from .tasks import annual_review_render_task

    review = _review_locked(community=community, year=year)
    now = timezone.now()
    if review.job_status in (Job.QUEUED, Job.RUNNING) and review.job_updated_at > now - JOB_STALE:
        raise ValidationError(_("This review is already being rendered; wait until it is done."))
    review.job_status, review.job_progress, review.job_error = Job.QUEUED, 0, ""
    review.job_finalise, review.job_requested_by, review.job_updated_at = finalise, user, now
    review.save(
        update_fields=[
            "job_status",
            "job_progress",
            "job_error",
            "job_finalise",
            "job_requested_by",
            "job_updated_at",
            "updated_at",
        ]
    )
    transaction.on_commit(lambda: annual_review_render_task.delay(review.pk))
    return review


def annual_review_render(*, review_id: int) -> AnnualReviewVersion | None:
    """The render job (reports.review.tasks): claims the queued job of review `review_id`
    (a conditional update, so a second delivery does nothing), then recomputes the figures,
    renders the PDF in the requester's language and stores it; progress 0-100 is written to the
    review as it goes, for the status endpoint. Returns the new version when finalising.

    A failure is logged and recorded on the review (status "failed" with the error), not raised.
    """
    claimed = AnnualReview.objects.filter(pk=review_id, job_status=Job.QUEUED).update(
        job_status=Job.RUNNING, job_progress=5, job_updated_at=timezone.now()
    )
    if not claimed:
        return None
    review = AnnualReview.objects.select_related("community", "job_requested_by").get(pk=review_id)
    community, year = review.community, review.year
    try:
        review_figures_compute(community=community, year=year)
        _progress(review_id, 50)
        data = review_data(community=community, year=year, review=review)
        if review.job_finalise:
            annual_review_version_prepare(review=review, data=data)
        _progress(review_id, 60)
        requester = review.job_requested_by
        pdf = review_pdf(data, language=requester.language if requester else settings.LANGUAGE_CODE)
        _progress(review_id, 90)
        with transaction.atomic():
            version = None
            if review.job_finalise:
                version = annual_review_finalise(review=review, pdf=pdf, data=data, user=requester)
            else:
                review.draft_pdf, review.draft_generated_at = pdf, timezone.now()
                review.save(update_fields=["draft_pdf", "draft_generated_at", "updated_at"])
            _progress(review_id, 100, status=Job.DONE)
        return version
    except Exception as error:
        logger.exception("annual review %s of %s: render failed", year, community.slug)
        _progress(review_id, 0, status=Job.FAILED, error=f"{type(error).__name__}: {error}"[:300])
        return None


def _progress(review_id: int, percent: int, *, status: str = Job.RUNNING, error: str = "") -> None:
    AnnualReview.objects.filter(pk=review_id).update(
        job_status=status, job_progress=percent, job_error=error, job_updated_at=timezone.now()
    )


def annual_review_version_prepare(*, review: AnnualReview, data: ReviewData) -> None:
    """Set `data.version` to the number the next finalised version of `review` will take and
    `data.changes` to the figures that differ from the latest version, so the PDF can list
    them (figure_changes)."""
    previous = (
        AnnualReviewVersion.objects.filter(community=review.community, review=review)
        .only("number", "figures")
        .order_by("-number")
        .first()
    )
    data.version = previous.number + 1 if previous else 1
    data.changes = figure_changes(previous.figures["figures"], data.snapshot) if previous else []


@transaction.atomic
def annual_review_finalise(
    *, review: AnnualReview, pdf: bytes, data: ReviewData, user: User | None
) -> AnnualReviewVersion:
    """Freeze `pdf` as version `data.version` of `review` (annual_review_version_prepare):
    its bytes, their SHA-256, the figures snapshot of `data` (the year's stored values, with
    their as_of) and the changed figures `data.changes`. Raises IntegrityError when that
    version number was taken meanwhile."""
    return AnnualReviewVersion.objects.create(
        community=review.community,
        review=review,
        number=data.version,
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        figures={"as_of": data.as_of.isoformat() if data.as_of else None, "figures": data.snapshot},
        changes=data.changes,
        generated_at=timezone.now(),
        finalised_by=user,
    )
