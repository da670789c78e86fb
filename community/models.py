"""Tenancy: communities, compounds, organisations, users and memberships.

The tenant is the community (DESIGN.md, Tenancy). Every tenant-owned model inherits
`TenantModel`, which carries `community` even where a join could reach it, so the schema can be
distributed by `community_id` (docs/scaling.md).
"""

import datetime
import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        abstract = True


# Asia/Shanghai and its aliases (Asia/Urumqi is not one: it keeps UTC+06:00).
BEIJING_ZONES = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"}


def timezone_label(name: str) -> str:
    """An IANA zone in words with its UTC offset: 北京时间（UTC+08:00） / China Standard Time
    (UTC+08:00) for Asia/Shanghai and its aliases, else the name ("Asia/Tokyo (UTC+09:00)", in
    Chinese with full-width brackets). A zone whose offset changes during this year (daylight
    saving time, Morocco's Ramadan hour) lists every offset it takes, lowest first
    ("America/New_York (UTC-05:00 / UTC-04:00, changing during the year)"): the label names
    the zone, not one instant of it."""
    from django.utils import timezone
    from django.utils.translation import gettext

    zone = zoneinfo.ZoneInfo(name)
    # Noon of each day (aware arithmetic in one zone keeps the wall time).
    start = datetime.datetime(timezone.now().year, 1, 1, 12, tzinfo=zone)
    offsets = sorted({(start + datetime.timedelta(days=d)).utcoffset() for d in range(366)})

    def text(offset: datetime.timedelta) -> str:
        minutes = round(offset.total_seconds() // 60)
        sign = "-" if minutes < 0 else "+"
        return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    if name in BEIJING_ZONES:
        return gettext("China Standard Time (UTC%(offset)s)") % {"offset": text(offsets[0])}
    if len(offsets) > 1:
        return gettext("%(zone)s (%(offsets)s, changing during the year)") % {
            "zone": name,
            "offsets": " / ".join(f"UTC{text(o)}" for o in offsets),
        }
    return gettext("%(zone)s (UTC%(offset)s)") % {"zone": name, "offset": text(offsets[0])}


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not an IANA time zone"), params={"value": value})


class User(AbstractUser):
    """A person who logs in. Roles come from memberships, never from the user row."""

    language = models.CharField(
        _("Interface language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )


class Organisation(TimeStampedModel):
    """A body that acts in communities. Not tenant-owned: a property company or a street office
    serves several communities."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_COMMITTEE = "neighbourhood_committee", _("Neighbourhood committee")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee")
        PROPERTY_COMPANY = "property_company", _("Property company")
        STREET_OFFICE = "street_office", _("Street office")
        EVALUATOR = "evaluator", _("Evaluator")

    name = models.CharField(_("Name"), max_length=200)
    kind = models.CharField(_("Kind"), max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organisation_kind_name_uniq")
        ]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisation")

    def __str__(self) -> str:
        return self.name


class Community(TimeStampedModel):
    """The tenant. `timezone` is an IANA name; periods are local to it (METRICS.md, Time)."""

    slug = models.SlugField(_("Slug"), max_length=80, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    timezone = models.CharField(
        _("Time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    # The first local date of the records the portal holds for this community (its launch). A
    # period that ends before it has no data: its figures are "—", never 0
    # (reports.metrics.figures_compute). Empty: no such limit.
    records_since = models.DateField(_("Records since"), null=True, blank=True)
    # The first local date of the ticket records, when tickets were imported from before the
    # portal's own records began (a 311 export, an older system): ticket figures count from
    # the earlier of the two dates, every other figure from records_since. Empty: no earlier.
    tickets_since = models.DateField(_("Ticket records since"), null=True, blank=True)
    street_office = models.ForeignKey(
        Organisation,
        verbose_name=_("Street office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communities",
        limit_choices_to={"kind": Organisation.Kind.STREET_OFFICE},
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("Community")
        verbose_name_plural = _("Community")

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def timezone_label(self) -> str:
        """The zone in words, for pages (`timezone_label`)."""
        return timezone_label(self.timezone)


class TenantModel(TimeStampedModel):
    """Base of every tenant-owned row: it carries its community."""

    community = models.ForeignKey(
        Community, verbose_name=_("Community"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A row never points at another community's row (DESIGN.md, Tenancy). Checked on the
        # related objects already loaded, which is how services build rows.
        for field in self._meta.concrete_fields:
            if field.is_relation and field.is_cached(self):
                target = getattr(self, field.name)
                if isinstance(target, TenantModel) and target.community_id != self.community_id:
                    raise ValueError(
                        f"{self._meta.label}.{field.name} belongs to another community"
                    )
        super().save(*args, **kwargs)


class Compound(TenantModel):
    """A residential estate (小区). Areas in square metres feed the green coverage rate."""

    name = models.CharField(_("Name"), max_length=200)
    address = models.CharField(_("Address"), max_length=300, blank=True)
    land_area_m2 = models.DecimalField(
        _("Land area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    green_area_m2 = models.DecimalField(
        _("Green area (m²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    property_company = models.ForeignKey(
        Organisation,
        verbose_name=_("Property company"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compounds",
        limit_choices_to={"kind": Organisation.Kind.PROPERTY_COMPANY},
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_name_uniq")
        ]
        verbose_name = _("Compound")
        verbose_name_plural = _("Compound")

    def __str__(self) -> str:
        return self.name


class Membership(TenantModel):
    """A user's role in one community, on behalf of one organisation (DESIGN.md, Who uses it).

    A user may hold several (a property manager serving three communities).
    """

    class Role(models.TextChoices):
        COMMITTEE_STAFF = "committee_staff", _("Committee staff")
        PROPERTY_MANAGER = "property_manager", _("Property manager")
        TECHNICIAN = "technician", _("Technician")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee member")
        RESIDENT = "resident", _("Resident")
        EVALUATOR = "evaluator", _("Evaluator")
        STREET_OFFICER = "street_officer", _("Street officer")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    role = models.CharField(_("Role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("Active"), default=True)
    # The dates the member served, so "active staff at period end" (training coverage,
    # METRICS.md) can be answered for any past date: active on D when
    # started_on <= D and (ended_on is null or ended_on > D).
    started_on = models.DateField(_("Started on"), default=datetime.date.today)
    ended_on = models.DateField(_("Ended on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user", "role"], name="membership_user_role_uniq"
            )
        ]
        indexes = [
            # Resolving the current community: memberships of one user.
            models.Index(fields=["user", "community"], name="membership_user_idx"),
        ]
        verbose_name = _("Membership")
        verbose_name_plural = _("Membership")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.community_id}"


# --- Community records (issue 4): governance, participation, disclosure, surveys, emergency and
# team. What each one feeds is named in METRICS.md, "Other dimensions"; the reads live in
# community/records/selectors.py, the writes in community/records/services.py.


def record_upload_to(instance, filename: str) -> str:
    """Uploaded files are stored under generated names; the original name is kept in a field."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"records/{instance.community_id}/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class Meeting(TenantModel):
    """A joint meeting (联席会议), owners' committee meeting or residents' forum (恳谈会).

    Feeds `governance` meetings held (count, per quarter) by `held_at`.
    """

    class Kind(models.TextChoices):
        JOINT = "joint", _("Joint meeting")
        OWNERS_COMMITTEE = "owners_committee", _("Owners' committee meeting")
        RESIDENTS_FORUM = "residents_forum", _("Residents' forum")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    held_at = models.DateTimeField(_("Held at"))
    place = models.CharField(_("Place"), max_length=200, blank=True)
    resident_representatives = models.TextField(
        _("Resident representatives"), blank=True, help_text=_("Names, one per line.")
    )
    minutes = models.TextField(_("Minutes"), blank=True)
    recorded_by = models.ForeignKey(
        User,
        verbose_name=_("Recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            # Meetings held in a period, by kind (joint meetings per quarter).
            models.Index(fields=["community", "held_at"], name="meeting_period_idx"),
        ]
        verbose_name = _("Meeting")
        verbose_name_plural = _("Meetings")

    def __str__(self) -> str:
        return self.title

    @property
    def representative_names(self) -> list[str]:
        return [n.strip() for n in self.resident_representatives.splitlines() if n.strip()]


class MeetingAttendance(TenantModel):
    """Who attended a meeting on behalf of one organisation (names and head count)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Organisation"), on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.CharField(_("Attendees"), max_length=300, blank=True)
    headcount = models.PositiveSmallIntegerField(_("Head count"), default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "meeting", "organisation"], name="meetingattendance_uniq"
            )
        ]
        verbose_name = _("Meeting attendance")
        verbose_name_plural = _("Meeting attendances")

    def __str__(self) -> str:
        return f"{self.organisation} ×{self.headcount}"


class MeetingAttachment(TenantModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("File"), upload_to=record_upload_to)
    name = models.CharField(_("File name"), max_length=200)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Meeting attachment")
        verbose_name_plural = _("Meeting attachments")

    def __str__(self) -> str:
        return self.name


class AgendaTopic(TenantModel):
    """A matter raised at a meeting and followed to resolution (议题).

    Topic resolution rate (METRICS.md): topics with `raised_at` in the period and
    `resolved_at <= as_of` ÷ topics raised in the period. A decision may create a work order
    (`work_order`) that residents follow through the ticket core.
    """

    class Source(models.TextChoices):
        RESIDENT_OPINION = "resident_opinion", _("Resident opinion")
        COMPLAINT = "complaint", _("Complaint")
        STAFF = "staff", _("Staff")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        DEFERRED = "deferred", _("Deferred")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("Meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="topics",
    )
    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("Description"), blank=True)
    source = models.CharField(_("Source"), max_length=20, choices=Source.choices)
    complaint = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("Complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("Raised at"))
    due_date = models.DateField(_("Due date"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.RAISED
    )
    resolved_at = models.DateTimeField(_("Resolved at"), null=True, blank=True)
    decision = models.TextField(_("Decision"), blank=True)
    work_order = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("Work order"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_topics",
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            # Topic resolution rate: topics raised in a period.
            models.Index(fields=["community", "raised_at"], name="agendatopic_period_idx"),
        ]
        verbose_name = _("Agenda topic")
        verbose_name_plural = _("Agenda topics")

    def __str__(self) -> str:
        return self.title


class Opinion(TenantModel):
    """A resident opinion (居民意见) from any channel, decided adopted or not.

    Opinion adoption rate (METRICS.md): received in the period and adopted (decided by as_of)
    ÷ received in the period and decided by as_of.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        OPINION_BOX = "opinion_box", _("Opinion box")
        FORUM = "forum", _("Residents' forum")
        OTHER = "other", _("Other")

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    channel = models.CharField(_("Channel"), max_length=16, choices=Channel.choices)
    content = models.TextField(_("Opinion"))
    submitter = models.ForeignKey(
        User,
        verbose_name=_("Submitter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitter_name = models.CharField(_("Submitter name"), max_length=50, blank=True)
    received_at = models.DateTimeField(_("Received at"))
    decision = models.CharField(
        _("Decision"), max_length=16, choices=Decision.choices, default=Decision.PENDING
    )
    decision_reason = models.TextField(_("Reason"), blank=True)
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    topic = models.ForeignKey(
        AgendaTopic,
        verbose_name=_("Taken up by topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opinions",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            # Opinion adoption rate: opinions received in a period.
            models.Index(fields=["community", "received_at"], name="opinion_period_idx"),
        ]
        verbose_name = _("Resident opinion")
        verbose_name_plural = _("Resident opinions")

    def __str__(self) -> str:
        return self.content[:40]


class Activity(TenantModel):
    """A community activity. Activities held (METRICS.md): not cancelled, `starts_at` in the
    period and before as_of; participations = attended signups, distinct participants = distinct
    `person_key` among them."""

    class Kind(models.TextChoices):
        CULTURE = "culture", _("Culture")
        SPORTS = "sports", _("Sports")
        SCIENCE = "science", _("Science")
        VOLUNTEER_SERVICE = "volunteer_service", _("Volunteer service")
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        FESTIVAL = "festival", _("Festival")
        OTHER = "other", _("Other")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("Description"), blank=True)
    place = models.CharField(_("Place"), max_length=200)
    starts_at = models.DateTimeField(_("Starts at"))
    ends_at = models.DateTimeField(_("Ends at"))
    capacity = models.PositiveIntegerField(
        _("Capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    signup_open = models.BooleanField(_("Open for sign-up"), default=True)
    is_cancelled = models.BooleanField(_("Cancelled"), default=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            # Activities held in a period.
            models.Index(fields=["community", "starts_at"], name="activity_period_idx"),
        ]
        verbose_name = _("Activity")
        verbose_name_plural = _("Activities")

    def __str__(self) -> str:
        return self.title


class ActivitySignup(TenantModel):
    """One person at one activity: a web sign-up, or attendance taken by staff or imported.

    `person_key` identifies the person across records ("r:<resident id>", "u:<user id>" or
    "n:<name>|<phone>"); one row per person per activity.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Web sign-up")
        STAFF = "staff", _("Recorded by staff")
        IMPORT = "import", _("Import")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("Resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("Name"), max_length=50)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)
    person_key = models.CharField(max_length=80)
    source = models.CharField(_("Source"), max_length=8, choices=Source.choices)
    attended = models.BooleanField(_("Attended"), default=False)

    class Meta:
        ordering = ["activity_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "activity", "person_key"], name="activitysignup_person_uniq"
            )
        ]
        verbose_name = _("Activity sign-up")
        verbose_name_plural = _("Activity sign-ups")

    def __str__(self) -> str:
        return self.name


class VolunteerTeam(TenantModel):
    name = models.CharField(_("Name"), max_length=100)
    leader = models.CharField(_("Leader"), max_length=50, blank=True)
    description = models.TextField(_("Description"), blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="volunteerteam_name_uniq")
        ]
        verbose_name = _("Volunteer team")
        verbose_name_plural = _("Volunteer teams")

    def __str__(self) -> str:
        return self.name


class VolunteerHours(TenantModel):
    """Hours one volunteer served on one day, for a team and optionally an activity.

    Volunteer hours (METRICS.md): sum of `hours` with `served_on` in the period; distinct
    volunteers = distinct `person_key`. One row per person per activity.
    """

    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("Team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hours",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("Activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_hours",
    )
    resident = models.ForeignKey(
        "residents.Resident",
        verbose_name=_("Resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("Volunteer"), max_length=50)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)
    person_key = models.CharField(max_length=80)
    served_on = models.DateField(_("Served on"))
    hours = models.DecimalField(_("Hours"), max_digits=5, decimal_places=1)
    note = models.CharField(_("Note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "activity", "person_key"],
                condition=models.Q(activity__isnull=False),
                name="volunteerhours_activity_person_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="volunteerhours_hours_range",
            ),
        ]
        indexes = [
            # Volunteer hours of a period.
            models.Index(fields=["community", "served_on"], name="volunteerhours_period_idx"),
        ]
        verbose_name = _("Volunteer hours")
        verbose_name_plural = _("Volunteer hours")

    def __str__(self) -> str:
        return f"{self.name} {self.hours}"


class DisclosureChannel(TenantModel):
    """A channel the community runs for disclosures, and since when.

    Channel coverage (METRICS.md): channels a kind was published on in the period ÷ channels
    running at period end (`started_on <= end < ended_on`).
    """

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        NOTICE_BOARD = "notice_board", _("Notice board")
        WECHAT_GROUP = "wechat_group", _("WeChat group")
        OFFICIAL_ACCOUNT = "official_account", _("Official account")

    channel = models.CharField(_("Channel"), max_length=20, choices=Channel.choices)
    started_on = models.DateField(_("Running since"))
    ended_on = models.DateField(_("Stopped on"), null=True, blank=True)

    class Meta:
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint(fields=["community", "channel"], name="disclosurechannel_uniq")
        ]
        verbose_name = _("Disclosure channel")
        verbose_name_plural = _("Disclosure channels")

    def __str__(self) -> str:
        return self.get_channel_display()


class Disclosure(TenantModel):
    """One published version of a disclosure (公示). A correction is a new row that `supersedes`
    the previous version, which stays visible.

    Every row is a link of the community's hash chain: `content_hash` = SHA-256 over the
    canonical serialisation of its content and `prev_hash` (the `content_hash` of the row with
    `seq - 1`). Disclosure frequency counts first versions (`version == 1`) by `published_at`.
    """

    class Kind(models.TextChoices):
        PROPERTY_FEE = "property_fee", _("Property-fee income and expenditure")
        PUBLIC_REVENUE = "public_revenue", _("Public revenue")
        MAINTENANCE_FUND = "maintenance_fund", _("Maintenance-fund use")
        COMMITTEE_REPORT = "committee_report", _("Committee work report")
        MEETING_RESOLUTION = "meeting_resolution", _("Meeting resolution")
        OTHER = "other", _("Other")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    body = models.TextField(_("Content"))
    period_start = models.DateField(_("Period from"))
    period_end = models.DateField(_("Period to"))
    channels = models.JSONField(_("Published on"), default=list)
    published_at = models.DateTimeField(_("Published at"))
    published_by = models.ForeignKey(
        User,
        verbose_name=_("Published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveSmallIntegerField(_("Version"), default=1)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("Corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_reason = models.TextField(_("Reason for the correction"), blank=True)
    seq = models.PositiveIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    content_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-published_at", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["community", "seq"], name="disclosure_seq_uniq"),
            # A version is corrected at most once: the chain of versions is a line.
            models.UniqueConstraint(
                fields=["community", "supersedes"], name="disclosure_supersedes_uniq"
            ),
        ]
        indexes = [
            # Disclosure frequency: disclosures published in a period, by kind.
            models.Index(fields=["community", "published_at"], name="disclosure_period_idx"),
        ]
        verbose_name = _("Disclosure")
        verbose_name_plural = _("Disclosures")

    def __str__(self) -> str:
        return self.title

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(DisclosureChannel.Channel.choices)
        return [labels.get(c, c) for c in self.channels]


class DisclosureDocument(TenantModel):
    """A document of a disclosure version; its SHA-256 is part of the version's hash."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("File"), upload_to=record_upload_to)
    name = models.CharField(_("File name"), max_length=200)
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("Disclosure document")
        verbose_name_plural = _("Disclosure documents")

    def __str__(self) -> str:
        return self.name


class DisclosureObjection(TenantModel):
    """A resident's objection to a disclosure; it becomes a complaint in the ticket core."""

    disclosure = models.ForeignKey(Disclosure, on_delete=models.PROTECT, related_name="objections")
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("Objection"))
    complaint = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Disclosure objection")
        verbose_name_plural = _("Disclosure objections")

    def __str__(self) -> str:
        return self.reason[:40]


class Survey(TenantModel):
    """A survey with an open period. One response per resident or per household (`scope`);
    an anonymous survey stores no user or household on its responses, only a keyed hash that
    enforces the one-response rule."""

    class Scope(models.TextChoices):
        RESIDENT = "resident", _("One answer per resident")
        HOUSEHOLD = "household", _("One answer per household")

    title = models.CharField(_("Title"), max_length=200)
    description = models.TextField(_("Description"), blank=True)
    opens_at = models.DateTimeField(_("Opens at"))
    closes_at = models.DateTimeField(_("Closes at"))
    scope = models.CharField(
        _("Answers"), max_length=16, choices=Scope.choices, default=Scope.RESIDENT
    )
    is_anonymous = models.BooleanField(_("Anonymous"), default=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        indexes = [
            # Surveys open in a period.
            models.Index(fields=["community", "opens_at"], name="survey_period_idx"),
        ]
        verbose_name = _("Survey")
        verbose_name_plural = _("Surveys")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(TenantModel):
    class Kind(models.TextChoices):
        SATISFACTION = "satisfaction", _("Satisfaction (1–5)")
        AWARENESS = "awareness", _("Awareness (yes/no)")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        FREE_TEXT = "free_text", _("Free text")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("Position"))
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    text = models.CharField(_("Question"), max_length=300)
    choices = models.JSONField(_("Choices"), default=list, blank=True)
    is_required = models.BooleanField(pgettext_lazy("survey question", "Required"), default=True)

    class Meta:
        ordering = ["survey_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "survey", "position"], name="surveyquestion_position_uniq"
            )
        ]
        verbose_name = _("Survey question")
        verbose_name_plural = _("Survey questions")

    def __str__(self) -> str:
        return self.text


class SurveyResponse(TenantModel):
    """One respondent's answers. `respondent_key` is a keyed hash of the resident or household
    (by `scope`), unique per survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    respondent_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        "residents.Household", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("Submitted at"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "survey", "respondent_key"], name="surveyresponse_once_uniq"
            )
        ]
        verbose_name = _("Survey response")
        verbose_name_plural = _("Survey responses")

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class SurveyAnswer(TenantModel):
    """The answer to one question: `number` (1–5 satisfaction; 1 yes / 0 no awareness),
    `selected` (choice texts) or `text`."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)
    selected = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "response", "question"], name="surveyanswer_uniq"
            )
        ]
        verbose_name = _("Survey answer")
        verbose_name_plural = _("Survey answers")

    def __str__(self) -> str:
        return f"{self.question} #{self.pk}"


class EmergencyPlan(TenantModel):
    """An emergency plan (应急预案), in force from `in_force_from` until `retired_on`.

    Plan currency (METRICS.md): plans in force at period end with a revision dated within the
    12 months up to period end ÷ plans in force at period end.
    """

    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire")
        FLOOD_TYPHOON = "flood_typhoon", _("Flood and typhoon")
        EARTHQUAKE = "earthquake", _("Earthquake")
        PUBLIC_HEALTH = "public_health", _("Public health")
        GAS_LEAK = "gas_leak", _("Gas leak")
        ELEVATOR_ENTRAPMENT = "elevator_entrapment", _("Elevator entrapment")
        POWER_OUTAGE = "power_outage", _("Power or water outage")
        OTHER = "other", _("Other")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    in_force_from = models.DateField(_("In force from"))
    retired_on = models.DateField(_("Retired on"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("Emergency plan")
        verbose_name_plural = _("Emergency plans")

    def __str__(self) -> str:
        return self.title


class EmergencyPlanRevision(TenantModel):
    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="revisions")
    version = models.CharField(_("Version"), max_length=20)
    revised_on = models.DateField(_("Revised on"))
    summary = models.TextField(_("What changed"), blank=True)
    document = models.FileField(_("Document"), upload_to=record_upload_to, blank=True)

    class Meta:
        ordering = ["plan_id", "-revised_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "plan", "version"], name="planrevision_version_uniq"
            )
        ]
        verbose_name = _("Plan revision")
        verbose_name_plural = _("Plan revisions")

    def __str__(self) -> str:
        return self.version


class Drill(TenantModel):
    """An emergency drill (应急演练). Drills held and participants (METRICS.md) by `held_at`."""

    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_("Plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drills",
    )
    title = models.CharField(_("Title"), max_length=200)
    held_at = models.DateTimeField(_("Held at"))
    place = models.CharField(_("Place"), max_length=200, blank=True)
    participants = models.PositiveIntegerField(_("Participants"))
    findings = models.TextField(_("Findings"), blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            # Drills held in a period.
            models.Index(fields=["community", "held_at"], name="drill_period_idx"),
        ]
        verbose_name = _("Drill")
        verbose_name_plural = _("Drills")

    def __str__(self) -> str:
        return self.title


class DrillAction(TenantModel):
    """An after-action item of a drill, tracked to done."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("Action"), max_length=300)
    responsible = models.CharField(_("Responsible"), max_length=100, blank=True)
    due_date = models.DateField(_("Due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("Done at"), null=True, blank=True)

    class Meta:
        ordering = ["drill_id", "id"]
        verbose_name = _("After-action item")
        verbose_name_plural = _("After-action items")

    def __str__(self) -> str:
        return self.description


class Incident(TenantModel):
    """An emergency or security incident (突发事件). Incident response time (METRICS.md):
    `first_response_at - reported_at`; the burglary rate counts kind `burglary` by
    `reported_at`."""

    class Kind(models.TextChoices):
        BURGLARY = "burglary", _("Burglary")
        FIRE = "fire", _("Fire")
        FLOOD = "flood", _("Flood")
        ELEVATOR_ENTRAPMENT = "elevator_entrapment", _("Elevator entrapment")
        GAS_LEAK = "gas_leak", _("Gas leak")
        POWER_OUTAGE = "power_outage", _("Power or water outage")
        PUBLIC_HEALTH = "public_health", _("Public health")
        OTHER = "other", _("Other")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Title"), max_length=200)
    place = models.CharField(_("Place"), max_length=200, blank=True)
    description = models.TextField(_("Description"), blank=True)
    reported_at = models.DateTimeField(_("Reported at"))
    first_response_at = models.DateTimeField(_("First response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(
        pgettext_lazy("incident", "Resolved at"), null=True, blank=True
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            # Incidents reported in a period (response time, burglary rate).
            models.Index(fields=["community", "reported_at"], name="incident_period_idx"),
        ]
        verbose_name = _("Incident")
        verbose_name_plural = _("Incidents")

    def __str__(self) -> str:
        return self.title


class Training(TenantModel):
    """A training for committee and property staff. Training coverage (METRICS.md): distinct
    active staff attending a training held in the period ÷ active staff at period end."""

    topic = models.CharField(_("Topic"), max_length=200)
    held_on = models.DateField(_("Held on"))
    hours = models.DecimalField(pgettext_lazy("training", "Hours"), max_digits=4, decimal_places=1)
    organiser = models.CharField(_("Organiser"), max_length=100, blank=True)
    description = models.TextField(_("Description"), blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            # Trainings held in a period.
            models.Index(fields=["community", "held_on"], name="training_period_idx"),
        ]
        verbose_name = _("Training")
        verbose_name_plural = _("Trainings")

    def __str__(self) -> str:
        return self.topic


class TrainingAttendance(TenantModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        User, verbose_name=_("Attendee"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "training", "user"], name="trainingattendance_uniq"
            )
        ]
        verbose_name = _("Training attendance")
        verbose_name_plural = _("Training attendances")

    def __str__(self) -> str:
        return f"{self.training} · {self.user}"


# --- Notifications (issue 3, item 7): community/notifications/. Cross-cutting: any app may
# notify a member; the ticket core does so through tickets.signals.ticket_events_recorded.


class Notification(TenantModel):
    """An in-app notification for one member (`recipient`) in one community.

    `title` and `body` are plain text in the recipient's language when it was written (pages
    escape them). `ticket` is a nullable foreign key rather than a generic (app, id) pair: the
    database keeps it valid (a deleted ticket takes its notifications with it), the list loads
    it in the same query (number, kind, link), and a generic pair could point at nothing or at
    another community's row. Another source adds its own nullable key the same way.
    `dedupe_key` (unique per community) makes each notice exist once, however often the code
    that writes it runs (a beat job twice, two workers at once).
    """

    class Kind(models.TextChoices):
        STATUS_CHANGED = "status_changed", _("Status changed")
        NEW_TICKET = "new_ticket", _("New ticket")
        ASSIGNED = "assigned", _("Assigned to you")
        TRANSFERRED = "transferred", _("Handed over")
        SUPERVISED = "supervised", _("Supervised")
        DEADLINE_NEAR = "deadline_near", _("Deadline near")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("Ticket"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("Title"), max_length=300)
    body = models.TextField(_("Text"), blank=True)
    dedupe_key = models.CharField(max_length=200)
    read_at = models.DateTimeField(_("Read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "dedupe_key"], name="notification_dedupe_uniq"
            )
        ]
        indexes = [
            # The list: a member's notifications in one community, newest first.
            models.Index(
                fields=["community", "recipient", "-created_at"], name="notification_inbox_idx"
            ),
            # The unread count in the header.
            models.Index(
                fields=["community", "recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        verbose_name = _("Notification")
        verbose_name_plural = _("Notifications")

    def __str__(self) -> str:
        return self.title


class OutboxMessage(TenantModel):
    """A message to send, written in the same transaction as the change it tells about, so a
    broker outage neither fails nor loses it: the drain (community.notifications.tasks) sends
    pending rows whose `next_attempt_at` has come, marks them sent, or schedules a retry with
    backoff (`attempts`, `last_error`) and gives up as `failed` after the last attempt.
    `address` is the recipient's e-mail address when the row was written; `subject` and `body`
    are plain text (no HTML part is ever sent). `dedupe_key` is unique per community: each
    message, reminder and escalation is sent once.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(
        _("Channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL
    )
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    address = models.CharField(_("Address"), max_length=254)
    subject = models.CharField(_("Subject"), max_length=300)
    body = models.TextField(_("Text"))
    dedupe_key = models.CharField(max_length=200)
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("Next attempt at"))
    sent_at = models.DateTimeField(_("Sent at"), null=True, blank=True)
    last_error = models.TextField(_("Last error"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "dedupe_key"], name="outbox_dedupe_uniq")
        ]
        indexes = [
            # The drain: pending rows that are due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_idx",
            ),
        ]
        verbose_name = _("Outgoing message")
        verbose_name_plural = _("Outgoing messages")

    def __str__(self) -> str:
        return self.subject
