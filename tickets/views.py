"""Ticket pages under /c/<slug>/: the complaint and work-order queues, intake (a resident's own
or staff on behalf), a resident's own requests, the ticket page (facts, SLA clock, photos,
timeline and the forms of the actions the viewer may do now) and the photo page.

Reads go through tickets.selectors (row visibility, identity, actions from tickets.rules);
every action form posts to TicketActionView, which calls the service and, when it refuses,
shows the ticket page again with the translated reason and the user's input. Another
community's ticket, or one the viewer may not see, answers 404 on every page. Pages run with
the community's time zone active, so deadlines show in local time.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.forms import CheckboxSelectMultiple, HiddenInput, Select
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from community import permissions
from community.models import Organisation, User
from community.tenancy import CommunityPageMixin
from property_ops.forms import DateInput
from property_ops.pages import LocalTimeMixin
from residents.identifiers import phone_display
from residents.selectors import building_list

from . import forms, photos, rules, selectors, services
from .filters import TicketFilter
from .models import Category, ResponsibleParty, Ticket, TicketEvent, TicketKind, TicketPhoto
from .rules import TransitionNotAllowed

S = Ticket.Status
E = TicketEvent.Kind
URL_PREFIX = {TicketKind.COMPLAINT: "complaint", TicketKind.WORK_ORDER: "work-order"}
RESOURCE = {TicketKind.COMPLAINT: "complaint", TicketKind.WORK_ORDER: "work_order"}
STATUS_STYLE = {
    S.SUBMITTED: "text-bg-warning",
    S.ACCEPTED: "text-bg-info",
    S.DISPATCHED: "text-bg-info",
    S.IN_PROGRESS: "text-bg-primary",
    S.RESOLVED: "text-bg-success",
    S.CLOSED: "text-bg-secondary",
    S.REOPENED: "text-bg-warning",
}


def ticket_url(ticket: Ticket, slug: str, name: str = "detail", **kwargs) -> str:
    """The URL of `ticket`'s page (or its `name` sub-page) in community `slug`."""
    return reverse(
        f"tickets:{URL_PREFIX[ticket.kind]}-{name}",
        kwargs={"slug": slug, "pk": ticket.pk, **kwargs},
    )


