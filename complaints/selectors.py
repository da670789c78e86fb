"""Reads of disputes. `dispute_get(community=, user=, pk=)` raises Http404 for a missing row and
for another community's row alike; every role that may read disputes sees all of them (the
pages and API hide parties and notes from roles that may not write, see `identifies`)."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from community.models import Community, User
from community.tenancy import Tenancy

from .models import Dispute, DisputeParty


def identifies(tenancy: Tenancy) -> bool:
    """Whether the reader sees who the parties are and what was said: only the roles that may
    write disputes (committee staff); an evaluator reads the de-identified record."""
    return tenancy.can("dispute", "write")


def dispute_list(*, community: Community) -> QuerySet[Dispute]:
    """Disputes, latest reported first, with `session_count` and their parties (households with
    unit and building) prefetched in one more query."""
    parties = DisputeParty.objects.select_related("household__unit__building__compound")
    return (
        Dispute.objects.filter(community=community)
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by(*Dispute._meta.ordering)
        .prefetch_related(Prefetch("parties", queryset=parties))
    )


def dispute_get(*, community: Community, user: User, pk: int) -> Dispute:
    """One dispute with its parties and sessions. Raises Http404."""
    return get_object_or_404(dispute_list(community=community).prefetch_related("sessions"), pk=pk)
