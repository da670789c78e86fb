"""The ticket core shared by complaints (complaints/) and work orders (property_ops/).

One table holds both kinds, so every ticket figure of METRICS.md is one set-based query.
State is derived from the append-only event log (`TicketEvent`); the derived columns on
`Ticket` (status, first_response_at, resolved_at, closed_at, handoff_count) are the state
*now*, kept for queues. Metrics replay the log up to `as_of` instead (reports/).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Organisation, TenantModel
from residents.models import Building, Household, Unit


class ResponsibleParty(models.TextChoices):
    """The responsibility list (权责清单): who answers for a category of matter."""

    NEIGHBOURHOOD_COMMITTEE = "neighbourhood_committee", _("Neighbourhood committee")
    PROPERTY_COMPANY = "property_company", _("Property company")
    OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
    OUTSIDE_BODY = "outside_body", _("Outside body")


class TicketKind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    WORK_ORDER = "work_order", _("Work order")


class Category(TenantModel):
    """A kind of matter, with its responsible party and SLA targets.

    A target is `value` in `unit`: calendar hours, or China working days (METRICS.md, Time).
    A null target means "no SLA": such tickets are outside the on-time rates.
    """

    class TargetUnit(models.TextChoices):
        HOURS = "hours", pgettext_lazy("unit of time", "Hours")
        WORKING_DAYS = "working_days", _("Working days")

    kind = models.CharField(_("Kind"), max_length=16, choices=TicketKind.choices)
    code = models.SlugField(_("Code"), max_length=64)
    name = models.CharField(_("Name"), max_length=100)
    responsible_party = models.CharField(
        _("Responsible party"), max_length=32, choices=ResponsibleParty.choices
    )
    is_facility_fault = models.BooleanField(_("Facility fault"), default=False)
    is_property_service = models.BooleanField(_("Against the property service"), default=False)
    response_target = models.PositiveIntegerField(_("Response target"), null=True, blank=True)
    response_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.HOURS
    )
    resolution_target = models.PositiveIntegerField(_("Resolution target"), null=True, blank=True)
    resolution_unit = models.CharField(
        max_length=16, choices=TargetUnit.choices, default=TargetUnit.WORKING_DAYS
    )
    is_active = models.BooleanField(_("Active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"], name="category_code_uniq")
        ]
        verbose_name = _("Category")
        verbose_name_plural = _("Category")

    def __str__(self) -> str:
        return self.name


class Ticket(TenantModel):
    """A complaint or a work order."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        DISPATCHED = "dispatched", _("Dispatched")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", pgettext_lazy("ticket withdrawn by its submitter", "Cancelled")
        DUPLICATE = "duplicate", _("Duplicate")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        APP = "app", _("Mobile app")
        MINI_PROGRAM = "mini_program", _("Mini-program")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        OPINION_BOX = "opinion_box", _("Opinion box")
        BUILDING_CAPTAIN = "building_captain", _("Via building captain")
        HOTLINE_12345 = "hotline_12345", _("12345 hotline transfer")
        STAFF = "staff", _("Found by staff")
        OTHER = "other", _("Other")

    INELIGIBLE = (Status.REJECTED, Status.CANCELLED, Status.DUPLICATE)
    DONE = (Status.RESOLVED, Status.CLOSED)
    ONLINE_CHANNELS = (Channel.WEB, Channel.APP, Channel.MINI_PROGRAM)

    kind = models.CharField(_("Kind"), max_length=16, choices=TicketKind.choices)
    number = models.CharField(_("Number"), max_length=40, blank=True)
    source = models.CharField(_("Source system"), max_length=32, default="portal")
    external_id = models.CharField(_("Source ID"), max_length=64, blank=True)
    channel = models.CharField(_("Channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("Category"), on_delete=models.PROTECT, related_name="tickets"
    )
    title = models.CharField(_("Title"), max_length=200, blank=True)
    description = models.TextField(_("Description"), blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Submitter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_tickets",
    )
    submitter_name = models.CharField(_("Submitter name"), max_length=50, blank=True)
    submitter_phone = models.CharField(_("Contact phone"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("Household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("Building"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("Unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
    )
    location_text = models.CharField(_("Location"), max_length=300, blank=True)

    submitted_at = models.DateTimeField(_("Submitted at"))
    response_due_at = models.DateTimeField(_("Response deadline"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("Resolution deadline"), null=True, blank=True)
    # The deadlines as set at submission (the category's SLA, or imported due dates), never
    # moved: response_due_at / resolution_due_at move later when a paused clock resumes
    # (services.event_apply), while the metrics replay the pauses up to as_of onto these
    # (METRICS.md, Time; docs/metrics.md, Effective deadline).
    nominal_response_due_at = models.DateTimeField(
        _("Response deadline at submission"), null=True, blank=True
    )
    nominal_resolution_due_at = models.DateTimeField(
        _("Resolution deadline at submission"), null=True, blank=True
    )

    # Derived from the event log: the state now (see module docstring).
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    first_response_at = models.DateTimeField(_("First response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    handoff_count = models.PositiveIntegerField(_("Hand-offs"), default=0)
    paused_since = models.DateTimeField(_("Waiting on submitter since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("Paused seconds"), default=0)

    responsible_party = models.CharField(
        _("Responsible party"), max_length=32, choices=ResponsibleParty.choices
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    assigned_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Assigned organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_supervised = models.BooleanField(_("Supervision"), default=False)
    supervision_due_at = models.DateTimeField(_("Supervision deadline"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Originating complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spawned",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("Merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    # Who entered the ticket: the resident themselves, or the staff member acting on their
    # behalf (`submitter` is then the resident's account, if they have one). Idempotency keys
    # are per `created_by`, so a staff member's retry of an on-behalf submission is caught too.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    # Import findings (METRICS.md, Imported and inconsistent records): codes such as
    # "closed_without_close_time", "close_time_on_open_ticket", "negative_duration",
    # "clock_skew", "ambiguous_time", "nonexistent_time".
    data_flags = models.JSONField(_("Data flags"), default=list, blank=True)
    exclude_from_durations = models.BooleanField(default=False)
    # Derived from `rate` events: the latest score, how many ratings were given (the first one
    # may be changed once), and when the first was given (the change window starts then).
    rating = models.PositiveSmallIntegerField(_("Rating"), null=True, blank=True)
    rating_count = models.PositiveSmallIntegerField(default=0)
    first_rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "number"],
                condition=~models.Q(number=""),
                name="ticket_number_uniq",
            ),
            models.UniqueConstraint(
                fields=["community", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="ticket_external_id_uniq",
            ),
            models.UniqueConstraint(
                fields=["community", "created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="ticket_idempotency_uniq",
            ),
        ]
        indexes = [
            # Metrics and queues: a community's tickets of a period.
            models.Index(fields=["community", "kind", "submitted_at"], name="ticket_period_idx"),
            # Queues: counts by status.
            models.Index(fields=["community", "status"], name="ticket_status_idx"),
            # Queue totals and counts by status of one kind (index-only scans).
            models.Index(fields=["community", "kind", "status"], name="ticket_queue_idx"),
            # A technician's queue: the work orders assigned to them.
            models.Index(fields=["community", "assignee", "status"], name="ticket_assignee_idx"),
            # The auto-close job: resolved tickets by resolution instant.
            models.Index(fields=["status", "resolved_at"], name="ticket_autoclose_idx"),
        ]
        verbose_name = _("Ticket")
        verbose_name_plural = _("Ticket")

    def __str__(self) -> str:
        return self.number or self.external_id or f"#{self.pk}"


class TicketEvent(TenantModel):
    """One append-only fact about a ticket: a transition, a reply, a rating, a hand-off, ...

    `at` is the instant it happened (UTC); `to_status` is set on transitions only.
    """

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Transition")
        REPLY = "reply", _("Reply")
        ASSIGN = "assign", _("Dispatch")
        TRANSFER = "transfer", _("Hand-off")
        SUPERVISE = "supervise", _("Supervision")
        RATE = "rate", _("Rating")
        PAUSE = "pause", _("Waiting on submitter")
        RESUME = "resume", _("Clock resumed")
        FOLLOW_UP = "follow_up", _("Follow-up call")
        MERGE = "merge", _("Merge")
        NOTE = "note", _("Note")

    class ActorKind(models.TextChoices):
        STAFF = "staff", _("Staff")
        SUBMITTER = "submitter", _("Submitter")
        SYSTEM = "system", _("System")
        IMPORT = "import", _("Import")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=16, choices=Ticket.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Ticket.Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    at = models.DateTimeField(_("Instant"))
    note = models.TextField(_("Note"), blank=True)
    rating = models.PositiveSmallIntegerField(_("Score"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Replaying a ticket's log up to as_of (reports/) and the timeline page.
            models.Index(fields=["community", "ticket", "at"], name="ticketevent_replay_idx"),
        ]
        verbose_name = _("Ticket event")
        verbose_name_plural = _("Ticket event")


class TicketSequence(TenantModel):
    """The last human ticket number given per community, kind and local year (TS2026-00042)."""

    kind = models.CharField(max_length=16, choices=TicketKind.choices)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind", "year"], name="ticketsequence_uniq"
            )
        ]


class ContactAccessLog(TenantModel):
    """A row each time someone was shown a ticket's full contact phone (who, which, when, why).

    Tickets carry the submitter's phone themselves (a caller may not be a registered resident),
    so these reveals are logged here rather than in residents.IdentityAccessLog.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="contact_accesses")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("Reason"), max_length=200)

    class Meta:
        verbose_name = _("Contact access log")
        verbose_name_plural = _("Contact access log")


def ticket_photo_path(instance: "TicketPhoto", filename: str) -> str:
    """tickets/<community id>/<generated name>: tickets.photos names the files at random."""
    return f"tickets/{instance.community_id}/{filename}"


class TicketPhoto(TenantModel):
    """A photo of a ticket's intake (`event` empty) or of one of its events (a resolution),
    re-encoded without metadata by tickets/photos.py. Served only by the ticket's photo page to
    those who may see the ticket, never from /media/. `size_bytes` is the stored file's size."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        TicketEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("Photo"), upload_to=ticket_photo_path, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [
            # The ticket page: a ticket's photos.
            models.Index(fields=["community", "ticket"], name="ticketphoto_ticket_idx"),
        ]
        verbose_name = _("Ticket photo")
        verbose_name_plural = _("Ticket photo")