class TicketPage(CommunityPageMixin, LocalTimeMixin):
    """A page of tickets of one `kind` (set per URL); `resource` follows the kind."""

    kind: str = TicketKind.COMPLAINT

    def get_ticket(self) -> Ticket:
        return selectors.ticket_get(
            community=self.community,
            user=self.request.user,
            pk=self.kwargs["pk"],
            kind=self.kind,
            roles=self.roles,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(kind=self.kind, kind_label=TicketKind(self.kind).label)
        return context


# --- queues ----------------------------------------------------------------------------------


def decorate(tickets, *, user: User, roles: frozenset[str], slug: str) -> list[dict]:
    """What a queue row shows of each ticket, as the viewer may see it (a query per relation
    some row has: selectors.ticket_relations_load)."""
    rows = []
    for ticket in selectors.ticket_relations_load(list(tickets)):
        level = selectors.ticket_identity(ticket=ticket, user=user, roles=roles, single=False)
        rows.append(
            {
                "ticket": ticket,
                "url": ticket_url(ticket, slug),
                "open": ticket.status in rules.OPEN,
                "place": place(ticket, level),
                "submitter": selectors.ticket_contact(ticket=ticket, level=level)["name"],
                "status_style": STATUS_STYLE.get(ticket.status, "text-bg-light border"),
            }
        )
    return rows


def place(ticket: Ticket, level: str) -> str:
    """幸福里一期 1号楼1单元101 · 北门停车场: compound and building, unit, room (not for
    de-identified viewers) and the place in words, from what the queue selector loaded."""
    parts = [
        forms.building_label(ticket.building) if ticket.building else "",
        ticket.unit.name if ticket.unit else "",
        ticket.household.room if ticket.household and level != selectors.HIDDEN else "",
    ]
    return " · ".join(p for p in ["".join(parts), ticket.location_text] if p)


class TicketListView(TicketPage, ListView):
    """The staff queue of one kind (residents see their own tickets in it): filters, search,
    sort, counts by status over the filtered queue (without its status filter), 50 a page.
    A constant number of queries whatever the number of rows."""

    template_name = "tickets/ticket_list.html"
    paginate_by = 50

    def get_queryset(self):
        base = selectors.ticket_queue(
            community=self.community, user=self.request.user, roles=self.roles, kind=self.kind
        )
        params = self.request.GET.copy()
        params.pop("page", None)
        self.filterset = TicketFilter(params or None, queryset=base, community=self.community)
        without_status = params.copy()
        without_status.pop("status", None)
        self.counts = selectors.ticket_status_counts(
            queryset=TicketFilter(without_status, queryset=base, community=self.community).qs
        )
        overdue = ExpressionWrapper(selectors.overdue_q(timezone.now()), BooleanField())
        return self.filterset.qs.annotate(is_overdue=overdue)

    def filter_form(self):
        form = self.filterset.form
        categories = Category.objects.filter(community=self.community, kind=self.kind)
        choices = {
            "category": [(c.pk, c.name) for c in categories.order_by("name")],
            "building": [
                (b.pk, forms.building_label(b)) for b in building_list(community=self.community)
            ],
        }
        if self.roles & rules.MANAGERS:
            choices["assignee"] = [
                (u.pk, forms.person_label(u)) for u in forms.assignee_choices(self.community)
            ]
        else:
            del form.fields["assignee"]
        for name, options in choices.items():
            form.fields[name].widget = Select(choices=[("", "---------"), *options])
        form.fields["organisation"].widget = HiddenInput()
        for name in ("status", "channel"):
            form.fields[name].widget = CheckboxSelectMultiple(choices=form.fields[name].choices)
        for name in ("submitted_from", "submitted_to"):
            form.fields[name].widget = DateInput()
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        without_status = query.copy()
        without_status.pop("status", None)
        context.update(
            title=_("Complaints") if self.kind == TicketKind.COMPLAINT else _("Work orders"),
            filter_form=self.filter_form(),
            rows=decorate(
                context["object_list"],
                user=self.request.user,
                roles=self.roles,
                slug=self.community.slug,
            ),
            counts=[(value, label, self.counts[value]) for value, label in S.choices],
            statuses=self.request.GET.getlist("status"),
            status_base=without_status.urlencode(),
            query=query.urlencode(),
            can_submit=self.tenancy.can(self.resource, permissions.WRITE),
            new_url=reverse(f"tickets:{URL_PREFIX[self.kind]}-new", args=[self.community.slug]),
        )
        return context


class MyTicketsView(TicketPage, ListView):
    """My requests: the complaints and work orders I submitted or entered (staff on behalf),
    newest first, with counts by status; 50 a page, a constant number of queries."""

    template_name = "tickets/my_tickets.html"
    paginate_by = 50
    resource = "complaint"

    def get_queryset(self):
        user = self.request.user
        kinds = [TicketKind.COMPLAINT]
        if self.tenancy.can("work_order", permissions.READ):
            kinds.append(TicketKind.WORK_ORDER)
        queue = None
        for kind in kinds:
            q = selectors.ticket_queue(
                community=self.community, user=user, roles=self.roles, kind=kind
            )
            queue = q if queue is None else queue | q
        mine = queue.filter(Q(submitter=user) | Q(created_by=user))
        self.counts = selectors.ticket_status_counts(queryset=mine)
        status = self.request.GET.get("status")
        if status in S.values:
            mine = mine.filter(status=status)
        overdue = ExpressionWrapper(selectors.overdue_q(timezone.now()), BooleanField())
        return mine.annotate(is_overdue=overdue)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug, status = self.community.slug, self.request.GET.get("status", "")
        context.update(
            rows=decorate(
                context["object_list"], user=self.request.user, roles=self.roles, slug=slug
            ),
            counts=[(value, label, n) for value, label in S.choices if (n := self.counts[value])],
            status=status,
            query=urlencode({"status": status}) if status else "",
            links=[
                (label, reverse(f"tickets:{URL_PREFIX[kind]}-new", args=[slug]))
                for kind, label in (
                    (TicketKind.COMPLAINT, _("Submit a complaint")),
                    (TicketKind.WORK_ORDER, _("Report a repair")),
                )
                if self.tenancy.can(RESOURCE[kind], permissions.WRITE)
            ],
        )
        return context


# --- intake ----------------------------------------------------------------------------------

# The start page's cards of the intake pages: (kind, a resident's wording, the wording for
# staff who enter requests on a resident's behalf). Everyone who may write tickets is one or
# the other (community/permissions.py).
INTAKE_CARDS = {
    "tickets:my-tickets": (
        TicketKind.COMPLAINT,
        (_("My requests"), _("What you asked for and where each stands.")),
        (_("Requests I entered"), _("Requests you entered for residents, and where each stands.")),
    ),
    "tickets:complaint-new": (
        TicketKind.COMPLAINT,
        (_("Submit a complaint"), _("Tell the community what is wrong, with photos.")),
        (
            _("Enter a complaint for a resident"),
            _("A complaint received by phone, visit, hotline or opinion box."),
        ),
    ),
    "tickets:work-order-new": (
        TicketKind.WORK_ORDER,
        (_("Report a repair"), _("Something broken at home or in the compound.")),
        (
            _("Enter a repair for a resident"),
            _("A repair request received by phone, visit or hotline."),
        ),
    ),
}


def intake_card(url_name: str, roles: frozenset[str]) -> tuple | None:
    """(label, description) of the start-page card `url_name` for a member with `roles`, or
    None when it is not an intake page."""
    if url_name not in INTAKE_CARDS:
        return None
    kind, resident, on_behalf = INTAKE_CARDS[url_name]
    return on_behalf if forms.is_on_behalf(roles, kind) else resident


class TicketSubmitView(TicketPage, FormView):
    """Intake on a phone: a resident's own complaint or repair request, or staff entering one
    on a resident's behalf with its channel. One form carries an idempotency key, so a double
    click or a retry creates one ticket; photos are stored in the same transaction."""

    template_name = "tickets/ticket_form.html"
    form_class = forms.TicketSubmitForm

    def get(self, request, *args, **kwargs):
        if not self.tenancy.can(self.resource, permissions.WRITE):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(
            community=self.community,
            kind=self.kind,
            user=self.request.user,
            on_behalf=forms.is_on_behalf(self.roles, self.kind),
            may_pick_resident=self.tenancy.can("resident", permissions.READ),
        )
        return kwargs

    def form_valid(self, form):
        try:
            ticket = photos.ticket_submit_with_photos(
                community=self.community,
                actor=self.request.user,
                kind=self.kind,
                **form.service_kwargs(),
            )
        except TransitionNotAllowed as exc:
            messages.error(self.request, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Received: your request number is %(number)s.") % {"number": ticket.number},
        )
        return HttpResponseRedirect(ticket_url(ticket, self.community.slug))

    def form_invalid(self, form):
        if self.request.FILES:
            # Browsers never keep a file input's choice on a page shown again.
            messages.error(
                self.request,
                _("Please correct the fields marked below, then choose the photos again."),
            )
        else:
            messages.error(self.request, _("Please correct the fields marked below."))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = (
            _("Submit a complaint") if self.kind == TicketKind.COMPLAINT else _("Report a repair")
        )
        context["list_url"] = reverse(
            f"tickets:{URL_PREFIX[self.kind]}-list", args=[self.community.slug]
        )
        return context


def add_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- the ticket page -------------------------------------------------------------------------


def _call(service: Callable) -> Callable:
    def run(view, ticket, data):
        return service(ticket=ticket, actor=view.request.user, **data)

    return run


def _merge(view, ticket, data):
    """Merge into the ticket of that number the viewer can see; show that ticket next."""
    into = (
        selectors.ticket_queue(
            community=view.community, user=view.request.user, roles=view.roles, kind=ticket.kind
        )
        .filter(number__iexact=data["into"].strip())
        .first()
    )
    if into is None:
        raise ValidationError({"into": [_("No ticket of this kind has this number.")]})
    services.ticket_merge(ticket=ticket, into=into, actor=view.request.user, note=data["note"])
    return into


@dataclass(frozen=True)
class ActionSpec:
    """A ticket-page action: `run(view, ticket, cleaned_data)` calls the service and returns the
    ticket to show next; `form` collects its input; the button and the note's label."""

    run: Callable
    form: type[forms.ActionForm]
    button: str | Promise
    note_label: str | Promise = ""  # the note field's label when not "Note"
    style: str = "btn-outline-primary"


# In the order the page offers them: the next step first, the exits last.
ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(
        _call(services.ticket_accept), forms.NoteForm, _("Accept"), style="btn-primary"
    ),
    "dispatch": ActionSpec(
        _call(services.ticket_dispatch), forms.DispatchForm, _("Dispatch"), style="btn-primary"
    ),
    "start": ActionSpec(
        _call(services.ticket_start), forms.NoteForm, _("Start work"), style="btn-primary"
    ),
    "resolve": ActionSpec(
        _call(photos.ticket_resolve_with_photos),
        forms.ResolveForm,
        _("Mark resolved"),
        _("What was done"),
        "btn-success",
    ),
    "confirm": ActionSpec(
        _call(services.ticket_confirm),
        forms.NoteForm,
        _("Confirm it is solved"),
        style="btn-success",
    ),
    "reopen": ActionSpec(
        _call(services.ticket_reopen),
        forms.NoteForm,
        _("Not solved: reopen"),
        _("What is still wrong"),
    ),
    "rate": ActionSpec(
        _call(services.ticket_rate), forms.RateForm, _("Send rating"), _("Comment"), "btn-primary"
    ),
    "reply": ActionSpec(
        _call(services.ticket_reply), forms.NoteForm, _("Send message"), _("Message")
    ),
    "transfer": ActionSpec(
        _call(services.ticket_transfer), forms.TransferForm, _("Hand over"), _("Reason")
    ),
    "supervise": ActionSpec(
        _call(services.ticket_supervise), forms.SuperviseForm, _("Supervise"), _("Instruction")
    ),
    "spawn_work_order": ActionSpec(
        _call(services.ticket_spawn_work_order), forms.SpawnWorkOrderForm, _("Create work order")
    ),
    "follow_up": ActionSpec(
        _call(services.ticket_follow_up),
        forms.FollowUpForm,
        _("Record call"),
        _("Notes of the call"),
    ),
    "pause": ActionSpec(
        _call(services.ticket_pause), forms.NoteForm, _("Pause the clock"), _("Waiting for what")
    ),
    "resume": ActionSpec(_call(services.ticket_resume), forms.NoteForm, _("Resume the clock")),
    "merge": ActionSpec(_merge, forms.MergeForm, _("Merge"), style="btn-outline-danger"),
    "reject": ActionSpec(
        _call(services.ticket_reject),
        forms.NoteForm,
        _("Reject"),
        _("Reason"),
        "btn-outline-danger",
    ),
    "cancel": ActionSpec(
        _call(services.ticket_cancel),
        forms.NoteForm,
        _("Withdraw my request"),
        style="btn-outline-danger",
    ),
}


