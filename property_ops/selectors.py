"""Reads of the safety and operations logs.

`<entity>_list(community=)` returns the community's rows with what a list shows loaded in the
same query; `<entity>_get(community=, user=, pk=)` raises Http404 for a missing row and for
another community's row alike. Every role that may read a resource sees all its rows (these
are the community's shared logs), with one row-level rule: a member whose only reading role is
resident sees only the service uses of their own household(s).
"""

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from community import permissions
from community.models import Community, Membership, User
from residents.models import Resident
from tickets.selectors import DEIDENTIFIED_ROLES

from .models import (
    ConvenienceService,
    Facility,
    Hazard,
    HazardInspection,
    HygieneInspection,
    MaintenanceRecord,
    PatrolRound,
    PatrolVisit,
    SanitationRun,
    ServiceUse,
)


def facility_list(*, community: Community) -> QuerySet[Facility]:
    """Facilities with their compound, by kind and name."""
    return Facility.objects.filter(community=community).select_related("compound")


def facility_get(*, community: Community, user: User, pk: int) -> Facility:
    """One facility. Raises Http404."""
    return get_object_or_404(facility_list(community=community), pk=pk)


def maintenance_record_list(*, community: Community) -> QuerySet[MaintenanceRecord]:
    """Maintenance records with their facility, newest first."""
    return MaintenanceRecord.objects.filter(community=community).select_related("facility")


def maintenance_record_get(*, community: Community, user: User, pk: int) -> MaintenanceRecord:
    """One maintenance record. Raises Http404."""
    return get_object_or_404(maintenance_record_list(community=community), pk=pk)


def sanitation_run_list(*, community: Community) -> QuerySet[SanitationRun]:
    """Garbage clearance runs with their compound, latest due first."""
    return SanitationRun.objects.filter(community=community).select_related("compound")


def sanitation_run_get(*, community: Community, user: User, pk: int) -> SanitationRun:
    """One sanitation run. Raises Http404."""
    return get_object_or_404(sanitation_run_list(community=community), pk=pk)


def patrol_round_list(*, community: Community) -> QuerySet[PatrolRound]:
    """Patrol rounds, latest first, annotated with `planned_count` and `done_count` (visits in
    their window) for the list, and with their visits prefetched (one more query)."""
    done = Q(
        visits__visited_at__isnull=False,
        visits__visited_at__gte=F("visits__window_start"),
        visits__visited_at__lte=F("visits__window_end"),
    )
    return (
        PatrolRound.objects.filter(community=community)
        .annotate(planned_count=Count("visits"), done_count=Count("visits", filter=done))
        # An aggregate drops Meta.ordering: name it again for stable pages.
        .order_by(*PatrolRound._meta.ordering)
        .prefetch_related("visits")
    )


def patrol_round_get(*, community: Community, user: User, pk: int) -> PatrolRound:
    """One patrol round with its visits. Raises Http404."""
    return get_object_or_404(patrol_round_list(community=community), pk=pk)


def patrol_visit_get(
    *, community: Community, user: User, patrol: PatrolRound, pk: int
) -> PatrolVisit:
    """One planned visit of `patrol`. Raises Http404."""
    return get_object_or_404(
        PatrolVisit.objects.filter(community=community, patrol_round=patrol).select_related(
            "patrol_round"
        ),
        pk=pk,
    )


def hygiene_inspection_list(*, community: Community) -> QuerySet[HygieneInspection]:
    """Hygiene inspections with their compound, latest first."""
    return HygieneInspection.objects.filter(community=community).select_related("compound")


def hygiene_inspection_get(*, community: Community, user: User, pk: int) -> HygieneInspection:
    """One hygiene inspection. Raises Http404."""
    return get_object_or_404(hygiene_inspection_list(community=community), pk=pk)


def hazard_inspection_list(*, community: Community) -> QuerySet[HazardInspection]:
    """Hazard inspection rounds, latest first, with `hazard_count` (findings recorded)."""
    return (
        HazardInspection.objects.filter(community=community)
        .annotate(hazard_count=Count("hazards"))
        .order_by(*HazardInspection._meta.ordering)
    )


def hazard_inspection_get(*, community: Community, user: User, pk: int) -> HazardInspection:
    """One hazard inspection round. Raises Http404."""
    return get_object_or_404(hazard_inspection_list(community=community), pk=pk)


def hazard_list(*, community: Community) -> QuerySet[Hazard]:
    """Hazard findings with their inspection, latest found first."""
    return Hazard.objects.filter(community=community).select_related("inspection")


def hazard_get(*, community: Community, user: User, pk: int) -> Hazard:
    """One hazard finding with its steps and their actors. Raises Http404."""
    return get_object_or_404(
        hazard_list(community=community).prefetch_related("steps__actor"), pk=pk
    )


def convenience_service_list(*, community: Community) -> QuerySet[ConvenienceService]:
    """Convenience services with `use_count`, `rated_count` and `satisfied_count` (ratings 4–5)."""
    return (
        ConvenienceService.objects.filter(community=community)
        .annotate(
            use_count=Count("uses"),
            rated_count=Count("uses", filter=Q(uses__rating__isnull=False)),
            satisfied_count=Count("uses", filter=Q(uses__rating__gte=4)),
        )
        .order_by(*ConvenienceService._meta.ordering)
    )


def convenience_service_get(*, community: Community, user: User, pk: int) -> ConvenienceService:
    """One convenience service. Raises Http404."""
    return get_object_or_404(convenience_service_list(community=community), pk=pk)


def service_use_list(*, community: Community, user: User, roles) -> QuerySet[ServiceUse]:
    """Uses of convenience services with their service and household, newest first. A member
    whose only role reading `convenience_service` is resident gets only the uses of the
    households they are registered in (none when they are in no household)."""
    queryset = ServiceUse.objects.filter(community=community).select_related(
        "service", "household__unit__building__compound"
    )
    readers_of_all = permissions.MATRIX["convenience_service"][permissions.READ] - {
        Membership.Role.RESIDENT
    }
    if not set(roles) & readers_of_all:
        queryset = queryset.filter(
            household__in=Resident.objects.filter(community=community, user=user).values(
                "household"
            )
        )
    return queryset


def service_use_households_shown(roles) -> bool:
    """Whether the viewer sees which household a service use was for. Not when they hold a
    de-identified role (evaluators, owners' committee members: tickets.selectors
    .DEIDENTIFIED_ROLES) and no role that runs the services (committee staff, property
    managers), as for the submitter of a ticket. A resident reading only their own household's
    uses is not de-identified."""
    writers = permissions.MATRIX["convenience_service"][permissions.WRITE]
    return bool(set(roles) & writers) or not set(roles) & DEIDENTIFIED_ROLES


def service_use_get(*, community: Community, user: User, roles, pk: int) -> ServiceUse:
    """One service use the viewer may see. Raises Http404."""
    return get_object_or_404(service_use_list(community=community, user=user, roles=roles), pk=pk)
