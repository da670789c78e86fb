"""API of the community records under /api/v1/c/<slug>/ (CommunityViewSet: 404 outside the
caller's communities, the permission matrix per method, querysets scoped to the community).
Writes go through services; a service's ValidationError answers 400 with field names.
Instants are rendered in the community's timezone."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from community.api import CommunityViewSet, MatrixPermission
from community.models import (
    ActivitySignup,
    DrillAction,
    EmergencyPlanRevision,
    SurveyResponse,
    TrainingAttendance,
)
from tickets.models import Category, TicketKind

from . import filters, importers, selectors, serializers, services

WRITE = "write"


class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    CommunityViewSet,
):
    """Base: list (filters, search `q`, pagination), retrieve, create. Subclasses give
    `resource`, `serializer_class`, `filterset_class`, `records()` (the selector) and
    `save(serializer, instance)` (the service)."""

    ordering_fields: list[str] = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        timezone.activate(self.community.tz)

    def finalize_response(self, request, response, *args, **kwargs):
        timezone.deactivate()
        return super().finalize_response(request, response, *args, **kwargs)

    def records(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no community
            return self.serializer_class.Meta.model.objects.none()
        return self.records()

    def perform_create(self, serializer):
        serializer.instance = self.save(serializer, None)

    def save(self, serializer, instance):
        return services.record_save(
            community=self.community,
            instance=instance or serializer.Meta.model(),
            data=serializer.validated_data,
        )


class EditableRecordViewSet(mixins.UpdateModelMixin, RecordViewSet):
    """A record that may also be changed (PUT, PATCH), through the same service as a create.

    The model fields a request leaves out keep their saved values: the services validate the
    whole record (an end before its start, a capacity below the sign-ups, a taken name), so they
    are handed all of it, and a PATCH of one field never blanks another.
    """

    def perform_update(self, serializer):
        instance = serializer.instance
        stored = {f.name for f in instance._meta.concrete_fields}
        for field in serializer.fields.values():
            if not field.read_only and field.source in stored:
                serializer.validated_data.setdefault(field.source, getattr(instance, field.source))
        serializer.instance = self.save(serializer, instance)


class MeetingViewSet(EditableRecordViewSet):
    """Meetings (joint, owners' committee, residents' forum) with attendance by organisation.
    `attendances` replaces the meeting's attendance list when sent."""

    resource = "meeting"
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter

    def records(self):
        return selectors.meeting_list(community=self.community).prefetch_related(
            Prefetch("attendances", queryset=selectors._attendances()), "topics", "attachments"
        )

    def save(self, serializer, instance):
        data = dict(serializer.validated_data)
        attendances = data.pop("attendances", None)
        if attendances is None:
            attendances = [
                {"organisation": a.organisation, "attendees": a.attendees, "headcount": a.headcount}
                for a in (instance.attendances.all() if instance else [])
            ]
        return services.meeting_save(
            community=self.community,
            meeting=instance,
            data=data,
            attendances=attendances,
            user=self.request.user,
        )


class AgendaTopicViewSet(EditableRecordViewSet):
    """Agenda topics; POST `work-order/` {category, description} turns the decision into a
    work order of the ticket core (201 with the ticket's id, number and status)."""

    resource = "agenda_topic"
    serializer_class = serializers.AgendaTopicSerializer
    filterset_class = filters.AgendaTopicFilter

    def records(self):
        return selectors.agenda_topic_list(community=self.community)

    def save(self, serializer, instance):
        return services.agenda_topic_save(
            community=self.community, topic=instance, data=serializer.validated_data
        )

    @extend_schema(request=serializers.WorkOrderRequestSerializer)
    @action(detail=True, methods=["post"], url_path="work-order")
    def work_order(self, request, slug, pk):
        topic = self.get_object()
        body = serializers.WorkOrderRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        category = Category.objects.filter(
            community=self.community, kind=TicketKind.WORK_ORDER, pk=body.validated_data["category"]
        ).first()
        if category is None:
            raise ValidationError(
                {"category": [_("Choose a work-order category of this community.")]}
            )
        ticket = services.agenda_topic_create_work_order(
            topic=topic,
            user=request.user,
            category=category,
            description=body.validated_data["description"],
        )
        return Response(
            {"id": ticket.pk, "number": ticket.number, "status": ticket.status},
            status=status.HTTP_201_CREATED,
        )


