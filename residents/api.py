"""Registry API under /api/v1/c/<slug>/: buildings, units, households, residents.

Reads and writes follow the permission matrix (resources building, unit, household, resident);
another community's rows answer 404. Lists are paginated (50, `page_size` up to 200), filtered
by the declared FilterSet fields and ordered only by `ordering_fields`.
"""

from django.utils.cache import add_never_cache_headers
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from community.api import CommunityViewSet

from . import selectors, services
from .filters import BuildingFilter, HouseholdFilter, ResidentFilter, UnitFilter
from .models import Building, Household, Resident, Unit
from .serializers import (
    BuildingSerializer,
    HouseholdSerializer,
    ResidentSerializer,
    RevealedSerializer,
    RevealSerializer,
    UnitSerializer,
)


class RegistryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CommunityViewSet,
):
    """List, retrieve, create and update through the registry's selectors and services.

    Subclasses name `list_selector`, `get_selector`, `create_service` and `update_service`
    (whose instance keyword is the resource name: `building_update(building=, data=)`).
    """

    filter_backends = [DjangoFilterBackend, OrderingFilter]
    matrix_action: str | None = None  # set per action (reveal); else from the HTTP method

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no community
            return self.queryset.none()
        return self.list_selector(community=self.community)

    def _refetch(self, obj):
        return self.get_selector(community=self.community, user=self.request.user, pk=obj.pk)

    def perform_create(self, serializer):
        obj = self.create_service(community=self.community, **serializer.validated_data)
        serializer.instance = self._refetch(obj)

    def perform_update(self, serializer):
        obj = self.update_service(
            **{self.resource: serializer.instance}, data=serializer.validated_data
        )
        serializer.instance = self._refetch(obj)


class BuildingViewSet(RegistryViewSet):
    """Buildings (楼栋) of the community's compounds, with their number of units.

    Filters: `q` (part of the name), `compound` (id). Ordering: `name`, `compound__name`,
    `unit_count`, `created_at`. Errors: 400 with the field and reason (name taken in the
    compound, compound of another community); 404 for another community's building.
    """

    resource = "building"
    queryset = Building.objects.all()
    serializer_class = BuildingSerializer
    filterset_class = BuildingFilter
    ordering_fields = ["name", "compound__name", "unit_count", "created_at"]
    list_selector = staticmethod(selectors.building_list)
    get_selector = staticmethod(selectors.building_get)
    create_service = staticmethod(services.building_create)
    update_service = staticmethod(services.building_update)


class UnitViewSet(RegistryViewSet):
    """Units (单元) of buildings, with their number of households.

    Filters: `q` (part of the unit or building name), `building` (id). Ordering: `name`,
    `building__name`, `household_count`, `created_at`.
    """

    resource = "unit"
    queryset = Unit.objects.all()
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    ordering_fields = ["name", "building__name", "household_count", "created_at"]
    list_selector = staticmethod(selectors.unit_list)
    get_selector = staticmethod(selectors.unit_get)
    create_service = staticmethod(services.unit_create)
    update_service = staticmethod(services.unit_update)


class HouseholdViewSet(RegistryViewSet):
    """Households (户): room, floor area in m², occupancy, number of registered residents.

    Households at period end are the denominator of the complaint rate (METRICS.md).
    Filters: `q` (room, or part of the building name), `building`, `unit` (ids), `occupancy`.
    Ordering: `room`, `floor_area_m2`, `resident_count`, `created_at`.
    """

    resource = "household"
    queryset = Household.objects.all()
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilter
    ordering_fields = ["room", "floor_area_m2", "resident_count", "created_at"]
    list_selector = staticmethod(selectors.household_list)
    get_selector = staticmethod(selectors.household_get)
    create_service = staticmethod(services.household_create)
    update_service = staticmethod(services.household_update)


class ResidentViewSet(RegistryViewSet):
    """Residents (居民) with masked phone and ID-card number.

    Filters: `q` (part of the name, or the exact phone or ID-card number in any notation),
    `building`, `household` (ids), `relation`. Ordering: `name`, `relation`, `created_at`.
    Errors: 400 naming `phone` or `id_number` with the reason (not a mainland number; wrong
    check character, impossible birth date, 15-digit legacy number; already registered).
    """

    resource = "resident"
    queryset = Resident.objects.all()
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    ordering_fields = ["name", "relation", "created_at"]
    list_selector = staticmethod(selectors.resident_list)
    get_selector = staticmethod(selectors.resident_get)
    create_service = staticmethod(services.resident_create)
    update_service = staticmethod(services.resident_update)

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer})
    @action(detail=True, methods=["post"], matrix_action="reveal")
    def reveal(self, request, slug, pk=None):
        """Show one identifier (`id_number` or `phone`) in full, for a stated reason.

        Needs the matrix action `reveal` of resource `resident` (403 otherwise). Writes an
        IdentityAccessLog row (who, whose, when, why) before answering. 400 when the reason is
        missing or the resident has no such value; 404 for another community's resident.
        """
        resident = self.get_object()
        payload = RevealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        value = services.resident_reveal(resident=resident, actor=request.user, **payload.data)
        response = Response(
            RevealedSerializer({"field": payload.data["field"], "value": value}).data,
            status=status.HTTP_200_OK,
        )
        add_never_cache_headers(response)  # the body holds the identifier in full
        return response
