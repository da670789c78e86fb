from .review.urls import urlpatterns as review_urlpatterns

urlpatterns: list = [*review_urlpatterns]
api_urlpatterns: list = []
