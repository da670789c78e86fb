"""Routes of the notifications, mounted by community/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, views

P = "c/<slug:slug>/notifications/"
urlpatterns = [
    path(P, views.NotificationListView.as_view(), name="notification-list"),
    path(f"{P}read/", views.NotificationReadView.as_view(), name="notification-read-all"),
    path(f"{P}<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
]

router = SimpleRouter()
router.register("notifications", api.NotificationViewSet, basename="notification")
api_urlpatterns = router.urls