def action_resource(action: str, kind: str) -> str:
    """The permission-matrix resource an action writes (supervision has its own)."""
    return "supervision" if action == "supervise" else RESOURCE[kind]


@dataclass
class ClockRow:
    """One deadline of the SLA clock: `state` is met, missed, overdue, running, paused or off."""

    label: str | Promise
    due: datetime.datetime | None
    state: str
    done_at: datetime.datetime | None = None


def sla_clock(ticket: Ticket, now: datetime.datetime) -> list[ClockRow]:
    """The ticket's deadlines (response, resolution, supervision) and where each stands now.
    A paused clock stands still; a deadline passed before the pause began stays overdue
    (as selectors.overdue_q)."""
    ineligible = ticket.status in Ticket.INELIGIBLE
    resolved = ticket.resolved_at if ticket.status in Ticket.DONE else None
    rows = [
        (_("Response"), ticket.response_due_at, ticket.first_response_at),
        (_("Resolution"), ticket.resolution_due_at, resolved),
    ]
    if ticket.is_supervised:
        rows.append((_("Supervision"), ticket.supervision_due_at, resolved))
    result = []
    for label, due, done_at in rows:
        if due is None or (ineligible and done_at is None):
            state = "off"
        elif done_at is not None:
            state = "met" if done_at <= due else "missed"
        elif ticket.paused_since is not None:
            state = "overdue" if due < ticket.paused_since else "paused"
        else:
            state = "overdue" if due < now else "running"
        result.append(ClockRow(label, due, state, done_at))
    return result


