"""Property operations: work orders (工单) and the safety and operations logs.

The logs are the records behind METRICS.md "Other dimensions": the facilities register with its
in-service history (`facilities.integrity_rate`), sanitation runs
(`environment.garbage_on_time_rate`), patrol rounds and their checkpoint visits
(`safety.patrol_completion_rate`), quarterly hygiene inspections, hazard inspections and findings
with their find → rectify → re-inspect loop (`safety.fire_hazard_rectification_rate`,
`emergency.hazard_rectification_rate`, `emergency.hazard_inspections_count`) and convenience
services with their uses and ratings. Every instant is stored in UTC.
"""

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Compound, TenantModel
from residents.models import Household
from tickets.models import Ticket, TicketKind

# Clocks of phones and office PCs drift; a few minutes ahead is not "in the future".
CLOCK_TOLERANCE = timedelta(minutes=5)


def validate_past_instant(value: datetime) -> None:
    """A log records what happened: its instants are not in the future."""
    if value > timezone.now() + CLOCK_TOLERANCE:
        raise ValidationError(_("Cannot be in the future."), code="future")


def validate_past_date(value: date) -> None:
    """Dates of what happened are not after today (in the active, i.e. community, time zone)."""
    if value > timezone.localdate():
        raise ValidationError(_("Cannot be in the future."), code="future")


class WorkOrderManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=TicketKind.WORK_ORDER)


class WorkOrder(Ticket):
    objects = WorkOrderManager()

    class Meta:
        proxy = True


