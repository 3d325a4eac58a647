"""Request checks for every JSON API operation (added in veerkracht/api.py).

- **CSRF for session-authenticated writes.** django-ninja exempts its views from
  Django's CSRF middleware, and the API reads `request.user` from the session cookie.
  A write (POST, PUT, PATCH, DELETE) that carries the session cookie must therefore
  carry a valid CSRF token too (the `X-CSRFToken` header with the `csrftoken` cookie's
  value, as on the site's own forms); otherwise the answer is 403. Writes without a
  session cookie (scripts calling the open endpoints) are not affected: they act as an
  anonymous visitor, so a forged request cannot borrow anyone's rights.
- **JSON bodies only.** A write whose body is not declared as JSON (`application/json`
  or a `+json` type) is refused with 415. Browsers send `text/plain`, form and
  multipart bodies across sites without asking first; refusing them closes that path.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _csrf_failure(request: HttpRequest) -> str | None:
    """Django's own CSRF check (token, and Origin/Referer on HTTPS); the reason, or None."""
    reasons: list[str] = []

    def refuse(request: HttpRequest, reason: str = "") -> HttpResponse:
        reasons.append(reason)
        return HttpResponse(status=403)

    middleware = CsrfViewMiddleware(lambda request: HttpResponse())
    middleware._reject = refuse  # type: ignore[method-assign]
    request.csrf_processing_done = False  # type: ignore[attr-defined]
    middleware.process_request(request)
    if middleware.process_view(request, lambda request: None, (), {}) is None:
        return None
    return reasons[0] if reasons else "CSRF check failed"


def api_request_guard(run: Callable[..., Any]) -> Callable[..., Any]:
    """A ninja "view" decorator: runs before the body is parsed and validated."""

    @wraps(run)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method in UNSAFE_METHODS:
            content_type = request.headers.get("Content-Type", "")
            if (content_type or request.body) and not _is_json(content_type):
                return JsonResponse(
                    {
                        "detail": (
                            f"Unsupported media type {content_type or '(none)'!r}: "
                            "send the body as JSON with Content-Type: application/json."
                        )
                    },
                    status=415,
                )
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                reason = _csrf_failure(request)
                if reason is not None:
                    return JsonResponse(
                        {
                            "detail": (
                                f"CSRF check failed ({reason}). A request made with a login "
                                "session must send the X-CSRFToken header; scripts can call "
                                "the open endpoints without a session cookie."
                            )
                        },
                        status=403,
                    )
        return run(request, *args, **kwargs)

    return guarded
