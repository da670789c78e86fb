from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("me/language/", views.LanguageView.as_view(), name="language"),
    path("c/<slug:slug>/", views.CommunityHomeView.as_view(), name="community-home"),
]
api_urlpatterns: list = []
