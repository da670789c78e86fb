from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("work-orders", api.WorkOrderViewSet, basename="work-order")

urlpatterns: list = []
api_urlpatterns = router.urls
