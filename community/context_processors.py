from .notifications.selectors import communities_with_unread
from .selectors import community_list_for_user


def navigation(request):
    """The communities the user can switch to, each with the user's unread notification count,
    for the header (one lazy query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    communities = community_list_for_user(user=user)
    return {"my_communities": communities_with_unread(communities, user=user)}
