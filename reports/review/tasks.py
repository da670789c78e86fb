"""The annual review's render job. Registered with the worker through reports/tasks.py."""

from celery import shared_task

from .services import annual_review_render


@shared_task(name="reports.review.render")
def annual_review_render_task(review_id: int) -> int | None:
    """Render the queued job of review `review_id` (annual_review_render). Idempotent: the job
    is claimed with a conditional update, so a second delivery does nothing. Returns the number
    of the version it finalised, or None (a draft, nothing to do, or a failure recorded on the
    review)."""
    version = annual_review_render(review_id=review_id)
    return version.number if version else None
