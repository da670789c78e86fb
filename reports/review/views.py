"""Pages of the annual review under /c/<slug>/review/ (resource `annual_review`: governance
readers and the street officer read; committee staff write, render and finalise).

Every view resolves the community through CommunityPageMixin (404 outside the user's
communities, 403 when the role may not) and reads rows of that community only.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from community.tenancy import CommunityPageMixin

from . import selectors, services
from .forms import SectionsForm


class ReviewMixin(CommunityPageMixin):
    resource = "annual_review"

    def review_url(self, name: str = "review", **extra) -> str:
        return reverse(
            f"reports:{name}", kwargs={"slug": self.community.slug, "year": self.year, **extra}
        )

    @property
    def year(self) -> int:
        return self.kwargs["year"]


class ReviewIndex(CommunityPageMixin, View):
    """/c/<slug>/review/ -> the review of last year (in the community's time zone)."""

    resource = "annual_review"

    def get(self, request, slug):
        year = timezone.localdate(timezone=self.community.tz).year - 1
        return redirect("reports:review", slug=slug, year=year)


class ReviewPage(ReviewMixin, TemplateView):
    """The annual review of a year: four dimensions, challenges, staff sections (POST saves
    them), render/finalise actions, the draft and the finalised versions."""

    template_name = "reports/review/page.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        review = selectors.annual_review_get(community=self.community, year=self.year)
        data = selectors.review_data(community=self.community, year=self.year, review=review)
        can_write = self.tenancy.can("annual_review", "write")
        context.update(
            data=data,
            review=review,
            versions=selectors.annual_review_versions(review=review),
            can_write=can_write,
            form=form
            or SectionsForm(
                initial={
                    "highlights": review.highlights,
                    "challenges": review.challenges,
                    "plans": review.plans,
                }
            ),
            year=self.year,
            years=[y for y in (self.year - 1, self.year + 1) if _year_ok(self.community, y)],
            job_running=review.job_status in ("queued", "running"),
        )
        return context

    def render_to_response(self, context, **kwargs):
        with timezone.override(self.community.tz):  # times show in the community's zone
            return super().render_to_response(context, **kwargs).render()

    def post(self, request, slug, year):
        form = SectionsForm(request.POST)
        if form.is_valid():
            try:
                services.annual_review_sections_update(
                    community=self.community, year=year, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field, message)
            else:
                messages.success(request, _("The sections were saved."))
                return redirect(self.review_url() + "#sections")
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _year_ok(community, year: int) -> bool:
    try:
        selectors.review_year_check(community=community, year=year)
    except Http404:
        return False
    return True


class ReviewRender(ReviewMixin, View):
    """POST: queue the render job (draft PDF), or with `finalise` a new finalised version."""

    finalise = False

    def post(self, request, slug, year):
        try:
            services.annual_review_render_request(
                community=self.community, year=year, user=request.user, finalise=self.finalise
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(
                request,
                _("The review is being finalised.")
                if self.finalise
                else _("The review is being rendered."),
            )
        return redirect(self.review_url() + "#job")


class ReviewFinalise(ReviewRender):
    finalise = True


class ReviewStatus(ReviewMixin, View):
    """GET JSON {status, label, progress (0-100), error, finalise, draft_generated_at (ISO or
    null), versions (count)} of the review's render job, polled by the page."""

    def get(self, request, slug, year):
        review = selectors.annual_review_get(community=self.community, year=year)
        return JsonResponse(
            {
                "status": review.job_status,
                "label": str(review.get_job_status_display()),
                "progress": review.job_progress,
                "error": review.job_error,
                "finalise": review.job_finalise,
                "draft_generated_at": review.draft_generated_at.isoformat()
                if review.draft_generated_at
                else None,
                "versions": len(selectors.annual_review_versions(review=review)),
            }
        )


def _pdf(body: bytes, filename: str, sha256: str = "") -> HttpResponse:
    response = HttpResponse(bytes(body), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    if sha256:
        response["ETag"] = f'"{sha256}"'
    return response


class ReviewDraftPdf(ReviewMixin, View):
    """GET the latest draft PDF (404 before the first render)."""

    def get(self, request, slug, year):
        review = selectors.annual_review_get(community=self.community, year=year)
        if not review.draft_pdf:
            raise Http404
        return _pdf(review.draft_pdf, f"annual-review-{slug}-{year}-draft.pdf")


class ReviewVersionPdf(ReviewMixin, View):
    """GET a finalised version's PDF exactly as stored (never re-rendered); ETag its SHA-256."""

    def get(self, request, slug, year, number):
        version = selectors.annual_review_version_get(
            community=self.community, year=year, number=number
        )
        return _pdf(version.pdf, f"annual-review-{slug}-{year}-v{number}.pdf", version.sha256)
