from .selectors import community_list_for_user


def navigation(request):
    """The communities the user can switch to, for the header (one lazy query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_communities": community_list_for_user(user=user)}