@dataclass
class TimelineEntry:
    event: TicketEvent
    actor: str
    note: str
    details: list = field(default_factory=list)  # [(label, value)]
    photos: list = field(default_factory=list)
    link: tuple | None = None  # (text, url)


class TicketDetailView(TicketPage, View):
    """The ticket page: facts, SLA clock, photos, timeline (with the history of tickets merged
    into it) and the forms of exactly the actions the viewer may do now (tickets.rules)."""

    template_name = "tickets/ticket_detail.html"

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_ticket())

    def render_page(self, ticket: Ticket, bound=None, status: int = 200):
        context = {
            "community": self.community,
            "tenancy": self.tenancy,
            **self.page_context(ticket, bound or {}),
        }
        return render(self.request, self.template_name, context, status=status)

    def page_context(self, ticket: Ticket, bound: dict) -> dict:
        user, roles, slug = self.request.user, self.roles, self.community.slug
        level = selectors.ticket_identity(ticket=ticket, user=user, roles=roles, single=True)
        contact = selectors.ticket_contact_reveal(ticket=ticket, user=user, level=level)
        shown_photos = [] if level == selectors.HIDDEN else list(ticket.photos.all())
        by_event = defaultdict(list)
        for photo in shown_photos:
            by_event[photo.event_id].append(photo)
        actions = [
            action
            for action in selectors.ticket_actions(ticket=ticket, user=user, roles=roles)
            if action in ACTIONS
            and self.tenancy.can(action_resource(action, ticket.kind), permissions.WRITE)
        ]
        # A refused form stays on the page (first, its button disabled) so nothing typed is lost.
        refused = [action for action in bound if action not in actions]
        action_forms = []
        for action in [*refused, *actions]:
            spec = ACTIONS[action]
            form = bound.get(action) or spec.form(
                prefix=action, ticket=ticket, community=self.community
            )
            if spec.note_label and "note" in form.fields:
                form.fields["note"].label = spec.note_label
            url = ticket_url(ticket, slug, "action", action=action.replace("_", "-"))
            action_forms.append((action, spec, form, url, action not in refused))
        spawned = []
        if ticket.kind == TicketKind.COMPLAINT and self.tenancy.can("work_order", permissions.READ):
            spawned = [
                (t.number, ticket_url(t, slug))
                for t in selectors.ticket_queue(
                    community=self.community, user=user, roles=roles, kind=TicketKind.WORK_ORDER
                ).filter(parent=ticket)
            ]
        return {
            "ticket": ticket,
            "kind_label": ticket.get_kind_display(),
            "list_url": reverse(f"tickets:{URL_PREFIX[ticket.kind]}-list", args=[slug]),
            "status_style": STATUS_STYLE.get(ticket.status, "text-bg-light border"),
            "place": place(ticket, level),
            # A full phone in the national form (a masked one is national already).
            "contact": {**contact, "phone": phone_display(contact["phone"])}
            if level == selectors.FULL
            else contact,
            "hidden": level == selectors.HIDDEN,
            "clock": sla_clock(ticket, timezone.now()),
            "intake_photos": by_event[None],
            "timeline": self.timeline(ticket, level, by_event),
            "action_forms": action_forms,
            "open_action": next(iter(bound), ""),
            "parent_url": ticket_url(ticket.parent, slug) if ticket.parent_id else "",
            "duplicate_url": ticket_url(ticket.duplicate_of, slug)
            if ticket.duplicate_of_id
            else "",
            "spawned": spawned,
            "photo_url_name": f"tickets:{URL_PREFIX[ticket.kind]}-photo",
        }

    def timeline(self, ticket: Ticket, level: str, by_event) -> list[TimelineEntry]:
        """The events with what each says, in words (two queries for the people and
        organisations named in dispatch events, whatever their number)."""
        events = list(selectors.ticket_event_list(ticket=ticket))
        user_ids = {e.data.get("assignee") for e in events} - {None}
        org_ids = {e.data.get("organisation") for e in events} - {None}
        users = User.objects.in_bulk(user_ids) if user_ids else {}
        orgs = Organisation.objects.in_bulk(org_ids) if org_ids else {}
        slug = self.community.slug
        entries = []
        for event in events:
            data = event.data
            by_submitter = event.actor_kind == TicketEvent.ActorKind.SUBMITTER
            private = selectors.event_is_private(event=event, ticket=ticket, roles=self.roles)
            if by_submitter and (level == selectors.HIDDEN or private):
                actor = _("Submitter")
            elif event.actor is None:
                actor = event.get_actor_kind_display()
            else:
                actor = _person(event.actor)
            entry = TimelineEntry(
                event, actor, "" if private else event.note, photos=by_event.get(event.pk, [])
            )
            details = entry.details
            if event.ticket_id != ticket.pk:
                details.append((_("From merged ticket"), event.ticket.number))
            if data.get("assignee") in users:
                details.append((_("Assignee"), _person(users[data["assignee"]])))
            if data.get("organisation") in orgs:
                details.append((_("Organisation"), orgs[data["organisation"]].name))
            if event.kind == E.TRANSFER:
                details.append(
                    (_("Previous responsible party"), ResponsibleParty(data["from"]).label)
                )
                details.append((_("Handed over to"), ResponsibleParty(data["to"]).label))
            if event.kind == E.SUPERVISE:
                details.append((_("Deadline"), datetime.datetime.fromisoformat(data["due_at"])))
            if event.kind == E.FOLLOW_UP:
                details.append(
                    (_("Result"), _("Satisfied") if data.get("satisfied") else _("Dissatisfied"))
                )
            if event.kind == E.MERGE:
                details.append((_("Merged ticket"), data.get("number", "")))
            if event.kind == E.TRANSITION and event.to_status == S.DUPLICATE:
                details.append((_("Merged into"), data.get("number", "")))
            if event.kind == E.NOTE and "work_order" in data:
                entry.link = (
                    data.get("number", ""),
                    reverse(
                        "tickets:work-order-detail", kwargs={"slug": slug, "pk": data["work_order"]}
                    ),
                )
            entries.append(entry)
        return entries


