"""The API base: every endpoint lives under `/api/v1/c/<slug>/` and is scoped to that community.

`CommunityViewSet` resolves the community through `community.tenancy` before anything else,
checks the permission matrix per HTTP method, and scopes `get_queryset` to the community.
"""

from rest_framework import permissions as drf_permissions
from rest_framework import serializers, viewsets

from .tenancy import method_action, tenancy_resolve


class MatrixPermission(drf_permissions.BasePermission):
    """Resolves the community (404 outside the user's memberships) and checks the matrix.

    The view names its `resource`; POST actions may name another action with
    `@action(..., matrix_action="reveal")` semantics through `view.matrix_action`.
    """

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        view.tenancy = tenancy_resolve(user=request.user, slug=view.kwargs["slug"])
        view.community = view.tenancy.community
        action = getattr(view, "matrix_action", None) or method_action(request.method)
        return view.tenancy.can(view.resource, action)


class CommunityViewSet(viewsets.GenericViewSet):
    """Base of every community-scoped API endpoint. Subclasses set `resource` and `queryset`."""

    resource: str = ""
    permission_classes = [MatrixPermission]

    def get_queryset(self):
        return super().get_queryset().filter(community=self.community)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["community"] = getattr(self, "community", None)
        return context

    def perform_create(self, serializer):
        serializer.save(community=self.community)


class CommunityRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts rows of the request's community.

    Another community's id is refused as "does not exist", never revealed.
    """

    def get_queryset(self):
        return super().get_queryset().filter(community=self.context["community"])
