"""Disputes and mediation API under /api/v1/c/<slug>/disputes/ (resource `dispute`).

Another community's dispute answers 404. Lists are paginated (50, `page_size` up to 200),
filtered by `filters.DisputeFilter` and ordered by `reported_at` or `concluded_at`. Readers who
may not write (evaluators) get the de-identified record. Errors: 400 naming the field.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from property_ops.api import RecordViewSet

from . import selectors, services
from .filters import DisputeFilter
from .models import Dispute
from .serializers import (
    ConcludeInputSerializer,
    DisputeDetailSerializer,
    DisputeSerializer,
    MediationSessionSerializer,
)


class DisputeViewSet(RecordViewSet):
    """Disputes between households (矛盾纠纷) and their mediation (调解).

    Create/update with `applicants` and `respondents` (household ids). `sessions/` adds a
    mediation session; `conclude/` sets the outcome (agreement, no_agreement, withdrawn,
    referred) and `concluded_at`. `governance.mediation_success_rate` = disputes concluded in
    the period with an agreement ÷ disputes concluded in the period. Filters: `q`, `kind`,
    `state` (open or an outcome), `date_from`/`date_to`.
    """

    resource = "dispute"
    queryset = Dispute.objects.all()
    serializer_class = DisputeSerializer
    detail_serializer_class = DisputeDetailSerializer
    filterset_class = DisputeFilter
    ordering_fields = ["reported_at", "concluded_at"]
    list_selector = staticmethod(selectors.dispute_list)
    update_service = staticmethod(services.dispute_update)
    instance_keyword = "dispute"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        tenancy = getattr(self, "tenancy", None)
        context["identifies"] = tenancy is not None and selectors.identifies(tenancy)
        return context

    def create_record(self, data):
        return services.dispute_create(community=self.community, actor=self.request.user, **data)

    @extend_schema(request=MediationSessionSerializer, responses={201: MediationSessionSerializer})
    @action(detail=True, methods=["post"])
    def sessions(self, request, slug, pk=None):
        """Add a mediation session: `held_at`, `mediator`, `notes`. 201 with the session; 400
        when the dispute has concluded or `held_at` is before the report."""
        dispute = self.get_object()
        payload = MediationSessionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        session = services.mediation_session_add(dispute=dispute, **payload.validated_data)
        return Response(MediationSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConcludeInputSerializer, responses={200: DisputeDetailSerializer})
    @action(detail=True, methods=["post"])
    def conclude(self, request, slug, pk=None):
        """Set or correct the outcome and `concluded_at` (with an `outcome_note`). 200 with the
        dispute; 400 when `concluded_at` is before the report or the last session."""
        dispute = self.get_object()
        payload = ConcludeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.dispute_conclude(dispute=dispute, **payload.validated_data)
        dispute = selectors.dispute_get(community=self.community, user=request.user, pk=pk)
        return Response(
            DisputeDetailSerializer(dispute, context=self.get_serializer_context()).data
        )
