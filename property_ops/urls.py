"""Pages under /c/<slug>/ops/ and the API under /api/v1/c/<slug>/ of the safety and operations
logs; each list page is registered in the community navigation."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import SimpleRouter

from community import nav

from . import api, views

P = "c/<slug:slug>/ops/"
urlpatterns = [
    path(f"{P}facilities/", views.FacilityList.as_view(), name="facility-list"),
    path(f"{P}facilities/new/", views.FacilityCreate.as_view(), name="facility-create"),
    path(f"{P}facilities/<int:pk>/", views.FacilityDetail.as_view(), name="facility-detail"),
    path(f"{P}facilities/<int:pk>/edit/", views.FacilityEdit.as_view(), name="facility-edit"),
    path(f"{P}facilities/<int:pk>/status/", views.FacilityStatus.as_view(), name="facility-status"),
    path(
        f"{P}facilities/<int:pk>/maintenance/new/",
        views.MaintenanceCreate.as_view(),
        name="maintenance-create",
    ),
    path(f"{P}maintenance/", views.MaintenanceList.as_view(), name="maintenance-list"),
    path(
        f"{P}maintenance/<int:pk>/edit/", views.MaintenanceEdit.as_view(), name="maintenance-edit"
    ),
    path(f"{P}sanitation/", views.SanitationRunList.as_view(), name="sanitation-list"),
    path(f"{P}sanitation/new/", views.SanitationRunCreate.as_view(), name="sanitation-create"),
    path(f"{P}sanitation/<int:pk>/", views.SanitationRunDetail.as_view(), name="sanitation-detail"),
    path(
        f"{P}sanitation/<int:pk>/edit/", views.SanitationRunEdit.as_view(), name="sanitation-edit"
    ),
    path(f"{P}patrols/", views.PatrolRoundList.as_view(), name="patrol-list"),
    path(f"{P}patrols/new/", views.PatrolRoundCreate.as_view(), name="patrol-create"),
    path(f"{P}patrols/<int:pk>/", views.PatrolRoundDetail.as_view(), name="patrol-detail"),
    path(f"{P}patrols/<int:pk>/edit/", views.PatrolRoundEdit.as_view(), name="patrol-edit"),
    path(
        f"{P}patrols/<int:pk>/visits/<int:visit>/",
        views.PatrolVisitRecord.as_view(),
        name="patrol-visit",
    ),
    path(f"{P}hygiene/", views.HygieneInspectionList.as_view(), name="hygiene-list"),
    path(f"{P}hygiene/new/", views.HygieneInspectionCreate.as_view(), name="hygiene-create"),
    path(f"{P}hygiene/<int:pk>/", views.HygieneInspectionDetail.as_view(), name="hygiene-detail"),
    path(f"{P}hygiene/<int:pk>/edit/", views.HygieneInspectionEdit.as_view(), name="hygiene-edit"),
    path(
        f"{P}hazard-inspections/",
        views.HazardInspectionList.as_view(),
        name="hazard-inspection-list",
    ),
    path(
        f"{P}hazard-inspections/new/",
        views.HazardInspectionCreate.as_view(),
        name="hazard-inspection-create",
    ),
    path(
        f"{P}hazard-inspections/<int:pk>/",
        views.HazardInspectionDetail.as_view(),
        name="hazard-inspection-detail",
    ),
    path(
        f"{P}hazard-inspections/<int:pk>/edit/",
        views.HazardInspectionEdit.as_view(),
        name="hazard-inspection-edit",
    ),
    path(f"{P}hazards/", views.HazardList.as_view(), name="hazard-list"),
    path(f"{P}hazards/new/", views.HazardCreate.as_view(), name="hazard-create"),
    path(f"{P}hazards/import/", views.HazardImport.as_view(), name="hazard-import"),
    path(f"{P}hazards/<int:pk>/", views.HazardDetail.as_view(), name="hazard-detail"),
    path(f"{P}hazards/<int:pk>/edit/", views.HazardEdit.as_view(), name="hazard-edit"),
    path(f"{P}hazards/<int:pk>/rectify/", views.HazardRectify.as_view(), name="hazard-rectify"),
    path(
        f"{P}hazards/<int:pk>/reinspect/", views.HazardReinspect.as_view(), name="hazard-reinspect"
    ),
    path(f"{P}hazards/<int:pk>/photo/", views.HazardPhoto.as_view(), name="hazard-photo"),
    path(f"{P}services/", views.ConvenienceServiceList.as_view(), name="service-list"),
    path(f"{P}services/new/", views.ConvenienceServiceCreate.as_view(), name="service-create"),
    path(f"{P}services/<int:pk>/", views.ConvenienceServiceDetail.as_view(), name="service-detail"),
    path(
        f"{P}services/<int:pk>/edit/", views.ConvenienceServiceEdit.as_view(), name="service-edit"
    ),
    path(
        f"{P}services/<int:pk>/uses/new/",
        views.ServiceUseCreate.as_view(),
        name="service-use-create",
    ),
    path(f"{P}service-uses/", views.ServiceUseList.as_view(), name="service-use-list"),
    path(
        f"{P}service-uses/<int:pk>/edit/", views.ServiceUseEdit.as_view(), name="service-use-edit"
    ),
]

router = SimpleRouter()
router.register("facilities", api.FacilityViewSet, basename="facility")
router.register("maintenance-records", api.MaintenanceRecordViewSet, basename="maintenance")
router.register("sanitation-runs", api.SanitationRunViewSet, basename="sanitation-run")
router.register("patrol-rounds", api.PatrolRoundViewSet, basename="patrol-round")
router.register("hygiene-inspections", api.HygieneInspectionViewSet, basename="hygiene-inspection")
router.register("hazard-inspections", api.HazardInspectionViewSet, basename="hazard-inspection")
router.register("hazards", api.HazardViewSet, basename="hazard")
router.register(
    "convenience-services", api.ConvenienceServiceViewSet, basename="convenience-service"
)
router.register("service-uses", api.ServiceUseViewSet, basename="service-use")
api_urlpatterns = router.urls

for url_name, label, resource, icon, description in [
    (
        "facility-list",
        _("Facilities"),
        "facility",
        "tools",
        _("Elevators, fire equipment, lighting: status history and maintenance"),
    ),
    (
        "sanitation-list",
        _("Garbage clearance"),
        "sanitation_run",
        "trash",
        _("Scheduled clearance runs, due and done"),
    ),
    (
        "patrol-list",
        _("Patrol rounds"),
        "patrol_round",
        "shield-check",
        _("Security patrols over planned checkpoints"),
    ),
    (
        "hygiene-list",
        _("Hygiene inspections"),
        "hygiene_inspection",
        "clipboard-check",
        _("Quarterly inspections with score and grade"),
    ),
    (
        "hazard-list",
        _("Hazards"),
        "hazard",
        "exclamation-triangle",
        _("Find, rectify, re-inspect"),
    ),
    (
        "service-list",
        _("Convenience services"),
        "convenience_service",
        "basket",
        _("Services offered, their uses and ratings"),
    ),
]:
    nav.register(
        f"property_ops:{url_name}",
        label,
        resource=resource,
        section="records",
        icon=icon,
        description=description,
    )
