"""Ticket pages under /c/<slug>/ (complaints/, work-orders/, my/tickets/) and the ticket API
under /api/v1/c/<slug>/ (categories/, complaints/, work-orders/)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from rest_framework.routers import SimpleRouter

from community import nav, permissions

from . import api, views
from .models import TicketKind

router = SimpleRouter()
router.register("categories", api.CategoryViewSet, basename="category")
router.register("complaints", api.ComplaintViewSet, basename="complaint")
router.register("work-orders", api.WorkOrderViewSet, basename="work-order")


def _pages(kind: str) -> list:
    name, resource = views.URL_PREFIX[kind], views.RESOURCE[kind]
    prefix = f"c/<slug:slug>/{name}s/"
    options = {"kind": kind, "resource": resource}
    return [
        path(prefix, views.TicketListView.as_view(**options), name=f"{name}-list"),
        path(f"{prefix}new/", views.TicketSubmitView.as_view(**options), name=f"{name}-new"),
        path(
            f"{prefix}<int:pk>/", views.TicketDetailView.as_view(**options), name=f"{name}-detail"
        ),
        path(
            f"{prefix}<int:pk>/photos/<int:photo>/",
            views.TicketPhotoView.as_view(**options),
            name=f"{name}-photo",
        ),
        path(
            f"{prefix}<int:pk>/<slug:action>/",
            views.TicketActionView.as_view(**options),
            name=f"{name}-action",
        ),
    ]


urlpatterns = [
    *_pages(TicketKind.COMPLAINT),
    *_pages(TicketKind.WORK_ORDER),
    path("c/<slug:slug>/my/tickets/", views.MyTicketsView.as_view(), name="my-tickets"),
]
api_urlpatterns = router.urls

W = permissions.WRITE
nav.register(
    "tickets:my-tickets",
    _("My requests"),
    resource="complaint",
    action=W,
    section="tickets",
    icon="person-lines-fill",
)
nav.register(
    "tickets:complaint-new",
    _("Submit a complaint"),
    resource="complaint",
    action=W,
    section="tickets",
    icon="chat-left-text",
)
nav.register(
    "tickets:work-order-new",
    _("Report a repair"),
    resource="work_order",
    action=W,
    section="tickets",
    icon="wrench",
)
nav.register(
    "tickets:complaint-list",
    _("Complaints"),
    resource="complaint",
    section="tickets",
    icon="megaphone",
    description=_("The complaints queue: dispatch, supervise, resolve"),
)
nav.register(
    "tickets:work-order-list",
    _("Work orders"),
    resource="work_order",
    section="tickets",
    icon="tools",
    description=_("Repair requests and work orders: dispatch and follow to done"),
)
