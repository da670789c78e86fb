"""Housing registry: buildings, units, households and residents (DESIGN.md, residents/)."""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from community.models import Compound, TenantModel

from .identifiers import phone_mask


class Building(TenantModel):
    compound = models.ForeignKey(
        Compound, verbose_name=_("Compound"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("Building"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("Floors"), null=True, blank=True)

    class Meta:
        ordering = ["compound_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "compound", "name"], name="building_name_uniq"
            )
        ]
        verbose_name = _("Building")
        verbose_name_plural = _("Building")

    def __str__(self) -> str:
        return self.name


class Unit(TenantModel):
    building = models.ForeignKey(
        Building, verbose_name=_("Building"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("Unit"), max_length=50)

    class Meta:
        ordering = ["building_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "building", "name"], name="unit_name_uniq")
        ]
        verbose_name = _("Unit")
        verbose_name_plural = _("Unit")

    def __str__(self) -> str:
        return f"{self.building.name}{self.name}"


class Household(TenantModel):
    """A dwelling (户). `floor_area_m2` in square metres; households at period end are the
    denominator of the complaint rate (METRICS.md)."""

    class Occupancy(models.TextChoices):
        OCCUPIED = "occupied", _("Occupied")
        VACANT = "vacant", _("Vacant")

    unit = models.ForeignKey(
        Unit, verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="households"
    )
    room = models.CharField(_("Room"), max_length=20)
    floor_area_m2 = models.DecimalField(_("Floor area (m²)"), max_digits=8, decimal_places=2)
    occupancy = models.CharField(
        _("Occupancy"), max_length=16, choices=Occupancy.choices, default=Occupancy.OCCUPIED
    )

    class Meta:
        ordering = ["unit_id", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "unit", "room"], name="household_room_uniq"
            )
        ]
        verbose_name = _("Household")
        verbose_name_plural = _("Household")

    def __str__(self) -> str:
        return self.room


class Resident(TenantModel):
    """A person registered in a household. Phone is stored normalised (E.164); the ID-card number
    is stored encrypted, with a keyed hash for look-ups and a masked copy for display."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    household = models.ForeignKey(
        Household, verbose_name=_("Household"), on_delete=models.PROTECT, related_name="residents"
    )
    name = models.CharField(pgettext_lazy("person", "Name"), max_length=50)
    phone = models.CharField(_("Phone"), max_length=20, blank=True)
    id_number_encrypted = models.TextField(
        _("ID-card number (encrypted)"), blank=True, editable=False
    )
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(
        _("ID-card number"), max_length=18, blank=True, editable=False
    )
    relation = models.CharField(_("Relation"), max_length=16, choices=Relation.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_records",
    )

    class Meta:
        ordering = ["household_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="resident_id_number_uniq",
            )
        ]
        indexes = [
            # Registry search by name within a community.
            models.Index(fields=["community", "name"], name="resident_name_idx"),
            # Registry search by exact phone (E.164) within a community.
            models.Index(fields=["community", "phone"], name="resident_phone_idx"),
        ]
        verbose_name = _("Resident")
        verbose_name_plural = _("Resident")

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        """138****8000: the only form of the phone that pages, API and exports show."""
        return phone_mask(self.phone)


class IdentityAccessLog(TenantModel):
    """Who saw whose full identifier, when and why (a row per reveal)."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID-card number")
        PHONE = "phone", _("Phone")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="access_logs")
    field = models.CharField(max_length=16, choices=Field.choices)
    reason = models.CharField(_("Reason"), max_length=200)

    class Meta:
        verbose_name = _("Identity access log")
        verbose_name_plural = _("Identity access log")


# Writes are logged (who, when, what changed); identifiers only ever appear masked in the log.
auditlog.register(Building)
auditlog.register(Unit)
auditlog.register(Household)
auditlog.register(
    Resident,
    exclude_fields=["id_number_encrypted", "id_number_hash"],
    mask_fields=["phone"],
    mask_callable="residents.identifiers.phone_mask",
)
