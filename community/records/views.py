"""Pages of the community records under /c/<slug>/…, plus the public disclosure page
/p/<slug>/disclosures/ (no login).

Every page resolves its community through CommunityPageMixin (404 outside the viewer's
communities, 403 when the matrix refuses), shows times in the community's timezone, reads through
selectors and writes through services. Form pages need the write action for GET too.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from community import permissions
from community.models import (
    Community,
    Disclosure,
    DisclosureDocument,
    DrillAction,
    EmergencyPlan,
    EmergencyPlanRevision,
    MeetingAttachment,
    Training,
    VolunteerHours,
    VolunteerTeam,
)
from community.tenancy import CommunityPageMixin
from community.validators import record_upload_check

from . import filters, forms, importers, selectors, services

READ, WRITE = permissions.READ, permissions.WRITE


def when(value) -> str:
    """A local date or instant for display ("—" when empty)."""
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    return formats.date_format(value, "Y-m-d")


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field when the form has that field."""
    for field, messages_ in (
        error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    ).items():
        form.add_error(field if field in form.fields else None, messages_)


class LocalTimeMixin:
    """Runs the page in the community's timezone: posted times are read in it and shown in it
    (mixed in after CommunityPageMixin, so the community is known)."""

    def dispatch(self, request, *args, **kwargs):
        with timezone.override(self.community.tz):
            return super().dispatch(request, *args, **kwargs)

    def render_to_response(self, context, **kwargs):
        # Rendered now, while the community's timezone is active.
        return super().render_to_response(context, **kwargs).render()


