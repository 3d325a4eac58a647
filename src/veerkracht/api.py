"""The JSON API, /api/v1/, assembled from each app's router (OpenAPI at /api/v1/openapi.json)."""

import pydantic
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from veerkracht.core.api import router as core_router
from veerkracht.core.api_security import api_request_guard
from veerkracht.initiatives.api import router as initiatives_router
from veerkracht.knowledge.api import router as knowledge_router
from veerkracht.monitor.api import router as monitor_router
from veerkracht.search.api import router as search_router
from veerkracht.support.api import router as support_router

api = NinjaAPI(
    title="Veerkracht API",
    version="1.0.0",
    description=(
        "Open API of the Veerkracht platform: CBS areas, area groups and the programme's "
        "reference vocabularies. Area data: Bron: CBS, Kadaster (CC BY 4.0)."
    ),
    urls_namespace="api-v1",
)


def _describe_error(request: HttpRequest, error: dict) -> str:
    location = [str(part) for part in error.get("loc", ())]
    if len(location) >= 2 and location[0] in ("query", "path", "header", "cookie"):
        where = f"{location[0]} parameter '{'.'.join(location[1:])}'"
    elif location:
        where = "'" + ".".join(location) + "'"
    else:
        where = "request"
    message = f"Invalid {where}: {error.get('msg', 'invalid value')}"
    if len(location) == 2 and location[0] == "query" and location[1] in request.GET:
        message += f" (got {request.GET[location[1]]!r})"
    return message + "."


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """422 with a readable `detail` (naming each parameter) and the errors themselves."""
    detail = " ".join(_describe_error(request, error) for error in exc.errors) or "Invalid request."
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)


@api.exception_handler(ValueError)
def value_error(request: HttpRequest, exc: ValueError) -> HttpResponse:
    """Bad input that slipped past validation is the client's error, not a 500.

    pydantic's ValidationError is a ValueError too; it only gets here when a response
    does not match its schema, which is a server error, so it is not turned into a 400.
    """
    if isinstance(exc, pydantic.ValidationError):
        raise exc
    return api.create_response(request, {"detail": str(exc) or "Invalid value."}, status=400)


api.add_router("", core_router)
api.add_router("", initiatives_router)
api.add_router("", support_router)
api.add_router("", knowledge_router)
api.add_router("", search_router)
api.add_router("/monitor", monitor_router)

# CSRF for writes made with a login session, and JSON-only bodies (see core/api_security.py).
api.add_decorator(api_request_guard, mode="view")
