"""Initiatives API router (/api/v1/initiatives): the public Initiatievenkaart's data.

Only published initiatives, only `Initiative.PUBLIC_FIELDS`; contact details only when
the contact person made them public (`contact_public`). Internal fields are not even
read from the database here.
"""

from typing import Any, Literal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core.api import GEOJSON_CONTENT_TYPE, api_page, cache_publicly, filter_param
from veerkracht.core.models import Municipality, PolicyAgenda, ResilienceFactor, Theme
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from . import map as initiatives_map
from .models import Initiative
from .selectors import InitiativeFilter, initiatives_filtered

router = Router()

TAGS = ["Initiatives"]
CACHE_MAX_AGE = 60
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# Concrete columns the public API reads: the public fields and the contact details
# (shown only with consent). Nothing else is loaded.
PUBLIC_COLUMNS = (
    "id",
    "slug",
    "name",
    "summary",
    "description",
    "goals",
    "organiser_type",
    "legal_form",
    "start_year",
    "website",
    "latitude",
    "longitude",
    "municipality__code",
    "municipality__name",
    "district__code",
    "district__name",
    "scope",
    "phase",
    "learning_questions",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_public",
)


# --- schemas ---


class LocationOut(Schema):
    lat: float = Field(..., description="Latitude (WGS84).")
    lon: float = Field(..., description="Longitude (WGS84).")


class AreaRefOut(Schema):
    code: str = Field(..., description="CBS code.")
    name: str


class ContactOut(Schema):
    name: str
    email: str
    phone: str


class InitiativeOut(Schema):
    slug: str
    name: str
    summary: str
    description: str
    goals: str
    organiser_type: str = Field(..., description="residents, social_entrepreneur, … or ''.")
    legal_form: str = Field(..., description="none, stichting, vereniging, … or ''.")
    start_year: int | None
    website: str
    location: LocationOut | None = Field(
        None, description="The initiative's point, when it has one."
    )
    municipality: AreaRefOut | None = Field(None, description="Main municipality (GMxxxx).")
    district: AreaRefOut | None = Field(None, description="District (wijk, WKxxxxxx).")
    scope: str = Field(..., description="local, municipalities or province.")
    municipalities: list[str] = Field(
        default_factory=list, description="CBS codes of further municipalities it covers."
    )
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    factors: list[str] = Field(default_factory=list, description="Resilience factor slugs.")
    policy_agendas: list[str] = Field(default_factory=list, description="Policy agenda slugs.")
    phase: str = Field(
        ..., description="verkenning, kort, intensief, afgerond or gestopt.", examples=["kort"]
    )
    learning_questions: str
    url: str = Field(..., description="The initiative's public page.")
    contact: ContactOut | None = Field(
        None, description="Only when the contact person agreed to publish it."
    )


class InitiativePageOut(Schema):
    count: int = Field(..., description="Number of initiatives matching the filter.")
    page: int
    page_size: int
    next: str | None = Field(None, description="URL of the next page.")
    previous: str | None = Field(None, description="URL of the previous page.")
    results: list[InitiativeOut]


# --- helpers ---


def public_queryset(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    """Only the public columns, with the related rows a public object needs prefetched."""
    return (
        qs.select_related("municipality", "district")
        .only(*PUBLIC_COLUMNS)
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("slug").order_by("position", "slug")),
            Prefetch(
                "factors",
                queryset=ResilienceFactor.objects.only("slug").order_by("position", "slug"),
            ),
            Prefetch(
                "policy_agendas",
                queryset=PolicyAgenda.objects.only("slug").order_by("position", "slug"),
            ),
            Prefetch("municipalities", queryset=Municipality.objects.only("code").order_by("code")),
        )
    )


def initiative_public_data(initiative: Initiative, *, url: str) -> dict[str, Any]:
    """The public representation of an initiative (see InitiativeOut)."""
    location = None
    if initiative.latitude is not None and initiative.longitude is not None:
        location = {"lat": initiative.latitude, "lon": initiative.longitude}
    municipality = initiative.municipality
    district = initiative.district
    contact = None
    if initiative.contact_public:
        contact = {
            "name": initiative.contact_name,
            "email": initiative.contact_email,
            "phone": initiative.contact_phone,
        }
    return {
        "slug": initiative.slug,
        "name": initiative.name,
        "summary": initiative.summary,
        "description": initiative.description,
        "goals": initiative.goals,
        "organiser_type": initiative.organiser_type,
        "legal_form": initiative.legal_form,
        "start_year": initiative.start_year,
        "website": initiative.website,
        "location": location,
        "municipality": {"code": municipality.code, "name": municipality.name}
        if municipality
        else None,
        "district": {"code": district.code, "name": district.name} if district else None,
        "scope": initiative.scope,
        "municipalities": [m.code for m in initiative.municipalities.all()],
        "themes": [t.slug for t in initiative.themes.all()],
        "factors": [f.slug for f in initiative.factors.all()],
        "policy_agendas": [a.slug for a in initiative.policy_agendas.all()],
        "phase": initiative.phase,
        "learning_questions": initiative.learning_questions,
        "url": url,
        "contact": contact,
    }


