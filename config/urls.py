"""Routes. Community pages live under /c/<slug>/, the API under /api/v1/c/<slug>/.

Each app's urls.py holds `urlpatterns` (pages) and `api_urlpatterns` (API), mounted here once.
"""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

APPS = ["community", "residents", "tickets", "complaints", "property_ops", "reports"]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico on pages without a <link rel="icon"> (admin, API).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}img/gongzhi.svg")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
for app in APPS:
    module = import_module(f"{app}.urls")
    urlpatterns += [
        path("", include((module.urlpatterns, app))),
        path("api/v1/c/<slug:slug>/", include((module.api_urlpatterns, f"{app}-api"))),
    ]
