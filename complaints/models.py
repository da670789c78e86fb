"""Complaints (投诉): tickets of kind `complaint`. Disputes and their mediation live here too.

A dispute (矛盾纠纷) is between households of the community; the committee mediates it in one or
more sessions until it concludes with an outcome. `governance.mediation_success_rate` = disputes
concluded in the period with an agreement ÷ disputes concluded in the period (METRICS.md).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from community.models import TenantModel
from property_ops.models import validate_past_instant
from residents.models import Household
from tickets.models import Ticket, TicketKind


class ComplaintManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=TicketKind.COMPLAINT)


class Complaint(Ticket):
    objects = ComplaintManager()

    class Meta:
        proxy = True


class Dispute(TenantModel):
    """A dispute between households. `outcome` and `concluded_at` are set together when the
    mediation concludes; both empty while it runs."""

    class Kind(models.TextChoices):
        NEIGHBOURS = "neighbours", _("Between neighbours")
        PROPERTY_SERVICE = "property_service", _("Property service")
        PARKING = "parking", _("Parking")
        NOISE = "noise", _("Noise")
        PETS = "pets", _("Pets")
        WATER_LEAK = "water_leak", _("Water leak")
        RENOVATION = "renovation", _("Renovation")
        FAMILY = "family", _("Family")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        AGREEMENT = "agreement", _("Agreement reached")
        NO_AGREEMENT = "no_agreement", _("No agreement")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REFERRED = "referred", _("Referred elsewhere")

    title = models.CharField(_("Title"), max_length=200)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("Description"), blank=True)
    reported_at = models.DateTimeField(_("Reported at"), validators=[validate_past_instant])
    households = models.ManyToManyField(
        Household, through="DisputeParty", verbose_name=_("Parties"), related_name="+"
    )
    complaint = models.ForeignKey(
        Ticket,
        verbose_name=_("Related complaint"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(_("Outcome"), max_length=16, choices=Outcome.choices, blank=True)
    concluded_at = models.DateTimeField(
        _("Concluded at"), null=True, blank=True, validators=[validate_past_instant]
    )
    outcome_note = models.TextField(_("Outcome note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(outcome="") & models.Q(concluded_at__isnull=True))
                | (~models.Q(outcome="") & models.Q(concluded_at__isnull=False)),
                name="dispute_outcome_with_instant",
            )
        ]
        indexes = [
            # governance.mediation_success_rate: disputes concluded in a period.
            models.Index(fields=["community", "concluded_at"], name="dispute_concluded_idx"),
            # Lists: a community's disputes by report date.
            models.Index(fields=["community", "reported_at"], name="dispute_reported_idx"),
        ]
        verbose_name = _("Dispute")
        verbose_name_plural = _("Disputes")

    def __str__(self) -> str:
        return self.title

    @property
    def is_concluded(self) -> bool:
        return bool(self.outcome)

    def clean(self):
        if bool(self.outcome) != bool(self.concluded_at):
            field = "concluded_at" if self.outcome else "outcome"
            raise ValidationError({field: _("Outcome and conclusion instant go together.")})
        if self.concluded_at and self.reported_at and self.concluded_at < self.reported_at:
            raise ValidationError({"concluded_at": _("Cannot be before the dispute was reported.")})


class DisputeParty(TenantModel):
    """A household taking part in a dispute, on one side."""

    class Side(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    household = models.ForeignKey(
        Household, verbose_name=_("Household"), on_delete=models.PROTECT, related_name="+"
    )
    side = models.CharField(_("Side"), max_length=16, choices=Side.choices)

    class Meta:
        ordering = ["side", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "dispute", "household"], name="disputeparty_household_uniq"
            )
        ]
        verbose_name = _("Party")
        verbose_name_plural = _("Parties")


class MediationSession(TenantModel):
    """One mediation session (调解) of a dispute."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("Held at"), validators=[validate_past_instant])
    mediator = models.CharField(_("Mediator"), max_length=100)
    notes = models.TextField(_("Notes"), blank=True)

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("Mediation session")
        verbose_name_plural = _("Mediation sessions")
