"""Pages of the reports app: the dashboard of a community (/c/<slug>/dashboard/), the records
behind a figure, and the street-office view (/street/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from community import nav

from . import views
from .review.urls import urlpatterns as review_urlpatterns

D = "c/<slug:slug>/dashboard/"
urlpatterns = [
    path(D, views.DashboardView.as_view(), name="dashboard"),
    path(f"{D}records/", views.DashboardRecordsView.as_view(), name="dashboard-records"),
    path(f"{D}recompute/", views.RecomputeView.as_view(), name="dashboard-recompute"),
    path("street/", views.StreetView.as_view(), name="street"),
]
urlpatterns += review_urlpatterns  # the annual review (reports/review/urls.py)
api_urlpatterns: list = []

nav.register(
    "reports:dashboard",
    _("Dashboard"),
    resource="metrics",
    section="figures",
    icon="speedometer2",
    description=_("Figures of the four dimensions, trends, change from last year"),
)