class OpinionViewSet(RecordViewSet):
    """Resident opinions. A resident lists only their own and sends `content`; staff record
    opinions from any channel and POST `decide/` {decision, reason, topic, decided_at}."""

    serializer_class = serializers.OpinionSerializer
    filterset_class = filters.OpinionFilter

    @property
    def resource(self):
        return "agenda_topic" if getattr(self, "action", None) == "decide" else "opinion"

    def records(self):
        roles = self.tenancy.roles
        return selectors.opinion_list(community=self.community, user=self.request.user, roles=roles)

    def save(self, serializer, instance):
        data = dict(serializer.validated_data)
        if not self.tenancy.can("agenda_topic", WRITE):
            data = {"content": data["content"]}
        return services.opinion_submit(community=self.community, user=self.request.user, **data)

    @extend_schema(request=serializers.OpinionDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, slug, pk):
        opinion = self.get_object()
        body = serializers.OpinionDecisionSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        opinion = services.opinion_decide(opinion=opinion, **body.validated_data)
        return Response(self.get_serializer(opinion).data)


class ActivityViewSet(EditableRecordViewSet):
    """Activities. POST `sign-up/` signs the caller up (409-free: 400 when full, closed or
    signed up already); POST `attendance/` {attended: [signup ids], walk_ins: [{name, phone}]}
    takes attendance (staff)."""

    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter

    @property
    def resource(self):
        return "activity_signup" if getattr(self, "action", None) == "sign_up" else "activity"

    def records(self):
        return selectors.activity_list(community=self.community)

    def save(self, serializer, instance):
        activity = services.activity_save(
            community=self.community, activity=instance, data=serializer.validated_data
        )
        return selectors.activity_get(
            community=self.community, user=self.request.user, pk=activity.pk
        )

    @extend_schema(request=None, responses=serializers.ActivitySignupSerializer)
    @action(detail=True, methods=["post"], url_path="sign-up")
    def sign_up(self, request, slug, pk):
        activity = self.get_object()
        signup = services.activity_signup(activity=activity, user=request.user)
        return Response(
            serializers.ActivitySignupSerializer(signup).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=serializers.AttendanceRequestSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, slug, pk):
        activity = self.get_object()
        body = serializers.AttendanceRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.activity_attendance_record(activity=activity, **body.validated_data)
        return Response(self.get_serializer(self.get_object()).data)


class ActivitySignupViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, CommunityViewSet
):
    """Sign-ups (a resident sees their own). DELETE withdraws a sign-up before the activity
    starts."""

    resource = "activity_signup"
    serializer_class = serializers.ActivitySignupSerializer
    filterset_fields = ["activity", "attended"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema: no community
            return ActivitySignup.objects.none()
        return selectors.activity_signup_list(
            community=self.community, user=self.request.user, roles=self.tenancy.roles
        )

    def perform_destroy(self, instance):
        services.activity_signup_withdraw(signup=instance)


class VolunteerTeamViewSet(EditableRecordViewSet):
    resource = "volunteer_hours"
    serializer_class = serializers.VolunteerTeamSerializer
    filterset_class = filters.VolunteerTeamFilter

    def records(self):
        return selectors.volunteer_team_list(community=self.community)

    def save(self, serializer, instance):
        # Read back through the selector for the annotations the list serializer shows.
        team = super().save(serializer, instance)
        return selectors.volunteer_team_get(
            community=self.community, user=self.request.user, pk=team.pk
        )


class VolunteerHoursViewSet(EditableRecordViewSet):
    """Volunteer hours per person per activity (`hours` in hours, 0 < h <= 24)."""

    resource = "volunteer_hours"
    serializer_class = serializers.VolunteerHoursSerializer
    filterset_class = filters.VolunteerHoursFilter

    def records(self):
        return selectors.volunteer_hours_list(community=self.community)

    def save(self, serializer, instance):
        return services.volunteer_hours_log(
            community=self.community, entry=instance, data=serializer.validated_data
        )


class DisclosureChannelViewSet(EditableRecordViewSet):
    """The channels the community runs (channel coverage denominator)."""

    resource = "disclosure"
    serializer_class = serializers.DisclosureChannelSerializer
    filterset_fields = ["channel"]

    def records(self):
        return selectors.disclosure_channel_list(community=self.community)


class DisclosureViewSet(RecordViewSet):
    """Disclosures: every version, hash-chained. POST publishes (multipart `uploads` for
    documents); POST `{id}/correct/` publishes a new version (with `correction_reason`); GET
    `chain/` recomputes the chain ({checked, ok, altered: [ids], broken: [ids]}); POST
    `{id}/object/` {reason} files a resident's objection as a complaint. No PUT/PATCH: a
    published version never changes."""

    serializer_class = serializers.DisclosureSerializer
    filterset_class = filters.DisclosureFilter

    @property
    def resource(self):
        return "complaint" if getattr(self, "action", None) == "object_" else "disclosure"

    def records(self):
        return selectors.disclosure_list(community=self.community)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "community", None) is not None:
            context["chain"] = selectors.disclosure_chain_check(community=self.community)
        return context

    def save(self, serializer, instance, supersedes=None):
        data = dict(serializer.validated_data)
        uploads = data.pop("uploads", [])
        data["channels"] = sorted(data["channels"])
        disclosure = services.disclosure_publish(
            community=self.community,
            user=self.request.user,
            data=data,
            uploads=uploads,
            supersedes=supersedes,
        )
        return selectors.disclosure_get(
            community=self.community, user=self.request.user, pk=disclosure.pk
        )

    @action(detail=True, methods=["post"])
    def correct(self, request, slug, pk):
        previous = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        disclosure = self.save(serializer, None, supersedes=previous)
        return Response(self.get_serializer(disclosure).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"])
    def chain(self, request, slug):
        check = selectors.disclosure_chain_check(community=self.community)
        return Response(
            {
                "checked": check.checked,
                "ok": check.ok,
                "altered": sorted(check.altered),
                "broken": sorted(check.broken),
            }
        )

    @extend_schema(request=serializers.ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path="object")
    def object_(self, request, slug, pk):
        disclosure = get_object_or_404(self.records(), pk=pk)
        body = serializers.ObjectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        objection = services.disclosure_object(
            disclosure=disclosure, user=request.user, reason=body.validated_data["reason"]
        )
        return Response(
            {"id": objection.pk, "complaint": objection.complaint_id},
            status=status.HTTP_201_CREATED,
        )


class SurveyViewSet(EditableRecordViewSet):
    """Surveys with their questions (replaced when sent; refused once answers exist).
    POST `{id}/answer/` {answers: {question id: value}} (residents); GET `{id}/results/`:
    per question `n`, `counts`, `rate` (satisfied 4–5 ÷ n, or yes ÷ n), `mean`."""

    serializer_class = serializers.SurveySerializer
    filterset_class = filters.SurveyFilter

    @property
    def resource(self):
        return (
            "survey_answer" if getattr(self, "action", None) in ("answer", "results") else "survey"
        )

    def records(self):
        return selectors.survey_list(community=self.community).prefetch_related("questions")

    def save(self, serializer, instance):
        data = dict(serializer.validated_data)
        questions = data.pop("questions", None)
        survey = services.survey_save(
            community=self.community, survey=instance, data=data, questions=questions
        )
        return selectors.survey_get(community=self.community, user=self.request.user, pk=survey.pk)

    @extend_schema(request=serializers.SurveyAnswerRequestSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, slug, pk):
        survey = self.get_object()
        body = serializers.SurveyAnswerRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            answers = {int(k): v for k, v in body.validated_data["answers"].items()}
        except ValueError:
            raise ValidationError({"answers": [_("Keys are question ids.")]}) from None
        response = services.survey_answer(survey=survey, user=request.user, answers=answers)
        return Response(
            {"id": response.pk, "submitted_at": response.submitted_at},
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["get"])
    def results(self, request, slug, pk):
        survey = self.get_object()
        return Response(
            {
                "survey": survey.pk,
                "responses": survey.response_count,
                "questions": [
                    {
                        "question": r.question.pk,
                        "kind": r.question.kind,
                        "text": r.question.text,
                        "n": r.n,
                        "counts": r.counts,
                        "numerator": r.numerator,
                        "rate": r.rate,
                        "mean": r.mean,
                        "texts": r.texts,
                    }
                    for r in selectors.survey_results(survey=survey)
                ],
            }
        )


class SurveyResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CommunityViewSet):
    """Survey responses with their answers (staff and evaluators). Evaluators, who may not
    write surveys, get them de-identified: `user` and `household` null."""

    resource = "survey_answer"
    serializer_class = serializers.SurveyResponseSerializer
    queryset = SurveyResponse.objects.prefetch_related("answers").order_by("-submitted_at", "-id")
    filterset_fields = ["survey"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        tenancy = getattr(self, "tenancy", None)
        context["identified"] = tenancy is not None and tenancy.can("survey", WRITE)
        return context


class EmergencyPlanViewSet(EditableRecordViewSet):
    resource = "emergency_plan"
    serializer_class = serializers.EmergencyPlanSerializer
    filterset_class = filters.EmergencyPlanFilter

    def records(self):
        return selectors.emergency_plan_list(community=self.community)

    def save(self, serializer, instance):
        # Read back through the selector for the annotations the list serializer shows.
        plan = super().save(serializer, instance)
        return selectors.emergency_plan_get(
            community=self.community, user=self.request.user, pk=plan.pk
        )


class PlanRevisionViewSet(EditableRecordViewSet):
    """Plan revisions (`document` as multipart)."""

    resource = "emergency_plan"
    serializer_class = serializers.PlanRevisionSerializer
    filterset_fields = ["plan"]

    def records(self):
        return EmergencyPlanRevision.objects.filter(community=self.community).order_by(
            "-revised_on", "-id"
        )


class DrillViewSet(EditableRecordViewSet):
    resource = "drill"
    serializer_class = serializers.DrillSerializer
    filterset_class = filters.DrillFilter

    def records(self):
        return selectors.drill_list(community=self.community)

    def save(self, serializer, instance):
        drill = services.drill_save(
            community=self.community, drill=instance, data=serializer.validated_data
        )
        return selectors.drill_get(community=self.community, user=self.request.user, pk=drill.pk)


class DrillActionViewSet(EditableRecordViewSet):
    """After-action items of drills; set `done_at` to mark one done."""

    resource = "drill"
    serializer_class = serializers.DrillActionSerializer
    filterset_fields = ["drill"]

    def records(self):
        return DrillAction.objects.filter(community=self.community).order_by("drill_id", "id")


class IncidentViewSet(EditableRecordViewSet):
    resource = "incident"
    serializer_class = serializers.IncidentSerializer
    filterset_class = filters.IncidentFilter

    def records(self):
        return selectors.incident_list(community=self.community)

    def save(self, serializer, instance):
        return services.incident_save(
            community=self.community, incident=instance, data=serializer.validated_data
        )


class TrainingViewSet(EditableRecordViewSet):
    """Trainings; `attendee_ids` (write) are users with an active staff membership."""

    resource = "training"
    serializer_class = serializers.TrainingSerializer
    filterset_class = filters.TrainingFilter

    def records(self):
        return selectors.training_list(community=self.community).prefetch_related(
            Prefetch(
                "attendances",
                queryset=TrainingAttendance.objects.only("id", "training_id", "user_id"),
            )
        )

    def save(self, serializer, instance):
        data = dict(serializer.validated_data)
        attendees = data.pop("attendee_ids", None)
        if attendees is None or (instance is not None and "attendee_ids" not in self.request.data):
            attendees = [a.user for a in instance.attendances.all()] if instance else []
        training = services.training_save(
            community=self.community, training=instance, data=data, attendees=attendees
        )
        return selectors.training_get(
            community=self.community, user=self.request.user, pk=training.pk
        )


class RecordImportView(GenericAPIView):
    """POST multipart {file, dry_run (default true)} to `records/import/<what>/` with `what` one
    of activities, volunteer-hours, disclosures. 200 with {rows, ok, committed, created,
    errors: [{row, column, value, reason}]}; 400 when a row is bad (nothing saved) or the file
    is unreadable ({"file": [reason]})."""

    permission_classes = [MatrixPermission]
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = serializers.ImportRequestSerializer

    @property
    def resource(self):
        importer = importers.IMPORTERS.get(self.kwargs.get("what"))
        return importer.resource if importer else "activity"

    @extend_schema(request=serializers.ImportRequestSerializer)
    def post(self, request, slug, what):
        importer = importers.IMPORTERS.get(what)
        if importer is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        body = serializers.ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        try:
            report = importer.run(
                community=self.community,
                source=upload,
                filename=upload.name,
                dry_run=body.validated_data["dry_run"],
                user=request.user,
            )
        except importers.ImportFileError as exc:
            return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {
                "rows": report.rows,
                "ok": report.ok,
                "committed": report.committed,
                "created": report.created,
                "errors": [e.__dict__ for e in report.errors],
            },
            status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST,
        )
