"""API: /api/v1/c/<slug>/notifications/ (CommunityViewSet: 404 outside the caller's
communities). Each member lists, reads and marks only their own notifications."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from community.api import CommunityViewSet
from community.models import Notification

from . import selectors, services


class NotificationSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", default=None, read_only=True)
    link = serializers.SerializerMethodField(help_text="Path of the page it points to, or ''.")

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "ticket",
            "ticket_number",
            "link",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_link(self, notification) -> str:
        return selectors.notification_link(
            notification=notification, slug=self.context["community"].slug
        )


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CommunityViewSet):
    """The caller's notifications in this community, newest first (`?unread=true`: unread
    only). Title and body are plain text. Another member's or community's: 404."""

    resource = "notification"
    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no community
            return Notification.objects.none()
        rows = selectors.notification_list(community=self.community, user=self.request.user)
        if self.request.query_params.get("unread") in ("1", "true"):
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Unread only.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, *args, **kwargs):
        """Mark it read (idempotent: the first read instant is kept)."""
        notification = services.notification_mark_read(notification=self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, *args, **kwargs):
        """Mark every unread notification of the caller in this community read; `marked`:
        how many were unread."""
        marked = services.notifications_mark_all_read(community=self.community, user=request.user)
        return Response({"marked": marked})