class RecordPage(CommunityPageMixin, LocalTimeMixin):
    """Base of the records pages."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_write"] = self.tenancy.can(self.resource, WRITE)
        return context

    def url(self, name: str, *args) -> str:
        return reverse(f"community:{name}", args=[self.community.slug, *args])


# --- generic list, detail and form pages ------------------------------------------------------


class RecordListView(RecordPage, TemplateView):
    """A filtered, searched, paginated list. Subclasses give `title`, `filterset_class`,
    `kind` (URL name prefix), `columns` [(label, function of a row)] and `queryset()`."""

    template_name = "community/records/list.html"
    paginate_by = 25
    title = ""
    kind = ""
    filterset_class = None
    columns: list = []
    create_label = gettext_lazy("New")

    def queryset(self):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset_class(
            self.request.GET, queryset=self.queryset(), request=self.request
        )
        page = Paginator(filterset.qs, self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            title=self.title,
            filter=filterset,
            page=page,
            query=query.urlencode(),
            headers=[label for label, _f in self.columns],
            rows=[
                (self.url(f"{self.kind}-detail", obj.pk), [f(obj) for _l, f in self.columns])
                for obj in page
            ],
            create_url=self.url(f"{self.kind}-create") if self.can_create() else None,
            create_label=self.create_label,
            extra_links=self.extra_links(),
        )
        return context

    def can_create(self) -> bool:
        return self.tenancy.can(self.resource, WRITE)

    def extra_links(self) -> list[tuple[str, str]]:
        return []


class RecordDetailView(RecordPage, TemplateView):
    """One record: `fields(obj)` -> [(label, value)] and an optional template of extras."""

    template_name = "community/records/detail.html"
    kind = ""

    def get_object(self):
        raise NotImplementedError

    def fields(self, obj) -> list:
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object = self.get_object()
        context.update(
            object=obj,
            title=str(obj),
            fields=self.fields(obj),
            list_url=self.url(f"{self.kind}-list"),
            edit_url=self.url(f"{self.kind}-edit", obj.pk) if self.can_edit(obj) else None,
        )
        return context

    def can_edit(self, obj) -> bool:
        return self.tenancy.can(self.resource, WRITE)


class RecordFormView(RecordPage, TemplateView):
    """A create or edit page: a main form plus optional formsets; on valid input `save()` calls
    a service, whose ValidationError is shown on the form and nothing is saved."""

    template_name = "community/records/form.html"
    form_class = None
    formset_classes: dict = {}
    kind = ""
    title = ""

    def get_object(self):
        return None

    def form_kwargs(self) -> dict:
        kwargs = {"community": self.community}
        if self.object is not None and issubclass(self.form_class, forms.CommunityModelForm):
            kwargs["instance"] = self.object
        return kwargs

    def build(self, data=None, files=None):
        form = self.form_class(data, files, **self.form_kwargs())
        formsets = {
            name: cls(data, files, prefix=name, community=self.community)
            for name, cls in self.formset_classes.items()
        }
        return form, formsets

    def get(self, request, *args, **kwargs):
        if not self.tenancy.can(self.resource, self.action_for_post):
            raise PermissionDenied
        self.object = self.get_object()
        form, formsets = self.build()
        return self.render_to_response(self.get_context_data(form=form, formsets=formsets))

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form, formsets = self.build(request.POST, request.FILES)
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            try:
                saved = self.save(form, formsets)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(self.success_url(saved))
        return self.render_to_response(
            self.get_context_data(form=form, formsets=formsets), status=400
        )

    def save(self, form, formsets):
        raise NotImplementedError

    def success_url(self, saved) -> str:
        return self.url(f"{self.kind}-detail", saved.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            object=self.object,
            back_url=self.url(f"{self.kind}-detail", self.object.pk)
            if self.object is not None
            else self.url(f"{self.kind}-list"),
        )
        return context


class RecordActionView(RecordPage, View):
    """A POST-only action (sign up, withdraw, mark done): runs `act()`, shows its
    ValidationError as a message, and returns to `next_url()`."""

    success_message = gettext_lazy("Done.")

    def post(self, request, *args, **kwargs):
        try:
            self.act()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.next_url())


def file_response(field_file, name: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=name)


# --- meetings and topics ----------------------------------------------------------------------


class MeetingList(RecordListView):
    resource, kind, title = "meeting", "meeting", gettext_lazy("Meetings")
    filterset_class = filters.MeetingFilter
    columns = [
        (gettext_lazy("Title"), lambda m: m.title),
        (gettext_lazy("Kind"), lambda m: m.get_kind_display()),
        (gettext_lazy("Held at"), lambda m: when(m.held_at)),
        (gettext_lazy("Topics"), lambda m: m.topic_count),
    ]

    def queryset(self):
        return selectors.meeting_list(community=self.community)


class MeetingDetail(RecordDetailView):
    resource = kind = "meeting"
    template_name = "community/records/meeting_detail.html"

    def get_object(self):
        return selectors.meeting_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, m):
        return [
            (_("Kind"), m.get_kind_display()),
            (_("Held at"), when(m.held_at)),
            (_("Place"), m.place or "—"),
            (_("Resident representatives"), "、".join(m.representative_names) or "—"),
        ]


class MeetingForm(RecordFormView):
    resource = kind = "meeting"
    form_class = forms.MeetingForm
    title = gettext_lazy("Meeting")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.meeting_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    @property
    def formset_classes(self):
        sets = {"attendance": forms.AttendanceFormSet}
        if self.object is None:
            sets["topics"] = forms.NewTopicFormSet
        return sets

    def build(self, data=None, files=None):
        form, formsets = super().build(data, files)
        if data is None and self.object is not None:
            formsets["attendance"] = forms.AttendanceFormSet(
                prefix="attendance",
                community=self.community,
                initial=[
                    {
                        "organisation": a.organisation,
                        "attendees": a.attendees,
                        "headcount": a.headcount,
                    }
                    for a in self.object.attendances.all()
                ],
            )
        return form, formsets

    def save(self, form, formsets):
        from django.db import transaction

        with transaction.atomic():
            meeting = services.meeting_save(
                community=self.community,
                meeting=self.object,
                data=form.data_for_service(),
                attendances=formsets["attendance"].rows(),
                user=self.request.user,
            )
            for row in formsets.get("topics").rows() if "topics" in formsets else []:
                services.agenda_topic_save(
                    community=self.community,
                    topic=None,
                    data={**row, "meeting": meeting, "raised_at": meeting.held_at},
                )
            if form.cleaned_data.get("attachment"):
                services.meeting_attachment_add(
                    meeting=meeting, upload=form.cleaned_data["attachment"]
                )
        return meeting


class MeetingAttachmentDownload(RecordPage, View):
    resource = "meeting"

    def get(self, request, slug, pk):
        attachment = get_object_or_404(MeetingAttachment, community=self.community, pk=pk)
        return file_response(attachment.file, attachment.name)


class AgendaTopicList(RecordListView):
    resource, kind, title = "agenda_topic", "agenda-topic", gettext_lazy("Agenda topics")
    filterset_class = filters.AgendaTopicFilter
    columns = [
        (gettext_lazy("Title"), lambda t: t.title),
        (gettext_lazy("Status"), lambda t: t.get_status_display()),
        (gettext_lazy("Source"), lambda t: t.get_source_display()),
        (gettext_lazy("Responsible organisation"), lambda t: t.responsible_organisation or "—"),
        (gettext_lazy("Raised at"), lambda t: when(t.raised_at)),
        (gettext_lazy("Due date"), lambda t: when(t.due_date)),
    ]

    def queryset(self):
        return selectors.agenda_topic_list(community=self.community)


class AgendaTopicDetail(RecordDetailView):
    resource, kind = "agenda_topic", "agenda-topic"
    template_name = "community/records/topic_detail.html"

    def get_object(self):
        return selectors.agenda_topic_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, t):
        meeting = (
            format_html('<a href="{}">{}</a>', self.url("meeting-detail", t.meeting_id), t.meeting)
            if t.meeting_id
            else "—"
        )
        return [
            (_("Status"), t.get_status_display()),
            (_("Meeting"), meeting),
            (_("Source"), t.get_source_display()),
            (_("Responsible organisation"), t.responsible_organisation or "—"),
            (_("Raised at"), when(t.raised_at)),
            (_("Due date"), when(t.due_date)),
            (_("Resolved at"), when(t.resolved_at)),
            (_("Description"), t.description or "—"),
            (_("Decision"), t.decision or "—"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["can_write"] and not self.object.work_order_id:
            context["work_order_form"] = forms.WorkOrderForm(community=self.community)
        return context


class AgendaTopicForm(RecordFormView):
    resource, kind = "agenda_topic", "agenda-topic"
    form_class = forms.AgendaTopicForm
    title = gettext_lazy("Agenda topic")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.agenda_topic_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    def form_kwargs(self):
        kwargs = super().form_kwargs()
        if self.object is None:
            kwargs["initial"] = {
                "raised_at": timezone.now(),
                "meeting": self.request.GET.get("meeting"),
            }
        return kwargs

    def save(self, form, formsets):
        return services.agenda_topic_save(
            community=self.community, topic=self.object, data=form.data_for_service()
        )


class AgendaTopicWorkOrder(RecordPage, TemplateView):
    """POST: create the work order of a topic's decision (ticket core)."""

    resource = "agenda_topic"
    template_name = "community/records/form.html"
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        topic = selectors.agenda_topic_get(community=self.community, user=request.user, pk=pk)
        form = forms.WorkOrderForm(request.POST, community=self.community)
        if form.is_valid():
            try:
                services.agenda_topic_create_work_order(
                    topic=topic,
                    user=request.user,
                    category=form.cleaned_data["category"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The work order was created."))
                return HttpResponseRedirect(self.url("agenda-topic-detail", pk))
        context = self.get_context_data(
            form=form,
            formsets={},
            title=_("Create a work order"),
            back_url=self.url("agenda-topic-detail", pk),
        )
        return self.render_to_response(context, status=400)


# --- opinions ---------------------------------------------------------------------------------


class OpinionList(RecordListView):
    resource, kind, title = "opinion", "opinion", gettext_lazy("Resident opinions")
    filterset_class = filters.OpinionFilter
    create_label = gettext_lazy("Give an opinion")
    columns = [
        (gettext_lazy("Opinion"), lambda o: str(o)),
        (gettext_lazy("Channel"), lambda o: o.get_channel_display()),
        (gettext_lazy("Received at"), lambda o: when(o.received_at)),
        (gettext_lazy("Decision"), lambda o: o.get_decision_display()),
        (gettext_lazy("Taken up by topic"), lambda o: o.topic or "—"),
    ]

    def queryset(self):
        return selectors.opinion_list(
            community=self.community, user=self.request.user, roles=self.roles
        )


class OpinionDetail(RecordDetailView):
    resource = kind = "opinion"

    def get_object(self):
        return selectors.opinion_get(
            community=self.community, user=self.request.user, roles=self.roles, pk=self.kwargs["pk"]
        )

    def fields(self, o):
        return [
            (_("Opinion"), o.content),
            (_("Channel"), o.get_channel_display()),
            (_("Submitter"), (o.submitter_name if self.identifies(o) else "") or "—"),
            (_("Received at"), when(o.received_at)),
            (_("Decision"), o.get_decision_display()),
            (_("Reason"), o.decision_reason or "—"),
            (_("Decided at"), when(o.decided_at)),
            (_("Taken up by topic"), o.topic or "—"),
        ]

    def identifies(self, opinion) -> bool:
        return selectors.opinion_identifies(
            tenancy=self.tenancy, user=self.request.user, opinion=opinion
        )

    def can_edit(self, obj):
        return self.tenancy.can("agenda_topic", WRITE)


class OpinionCreate(RecordFormView):
    """Staff record an opinion from any channel; a resident gives one online."""

    resource = kind = "opinion"
    title = gettext_lazy("Resident opinion")

    @property
    def is_staff(self) -> bool:
        return self.tenancy.can("agenda_topic", WRITE)

    @property
    def form_class(self):
        return forms.OpinionForm if self.is_staff else forms.ResidentOpinionForm

    def save(self, form, formsets):
        if self.is_staff:
            data = form.data_for_service()
            return services.opinion_submit(community=self.community, user=self.request.user, **data)
        return services.opinion_submit(
            community=self.community, user=self.request.user, content=form.cleaned_data["content"]
        )


class OpinionDecide(RecordFormView):
    """Staff decide an opinion (adopted / not adopted with a reason, topic that took it up)."""

    resource = kind = "opinion"
    form_class = forms.OpinionDecisionForm
    title = gettext_lazy("Decide the opinion")

    def get(self, request, *args, **kwargs):
        if not self.tenancy.can("agenda_topic", WRITE):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.tenancy.can("agenda_topic", WRITE):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_object(self):
        return selectors.opinion_get(
            community=self.community, user=self.request.user, roles=self.roles, pk=self.kwargs["pk"]
        )

    def save(self, form, formsets):
        data = form.cleaned_data
        return services.opinion_decide(
            opinion=self.object,
            decision=data["decision"],
            reason=data["decision_reason"],
            topic=data["topic"],
            decided_at=data["decided_at"],
        )


# --- activities and volunteers ---------------------------------------------------------------


class ActivityList(RecordListView):
    resource, kind, title = "activity", "activity", gettext_lazy("Activities")
    filterset_class = filters.ActivityFilter
    columns = [
        (gettext_lazy("Title"), lambda a: a.title),
        (gettext_lazy("Kind"), lambda a: a.get_kind_display()),
        (gettext_lazy("Starts at"), lambda a: when(a.starts_at)),
        (gettext_lazy("Place"), lambda a: a.place),
        (
            gettext_lazy("Signed up"),
            lambda a: f"{a.signup_count}/{a.capacity}" if a.capacity else a.signup_count,
        ),
        (gettext_lazy("Attended"), lambda a: a.attended_count),
    ]

    def queryset(self):
        return selectors.activity_list(community=self.community)

    def extra_links(self):
        links = []
        if self.tenancy.can("volunteer_hours", READ):
            links.append((self.url("volunteer-hours-list"), _("Volunteer hours")))
        if self.tenancy.can("activity", WRITE):
            links.append((self.url("records-import", "activities"), _("Import")))
        return links


class ActivityDetail(RecordDetailView):
    resource = kind = "activity"
    template_name = "community/records/activity_detail.html"

    def get_object(self):
        return selectors.activity_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, a):
        return [
            (_("Kind"), a.get_kind_display()),
            (_("Starts at"), when(a.starts_at)),
            (_("Ends at"), when(a.ends_at)),
            (_("Place"), a.place),
            (_("Capacity"), a.capacity or _("No limit")),
            (_("Signed up"), a.signup_count),
            (_("Attended"), a.attended_count),
            (_("Description"), a.description or "—"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        context["can_sign_up"] = self.tenancy.can("activity_signup", WRITE)
        context["my_signup"] = selectors.activity_signup_of(
            activity=activity, user=self.request.user
        )
        context["signup_open"] = (
            activity.signup_open
            and not activity.is_cancelled
            and activity.starts_at > timezone.now()
            and (activity.capacity is None or activity.signup_count < activity.capacity)
        )
        if self.tenancy.can("activity", WRITE):
            context["signups"] = activity.signups.all()
        return context


class ActivityForm(RecordFormView):
    resource = kind = "activity"
    form_class = forms.ActivityForm
    title = gettext_lazy("Activity")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.activity_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    def save(self, form, formsets):
        return services.activity_save(
            community=self.community, activity=self.object, data=form.data_for_service()
        )


class ActivitySignUp(RecordActionView):
    """POST: the viewer signs up (activity_signup write)."""

    resource = "activity_signup"
    success_message = gettext_lazy("You are signed up.")

    def act(self):
        self.activity = selectors.activity_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )
        services.activity_signup(activity=self.activity, user=self.request.user)

    def next_url(self):
        return self.url("activity-detail", self.kwargs["pk"])


class ActivityWithdraw(RecordActionView):
    """POST: the viewer withdraws their own sign-up."""

    resource = "activity_signup"
    success_message = gettext_lazy("Your sign-up was withdrawn.")

    def act(self):
        activity = selectors.activity_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )
        signup = selectors.activity_signup_of(activity=activity, user=self.request.user)
        if signup is None:
            raise Http404
        services.activity_signup_withdraw(signup=signup)

    def next_url(self):
        return self.url("activity-detail", self.kwargs["pk"])


class ActivityAttendance(RecordFormView):
    """Staff take attendance (activity write)."""

    resource, kind = "activity", "activity"
    form_class = forms.AttendanceTakeForm
    title = gettext_lazy("Attendance")

    def get_object(self):
        return selectors.activity_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def form_kwargs(self):
        return {"signups": list(self.object.signups.all())}

    def save(self, form, formsets):
        services.activity_attendance_record(
            activity=self.object,
            attended=[int(pk) for pk in form.cleaned_data["attended"]],
            walk_ins=form.walk_in_rows(),
        )
        return self.object


class VolunteerTeamList(RecordListView):
    resource, kind, title = "volunteer_hours", "volunteer-team", gettext_lazy("Volunteer teams")
    filterset_class = filters.VolunteerTeamFilter
    columns = [
        (gettext_lazy("Name"), lambda t: t.name),
        (gettext_lazy("Leader"), lambda t: t.leader or "—"),
        (gettext_lazy("Volunteers"), lambda t: t.volunteer_count),
        (gettext_lazy("Hours"), lambda t: t.hours_total or 0),
    ]

    def queryset(self):
        return selectors.volunteer_team_list(community=self.community)


class VolunteerTeamDetail(RecordDetailView):
    resource, kind = "volunteer_hours", "volunteer-team"

    def get_object(self):
        return selectors.volunteer_team_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, t):
        return [
            (_("Leader"), t.leader or "—"),
            (_("Volunteers"), t.volunteer_count),
            (_("Hours"), t.hours_total or 0),
            (_("Description"), t.description or "—"),
        ]


