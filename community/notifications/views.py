"""Pages: /c/<slug>/notifications/ (the member's own notifications, newest first) and the POST
targets that mark one or all of them read. CommunityPageMixin: 404 outside the member's
communities; every member may read and mark their own."""

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from community.tenancy import CommunityPageMixin

from . import selectors, services

PAGE_SIZE = 50


class NotificationListView(CommunityPageMixin, TemplateView):
    """The list, 50 a page, unread ones marked. A fixed number of queries per page."""

    resource = "notification"
    template_name = "community/notifications/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notifications = selectors.notification_list(
            community=self.community, user=self.request.user
        )
        page = Paginator(notifications, PAGE_SIZE).get_page(self.request.GET.get("page"))
        slug = self.community.slug
        context.update(
            page=page,
            query="",
            rows=[(n, selectors.notification_link(notification=n, slug=slug)) for n in page],
            any_unread=any(n.read_at is None for n in page),
        )
        return context


class NotificationReadView(CommunityPageMixin, View):
    """POST: mark notification `pk` read (404 if it is not the member's), or all of them
    when there is no `pk`; back to the list page the form came from."""

    resource = "notification"
    http_method_names = ["post"]

    def post(self, request, slug, pk=None):
        if pk is None:
            services.notifications_mark_all_read(community=self.community, user=request.user)
        else:
            notification = selectors.notification_get(
                community=self.community, user=request.user, pk=pk
            )
            services.notification_mark_read(notification=notification)
        url = reverse("community:notification-list", kwargs={"slug": slug})
        page = request.POST.get("page", "")
        return redirect(f"{url}?page={page}" if page.isdigit() else url)