def _public_url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("initiatives:detail", kwargs={"slug": slug}))


cacheable = cache_publicly(CACHE_MAX_AGE)


NO_FILTER = InitiativeFilter()
FILTER_NAMES = frozenset(InitiativeFilter.PARAMS) | frozenset(InitiativeFilter.PARAMS.values())


def _filter(request: HttpRequest) -> InitiativeFilter:
    """The filter from the query string (English or Dutch names); FilterError → 400."""
    # The map asks most often without a filter: then there is nothing to read or check.
    if FILTER_NAMES.isdisjoint(request.GET.keys()):
        return NO_FILTER
    flt = InitiativeFilter.from_query(request.GET)
    return flt.validate()


# --- endpoints ---


@router.get(
    "/initiatives",
    response={200: InitiativePageOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=TAGS,
    summary="List or map published initiatives",
    description=(
        "Published initiatives matching the filter, ordered by name, paginated (`count`, "
        "`next`, `previous`). An unknown filter value gives 400. With `format=geojson` "
        "the answer is a GeoJSON FeatureCollection (application/geo+json) clustered on the "
        "server for `bbox` and `zoom`: one feature per grid cell, a point (id, slug, name) "
        "for a cell with one initiative, a cluster (`cluster`, `count`, `bbox`, "
        "`expansion_zoom`) for more; from zoom 15 every initiative is a point (at most "
        "2,000, then `truncated` is true). Details: GET /initiatives/{slug}."
    ),
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    GEOJSON_CONTENT_TYPE: {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "type": {"type": "string", "const": "FeatureCollection"},
                                "bbox": {"type": "array", "items": {"type": "number"}},
                                "zoom": {"type": "integer"},
                                "grid_zoom": {"type": "integer"},
                                "count": {"type": "integer"},
                                "truncated": {"type": "boolean"},
                                "features": {"type": "array", "items": {"type": "object"}},
                            },
                            "required": ["type", "features"],
                        }
                    }
                }
            }
        }
    },
)
@cacheable
def list_initiatives(
    request: HttpRequest,
    theme: str | None = filter_param("Theme slug.", "thema", "verbinding"),
    factor: str | None = filter_param("Resilience factor slug.", "hulpbron", "vertrouwen"),
    municipality: str | None = filter_param(
        "Municipality, CBS code GMxxxx (main municipality or covered).", "gemeente", "GM0828"
    ),
    group: str | None = filter_param("Area group slug.", "regio", "m7"),
    phase: str | None = filter_param(
        "Phase: verkenning, kort, intensief, afgerond or gestopt.", "fase"
    ),
    agenda: str | None = filter_param("Policy agenda slug.", "opgave"),
    q: str | None = Query(None, description="Free text, in name, summary and description."),
    page: int = Query(1, ge=1, description="Page number, from 1."),
    page_size: int = Query(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page (at most 200)."
    ),
    format: Literal["json", "geojson"] = Query(
        "json", description="`json` (default) or `geojson` (clustered map features)."
    ),
    bbox: str | None = Query(
        None,
        description="GeoJSON only: minLon,minLat,maxLon,maxLat (WGS84). Default: the province.",
        example="5.0,51.5,5.2,51.6",
    ),
    zoom: int = Query(
        initiatives_map.DEFAULT_ZOOM, ge=0, le=20, description="GeoJSON only: map zoom, 0–20."
    ),
):
    flt = _filter(request)
    if format == "geojson":
        box = initiatives_map.parse_bbox(bbox) if bbox else None
        body = initiatives_map.map_geojson(flt, bbox=box, zoom=zoom)
        return HttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)

    qs = public_queryset(initiatives_filtered(flt)).order_by("name", "pk")
    envelope, page_items = api_page(request, qs, page=page, page_size=page_size)
    results = [initiative_public_data(i, url=_public_url(request, i.slug)) for i in page_items]
    return {
        **envelope,
        "results": results,
    }


@router.get(
    "/initiatives/{slug}",
    response={200: InitiativeOut, 404: ErrorOut},
    tags=TAGS,
    summary="Get a published initiative",
    description="One published initiative by its slug (404 when unknown or not published).",
)
@cacheable
def get_initiative(request: HttpRequest, slug: str):
    initiative = public_queryset(Initiative.objects.filter(published=True, slug=slug)).first()
    if initiative is None:
        raise HttpError(404, f"No published initiative '{slug}'.")
    return initiative_public_data(initiative, url=_public_url(request, initiative.slug))