class VolunteerTeamForm(RecordFormView):
    resource, kind = "volunteer_hours", "volunteer-team"
    form_class = forms.VolunteerTeamForm
    title = gettext_lazy("Volunteer team")

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(VolunteerTeam, community=self.community, pk=self.kwargs["pk"])
        return None

    def save(self, form, formsets):
        return services.record_save(
            community=self.community,
            instance=self.object or VolunteerTeam(),
            data=form.data_for_service(),
        )


class VolunteerHoursList(RecordListView):
    resource, kind, title = "volunteer_hours", "volunteer-hours", gettext_lazy("Volunteer hours")
    filterset_class = filters.VolunteerHoursFilter
    columns = [
        (gettext_lazy("Volunteer"), lambda h: h.name),
        (gettext_lazy("Team"), lambda h: h.team or "—"),
        (gettext_lazy("Activity"), lambda h: h.activity or "—"),
        (gettext_lazy("Served on"), lambda h: when(h.served_on)),
        (gettext_lazy("Hours"), lambda h: h.hours),
    ]

    def queryset(self):
        return selectors.volunteer_hours_list(community=self.community)

    def extra_links(self):
        links = [(self.url("volunteer-team-list"), _("Volunteer teams"))]
        if self.tenancy.can("volunteer_hours", WRITE):
            links.append((self.url("records-import", "volunteer-hours"), _("Import")))
        return links


