"""The project's URLs plus two community pages, for the navigation tests."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def empty(request, slug):
    return HttpResponse()


urlpatterns = [
    *project_urlpatterns,
    path("c/<slug:slug>/figures-test/", empty, name="figures-test"),
    path("c/<slug:slug>/residents-test/", empty, name="residents-test"),
]