class Facility(TenantModel):
    """A registered facility (设施). `status` is the state now, derived from the last
    `FacilityStatusChange`; the state at any instant is replayed from those changes."""

    class Kind(models.TextChoices):
        ELEVATOR = "elevator", _("Elevator")
        FIRE_EQUIPMENT = "fire_equipment", _("Fire equipment")
        LIGHTING = "lighting", _("Lighting")
        FITNESS_EQUIPMENT = "fitness_equipment", _("Fitness equipment")
        ACCESS_CONTROL = "access_control", _("Access control")
        CCTV = "cctv", _("CCTV")
        WATER_PUMP = "water_pump", _("Water pump")
        CHARGING_POINT = "charging_point", _("EV or e-bike charging point")
        PLAYGROUND = "playground", _("Playground")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("In service")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")
        RETIRED = "retired", _("Retired")

    compound = models.ForeignKey(
        Compound,
        verbose_name=_("Compound"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("Kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=200)
    code = models.CharField(_("Asset code"), max_length=64, blank=True)
    location = models.CharField(_("Location"), max_length=200, blank=True)
    installed_on = models.DateField(_("Installed on"), null=True, blank=True)
    registered_at = models.DateTimeField(_("Registered at"), validators=[validate_past_instant])
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.IN_SERVICE
    )
    notes = models.TextField(_("Notes"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                condition=~models.Q(code=""),
                name="facility_code_uniq",
            )
        ]
        verbose_name = _("Facility")
        verbose_name_plural = _("Facilities")

    def __str__(self) -> str:
        return self.name


class FacilityStatusChange(TenantModel):
    """Append-only in-service history: the facility has `status` from `at` on.

    The first change of a facility is at its `registered_at`. Status at `as_of` = `status` of the
    last change with `at <= as_of` (ties by id).
    """

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("Status"), max_length=16, choices=Facility.Status.choices)
    at = models.DateTimeField(_("Since"), validators=[validate_past_instant])
    note = models.CharField(_("Note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # facilities.integrity_rate: replaying each facility's status up to the period end.
            models.Index(fields=["community", "facility", "at"], name="facilitystatus_replay_idx"),
        ]
        verbose_name = _("Facility status change")
        verbose_name_plural = _("Facility status changes")


class MaintenanceRecord(TenantModel):
    """One maintenance job on a facility (routine upkeep, repair, statutory inspection)."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine maintenance")
        REPAIR = "repair", _("Repair")
        INSPECTION = "inspection", _("Statutory inspection")

    facility = models.ForeignKey(
        Facility, verbose_name=_("Facility"), on_delete=models.CASCADE, related_name="maintenance"
    )
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    performed_at = models.DateTimeField(_("Performed at"), validators=[validate_past_instant])
    performed_by = models.CharField(_("Performed by"), max_length=100, blank=True)
    description = models.TextField(_("Description"), blank=True)
    cost = models.DecimalField(
        _("Cost (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    next_due_on = models.DateField(_("Next due on"), null=True, blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]
        verbose_name = _("Maintenance record")
        verbose_name_plural = _("Maintenance records")


class SanitationRun(TenantModel):
    """A scheduled garbage clearance run (垃圾清运). On time = `done_at <= due_at`
    (`environment.garbage_on_time_rate`: runs due in the period, done by their due time)."""

    class WasteKind(models.TextChoices):
        HOUSEHOLD = "household", _("Household waste")
        KITCHEN = "kitchen", _("Kitchen waste")
        RECYCLABLE = "recyclable", _("Recyclables")
        HAZARDOUS = "hazardous", _("Hazardous waste")
        BULKY = "bulky", _("Bulky waste")
        CONSTRUCTION = "construction", _("Renovation debris")

    compound = models.ForeignKey(
        Compound,
        verbose_name=_("Compound"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    collection_point = models.CharField(_("Collection point"), max_length=200)
    waste_kind = models.CharField(_("Waste kind"), max_length=16, choices=WasteKind.choices)
    due_at = models.DateTimeField(_("Due at"))
    done_at = models.DateTimeField(
        _("Done at"), null=True, blank=True, validators=[validate_past_instant]
    )
    crew = models.CharField(_("Crew"), max_length=100, blank=True)
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        indexes = [
            # environment.garbage_on_time_rate: a community's runs due in a period.
            models.Index(fields=["community", "due_at"], name="sanitationrun_due_idx"),
        ]
        verbose_name = _("Sanitation run")
        verbose_name_plural = _("Sanitation runs")

    def __str__(self) -> str:
        return f"{self.collection_point} · {self.get_waste_kind_display()}"

    @property
    def is_on_time(self) -> bool | None:
        """True/False once done; None while not done."""
        return None if self.done_at is None else self.done_at <= self.due_at


class PatrolRound(TenantModel):
    """A security patrol round (安全巡逻) over planned checkpoints, each a `PatrolVisit`."""

    route = models.CharField(_("Route"), max_length=200)
    guard = models.CharField(_("Guard"), max_length=100, blank=True)
    planned_start = models.DateTimeField(_("Planned start"))
    planned_end = models.DateTimeField(_("Planned end"))
    note = models.TextField(_("Note"), blank=True)

    class Meta:
        ordering = ["-planned_start", "-id"]
        indexes = [
            # Lists and the patrol figure: a community's rounds of a period.
            models.Index(fields=["community", "planned_start"], name="patrolround_start_idx"),
        ]
        verbose_name = _("Patrol round")
        verbose_name_plural = _("Patrol rounds")

    def __str__(self) -> str:
        return self.route

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            raise ValidationError({"planned_end": _("Must be after the planned start.")})


class PatrolVisit(TenantModel):
    """A planned checkpoint visit of a round. Done = `window_start <= visited_at <= window_end`
    (`safety.patrol_completion_rate`: visits done in their window ÷ visits planned, by
    `window_start` in the period)."""

    patrol_round = models.ForeignKey(PatrolRound, on_delete=models.CASCADE, related_name="visits")
    checkpoint = models.CharField(_("Checkpoint"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    window_start = models.DateTimeField(_("Window opens"))
    window_end = models.DateTimeField(_("Window closes"))
    visited_at = models.DateTimeField(
        _("Visited at"), null=True, blank=True, validators=[validate_past_instant]
    )
    note = models.CharField(_("Note"), max_length=300, blank=True)

    class Meta:
        ordering = ["patrol_round_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "patrol_round", "checkpoint"],
                name="patrolvisit_checkpoint_uniq",
            )
        ]
        indexes = [
            # safety.patrol_completion_rate: visits planned in a period.
            models.Index(fields=["community", "window_start"], name="patrolvisit_window_idx"),
        ]
        verbose_name = _("Checkpoint visit")
        verbose_name_plural = _("Checkpoint visits")

    def __str__(self) -> str:
        return self.checkpoint

    @property
    def in_window(self) -> bool:
        return self.visited_at is not None and (
            self.window_start <= self.visited_at <= self.window_end
        )


class HygieneInspection(TenantModel):
    """A (quarterly) hygiene inspection (卫生检查) with a score out of 100 and a grade."""

    class Grade(models.TextChoices):
        FAIL = "fail", _("Fail")
        PASS = "pass", _("Pass")
        GOOD = "good", _("Good")
        EXCELLENT = "excellent", _("Excellent")

    compound = models.ForeignKey(
        Compound,
        verbose_name=_("Compound"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.CharField(_("Area inspected"), max_length=200)
    inspected_on = models.DateField(_("Inspected on"), validators=[validate_past_date])
    inspector = models.CharField(_("Inspector"), max_length=100)
    score = models.DecimalField(
        _("Score"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    grade = models.CharField(_("Grade"), max_length=16, choices=Grade.choices)
    findings = models.TextField(_("Findings"), blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]
        indexes = [
            # Hygiene figure: a community's inspections of a quarter.
            models.Index(fields=["community", "inspected_on"], name="hygiene_date_idx"),
        ]
        verbose_name = _("Hygiene inspection")
        verbose_name_plural = _("Hygiene inspections")

    def __str__(self) -> str:
        return f"{self.area} · {self.inspected_on}"


class HazardInspection(TenantModel):
    """A hazard inspection round (隐患排查) held: `emergency.hazard_inspections_count` counts these
    by `held_at` in the period."""

    class Kind(models.TextChoices):
        ROUTINE = "routine", _("Routine inspection")
        FIRE_SAFETY = "fire_safety", _("Fire safety inspection")
        HOLIDAY = "holiday", _("Pre-holiday inspection")
        SEASONAL = "seasonal", _("Seasonal (flood, typhoon, frost)")
        JOINT = "joint", _("Joint inspection")

    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    held_at = models.DateTimeField(_("Held at"), validators=[validate_past_instant])
    area = models.CharField(_("Area covered"), max_length=200)
    inspectors = models.CharField(_("Inspectors"), max_length=200)
    notes = models.TextField(_("Notes"), blank=True)

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            # emergency.hazard_inspections_count: inspections held in a period.
            models.Index(fields=["community", "held_at"], name="hazardinspection_held_idx"),
        ]
        verbose_name = _("Hazard inspection")
        verbose_name_plural = _("Hazard inspections")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.area}"


PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def hazard_photo_path(instance: "Hazard", filename: str) -> str:
    """A random name under the community's folder: the uploader's file name is not kept, and
    files are served only through the permission-checked hazard photo page, never /media/."""
    return f"hazards/{instance.community_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def validate_photo_size(file) -> None:
    if file.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("The photo is larger than 10 MB."), code="too_large")


class Hazard(TenantModel):
    """A hazard finding (隐患) and the state of its loop find → rectify → re-inspect.

    The steps are append-only `HazardStep`s; `status`, `rectified_at`, `reinspected_at` and
    `reinspection_passed` are the state now, derived from them. A hazard counts as rectified at
    `as_of` when its last step by `as_of` is a rectification or a passed re-inspection; a failed
    re-inspection reopens it (METRICS.md, hazard rectification rates; docs/metrics.md).
    """

    class Kind(models.TextChoices):
        FIRE = "fire", _("Fire hazard")
        ELECTRICAL = "electrical", _("Electrical")
        GAS = "gas", _("Gas")
        STRUCTURAL = "structural", _("Structural")
        FALLING_OBJECT = "falling_object", _("Falling objects")
        FLOODING = "flooding", _("Flooding and drainage")
        TRAFFIC = "traffic", _("Traffic and parking")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting rectification")
        RECTIFIED = "rectified", _("Rectified, awaiting re-inspection")
        VERIFIED = "verified", _("Re-inspected and closed")

    inspection = models.ForeignKey(
        HazardInspection,
        verbose_name=_("Found during inspection"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hazards",
    )
    reference = models.CharField(_("Reference number"), max_length=64, blank=True)
    kind = models.CharField(_("Kind"), max_length=16, choices=Kind.choices)
    place = models.CharField(pgettext_lazy("hazard", "Place"), max_length=200)
    description = models.TextField(_("Description"))
    found_at = models.DateTimeField(_("Found at"), validators=[validate_past_instant])
    found_by = models.CharField(_("Found by"), max_length=100, blank=True)
    rectify_by = models.DateField(_("Rectification deadline"))
    responsible = models.CharField(_("Responsible for rectification"), max_length=100, blank=True)
    photo = models.ImageField(
        _("Photo"),
        upload_to=hazard_photo_path,
        blank=True,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS), validate_photo_size],
        help_text=_("JPEG, PNG or WebP, up to 10 MB."),
    )

    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    rectified_at = models.DateTimeField(_("Rectified at"), null=True, blank=True)
    reinspected_at = models.DateTimeField(_("Re-inspected at"), null=True, blank=True)
    reinspection_passed = models.BooleanField(_("Re-inspection passed"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "reference"],
                condition=~models.Q(reference=""),
                name="hazard_reference_uniq",
            )
        ]
        indexes = [
            # Hazard rectification rates: a community's hazards found in a period.
            models.Index(fields=["community", "found_at"], name="hazard_found_idx"),
            # Lists: open hazards first.
            models.Index(fields=["community", "status"], name="hazard_status_idx"),
        ]
        verbose_name = _("Hazard")
        verbose_name_plural = _("Hazards")

    def __str__(self) -> str:
        return self.reference or f"{self.place} · {self.get_kind_display()}"

    def clean(self):
        if (
            self.found_at
            and self.rectify_by
            and self.rectify_by < timezone.localdate(self.found_at)
        ):
            raise ValidationError({"rectify_by": _("Cannot be before the day it was found.")})


class HazardStep(TenantModel):
    """One append-only step of a hazard's loop after it was found."""

    class Kind(models.TextChoices):
        RECTIFIED = "rectified", _("Rectified")
        REINSPECTION_PASSED = "reinspection_passed", _("Re-inspection passed")
        REINSPECTION_FAILED = "reinspection_failed", _("Re-inspection failed")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("Step"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("Instant"), validators=[validate_past_instant])
    note = models.TextField(_("Note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # Replaying a hazard's loop up to as_of (reports/) and the detail page.
            models.Index(fields=["community", "hazard", "at"], name="hazardstep_replay_idx"),
        ]
        verbose_name = _("Hazard step")
        verbose_name_plural = _("Hazard steps")


class ConvenienceService(TenantModel):
    """A convenience service (便民服务) the community offers from `started_on` until `ended_on`."""

    class Kind(models.TextChoices):
        PARCEL = "parcel", _("Parcel collection")
        HOUSEKEEPING = "housekeeping", _("Housekeeping referral")
        REPAIR_BOOKING = "repair_booking", _("Small repairs booking")
        ELDERLY_MEALS = "elderly_meals", _("Meals for the elderly")
        HAIRCUT = "haircut", _("Haircuts")
        TOOL_LENDING = "tool_lending", _("Tool lending")
        LEGAL_AID = "legal_aid", _("Legal advice")
        HEALTH_CHECK = "health_check", _("Health checks")
        KNIFE_SHARPENING = "knife_sharpening", _("Knife sharpening")
        OTHER = "other", _("Other")

    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Name"), max_length=200)
    provider = models.CharField(_("Provider"), max_length=200, blank=True)
    location = models.CharField(_("Location"), max_length=200, blank=True)
    schedule = models.CharField(_("Opening times"), max_length=200, blank=True)
    started_on = models.DateField(_("Offered from"))
    ended_on = models.DateField(_("Offered until"), null=True, blank=True)
    description = models.TextField(_("Description"), blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="convenienceservice_dates_check",
            )
        ]
        verbose_name = _("Convenience service")
        verbose_name_plural = _("Convenience services")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("Cannot be before the start date.")})


class ServiceUse(TenantModel):
    """One use of a convenience service, optionally by a household, with a 1–5 rating
    (satisfied = 4 or 5, as for tickets)."""

    service = models.ForeignKey(
        ConvenienceService, verbose_name=_("Service"), on_delete=models.CASCADE, related_name="uses"
    )
    used_at = models.DateTimeField(_("Used at"), validators=[validate_past_instant])
    household = models.ForeignKey(
        Household,
        verbose_name=_("Household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("Rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.CharField(_("Comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["-used_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__range=(1, 5)),
                name="serviceuse_rating_range",
            )
        ]
        indexes = [
            # Convenience service figure: uses in a period.
            models.Index(fields=["community", "used_at"], name="serviceuse_used_idx"),
        ]
        verbose_name = _("Service use")
        verbose_name_plural = _("Service uses")
