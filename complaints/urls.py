"""Dispute pages under /c/<slug>/disputes/ and the API under /api/v1/c/<slug>/disputes/."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import SimpleRouter

from community import nav

from . import api, views

P = "c/<slug:slug>/disputes/"
urlpatterns = [
    path(P, views.DisputeList.as_view(), name="dispute-list"),
    path(f"{P}new/", views.DisputeCreate.as_view(), name="dispute-create"),
    path(f"{P}<int:pk>/", views.DisputeDetail.as_view(), name="dispute-detail"),
    path(f"{P}<int:pk>/edit/", views.DisputeEdit.as_view(), name="dispute-edit"),
    path(f"{P}<int:pk>/sessions/new/", views.SessionCreate.as_view(), name="dispute-session"),
    path(f"{P}<int:pk>/conclude/", views.DisputeConclude.as_view(), name="dispute-conclude"),
]

router = SimpleRouter()
router.register("disputes", api.DisputeViewSet, basename="dispute")
api_urlpatterns = router.urls

nav.register(
    "complaints:dispute-list",
    _("Disputes and mediation"),
    resource="dispute",
    section="records",
    icon="people",
    description=_("Neighbour disputes, mediation sessions and their outcome"),
)
