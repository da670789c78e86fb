"""Tenancy: communities, compounds, organisations, users and memberships.

The tenant is the community (DESIGN.md, Tenancy). Every tenant-owned model inherits
`TenantModel`, which carries `community` even where a join could reach it, so the schema can be
distributed by `community_id` (docs/scaling.md).
"""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    class Meta:
        abstract = True


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


class TenantModel(TimeStampedModel):
    """Base of every tenant-owned row: it carries its community."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")

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
