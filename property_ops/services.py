"""Writes of the safety and operations logs (HackSoft style: keyword-only `<entity>_<action>`).

Every write validates the row (`full_clean`: field rules, cross-field rules of `Model.clean`)
inside one transaction and raises django.core.exceptions.ValidationError naming the field.
Instants are aware datetimes (stored in UTC).
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from community.models import Community, TenantModel, User

from .models import (
    ConvenienceService,
    Facility,
    FacilityStatusChange,
    Hazard,
    HazardInspection,
    HazardStep,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)


def _save(instance: TenantModel, fields: dict[str, Any]) -> TenantModel:
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def _create(model: type[TenantModel], community: Community, fields: dict[str, Any]):
    return _save(model(community=community), fields)


# Facilities register ----------------------------------------------------------------------------


@transaction.atomic
def facility_create(
    *, community: Community, actor: User | None, status: str = Facility.Status.IN_SERVICE, **fields
) -> Facility:
    """Register a facility; its history starts with `status` at `registered_at`.

    `fields`: the Facility fields (kind, name, code, location, compound, installed_on,
    registered_at, notes). Raises ValidationError (e.g. a duplicate asset code).
    """
    facility = _create(Facility, community, {**fields, "status": status})
    FacilityStatusChange.objects.create(
        community=community,
        facility=facility,
        status=status,
        at=facility.registered_at,
        note=_("Registered"),
        recorded_by=actor,
    )
    return facility


@transaction.atomic
def facility_update(*, facility: Facility, **fields) -> Facility:
    """Edit a facility's descriptive fields. Its status changes only through
    `facility_status_change`; `registered_at` may not move after its first status change."""
    first = facility.status_changes.order_by("at", "id").first()
    registered_at = fields.get("registered_at", facility.registered_at)
    later = facility.status_changes.exclude(pk=getattr(first, "pk", None))
    if later.filter(at__lt=registered_at).exists():
        raise ValidationError(
            {"registered_at": _("Cannot be after a later status change of this facility.")}
        )
    _save(facility, fields)
    if first is not None and first.at != facility.registered_at:
        first.at = facility.registered_at
        first.save(update_fields=["at", "updated_at"])
    return facility


@transaction.atomic
def facility_status_change(
    *, facility: Facility, status: str, at: datetime, note: str = "", actor: User | None
) -> FacilityStatusChange:
    """Record that `facility` has `status` from `at` on (in service, out of service, retired).

    `at` may be in the past (a breakdown logged the next morning) but not before the
    registration. The facility's current `status` becomes that of its latest change.
    Raises ValidationError on `at` or `status`.
    """
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    if at < facility.registered_at:
        raise ValidationError({"at": _("Cannot be before the facility was registered.")})
    change = _create(
        FacilityStatusChange,
        facility.community,
        {"facility": facility, "status": status, "at": at, "note": note, "recorded_by": actor},
    )
    facility.status = facility.status_changes.order_by("-at", "-id").values_list(
        "status", flat=True
    )[0]
    facility.save(update_fields=["status", "updated_at"])
    return change


def maintenance_record_create(*, facility: Facility, **fields) -> MaintenanceRecord:
    """Log a maintenance job on `facility` (kind, performed_at, performed_by, description, cost
    in yuan, next_due_on). Raises ValidationError."""
    if fields.get("performed_at") and fields["performed_at"] < facility.registered_at:
        raise ValidationError({"performed_at": _("Cannot be before the facility was registered.")})
    return _create(MaintenanceRecord, facility.community, {**fields, "facility": facility})


def maintenance_record_update(*, record: MaintenanceRecord, **fields) -> MaintenanceRecord:
    """Correct a maintenance record. Raises ValidationError."""
    return _save(record, fields)


# Sanitation, hygiene, hazard inspections, convenience services: plain records -----------------


def sanitation_run_create(*, community: Community, **fields) -> SanitationRun:
    """Schedule (or log) a garbage clearance run: collection_point, waste_kind, due_at, and
    done_at once done. Raises ValidationError."""
    return _create(SanitationRun, community, fields)


def sanitation_run_update(*, run: SanitationRun, **fields) -> SanitationRun:
    """Edit a run, typically to record `done_at`. Raises ValidationError."""
    return _save(run, fields)


def hygiene_inspection_create(*, community: Community, **fields) -> HygieneInspection:
    """Record a hygiene inspection: area, inspected_on, inspector, score (0–100), grade."""
    return _create(HygieneInspection, community, fields)


def hygiene_inspection_update(*, inspection: HygieneInspection, **fields) -> HygieneInspection:
    """Correct a hygiene inspection. Raises ValidationError."""
    return _save(inspection, fields)


def hazard_inspection_create(*, community: Community, **fields) -> HazardInspection:
    """Record a hazard inspection round held (kind, held_at, area, inspectors, notes)."""
    return _create(HazardInspection, community, fields)


def hazard_inspection_update(*, inspection: HazardInspection, **fields) -> HazardInspection:
    """Correct a hazard inspection round. Raises ValidationError."""
    return _save(inspection, fields)


def convenience_service_create(*, community: Community, **fields) -> ConvenienceService:
    """Offer a convenience service (kind, name, provider, started_on, ended_on, ...)."""
    return _create(ConvenienceService, community, fields)


def convenience_service_update(*, service: ConvenienceService, **fields) -> ConvenienceService:
    """Edit a convenience service; set `ended_on` to stop offering it. Raises ValidationError."""
    return _save(service, fields)


def service_use_create(*, service: ConvenienceService, **fields) -> ServiceUse:
    """Log one use of `service` (used_at, household, rating 1–5 or None, comment).

    Raises ValidationError when `used_at` falls outside the days the service was offered.
    """
    _check_use_in_offer(service, fields.get("used_at"))
    return _create(ServiceUse, service.community, {**fields, "service": service})


def service_use_update(*, use: ServiceUse, **fields) -> ServiceUse:
    """Correct a service use, e.g. add the rating given later. Raises ValidationError."""
    _check_use_in_offer(use.service, fields.get("used_at", use.used_at))
    return _save(use, fields)


def _check_use_in_offer(service: ConvenienceService, used_at: datetime | None) -> None:
    if used_at is None:
        return
    day = used_at.astimezone(service.community.tz).date()
    if day < service.started_on or (service.ended_on and day > service.ended_on):
        raise ValidationError({"used_at": _("The service was not offered on that day.")})


# Patrol rounds ----------------------------------------------------------------------------------


@transaction.atomic
def patrol_round_create(*, community: Community, checkpoints: list[str], **fields) -> PatrolRound:
    """Plan a patrol round (route, guard, planned_start, planned_end, note) with one planned
    visit per checkpoint name, each with the round's window. Raises ValidationError when no
    checkpoint is given or one is named twice."""
    names = [name.strip() for name in checkpoints if name.strip()]
    if not names:
        raise ValidationError({"checkpoints": _("Name at least one checkpoint.")})
    if len(set(names)) != len(names):
        raise ValidationError({"checkpoints": _("A checkpoint is named twice.")})
    patrol = _create(PatrolRound, community, fields)
    PatrolVisit.objects.bulk_create(
        PatrolVisit(
            community=community,
            patrol_round=patrol,
            checkpoint=name,
            position=position,
            window_start=patrol.planned_start,
            window_end=patrol.planned_end,
        )
        for position, name in enumerate(names)
    )
    return patrol


def patrol_round_update(*, patrol: PatrolRound, **fields) -> PatrolRound:
    """Edit route, guard and note. The plan (window, checkpoints) is fixed once made, so the
    completion rate is measured against what was planned."""
    return _save(patrol, fields)


def patrol_visit_record(
    *, visit: PatrolVisit, visited_at: datetime | None, note: str = ""
) -> PatrolVisit:
    """Record (or clear, with None) the instant a checkpoint was visited. A visit outside its
    window is kept as it happened and counts as not done in the window."""
    return _save(visit, {"visited_at": visited_at, "note": note})


# Hazards ----------------------------------------------------------------------------------------


def hazard_create(*, community: Community, **fields) -> Hazard:
    """Record a hazard finding (kind, place, description, found_at, found_by, rectify_by,
    responsible, reference, inspection, photo). Raises ValidationError."""
    inspection = fields.get("inspection")
    if inspection and fields.get("found_at") and fields["found_at"] < inspection.held_at:
        raise ValidationError({"found_at": _("Cannot be before the inspection was held.")})
    return _create(Hazard, community, fields)


def hazard_update(*, hazard: Hazard, **fields) -> Hazard:
    """Edit a finding's description. Its loop moves only through `hazard_rectify` and
    `hazard_reinspect`; `found_at` may not move after its first step."""
    first = hazard.steps.order_by("at", "id").first()
    if first and fields.get("found_at", hazard.found_at) > first.at:
        raise ValidationError({"found_at": _("Cannot be after the hazard's first step.")})
    return _save(hazard, fields)


@transaction.atomic
def hazard_rectify(*, hazard: Hazard, at: datetime, note: str = "", actor: User | None) -> Hazard:
    """Record the rectification of an open hazard at `at`.

    Raises ValidationError when the hazard is not awaiting rectification or `at` is before the
    finding or the last failed re-inspection.
    """
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.status != Hazard.Status.OPEN:
        raise ValidationError(_("This hazard is not awaiting rectification."))
    return _step(hazard, HazardStep.Kind.RECTIFIED, at, note, actor)


@transaction.atomic
def hazard_reinspect(
    *, hazard: Hazard, at: datetime, passed: bool, note: str = "", actor: User | None
) -> Hazard:
    """Record the re-inspection of a rectified hazard: passed closes the loop, failed reopens it
    (it needs rectifying again). Raises ValidationError when the hazard is not rectified or `at`
    is before the rectification."""
    hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
    if hazard.status != Hazard.Status.RECTIFIED:
        raise ValidationError(_("This hazard is not awaiting re-inspection."))
    kind = HazardStep.Kind.REINSPECTION_PASSED if passed else HazardStep.Kind.REINSPECTION_FAILED
    return _step(hazard, kind, at, note, actor)


NEXT_STATUS = {
    HazardStep.Kind.RECTIFIED: Hazard.Status.RECTIFIED,
    HazardStep.Kind.REINSPECTION_PASSED: Hazard.Status.VERIFIED,
    HazardStep.Kind.REINSPECTION_FAILED: Hazard.Status.OPEN,
}


def _step(hazard: Hazard, kind: str, at: datetime, note: str, actor: User | None) -> Hazard:
    last = hazard.steps.order_by("-at", "-id").first()
    floor = last.at if last else hazard.found_at
    if at < floor:
        raise ValidationError({"at": _("Cannot be before the previous step of this hazard.")})
    _create(
        HazardStep,
        hazard.community,
        {"hazard": hazard, "kind": kind, "at": at, "note": note, "actor": actor},
    )
    hazard.status = NEXT_STATUS[kind]
    if kind == HazardStep.Kind.RECTIFIED:
        hazard.rectified_at = at
    else:
        hazard.reinspected_at = at
        hazard.reinspection_passed = kind == HazardStep.Kind.REINSPECTION_PASSED
    hazard.save(
        update_fields=[
            "status",
            "rectified_at",
            "reinspected_at",
            "reinspection_passed",
            "updated_at",
        ]
    )
    return hazard
