"""Writes of disputes and their mediation (HackSoft style: keyword-only `<entity>_<action>`).

Every write validates inside one transaction and raises django.core.exceptions.ValidationError
naming the field. Instants are aware datetimes (stored in UTC).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from community.models import Community, User
from residents.models import Household

from .models import Dispute, DisputeParty, MediationSession


def _set_parties(
    dispute: Dispute, applicants: Iterable[Household], respondents: Iterable[Household]
) -> None:
    applicants, respondents = list(applicants), list(respondents)
    if not applicants:
        raise ValidationError({"applicants": _("Name at least one applicant household.")})
    if set(applicants) & set(respondents):
        raise ValidationError({"respondents": _("A household cannot be on both sides.")})
    dispute.parties.all().delete()
    DisputeParty.objects.bulk_create(
        [
            DisputeParty(
                community=dispute.community, dispute=dispute, household=household, side=side
            )
            for side, households in (
                (DisputeParty.Side.APPLICANT, applicants),
                (DisputeParty.Side.RESPONDENT, respondents),
            )
            for household in households
        ]
    )


@transaction.atomic
def dispute_create(
    *,
    community: Community,
    actor: User | None,
    applicants: Iterable[Household],
    respondents: Iterable[Household] = (),
    **fields,
) -> Dispute:
    """Record a dispute (title, kind, description, reported_at, complaint) between applicant and
    respondent households of `community`. Raises ValidationError (no applicant, a household on
    both sides, a household or complaint of another community, a future instant)."""
    for household in [*applicants, *respondents]:
        if household.community_id != community.pk:
            raise ValidationError({"applicants": _("A household of another community.")})
    dispute = Dispute(community=community, recorded_by=actor, **fields)
    dispute.full_clean()
    dispute.save()
    _set_parties(dispute, applicants, respondents)
    return dispute


@transaction.atomic
def dispute_update(
    *,
    dispute: Dispute,
    applicants: Iterable[Household] | None = None,
    respondents: Iterable[Household] | None = None,
    **fields,
) -> Dispute:
    """Edit a dispute's description fields and, when given, replace its parties. The outcome
    moves only through `dispute_conclude`. Raises ValidationError."""
    for name, value in fields.items():
        setattr(dispute, name, value)
    dispute.full_clean()
    dispute.save()
    if applicants is not None:
        if respondents is None:
            respondents = [
                p.household for p in dispute.parties.filter(side=DisputeParty.Side.RESPONDENT)
            ]
        _set_parties(dispute, applicants, respondents)
    return dispute


@transaction.atomic
def mediation_session_add(
    *, dispute: Dispute, held_at: datetime, mediator: str, notes: str = ""
) -> MediationSession:
    """Record a mediation session of a running dispute. Raises ValidationError when the dispute
    has concluded or `held_at` is before it was reported."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.is_concluded:
        raise ValidationError(_("This dispute has concluded."))
    if held_at < dispute.reported_at:
        raise ValidationError({"held_at": _("Cannot be before the dispute was reported.")})
    session = MediationSession(
        community=dispute.community,
        dispute=dispute,
        held_at=held_at,
        mediator=mediator,
        notes=notes,
    )
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def dispute_conclude(
    *, dispute: Dispute, outcome: str, concluded_at: datetime, outcome_note: str = ""
) -> Dispute:
    """Set (or correct) the outcome: agreement, no_agreement, withdrawn or referred, at
    `concluded_at`. `governance.mediation_success_rate` counts disputes concluded in the period
    (by `concluded_at`, up to `as_of`): agreement ÷ all outcomes. Raises ValidationError when
    `concluded_at` is before the report or the last session, or in the future."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    last = dispute.sessions.order_by("-held_at").values_list("held_at", flat=True).first()
    if last and concluded_at < last:
        raise ValidationError({"concluded_at": _("Cannot be before the last mediation session.")})
    dispute.outcome, dispute.concluded_at, dispute.outcome_note = (
        outcome,
        concluded_at,
        outcome_note,
    )
    dispute.full_clean()
    dispute.save(update_fields=["outcome", "concluded_at", "outcome_note", "updated_at"])
    return dispute
