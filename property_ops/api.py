"""API of the safety and operations logs under /api/v1/c/<slug>/.

Reads and writes follow the permission matrix (resources facility, sanitation_run, patrol_round,
hygiene_inspection, hazard, convenience_service); another community's rows answer 404. Lists are
paginated (50, `page_size` up to 200), filtered by the FilterSets of `filters.py` and ordered by
`ordering_fields`. Naive instants are read in the community's time zone; output carries offsets.
Errors: 400 with the field and the reason.
"""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from community.api import CommunityViewSet
from residents.importer import ImportFileError

from . import selectors, services
from .filters import (
    ConvenienceServiceFilter,
    FacilityFilter,
    HazardFilter,
    HazardInspectionFilter,
    HygieneInspectionFilter,
    MaintenanceRecordFilter,
    PatrolRoundFilter,
    SanitationRunFilter,
    ServiceUseFilter,
)
from .importer import hazard_import
from .models import (
    ConvenienceService,
    Facility,
    Hazard,
    HazardInspection,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    SanitationRun,
    ServiceUse,
)
from .serializers import (
    ConvenienceServiceSerializer,
    FacilityDetailSerializer,
    FacilitySerializer,
    FacilityStatusChangeSerializer,
    HazardDetailSerializer,
    HazardInspectionSerializer,
    HazardSerializer,
    HygieneInspectionSerializer,
    ImportInputSerializer,
    MaintenanceRecordSerializer,
    PatrolRoundSerializer,
    PatrolVisitSerializer,
    RectifyInputSerializer,
    ReinspectInputSerializer,
    SanitationRunSerializer,
    ServiceUseSerializer,
    StatusChangeInputSerializer,
    VisitInputSerializer,
)


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CommunityViewSet,
):
    """List, retrieve, create and update a community record through its selectors and services.

    Subclasses name `list_selector`, `create_service` (called with `community=` and the
    validated fields; override `create_record` when the service takes other keywords),
    `update_service` and `instance_keyword` (`sanitation_run_update(run=...)`), and may name a
    `detail_serializer_class` for retrieve. The community's time zone is active while a request
    is handled, so naive input instants are local to it.
    """

    filter_backends = [DjangoFilterBackend, OrderingFilter]
    detail_serializer_class = None
    instance_keyword = ""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        timezone.activate(self.community.tz)

    def finalize_response(self, request, response, *args, **kwargs):
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no community
            return self.queryset.none()
        return self.list_selector(community=self.community)

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return super().get_serializer_class()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "slug": self.kwargs.get("slug")}

    def create_record(self, data: dict):
        return self.create_service(community=self.community, **data)

    def perform_create(self, serializer):
        obj = self.create_record(dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=obj.pk)

    def perform_update(self, serializer):
        obj = self.update_service(
            **{self.instance_keyword: serializer.instance}, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=obj.pk)


