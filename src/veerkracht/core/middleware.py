from django.conf import settings
from django.utils import translation

from .sessions import staff_session_check


class CookieLocaleMiddleware:
    """Dutch unless the visitor chose another language with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language, so
    the public sector's default language is the same for everybody.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PermissionsPolicyMiddleware:
    """Adds the `Permissions-Policy` header of settings.PERMISSIONS_POLICY to every response.

    The setting maps a browser feature to the origins allowed to use it: `[]` switches the
    feature off everywhere, `["self"]` allows it for this site only.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(_origin(o) for o in origins)})"
            for feature, origins in getattr(settings, "PERMISSIONS_POLICY", {}).items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def _origin(origin: str) -> str:
    return origin if origin in {"self", "*"} else f'"{origin}"'


class StaffSessionTimeoutMiddleware:
    """Ends the session of a person with a staff role after inactivity or a maximum age.

    Limits: VEERKRACHT_STAFF_SESSION_IDLE_MINUTES since the last request and
    VEERKRACHT_STAFF_SESSION_MAX_HOURS since logging in. A session past either limit is
    logged out before the view runs, so the request continues as an anonymous visitor
    (pages that need a login send them to the login page) with a message saying why.
    People without a staff role keep Django's normal session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        staff_session_check(request)
        return self.get_response(request)
