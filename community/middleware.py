from django.utils import translation


class UserLanguageMiddleware:
    """Activates the logged-in user's interface language (zh-hans by default, English second)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
