"""Core API router: CBS areas, area groups and the reference vocabularies (read-only, public)."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import patch_cache_control
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from . import selectors
from .schemas import (
    PROVINCE_CODE_PATTERN,
    AreaGroupOut,
    ErrorOut,
    FormatParam,
    MunicipalityDetailOut,
    MunicipalityOut,
    ProvinceOut,
    ResilienceFactorOut,
    ValidationErrorOut,
    VocabularyOut,
    geojson_openapi_content,
    municipality_feature,
)

router = Router()

CACHE_MAX_AGE = 300
GEOJSON_CONTENT_TYPE = "application/geo+json"

AREAS = ["CBS areas"]
VOCABULARIES = ["Vocabularies"]


def api_page(request: HttpRequest, items: Any, *, page: int, page_size: int) -> tuple[dict, Any]:
    """One page of a queryset for a paginated answer: the envelope (`count`, `page`,
    `page_size`, `next`, `previous` as absolute URLs) and the page's items. A page past
    the last one is a 404."""
    count = items.count()
    pages = max(1, -(-count // page_size))
    if page > pages:
        raise HttpError(404, f"Page {page} does not exist; there are {pages} page(s).")

    def url(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    start = (page - 1) * page_size
    envelope = {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": url(page + 1) if page < pages else None,
        "previous": url(page - 1) if page > 1 else None,
    }
    return envelope, items[start : start + page_size]


def cache_publicly(max_age: int) -> Callable:
    """A ninja view decorator: successful responses may be cached by anyone for `max_age` s."""

    def decorator(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = run(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=max_age)
            return response

        return wrapper

    return decorate_view(decorator)


cacheable = cache_publicly(CACHE_MAX_AGE)


def filter_param(description: str, dutch: str, example: str | None = None) -> Any:
    """A list filter's query parameter, documented with the Dutch name it also takes."""
    extra = {"example": example} if example else {}
    return Query(
        None, description=f"{description} Also accepted under its Dutch name '{dutch}'.", **extra
    )


def municipality_geojson_url(province_code: str) -> str:
    """The URL of a province's municipalities as GeoJSON (what the maps draw)."""
    query = urlencode({"province": province_code, "format": "geojson"})
    return f"{reverse('api-v1:list_municipalities')}?{query}"


def _geojson_response(data: dict) -> JsonResponse:
    return JsonResponse(data, content_type=GEOJSON_CONTENT_TYPE)


def _checked_province(province: str | None) -> str | None:
    if province is None:
        return None
    province = province.upper()
    if selectors.province_get(code=province) is None:
        raise HttpError(400, f"Unknown province '{province}'.")
    return province


def _checked_group(group: str | None, area_group: str | None) -> str | None:
    if group and area_group and group != area_group:
        raise HttpError(400, "Give either 'group' or 'area_group', not two different values.")
    group = group or area_group
    if group is None:
        return None
    if selectors.area_group_get(slug=group) is None:
        raise HttpError(400, f"Unknown area group '{group}'.")
    return group


PROVINCE_QUERY = Query(
    None,
    pattern=PROVINCE_CODE_PATTERN,
    description="Only this province: CBS code PVxx, case-insensitive (PV30 is Noord-Brabant).",
    example="PV30",
)
FORMAT_QUERY = Query(
    "json",
    description="`json` (default) or `geojson` (application/geo+json, with the boundaries).",
)
ERRORS = {400: ErrorOut, 422: ValidationErrorOut}


# --- Provinces ---


@router.get(
    "/provinces",
    response=list[ProvinceOut],
    tags=AREAS,
    summary="List provinces",
    description="CBS provinces with their number of municipalities and inhabitants.",
)
@cacheable
def list_provinces(request: HttpRequest):
    return selectors.province_list()


@router.get(
    "/provinces/{code}",
    response={200: ProvinceOut, 404: ErrorOut},
    tags=AREAS,
    summary="Get a province",
    description="One province by its CBS code (PVxx, case-insensitive).",
)
@cacheable
def get_province(request: HttpRequest, code: str):
    province = selectors.province_detail(code=code)
    if province is None:
        raise HttpError(404, f"Unknown province '{code}'.")
    return province