class VolunteerHoursDetail(RecordDetailView):
    resource, kind = "volunteer_hours", "volunteer-hours"

    def get_object(self):
        return selectors.volunteer_hours_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, h):
        from residents.identifiers import phone_mask

        return [
            (_("Phone"), phone_mask(h.phone) or "—"),
            (_("Team"), h.team or "—"),
            (_("Activity"), h.activity or "—"),
            (_("Served on"), when(h.served_on)),
            (_("Hours"), h.hours),
            (_("Note"), h.note or "—"),
        ]


class VolunteerHoursForm(RecordFormView):
    resource, kind = "volunteer_hours", "volunteer-hours"
    form_class = forms.VolunteerHoursForm
    title = gettext_lazy("Volunteer hours")

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(VolunteerHours, community=self.community, pk=self.kwargs["pk"])
        return None

    def save(self, form, formsets):
        return services.volunteer_hours_log(
            community=self.community, entry=self.object, data=form.data_for_service()
        )


# --- disclosures ------------------------------------------------------------------------------


def _disclosure_rows(queryset, check):
    return [(d, check.status(d.pk)) for d in queryset]


class DisclosureList(RecordListView):
    resource, kind, title = "disclosure", "disclosure", gettext_lazy("Disclosures")
    filterset_class = filters.DisclosureFilter
    template_name = "community/records/disclosure_list.html"
    columns = [
        (gettext_lazy("Title"), lambda d: d.title),
        (gettext_lazy("Kind"), lambda d: d.get_kind_display()),
        (gettext_lazy("Period"), lambda d: f"{when(d.period_start)} – {when(d.period_end)}"),
        (gettext_lazy("Published at"), lambda d: when(d.published_at)),
        (
            gettext_lazy("Version"),
            lambda d: (
                d.version if d.corrected_by is None else _("%(v)s (corrected)") % {"v": d.version}
            ),
        ),
    ]

    def queryset(self):
        return selectors.disclosure_list(community=self.community)

    def extra_links(self):
        links = [
            (reverse("community:public-disclosures", args=[self.community.slug]), _("Public page"))
        ]
        if self.tenancy.can("disclosure", WRITE):
            links += [
                (self.url("disclosure-channels"), _("Channels")),
                (self.url("records-import", "disclosures"), _("Import")),
            ]
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chain"] = selectors.disclosure_chain_check(community=self.community)
        return context


