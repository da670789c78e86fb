"""Reads of the housing registry. Lists load what their rows display in the same query;
`<entity>_get` answers 404 for a missing row and another community's row alike."""

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.http import Http404

from community.models import Community, Compound, User

from .identifiers import id_number_hash, id_number_normalise, phone_normalise
from .models import Building, Household, IdentityAccessLog, Resident, Unit


def compound_list(*, community: Community) -> QuerySet[Compound]:
    """The community's compounds, by name (choices of forms and filters)."""
    return Compound.objects.filter(community=community).order_by("name")


def building_list(*, community: Community) -> QuerySet[Building]:
    """Buildings with their compound and `unit_count`, by compound and name."""
    return (
        Building.objects.filter(community=community)
        .select_related("compound")
        .annotate(unit_count=Count("units"))
        .order_by("compound__name", *natural_order("name"), "pk")
    )


def unit_list(*, community: Community) -> QuerySet[Unit]:
    """Units with building and compound and `household_count`, by building and name."""
    return (
        Unit.objects.filter(community=community)
        .select_related("building__compound")
        .annotate(household_count=Count("households"))
        .order_by("building__compound__name", *natural_order("building__name", "name"), "pk")
    )


def household_list(*, community: Community) -> QuerySet[Household]:
    """Households with unit, building and compound and `resident_count`."""
    return (
        Household.objects.filter(community=community)
        .select_related("unit__building__compound")
        .annotate(resident_count=Count("residents"))
        .order_by(
            "unit__building__compound__name",
            *natural_order("unit__building__name", "unit__name", "room"),
            "pk",
        )
    )


def resident_list(*, community: Community) -> QuerySet[Resident]:
    """Residents with their household, unit, building and compound."""
    return (
        Resident.objects.filter(community=community)
        .select_related("household__unit__building__compound")
        .order_by(
            "household__unit__building__compound__name",
            *natural_order(
                "household__unit__building__name", "household__unit__name", "household__room"
            ),
            "name",
            "pk",
        )
    )


def natural_order(*fields: str) -> list:
    """Order names like 2号楼 < 10号楼 and rooms like 902 < 1001: shorter first, then by text."""
    return [part for f in fields for part in (Length(f), f)]


def resident_search_q(text: str, *, identifiers: bool) -> Q:
    """Residents whose name contains `text`, or, with `identifiers`, whose phone or ID-card
    number is exactly `text` (any notation; the ID number is matched through its keyed hash,
    never in clear). Pass `identifiers` only for a viewer who may reveal identifiers: a match
    confirms the hidden digits of a masked value."""
    text = text.strip()
    condition = Q(name__icontains=text)
    if not identifiers:
        return condition
    for normalise, lookup in (
        (phone_normalise, lambda v: Q(phone=v)),
        (id_number_normalise, lambda v: Q(id_number_hash=id_number_hash(v))),
    ):
        try:
            value = normalise(text)
        except ValidationError:
            continue
        if value:
            condition |= lookup(value)
    return condition


def building_get(*, community: Community, user: User, pk: int) -> Building:
    """One building of `community` (Http404 when missing or another community's)."""
    return _get(building_list(community=community), pk)


def unit_get(*, community: Community, user: User, pk: int) -> Unit:
    """One unit of `community` (Http404 when missing or another community's)."""
    return _get(unit_list(community=community), pk)


def household_get(*, community: Community, user: User, pk: int) -> Household:
    """One household of `community` (Http404 when missing or another community's)."""
    return _get(household_list(community=community), pk)


def resident_get(*, community: Community, user: User, pk: int) -> Resident:
    """One resident of `community` (Http404 when missing or another community's)."""
    return _get(resident_list(community=community), pk)


def access_log_for_resident(*, resident: Resident) -> QuerySet[IdentityAccessLog]:
    """Reveals of `resident`'s identifiers, newest first, with the actor."""
    return resident.access_logs.select_related("actor").order_by("-created_at")


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
