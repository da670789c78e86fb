"""Reads about communities and memberships."""

from django.db.models import QuerySet

from .models import Community, Compound, Membership, User


def community_list_for_user(*, user: User) -> QuerySet[Community]:
    """Communities where `user` holds an active membership, by name."""
    return Community.objects.filter(
        id__in=Membership.objects.filter(user=user, is_active=True).values("community_id")
    ).order_by("name")


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """Active memberships of `user`, with their community and organisation loaded."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("community", "organisation")
        .order_by("community__name", "role")
    )


def compound_list(*, community: Community) -> QuerySet[Compound]:
    """Compounds of `community` with their property company, by name."""
    return Compound.objects.filter(community=community).select_related("property_company")