class DisclosureDetail(RecordDetailView):
    resource = kind = "disclosure"
    template_name = "community/records/disclosure_detail.html"

    def get_object(self):
        return selectors.disclosure_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def can_edit(self, obj):
        return False  # a disclosure is corrected by a new version, never edited

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(disclosure_context(self.object))
        context["can_correct"] = context["can_write"] and self.object.corrected_by is None
        context["can_object"] = self.tenancy.can("complaint", WRITE)
        context["objection_form"] = forms.ObjectionForm()
        return context


def disclosure_context(disclosure: Disclosure) -> dict:
    chain = selectors.disclosure_chain_check(community=disclosure.community)
    return {
        "versions": [
            (v, chain.status(v.pk)) for v in selectors.disclosure_versions(disclosure=disclosure)
        ],
        "status": chain.status(disclosure.pk),
        "chain": chain,
    }


class DisclosureCreate(RecordFormView):
    resource = kind = "disclosure"
    form_class = forms.DisclosureForm
    title = gettext_lazy("Publish a disclosure")

    def save(self, form, formsets):
        document = form.cleaned_data.get("document")
        return services.disclosure_publish(
            community=self.community,
            user=self.request.user,
            data=form.data_for_service(),
            uploads=[document] if document else [],
        )


class DisclosureCorrect(RecordFormView):
    """A correction: a new version of the disclosure; the old one stays visible."""

    resource = kind = "disclosure"
    form_class = forms.DisclosureCorrectionForm
    title = gettext_lazy("Correct the disclosure")

    def get_object(self):
        return selectors.disclosure_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def form_kwargs(self):
        d = self.object
        initial = {
            "kind": d.kind,
            "title": d.title,
            "body": d.body,
            "period_start": d.period_start,
            "period_end": d.period_end,
            "channels": d.channels,
        }
        return {"community": self.community, "initial": initial}

    def save(self, form, formsets):
        document = form.cleaned_data.get("document")
        uploads = [document] if document else []
        return services.disclosure_publish(
            community=self.community,
            user=self.request.user,
            data=form.data_for_service(),
            uploads=uploads,
            supersedes=self.object,
        )


