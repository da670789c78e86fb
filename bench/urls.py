"""The product's routes plus the raw-SQL baseline of the complaints list (bench/api.py only)."""

from django.urls import path

from config.urls import urlpatterns as product

from .views import raw_complaints

urlpatterns = [
    path("bench/raw/c/<slug:slug>/complaints/", raw_complaints),
    *product,
]
