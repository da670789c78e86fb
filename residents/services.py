"""Writes to the housing registry. Every function validates, checks the tenant rule and runs in
one transaction; errors are django ValidationError keyed by field name (translated)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from community.models import Community, Compound, User

from .identifiers import id_number_decrypt, id_number_normalise, id_number_protect, phone_normalise
from .models import Building, Household, IdentityAccessLog, Resident, Unit


def _save(
    obj: models.Model,
    *,
    duplicate: models.QuerySet,
    field: str,
    message,
    errors: dict[str, list] | None = None,
) -> None:
    """Validate `obj` (fields and the unique rule `duplicate` describes), then save it; raise
    every error at once, with those the caller found already (`errors`)."""
    errors = dict(errors or {})
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if field not in errors and duplicate.exclude(pk=obj.pk).exists():
        errors[field] = [message]
    if errors:
        raise ValidationError(errors)
    obj.save()


def _same_community(community_id: int, **related: models.Model) -> None:
    for name, obj in related.items():
        if obj.community_id != community_id:
            raise ValidationError({name: _("Choose one of this community's records.")})


@transaction.atomic
def building_create(
    *, community: Community, compound: Compound, name: str, floors: int | None = None
) -> Building:
    """Create a building of `compound`. Raises ValidationError ({field: [message]}) when the
    compound is another community's, a field is invalid, or the name is taken in the compound."""
    building = Building(community=community, compound=compound, name=name, floors=floors)
    return _building_save(building)


@transaction.atomic
def building_update(*, building: Building, data: dict[str, Any]) -> Building:
    """Change `compound`, `name` or `floors` of a building (same errors as building_create)."""
    _assign(building, data, ["compound", "name", "floors"])
    return _building_save(building)


def _building_save(building: Building) -> Building:
    _same_community(building.community_id, compound=building.compound)
    _save(
        building,
        duplicate=Building.objects.filter(
            community_id=building.community_id, compound=building.compound, name=building.name
        ),
        field="name",
        message=_("This compound already has a building with this name."),
    )
    return building


@transaction.atomic
def unit_create(*, community: Community, building: Building, name: str) -> Unit:
    """Create a unit of `building`. Raises ValidationError when the building is another
    community's or the name is taken in the building."""
    return _unit_save(Unit(community=community, building=building, name=name))


@transaction.atomic
def unit_update(*, unit: Unit, data: dict[str, Any]) -> Unit:
    """Change `building` or `name` of a unit (same errors as unit_create)."""
    _assign(unit, data, ["building", "name"])
    return _unit_save(unit)


def _unit_save(unit: Unit) -> Unit:
    _same_community(unit.community_id, building=unit.building)
    _save(
        unit,
        duplicate=Unit.objects.filter(
            community_id=unit.community_id, building=unit.building, name=unit.name
        ),
        field="name",
        message=_("This building already has a unit with this name."),
    )
    return unit


@transaction.atomic
def household_create(
    *,
    community: Community,
    unit: Unit,
    room: str,
    floor_area_m2,
    occupancy: str = Household.Occupancy.OCCUPIED,
) -> Household:
    """Create a household (dwelling) in `unit`; `floor_area_m2` in square metres (Decimal).
    Raises ValidationError when the unit is another community's, the area is not positive, or
    the room is taken in the unit."""
    household = Household(
        community=community,
        unit=unit,
        room=room,
        floor_area_m2=floor_area_m2,
        occupancy=occupancy,
    )
    return _household_save(household)


@transaction.atomic
def household_update(*, household: Household, data: dict[str, Any]) -> Household:
    """Change `unit`, `room`, `floor_area_m2` or `occupancy` (same errors as household_create)."""
    _assign(household, data, ["unit", "room", "floor_area_m2", "occupancy"])
    return _household_save(household)


def _household_save(household: Household) -> Household:
    _same_community(household.community_id, unit=household.unit)
    if household.floor_area_m2 is not None and household.floor_area_m2 <= 0:
        raise ValidationError({"floor_area_m2": _("The floor area must be more than 0 m².")})
    _save(
        household,
        duplicate=Household.objects.filter(
            community_id=household.community_id, unit=household.unit, room=household.room
        ),
        field="room",
        message=_("This unit already has a household with this room number."),
    )
    return household


@transaction.atomic
def resident_create(
    *,
    community: Community,
    household: Household,
    name: str,
    relation: str,
    phone: str = "",
    id_number: str = "",
) -> Resident:
    """Register a resident in `household`.

    `phone` in any mainland notation (stored E.164), `id_number` in clear (stored encrypted,
    hashed and masked). Raises ValidationError keyed by `household`, `name`, `relation`,
    `phone` or `id_number` (invalid, or already registered for another resident here).
    """
    resident = Resident(community=community, household=household, name=name, relation=relation)
    return _resident_save(resident, phone=phone, id_number=id_number)


@transaction.atomic
def resident_update(*, resident: Resident, data: dict[str, Any]) -> Resident:
    """Change `household`, `name`, `relation`, `phone` or `id_number` of a resident.

    A key absent from `data` keeps its value; `id_number=''` clears the ID-card number.
    Same errors as resident_create.
    """
    _assign(resident, data, ["household", "name", "relation"])
    return _resident_save(
        resident, phone=data.get("phone", resident.phone), id_number=data.get("id_number")
    )


def _resident_save(resident: Resident, *, phone: str, id_number: str | None) -> Resident:
    _same_community(resident.community_id, household=resident.household)
    errors: dict[str, list] = {}
    try:
        resident.phone = phone_normalise(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if id_number is not None:
        try:
            protected = id_number_protect(id_number_normalise(id_number))
        except ValidationError as exc:
            errors["id_number"] = exc.messages
        else:
            resident.id_number_encrypted = protected.encrypted
            resident.id_number_hash = protected.hash
            resident.id_number_masked = protected.masked
    _save(
        resident,
        duplicate=Resident.objects.filter(
            community_id=resident.community_id, id_number_hash=resident.id_number_hash
        ).exclude(id_number_hash=""),
        field="id_number",
        message=_("This ID-card number is already registered for another resident."),
        errors=errors,
    )
    return resident


@transaction.atomic
def resident_reveal(*, resident: Resident, actor: User, field: str, reason: str) -> str:
    """The full ID-card number or phone (`field`: IdentityAccessLog.Field) of `resident`.

    Writes one IdentityAccessLog row (who, whose, when, why) first. The caller has checked the
    `reveal` action of the matrix. Raises ValidationError {"reason": ...} when no reason is
    given, {"field": ...} for an unknown field or when the resident has no such value.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need to see the full value.")})
    if field not in IdentityAccessLog.Field.values:
        raise ValidationError({"field": _("Choose the ID-card number or the phone.")})
    value = (
        id_number_decrypt(resident.id_number_encrypted)
        if field == IdentityAccessLog.Field.ID_NUMBER
        else resident.phone
    )
    if not value:
        raise ValidationError({"field": _("This resident has no such value on record.")})
    IdentityAccessLog.objects.create(
        community_id=resident.community_id,
        actor=actor,
        resident=resident,
        field=field,
        reason=reason[:200],
    )
    return value


def _assign(obj: models.Model, data: dict[str, Any], fields: list[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])