class DisclosureObject(RecordPage, View):
    """POST: a resident objects to a disclosure; it becomes a complaint (complaint write)."""

    resource = "complaint"

    def post(self, request, slug, pk):
        disclosure = selectors.disclosure_get(community=self.community, user=request.user, pk=pk)
        form = forms.ObjectionForm(request.POST)
        if form.is_valid():
            try:
                services.disclosure_object(
                    disclosure=disclosure, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Your objection was submitted as a complaint."))
        else:
            messages.error(request, _("Say what you object to."))
        return HttpResponseRedirect(self.url("disclosure-detail", pk))


class DisclosureChannels(RecordFormView):
    """The channels the community runs (channel coverage denominator), and adding one."""

    resource, kind = "disclosure", "disclosure"
    form_class = forms.DisclosureChannelForm
    template_name = "community/records/channels.html"
    title = gettext_lazy("Disclosure channels")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["channels"] = selectors.disclosure_channel_list(community=self.community)
        return context

    def save(self, form, formsets):
        from community.models import DisclosureChannel

        existing = DisclosureChannel.objects.filter(
            community=self.community, channel=form.cleaned_data["channel"]
        ).first()
        return services.record_save(
            community=self.community,
            instance=existing or DisclosureChannel(),
            data=form.data_for_service(),
        )

    def success_url(self, saved):
        return self.url("disclosure-channels")


class PublicDisclosures(TemplateView):
    """/p/<slug>/disclosures/: what the community has published, for anyone, no login.

    Every version is listed (corrections next to what they correct) with the result of the hash
    chain check, so an edit made directly in the database is shown as such."""

    template_name = "community/records/public_disclosures.html"

    def get(self, request, slug, pk=None):
        community = get_object_or_404(Community, slug=slug)
        with timezone.override(community.tz):
            if pk is not None:
                disclosure = selectors.disclosure_get(community=community, user=None, pk=pk)
                context = {
                    "public_community": community,
                    "disclosure": disclosure,
                    **disclosure_context(disclosure),
                }
                return TemplateResponse(
                    request, "community/records/public_disclosure.html", context
                ).render()
            chain = selectors.disclosure_chain_check(community=community)
            rows = selectors.disclosure_list(community=community)
            page = Paginator(rows, 25).get_page(request.GET.get("page"))
            context = {
                "public_community": community,
                "page": page,
                "chain": chain,
                "rows": _disclosure_rows(page, chain),
            }
            return TemplateResponse(request, self.template_name, context).render()


class PublicDocument(View):
    """A disclosure document, for anyone (disclosures are public)."""

    def get(self, request, slug, pk):
        document = get_object_or_404(DisclosureDocument, community__slug=slug, pk=pk)
        return file_response(document.file, document.name)


# --- surveys ----------------------------------------------------------------------------------


class SurveyList(RecordListView):
    resource, kind, title = "survey", "survey", gettext_lazy("Surveys")
    filterset_class = filters.SurveyFilter
    columns = [
        (gettext_lazy("Title"), lambda s: s.title),
        (gettext_lazy("Opens at"), lambda s: when(s.opens_at)),
        (gettext_lazy("Closes at"), lambda s: when(s.closes_at)),
        (gettext_lazy("Questions"), lambda s: s.question_count),
        (gettext_lazy("Responses"), lambda s: s.response_count),
    ]

    def queryset(self):
        return selectors.survey_list(community=self.community)


class SurveyDetail(RecordDetailView):
    """A survey: residents answer it here while it is open; staff see its results."""

    resource = kind = "survey"
    template_name = "community/records/survey_detail.html"

    def get_object(self):
        return selectors.survey_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def can_edit(self, obj):
        return self.tenancy.can("survey", WRITE) and obj.response_count == 0

    def fields(self, s):
        return [
            (_("Opens at"), when(s.opens_at)),
            (_("Closes at"), when(s.closes_at)),
            (_("Answers"), s.get_scope_display()),
            (_("Anonymous"), _("Yes") if s.is_anonymous else _("No")),
            (_("Responses"), s.response_count),
            (_("Description"), s.description or "—"),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        survey = self.object
        if self.tenancy.can("survey_answer", WRITE) and selectors.survey_is_open(survey):
            context["answered"] = selectors.survey_answered(survey=survey, user=self.request.user)
            context["answer_form"] = kwargs.get("answer_form") or forms.SurveyAnswerForm(
                survey=survey
            )
        if self.tenancy.can("survey_answer", READ):
            context["results"] = selectors.survey_results(survey=survey)
        return context


class SurveyAnswer(SurveyDetail):
    """POST: the viewer answers the survey (survey_answer write)."""

    @property
    def resource(self):
        return "survey_answer" if self.request.method == "POST" else "survey"

    def post(self, request, slug, pk):
        survey = self.get_object()
        form = forms.SurveyAnswerForm(request.POST, survey=survey)
        if form.is_valid():
            try:
                services.survey_answer(survey=survey, user=request.user, answers=form.answers())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your answers were recorded."))
                return HttpResponseRedirect(self.url("survey-detail", pk))
        return self.render_to_response(self.get_context_data(answer_form=form), status=400)


class SurveyForm(RecordFormView):
    resource = kind = "survey"
    form_class = forms.SurveyForm
    formset_classes = {"questions": forms.QuestionFormSet}
    title = gettext_lazy("Survey")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.survey_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    def build(self, data=None, files=None):
        form, formsets = super().build(data, files)
        if data is None and self.object is not None:
            initial = [
                {
                    "kind": q.kind,
                    "text": q.text,
                    "optional": not q.is_required,
                    "choices_text": "\n".join(q.choices),
                }
                for q in self.object.questions.all()
            ]
            formsets["questions"] = forms.QuestionFormSet(
                prefix="questions", community=self.community, initial=initial
            )
        return form, formsets

    def save(self, form, formsets):
        return services.survey_save(
            community=self.community,
            survey=self.object,
            data=form.data_for_service(),
            questions=formsets["questions"].rows(),
        )


# --- emergency and team -----------------------------------------------------------------------


class EmergencyPlanList(RecordListView):
    resource, kind, title = "emergency_plan", "emergency-plan", gettext_lazy("Emergency plans")
    filterset_class = filters.EmergencyPlanFilter
    columns = [
        (gettext_lazy("Title"), lambda p: p.title),
        (gettext_lazy("Kind"), lambda p: p.get_kind_display()),
        (gettext_lazy("In force from"), lambda p: when(p.in_force_from)),
        (gettext_lazy("Retired on"), lambda p: when(p.retired_on)),
        (
            gettext_lazy("Last revised"),
            lambda p: when(p.revisions.all()[0].revised_on) if p.revisions.all() else "—",
        ),
        (gettext_lazy("Drills"), lambda p: p.drill_count),
    ]

    def queryset(self):
        return selectors.emergency_plan_list(community=self.community)

    def extra_links(self):
        return [(self.url("drill-list"), _("Drills")), (self.url("incident-list"), _("Incidents"))]


class EmergencyPlanDetail(RecordDetailView):
    resource, kind = "emergency_plan", "emergency-plan"
    template_name = "community/records/plan_detail.html"

    def get_object(self):
        return selectors.emergency_plan_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, p):
        return [
            (_("Kind"), p.get_kind_display()),
            (_("In force from"), when(p.in_force_from)),
            (_("Retired on"), when(p.retired_on)),
            (_("Drills"), p.drill_count),
        ]


class EmergencyPlanForm(RecordFormView):
    resource, kind = "emergency_plan", "emergency-plan"
    form_class = forms.EmergencyPlanForm
    title = gettext_lazy("Emergency plan")

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(EmergencyPlan, community=self.community, pk=self.kwargs["pk"])
        return None

    def save(self, form, formsets):
        return services.record_save(
            community=self.community,
            instance=self.object or EmergencyPlan(),
            data=form.data_for_service(),
        )


class PlanRevisionCreate(RecordFormView):
    resource, kind = "emergency_plan", "emergency-plan"
    form_class = forms.PlanRevisionForm
    title = gettext_lazy("New revision")

    def get_object(self):
        return get_object_or_404(EmergencyPlan, community=self.community, pk=self.kwargs["pk"])

    def form_kwargs(self):
        return {"community": self.community}

    def save(self, form, formsets):
        services.record_save(
            community=self.community,
            instance=EmergencyPlanRevision(plan=self.object),
            data=form.data_for_service(),
        )
        return self.object


class PlanRevisionDownload(RecordPage, View):
    resource = "emergency_plan"

    def get(self, request, slug, pk):
        revision = selectors.plan_revision_get(community=self.community, user=request.user, pk=pk)
        if not revision.document:
            raise Http404
        return file_response(
            revision.document,
            f"{revision.plan.title}-{revision.version}{revision.document.name[-5:]}",
        )


class DrillList(RecordListView):
    resource, kind, title = "drill", "drill", gettext_lazy("Drills")
    filterset_class = filters.DrillFilter
    columns = [
        (gettext_lazy("Title"), lambda d: d.title),
        (gettext_lazy("Plan"), lambda d: d.plan or "—"),
        (gettext_lazy("Held at"), lambda d: when(d.held_at)),
        (gettext_lazy("Participants"), lambda d: d.participants),
        (gettext_lazy("Open actions"), lambda d: f"{d.open_action_count}/{d.action_count}"),
    ]

    def queryset(self):
        return selectors.drill_list(community=self.community)


class DrillDetail(RecordDetailView):
    resource = kind = "drill"
    template_name = "community/records/drill_detail.html"

    def get_object(self):
        return selectors.drill_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, d):
        return [
            (_("Plan"), d.plan or "—"),
            (_("Held at"), when(d.held_at)),
            (_("Place"), d.place or "—"),
            (_("Participants"), d.participants),
            (_("Findings"), d.findings or "—"),
        ]


