"""Ticket API under /api/v1/c/<slug>/: categories/, complaints/, work-orders/.

Reads and writes follow the permission matrix (resources category, complaint, work_order;
`supervise` uses supervision); rows are narrowed by tickets.selectors (a resident sees their
own tickets, a technician their work orders and the pool). Another community's ticket, or one
the viewer may not see, answers 404 on every endpoint and action. A transition the ticket's
state, the viewer's role or a time limit refuses answers 409 with the translated reason
(tickets.rules), and changes nothing; bad input answers 400 naming the field.
"""

from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from community.api import CommunityViewSet
from config.drf import Pagination

from . import photos, selectors, services
from .filters import TicketFilter
from .models import Category, Ticket, TicketKind, TicketPhoto
from .rules import TransitionNotAllowed
from .serializers import (
    CategorySerializer,
    DispatchSerializer,
    FollowUpSerializer,
    MergeSerializer,
    NoteSerializer,
    RateSerializer,
    SpawnWorkOrderSerializer,
    SuperviseSerializer,
    TicketEventSerializer,
    TicketListSerializer,
    TicketPhotoSerializer,
    TicketSerializer,
    TicketSubmitSerializer,
    TransferSerializer,
)


class ImageRenderer(JSONRenderer):
    """Lets a photo download pass content negotiation when the client accepts only images:
    the image itself is a FileResponse, which no renderer touches; an error (404) is JSON."""

    media_type = "image/*"
    format = "image"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:  # DRF labels the body with this renderer's media type
            response["Content-Type"] = JSONRenderer.media_type
        return super().render(data, None, renderer_context)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not possible now.")
    default_code = "transition_not_allowed"


class CategoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    CommunityViewSet,
):
    """Categories (the responsibility list, 权责清单) with their SLA targets.

    Filters: `kind`, `is_active`. 400 naming the field for bad input (code taken in this
    community, unknown unit); 404 for another community's category.
    """

    resource = "category"
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    filterset_fields = ["kind", "is_active"]
    ordering_fields = ["name", "code", "kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no community
            return Category.objects.none()
        return selectors.category_list(community=self.community)

    def perform_create(self, serializer):
        serializer.instance = services.category_create(
            community=self.community, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.category_update(
            category=serializer.instance, data=serializer.validated_data
        )


class _CountedPaginator(Paginator):
    """A Django paginator told its `count` (no count query)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class TicketPagination(Pagination):
    """The page, plus `counts`: {status: n} over the filtered queue without its status filter.
    The page's `count` is the sum of the counts of the statuses filtered on (all if none), so
    the queue is counted once."""

    def paginate_counted(self, queryset, request, view, *, counts: dict[str, int], statuses):
        self.counts = counts
        count = sum(counts[s] for s in set(statuses or counts))
        self.django_paginator_class = partial(_CountedPaginator, count=count)
        return self.paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["counts"] = self.counts
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["counts"] = {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "example": {"submitted": 3, "in_progress": 5},
        }
        return result


class CommunityFilterBackend(DjangoFilterBackend):
    """Hands the view's community to the FilterSet (local-day date ranges), and the FilterSet
    to the view (`view.filterset`: its counts reuse the same form)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        kwargs["community"] = getattr(view, "community", None)
        return kwargs

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset


def _photos(request) -> list[photos.CleanPhoto]:
    """The `photos` files of a multipart request (up to 6), checked and re-encoded by
    tickets.photos; 400 naming `photos` when one is refused."""
    try:
        return photos.photos_clean(request.FILES.getlist("photos"))
    except DjangoValidationError as exc:
        raise DjangoValidationError({"photos": exc.messages}) from None


class _TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CommunityViewSet):
    """Shared by complaints and work orders; subclasses set `kind` and `resource`."""

    kind: str = ""
    matrix_action = None
    queryset = Ticket.objects.all()
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    pagination_class = TicketPagination
    filter_backends = [CommunityFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no community
            return Ticket.objects.none()
        return selectors.ticket_queue(
            community=self.community,
            user=self.request.user,
            roles=self.tenancy.roles,
            kind=self.kind,
        )

    def get_serializer_class(self):
        return TicketListSerializer if self.action == "list" else TicketSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        tenancy = getattr(self, "tenancy", None)
        context["roles"] = tenancy.roles if tenancy else frozenset()
        return context

    def handle_exception(self, exc):
        if isinstance(exc, TransitionNotAllowed):
            exc = Conflict(exc.message)
        return super().handle_exception(exc)

    def _detail(self, ticket: Ticket, *, code=status.HTTP_200_OK) -> Response:
        fresh = Ticket.objects.select_related(*selectors.ROW_JOINED).get(pk=ticket.pk)
        context = {**self.get_serializer_context(), "single": True}
        return Response(TicketSerializer(fresh, context=context).data, status=code)

    def _act(self, request, service, payload_class=None) -> Response:
        ticket = self.get_object()
        kwargs = {}
        if payload_class is not None:
            payload = payload_class(data=request.data, context=self.get_serializer_context())
            payload.is_valid(raise_exception=True)
            kwargs = payload.validated_data
        ticket = service(ticket=ticket, actor=request.user, **kwargs)
        return self._detail(ticket)

    @extend_schema(responses=TicketSerializer(many=True))
    def list(self, request, *args, **kwargs):
        """The queue, paginated (50 a page, `page_size` up to 200), with `counts` by status.

        Filters: `status` and `channel` (repeatable), `category`, `building`, `assignee`,
        `organisation` (ids), `responsible_party`, `overdue` (true/false), `submitted_from` /
        `submitted_to` (local dates, inclusive), `q` (number, title, description, location),
        `ordering`. A constant number of queries whatever the page size.
        """
        queue = self.filter_queryset(self.get_queryset())
        page = self.paginator.paginate_counted(
            queue.values_list("id", flat=True),
            request,
            self,
            counts=selectors.ticket_status_counts(queryset=self.filterset.without_status),
            statuses=self.filterset.form.cleaned_data["status"],
        )
        data = self.get_serializer(selectors.ticket_rows(list(page)), many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        """One ticket. The assignee of an open work order sees the full contact phone here,
        and each such view is logged (ContactAccessLog)."""
        return self._detail(self.get_object())

    @extend_schema(request=TicketSubmitSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        """Submit a ticket (tickets.services.ticket_submit). 201 with the ticket; a retry with
        the same `idempotency_key` (body or `Idempotency-Key` header) returns the same ticket.
        As multipart, up to 6 `photos` (JPEG, PNG, WebP, 10 MB, 40 megapixels each; stored
        re-encoded without EXIF). 400 naming the field; 409 when the viewer's role may not
        submit this kind."""
        payload = TicketSubmitSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data["idempotency_key"] = data["idempotency_key"] or request.headers.get(
            "Idempotency-Key", ""
        )
        ticket = photos.ticket_submit_with_photos(
            photos=_photos(request),
            community=self.community,
            actor=request.user,
            kind=self.kind,
            **data,
        )
        return self._detail(ticket, code=status.HTTP_201_CREATED)

    @extend_schema(responses=TicketEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, *args, **kwargs):
        """The timeline, oldest first, including the history of tickets merged into this one
        (`ticket_number` tells them apart). A constant number of queries per merge depth."""
        ticket = self.get_object()
        level = selectors.ticket_identity(
            ticket=ticket, user=request.user, roles=self.tenancy.roles, single=False
        )
        events = selectors.ticket_event_list(ticket=ticket)
        context = {
            "hidden": level == selectors.HIDDEN,
            "ticket": ticket,
            "roles": self.tenancy.roles,
        }
        return Response(TicketEventSerializer(events, many=True, context=context).data)

    def _photos_of(self, ticket: Ticket):
        """The ticket's photos, or 404 for a viewer who sees the ticket de-identified (as the
        ticket page: photos can show faces and doors)."""
        level = selectors.ticket_identity(
            ticket=ticket, user=self.request.user, roles=self.tenancy.roles, single=False
        )
        if level == selectors.HIDDEN:
            raise Http404
        return TicketPhoto.objects.filter(community=self.community, ticket=ticket)

    @extend_schema(responses=TicketPhotoSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def photos(self, request, *args, **kwargs):
        """The ticket's photos, oldest first: `event` is null for the intake's photos, else the
        id of the event (a resolution) they were given with; `width`/`height` in pixels,
        `size_bytes` in bytes; `url` downloads the image (the same token). 404 for evaluators
        and owners' committee members, who see tickets de-identified."""
        found = self._photos_of(self.get_object())
        context = self.get_serializer_context()
        return Response(TicketPhotoSerializer(found, many=True, context=context).data)

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo>[0-9]+)",
        pagination_class=None,
        filter_backends=[],
        renderer_classes=[JSONRenderer, ImageRenderer],
    )
    def photo(self, request, *args, photo, **kwargs):
        """One photo's image (JPEG, PNG or WebP, as stored: re-encoded without metadata).
        404 as `photos`, and for a photo of another ticket."""
        found = get_object_or_404(self._photos_of(self.get_object()), pk=photo)
        response = FileResponse(found.file.open("rb"), content_type=found.content_type)
        response["Cache-Control"] = "private, max-age=86400"
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        """submitted -> accepted (staff; a technician takes a pool work order). 409 if not."""
        return self._act(request, services.ticket_accept, NoteSerializer)

    @extend_schema(request=DispatchSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to(self, request, *args, **kwargs):
        """Assign to `assignee` (user id) and/or `organisation` (id): accepted -> dispatched, or
        re-assignment of a dispatched / in-progress ticket."""
        return self._act(request, services.ticket_dispatch, DispatchSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, *args, **kwargs):
        """accepted|dispatched -> in_progress (the work order's assignee)."""
        return self._act(request, services.ticket_start, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, *args, **kwargs):
        """-> resolved, with `note` (required): what was done; as multipart, up to 6 `photos`
        of the result (as for intake)."""
        ticket = self.get_object()
        payload = NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ticket = photos.ticket_resolve_with_photos(
            photos=_photos(request), ticket=ticket, actor=request.user, **payload.validated_data
        )
        return self._detail(ticket)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, *args, **kwargs):
        """resolved -> closed, by the submitter."""
        return self._act(request, services.ticket_confirm, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """resolved|closed -> reopened -> in_progress, by the submitter within 7 days."""
        return self._act(request, services.ticket_reopen, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        """-> rejected (不予受理), with the reason in `note` (required)."""
        return self._act(request, services.ticket_reject, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """-> cancelled, by the submitter, while the ticket is open."""
        return self._act(request, services.ticket_cancel, NoteSerializer)

    @extend_schema(request=TransferSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, *args, **kwargs):
        """Hand-off to another `responsible_party` with the reason in `note` (required)."""
        return self._act(request, services.ticket_transfer, TransferSerializer)

    @extend_schema(request=SuperviseSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], resource="supervision")
    def supervise(self, request, *args, **kwargs):
        """Supervision (督办) by committee staff with its own deadline `due_at` (ISO instant)."""
        return self._act(request, services.ticket_supervise, SuperviseSerializer)

    @extend_schema(request=MergeSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, *args, **kwargs):
        """Merge this ticket into `into` (id): this one becomes duplicate."""
        return self._act(request, services.ticket_merge, MergeSerializer)

    @extend_schema(request=RateSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, *args, **kwargs):
        """`rating` 1-5 and a comment `note`, by the submitter after resolution; changeable
        once within 7 days."""
        return self._act(request, services.ticket_rate, RateSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, *args, **kwargs):
        """Pause the clock while waiting on the submitter; `note` (required) says why."""
        return self._act(request, services.ticket_pause, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, *args, **kwargs):
        """Resume the clock; deadlines move later by the paused time."""
        return self._act(request, services.ticket_resume, NoteSerializer)

    @extend_schema(request=NoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, *args, **kwargs):
        """A message in `note` (required); a staff reply counts as a first response."""
        return self._act(request, services.ticket_reply, NoteSerializer)

    @extend_schema(request=FollowUpSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, *args, **kwargs):
        """A follow-up call (回访): `satisfied` false reopens the ticket."""
        return self._act(request, services.ticket_follow_up, FollowUpSerializer)


class ComplaintViewSet(_TicketViewSet):
    """Complaints (投诉): the queue, intake, timeline and lifecycle actions."""

    resource = "complaint"
    kind = TicketKind.COMPLAINT

    @extend_schema(request=SpawnWorkOrderSerializer, responses={201: TicketSerializer})
    @action(detail=True, methods=["post"], url_path="spawn-work-order")
    def spawn_work_order(self, request, *args, **kwargs):
        """Create a work order linked to this complaint (`category` of kind work_order,
        `description`, optional `title`); 201 with the new work order."""
        complaint = self.get_object()
        payload = SpawnWorkOrderSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        work_order = services.ticket_spawn_work_order(
            ticket=complaint, actor=request.user, **payload.validated_data
        )
        return self._detail(work_order, code=status.HTTP_201_CREATED)


class WorkOrderViewSet(_TicketViewSet):
    """Work orders (工单/报修): the queue, intake, timeline and lifecycle actions."""

    resource = "work_order"
    kind = TicketKind.WORK_ORDER
