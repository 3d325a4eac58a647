"""The JSON API, /api/v1/, assembled from each app's router (OpenAPI at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from veerkracht.core.api import router as core_router

api = NinjaAPI(
    title="Veerkracht API",
    version="1.0.0",
    description=(
        "Open API of the Veerkracht platform: CBS areas, area groups and the programme's "
        "reference vocabularies. Area data: Bron: CBS, Kadaster (CC BY 4.0)."
    ),
    urls_namespace="api-v1",
)
api.add_router("", core_router)