class FacilityViewSet(RecordViewSet):
    """The facilities register (设施台账). `status` is the state now; the retrieve response
    carries `status_changes`, the in-service history that `facilities.integrity_rate` replays
    (facilities in service at period end ÷ registered and not retired at period end).

    Filters: `q` (name, asset code, location), `kind`, `status`, `compound`. Ordering: `name`,
    `kind`, `registered_at`. 400 for a duplicate asset code.
    """

    resource = "facility"
    queryset = Facility.objects.all()
    serializer_class = FacilitySerializer
    detail_serializer_class = FacilityDetailSerializer
    filterset_class = FacilityFilter
    ordering_fields = ["name", "kind", "registered_at"]
    list_selector = staticmethod(selectors.facility_list)
    update_service = staticmethod(services.facility_update)
    instance_keyword = "facility"

    def create_record(self, data):
        return services.facility_create(community=self.community, actor=self.request.user, **data)

    @extend_schema(
        request=StatusChangeInputSerializer, responses={201: FacilityStatusChangeSerializer}
    )
    @action(detail=True, methods=["post"])
    def status(self, request, slug, pk=None):
        """Record a status change: `status` (in_service, out_of_service, retired) from `at` on,
        with an optional `note`. 201 with the change; 400 when `at` is before the registration
        or in the future."""
        facility = self.get_object()
        payload = StatusChangeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        change = services.facility_status_change(
            facility=facility, actor=request.user, **payload.validated_data
        )
        return Response(FacilityStatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class MaintenanceRecordViewSet(RecordViewSet):
    """Maintenance records of facilities: `kind`, `performed_at`, `performed_by`, `cost` (yuan),
    `next_due_on`. Resource `facility`. Filters: `facility`, `kind`, `date_from`/`date_to`
    (local dates of `performed_at`). Ordering: `performed_at`."""

    resource = "facility"
    queryset = MaintenanceRecord.objects.all()
    serializer_class = MaintenanceRecordSerializer
    filterset_class = MaintenanceRecordFilter
    ordering_fields = ["performed_at"]
    list_selector = staticmethod(selectors.maintenance_record_list)
    update_service = staticmethod(services.maintenance_record_update)
    instance_keyword = "record"

    def create_record(self, data):
        return services.maintenance_record_create(**data)


class SanitationRunViewSet(RecordViewSet):
    """Garbage clearance runs (垃圾清运): `due_at`, `done_at` (null until done), `is_on_time`.
    `environment.garbage_on_time_rate` = runs due in the period with `done_at <= due_at` ÷ runs
    due in the period. Filters: `q`, `waste_kind`, `state` (on_time, late, open),
    `date_from`/`date_to` (local dates of `due_at`). Ordering: `due_at`, `done_at`."""

    resource = "sanitation_run"
    queryset = SanitationRun.objects.all()
    serializer_class = SanitationRunSerializer
    filterset_class = SanitationRunFilter
    ordering_fields = ["due_at", "done_at"]
    list_selector = staticmethod(selectors.sanitation_run_list)
    create_service = staticmethod(services.sanitation_run_create)
    update_service = staticmethod(services.sanitation_run_update)
    instance_keyword = "run"


class PatrolRoundViewSet(RecordViewSet):
    """Patrol rounds (安全巡逻) with their planned checkpoint visits. Create with `checkpoints`
    (names); record a visit through `visits/<visit id>/`. `safety.patrol_completion_rate` =
    visits made inside their window ÷ visits planned. Filters: `q` (route, guard, checkpoint),
    `date_from`/`date_to` (local dates of `planned_start`). Ordering: `planned_start`."""

    resource = "patrol_round"
    queryset = PatrolRound.objects.all()
    serializer_class = PatrolRoundSerializer
    filterset_class = PatrolRoundFilter
    ordering_fields = ["planned_start"]
    list_selector = staticmethod(selectors.patrol_round_list)
    create_service = staticmethod(services.patrol_round_create)
    update_service = staticmethod(services.patrol_round_update)
    instance_keyword = "patrol"

    @extend_schema(request=VisitInputSerializer, responses={200: PatrolVisitSerializer})
    @action(detail=True, methods=["post"], url_path=r"visits/(?P<visit_pk>\d+)")
    def visit(self, request, slug, pk=None, visit_pk=None):
        """Record the instant a checkpoint was visited (`visited_at`, null to clear) and a
        `note`. 200 with the visit and its `in_window`; 404 for a visit of another round."""
        visit = selectors.patrol_visit_get(
            community=self.community, user=request.user, patrol=self.get_object(), pk=visit_pk
        )
        payload = VisitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        visit = services.patrol_visit_record(visit=visit, **payload.validated_data)
        return Response(PatrolVisitSerializer(visit).data)


class HygieneInspectionViewSet(RecordViewSet):
    """Quarterly hygiene inspections (卫生检查): `score` out of 100 (one decimal), `grade` (fail,
    pass, good, excellent). Filters: `q`, `grade`, `compound`, `date_from`/`date_to`.
    Ordering: `inspected_on`, `score`."""

    resource = "hygiene_inspection"
    queryset = HygieneInspection.objects.all()
    serializer_class = HygieneInspectionSerializer
    filterset_class = HygieneInspectionFilter
    ordering_fields = ["inspected_on", "score"]
    list_selector = staticmethod(selectors.hygiene_inspection_list)
    create_service = staticmethod(services.hygiene_inspection_create)
    update_service = staticmethod(services.hygiene_inspection_update)
    instance_keyword = "inspection"


class HazardInspectionViewSet(RecordViewSet):
    """Hazard inspection rounds held (隐患排查), with `hazard_count` found. Resource `hazard`.
    `emergency.hazard_inspections_count` counts them by `held_at`. Filters: `q`, `kind`,
    `date_from`/`date_to`. Ordering: `held_at`."""

    resource = "hazard"
    queryset = HazardInspection.objects.all()
    serializer_class = HazardInspectionSerializer
    filterset_class = HazardInspectionFilter
    ordering_fields = ["held_at"]
    list_selector = staticmethod(selectors.hazard_inspection_list)
    create_service = staticmethod(services.hazard_inspection_create)
    update_service = staticmethod(services.hazard_inspection_update)
    instance_keyword = "inspection"


class HazardViewSet(RecordViewSet):
    """Hazard findings (隐患) and their loop: `rectify/`, then `reinspect/` (passed closes it,
    failed reopens it). The retrieve response carries `steps`. Rectification rates count
    hazards found in the period whose last step by `as_of` is a rectification or a passed
    re-inspection. `import/` loads a register file. Filters: `q`, `kind`, `status`,
    `inspection`, `date_from`/`date_to` (local dates of `found_at`). Ordering: `found_at`,
    `rectify_by`."""

    resource = "hazard"
    queryset = Hazard.objects.all()
    serializer_class = HazardSerializer
    detail_serializer_class = HazardDetailSerializer
    filterset_class = HazardFilter
    ordering_fields = ["found_at", "rectify_by"]
    list_selector = staticmethod(selectors.hazard_list)
    create_service = staticmethod(services.hazard_create)
    update_service = staticmethod(services.hazard_update)
    instance_keyword = "hazard"

    @extend_schema(request=RectifyInputSerializer, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def rectify(self, request, slug, pk=None):
        """Record the rectification at `at` (with a `note`). 400 when the hazard is not awaiting
        rectification or `at` is before its previous step."""
        hazard = self.get_object()
        payload = RectifyInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.hazard_rectify(hazard=hazard, actor=request.user, **payload.validated_data)
        return self._detail(pk)

    @extend_schema(request=ReinspectInputSerializer, responses={200: HazardDetailSerializer})
    @action(detail=True, methods=["post"])
    def reinspect(self, request, slug, pk=None):
        """Record the re-inspection at `at`: `passed` true closes the loop, false reopens it.
        400 when the hazard is not rectified or `at` is before the rectification."""
        hazard = self.get_object()
        payload = ReinspectInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.hazard_reinspect(hazard=hazard, actor=request.user, **payload.validated_data)
        return self._detail(pk)

    def _detail(self, pk):
        hazard = selectors.hazard_get(community=self.community, user=self.request.user, pk=pk)
        context = self.get_serializer_context()
        return Response(HazardDetailSerializer(hazard, context=context).data)

    @extend_schema(request={"multipart/form-data": ImportInputSerializer})
    @action(detail=False, methods=["post"], url_path="import")
    def import_file(self, request, slug):
        """Import a hazard register (.xlsx or .csv; UTF-8 with or without BOM, or GBK/GB18030).

        Multipart `file` and `dry_run` (true: check only). 200 with `{"rows", "committed",
        "created": {"hazards", "steps"}, "errors": []}` when every row is good; 400 with the
        same shape and `errors` = [{"row", "column", "value", "reason"}] otherwise, nothing
        saved; 400 `{"file": [reason]}` when the file cannot be read.
        """
        payload = ImportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        try:
            report = hazard_import(
                community=self.community,
                source=upload,
                filename=upload.name,
                dry_run=payload.validated_data["dry_run"],
                actor=request.user,
            )
        except ImportFileError as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        body = {
            "rows": report.rows,
            "committed": report.committed,
            "created": report.created,
            "errors": [e.__dict__ for e in report.errors],
        }
        return Response(body, status=status.HTTP_200_OK if report.ok else 400)


class ConvenienceServiceViewSet(RecordViewSet):
    """Convenience services offered (便民服务) with `use_count`, `rated_count` and
    `satisfied_count` (ratings 4–5). Filters: `q`, `kind`. Ordering: `name`, `started_on`."""

    resource = "convenience_service"
    queryset = ConvenienceService.objects.all()
    serializer_class = ConvenienceServiceSerializer
    filterset_class = ConvenienceServiceFilter
    ordering_fields = ["name", "started_on"]
    list_selector = staticmethod(selectors.convenience_service_list)
    create_service = staticmethod(services.convenience_service_create)
    update_service = staticmethod(services.convenience_service_update)
    instance_keyword = "service"


class ServiceUseViewSet(RecordViewSet):
    """Uses of convenience services, each with an optional household and rating 1–5.
    Resource `convenience_service`; a member reading only as resident gets their household's
    uses only; `household` is null for evaluators and owners' committee members. Filters:
    `service`, `rating`, `date_from`/`date_to`. Ordering: `used_at`, `rating`. 400 when
    `used_at` is outside the days the service ran."""

    resource = "convenience_service"
    queryset = ServiceUse.objects.all()
    serializer_class = ServiceUseSerializer
    filterset_class = ServiceUseFilter
    ordering_fields = ["used_at", "rating"]
    update_service = staticmethod(services.service_use_update)
    instance_keyword = "use"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return selectors.service_use_list(
            community=self.community, user=self.request.user, roles=self.tenancy.roles
        )

    def get_serializer_context(self):
        return {
            **super().get_serializer_context(),
            "households_shown": selectors.service_use_households_shown(self.tenancy.roles),
        }

    def create_record(self, data):
        return services.service_use_create(**data)