def _person(user: User | None) -> str:
    return forms.person_label(user) if user is not None else ""


class TicketActionView(TicketDetailView):
    """POST one action of the ticket page (`action`, a tickets.rules name with hyphens).

    Calls the service; on success redirects to the ticket page with a message. When the
    service refuses (TransitionNotAllowed: 409; ValidationError: 400), the ticket page is shown
    again with the translated reason as a message and the form keeping what was typed.
    The matrix is checked first (403), then the row (404), then the ticket's rules.
    """

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        self.action = kwargs["action"].replace("-", "_")
        if self.action not in ACTIONS:
            raise Http404
        self.resource = action_resource(self.action, self.kind)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        spec = ACTIONS[self.action]
        form = spec.form(
            request.POST, request.FILES, prefix=self.action, ticket=ticket, community=self.community
        )
        status = 400
        if form.is_valid():
            try:
                with transaction.atomic():
                    result = spec.run(self, ticket, dict(form.cleaned_data))
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return self.render_page(self.get_ticket(), {self.action: form}, status=409)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": spec.button})
                return HttpResponseRedirect(ticket_url(result, self.community.slug))
        messages.error(request, _("Please correct the fields marked below."))
        return self.render_page(ticket, {self.action: form}, status=status)


class TicketPhotoView(TicketPage, View):
    """A ticket's photo, to those who may see the ticket and its submitter's details (not to
    de-identified readers); never a public /media/ URL."""

    def get(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        level = selectors.ticket_identity(
            ticket=ticket, user=request.user, roles=self.roles, single=False
        )
        if level == selectors.HIDDEN:
            raise Http404
        photo = get_object_or_404(
            TicketPhoto, community=self.community, ticket=ticket, pk=kwargs["photo"]
        )
        response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, max-age=86400"
        response["Content-Security-Policy"] = "default-src 'none'"
        response["X-Content-Type-Options"] = "nosniff"
        return response