class DrillForm(RecordFormView):
    resource = kind = "drill"
    form_class = forms.DrillForm
    formset_classes = {"actions": forms.DrillActionFormSet}
    title = gettext_lazy("Drill")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.drill_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    def save(self, form, formsets):
        return services.drill_save(
            community=self.community,
            drill=self.object,
            data=form.data_for_service(),
            actions=formsets["actions"].rows(),
        )


class DrillActionDone(RecordActionView):
    """POST done=1|0: mark an after-action item done or open again."""

    resource = "drill"

    def act(self):
        self.action = get_object_or_404(DrillAction, community=self.community, pk=self.kwargs["pk"])
        services.drill_action_set_done(
            action=self.action, done=self.request.POST.get("done") == "1"
        )

    def next_url(self):
        return self.url("drill-detail", self.action.drill_id)


class IncidentList(RecordListView):
    resource, kind, title = "incident", "incident", gettext_lazy("Incidents")
    filterset_class = filters.IncidentFilter
    columns = [
        (gettext_lazy("Title"), lambda i: i.title),
        (gettext_lazy("Kind"), lambda i: i.get_kind_display()),
        (gettext_lazy("Reported at"), lambda i: when(i.reported_at)),
        (gettext_lazy("First response at"), lambda i: when(i.first_response_at)),
        (pgettext_lazy("incident", "Resolved at"), lambda i: when(i.resolved_at)),
    ]

    def queryset(self):
        return selectors.incident_list(community=self.community)


