from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import SimpleRouter

from community import nav, permissions

from . import api, views

R = "c/<slug:slug>/registry/"

urlpatterns = [
    path(f"{R}buildings/", views.BuildingListView.as_view(), name="building-list"),
    path(f"{R}buildings/new/", views.BuildingFormView.as_view(), name="building-create"),
    path(f"{R}buildings/<int:pk>/", views.BuildingDetailView.as_view(), name="building-detail"),
    path(f"{R}buildings/<int:pk>/edit/", views.BuildingFormView.as_view(), name="building-edit"),
    path(f"{R}units/", views.UnitListView.as_view(), name="unit-list"),
    path(f"{R}units/new/", views.UnitFormView.as_view(), name="unit-create"),
    path(f"{R}units/<int:pk>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path(f"{R}units/<int:pk>/edit/", views.UnitFormView.as_view(), name="unit-edit"),
    path(f"{R}households/", views.HouseholdListView.as_view(), name="household-list"),
    path(f"{R}households/new/", views.HouseholdFormView.as_view(), name="household-create"),
    path(f"{R}households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path(f"{R}households/<int:pk>/edit/", views.HouseholdFormView.as_view(), name="household-edit"),
    path(
        f"{R}households/<int:household_pk>/residents/new/",
        views.ResidentFormView.as_view(),
        name="resident-create",
    ),
    path(f"{R}residents/", views.ResidentListView.as_view(), name="resident-list"),
    path(f"{R}residents/export/", views.RegisterExportView.as_view(), name="register-export"),
    path(f"{R}residents/<int:pk>/", views.ResidentDetailView.as_view(), name="resident-detail"),
    path(f"{R}residents/<int:pk>/edit/", views.ResidentFormView.as_view(), name="resident-edit"),
    path(
        f"{R}residents/<int:pk>/reveal/", views.ResidentRevealView.as_view(), name="resident-reveal"
    ),
    path(f"{R}import/", views.RegisterImportView.as_view(), name="register-import"),
]

router = SimpleRouter()
router.register("buildings", api.BuildingViewSet, basename="building")
router.register("units", api.UnitViewSet, basename="unit")
router.register("households", api.HouseholdViewSet, basename="household")
router.register("residents", api.ResidentViewSet, basename="resident")
api_urlpatterns = router.urls

for url_name, label, resource, icon, description in (
    ("building-list", _("Buildings"), "building", "building", _("Buildings and their units")),
    ("unit-list", _("Units"), "unit", "door-open", _("Stairwells of each building")),
    ("household-list", _("Households"), "household", "house", _("Dwellings, floor areas")),
    ("resident-list", _("Residents"), "resident", "people", _("Who lives where")),
):
    nav.register(
        f"residents:{url_name}",
        label,
        resource=resource,
        section="registry",
        icon=icon,
        description=description,
    )
nav.register(
    "residents:register-import",
    _("Import register"),
    resource="register_import",
    action=permissions.WRITE,
    section="registry",
    icon="file-earmark-arrow-up",
    description=_("From the Excel or CSV register"),
)
