"""Pages of the annual review under /c/<slug>/review/, mounted by reports/urls.py."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from community import nav

from . import views

P = "c/<slug:slug>/review/"
Y = f"{P}<int:year>/"
urlpatterns = [
    path(P, views.ReviewIndex.as_view(), name="review-index"),
    path(Y, views.ReviewPage.as_view(), name="review"),
    path(f"{Y}render/", views.ReviewRender.as_view(), name="review-render"),
    path(f"{Y}finalise/", views.ReviewFinalise.as_view(), name="review-finalise"),
    path(f"{Y}status/", views.ReviewStatus.as_view(), name="review-status"),
    path(f"{Y}pdf/", views.ReviewDraftPdf.as_view(), name="review-pdf"),
    path(f"{Y}v<int:number>.pdf", views.ReviewVersionPdf.as_view(), name="review-version-pdf"),
]

nav.register(
    "reports:review-index",
    _("Annual review"),
    resource="annual_review",
    section="figures",
    icon="journal-richtext",
    description=_("The year across the four dimensions, as a page and a PDF"),
)