class IncidentDetail(RecordDetailView):
    resource = kind = "incident"

    def get_object(self):
        return selectors.incident_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, i):
        return [
            (_("Kind"), i.get_kind_display()),
            (_("Place"), i.place or "—"),
            (_("Reported at"), when(i.reported_at)),
            (_("First response at"), when(i.first_response_at)),
            (pgettext("incident", "Resolved at"), when(i.resolved_at)),
            (_("Description"), i.description or "—"),
        ]


class IncidentForm(RecordFormView):
    resource = kind = "incident"
    form_class = forms.IncidentForm
    title = gettext_lazy("Incident")

    def get_object(self):
        if "pk" in self.kwargs:
            return selectors.incident_get(
                community=self.community, user=self.request.user, pk=self.kwargs["pk"]
            )
        return None

    def save(self, form, formsets):
        return services.incident_save(
            community=self.community, incident=self.object, data=form.data_for_service()
        )


class TrainingList(RecordListView):
    resource, kind, title = "training", "training", gettext_lazy("Trainings")
    filterset_class = filters.TrainingFilter
    columns = [
        (gettext_lazy("Topic"), lambda t: t.topic),
        (gettext_lazy("Held on"), lambda t: when(t.held_on)),
        (pgettext_lazy("training", "Hours"), lambda t: t.hours),
        (pgettext_lazy("count", "Attendees"), lambda t: t.attendee_count),
    ]

    def queryset(self):
        return selectors.training_list(community=self.community)


class TrainingDetail(RecordDetailView):
    resource = kind = "training"

    def get_object(self):
        return selectors.training_get(
            community=self.community, user=self.request.user, pk=self.kwargs["pk"]
        )

    def fields(self, t):
        names = "、".join(a.user.get_full_name() or a.user.username for a in t.attendances.all())
        return [
            (_("Held on"), when(t.held_on)),
            (pgettext("training", "Hours"), t.hours),
            (_("Organiser"), t.organiser or "—"),
            (_("Attendees"), names or "—"),
            (_("Description"), t.description or "—"),
        ]


class TrainingForm(RecordFormView):
    resource = kind = "training"
    form_class = forms.TrainingForm
    title = gettext_lazy("Training")

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(Training, community=self.community, pk=self.kwargs["pk"])
        return None

    def save(self, form, formsets):
        return services.training_save(
            community=self.community,
            training=self.object,
            data=form.data_for_service(),
            attendees=form.cleaned_data["attendees"],
        )


# --- imports ----------------------------------------------------------------------------------


class RecordImport(RecordPage, TemplateView):
    """Upload a spreadsheet of activities (with attendance), volunteer hours or disclosures;
    "Check" is a dry run listing bad rows (row number, column, reason), "Import" saves all
    rows or none."""

    template_name = "community/records/import.html"

    @property
    def importer(self) -> importers.RecordImporter:
        try:
            return importers.IMPORTERS[self.kwargs["what"]]
        except KeyError:
            raise Http404 from None

    @property
    def resource(self):
        return self.importer.resource

    def get(self, request, *args, **kwargs):
        if not self.tenancy.can(self.resource, WRITE):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["importer"] = self.importer
        return context

    def post(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            return self.render_to_response(
                self.get_context_data(error=_("Choose a file.")), status=400
            )
        try:
            # The type is the importer's to check (.xlsx or .csv); the size is checked here.
            record_upload_check(upload, label=_("File"), extensions=None)
        except ValidationError as exc:
            return self.render_to_response(
                self.get_context_data(error=" ".join(exc.messages)), status=400
            )
        try:
            report = self.importer.run(
                community=self.community,
                source=upload,
                filename=upload.name,
                dry_run="commit" not in request.POST,
                user=request.user,
            )
        except importers.ImportFileError as exc:
            return self.render_to_response(self.get_context_data(error=str(exc)), status=400)
        return self.render_to_response(
            self.get_context_data(report=report), status=200 if report.ok else 400
        )
