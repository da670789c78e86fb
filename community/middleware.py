from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Activates the interface language: the logged-in user's choice; for visitors the one they
    picked on the login page (cookie), else zh-hans. The browser's Accept-Language is not
    followed: the portal is Chinese first, whatever the device says (DESIGN.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if language not in dict(settings.LANGUAGES):
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)
