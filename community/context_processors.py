from .models import Community, Membership


def navigation(request):
    """The communities the user can switch to, for the header (one lazy query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_communities": Community.objects.filter(
            id__in=Membership.objects.filter(user=user, is_active=True).values("community_id")
        )
    }