# --- Municipalities ---


@router.get(
    "/municipalities",
    response={200: list[MunicipalityOut], **ERRORS},
    tags=AREAS,
    summary="List municipalities",
    description=(
        "All municipalities (gemeenten) with their latest CBS figures, ordered by name; "
        "not paginated. Filter by province and/or area group. With `format=geojson` the "
        "answer is a GeoJSON FeatureCollection (application/geo+json) with each boundary as "
        "geometry, the CBS code as `id` and the same fields as `properties`."
    ),
    openapi_extra={
        "responses": {200: {"content": geojson_openapi_content("MunicipalityOut", collection=True)}}
    },
)
@cacheable
def list_municipalities(
    request: HttpRequest,
    province: str | None = PROVINCE_QUERY,
    group: str | None = Query(None, description="Only this area group (slug)."),
    area_group: str | None = Query(None, description="Alias of `group`."),
    format: FormatParam = FORMAT_QUERY,
):
    province = _checked_province(province)
    group = _checked_group(group, area_group)
    geojson = format == "geojson"
    municipalities = selectors.municipality_list_with_area_groups(
        province=province, group=group, with_boundary=geojson
    )
    if geojson:
        features = [municipality_feature(m, MunicipalityOut) for m in municipalities]
        return _geojson_response({"type": "FeatureCollection", "features": features})
    return municipalities


@router.get(
    "/municipalities/{code}",
    response={200: MunicipalityDetailOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=AREAS,
    summary="Get a municipality",
    description=(
        "One municipality by its CBS code (GMxxxx, case-insensitive), with its CBS figures "
        "of every imported year. With `format=geojson` the answer is a GeoJSON Feature."
    ),
    openapi_extra={
        "responses": {
            200: {"content": geojson_openapi_content("MunicipalityDetailOut", collection=False)}
        }
    },
)
@cacheable
def get_municipality(request: HttpRequest, code: str, format: FormatParam = FORMAT_QUERY):
    municipality = selectors.municipality_detail(code=code)
    if municipality is None:
        raise HttpError(404, f"Unknown municipality '{code}'.")
    if format == "geojson":
        return _geojson_response(municipality_feature(municipality, MunicipalityDetailOut))
    return municipality


# --- Area groups ---


@router.get(
    "/area-groups",
    response={200: list[AreaGroupOut], **ERRORS},
    tags=AREAS,
    summary="List area groups",
    description=(
        "Named sets of municipalities (regions such as West-Brabant or the M7), with their "
        "members and inhabitants. With `province`, only groups with a member in it."
    ),
)
@cacheable
def list_area_groups(request: HttpRequest, province: str | None = PROVINCE_QUERY):
    return selectors.area_group_summaries(province=_checked_province(province))


# --- Vocabularies ---


@router.get(
    "/themes",
    response=list[VocabularyOut],
    tags=VOCABULARIES,
    summary="List themes",
    description="The programme's themes.",
)
@cacheable
def list_themes(request: HttpRequest):
    return selectors.theme_list()


@router.get(
    "/factors",
    response=list[ResilienceFactorOut],
    tags=VOCABULARIES,
    summary="List resilience factors",
    description="Resilience factors (hulpbronnen), each in one domain.",
)
@cacheable
def list_factors(request: HttpRequest):
    return selectors.resilience_factor_list()


@router.get(
    "/policy-agendas",
    response=list[VocabularyOut],
    tags=VOCABULARIES,
    summary="List policy agendas",
    description="Other provincial programmes (opgaven) an initiative can cross over with.",
)
@cacheable
def list_policy_agendas(request: HttpRequest):
    return selectors.policy_agenda_list()


@router.get(
    "/organisation-types",
    response=list[VocabularyOut],
    tags=VOCABULARIES,
    summary="List organisation types",
    description="Kinds of organisations.",
)
@cacheable
def list_organisation_types(request: HttpRequest):
    return selectors.organisation_type_list()
