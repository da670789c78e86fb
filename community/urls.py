from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("me/language/", views.LanguageView.as_view(), name="language"),
    path("me/api-token/", views.ApiTokenView.as_view(), name="api-token"),
    path("c/<slug:slug>/", views.CommunityHomeView.as_view(), name="community-home"),
]
api_urlpatterns: list = []

# Community records (issue 4): community/records/urls.py.
from .records import urls as records_urls  # noqa: E402

urlpatterns += records_urls.urlpatterns
api_urlpatterns += records_urls.api_urlpatterns

# Notifications (issue 3, item 7): community/notifications/urls.py.
from .notifications import urls as notifications_urls  # noqa: E402

urlpatterns += notifications_urls.urlpatterns
api_urlpatterns += notifications_urls.api_urlpatterns
