"""Support catalogue API (/api/v1/offers): the public catalogue and its HSDS export.

Only published offers that are active today. An unknown filter value gives 400 (as on
the Initiatievenkaart API), an invalid parameter 422, both with `detail`.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core.api import api_page, filter_param
from veerkracht.core.models import Municipality
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut
from veerkracht.initiatives.models import SupportOffer

from ..hsds import catalogue_document
from ..selectors.offers import OfferFilter, offer_get_public, offer_list_public

router = Router()

TAGS = ["Support"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class ProviderOut(Schema):
    slug: str
    name: str
    website: str


class CostOut(Schema):
    kind: str = Field(..., description="free, contribution or paid.")
    amount: Decimal | None = Field(None, description="Amount in euro, for paid or contribution.")
    note: str


class CapacityOut(Schema):
    initiatives: int = Field(..., description="How many initiatives can be helped per period.")
    period: str = Field(..., description="month, quarter or year.")


class OfferContactOut(Schema):
    name: str
    email: str
    phone: str


class OfferOut(Schema):
    slug: str
    title: str
    provider: ProviderOut
    kind: str = Field(
        ..., description="advice, training, network, financing, …", examples=["advice"]
    )
    summary: str
    description: str
    themes: list[str] = Field(default_factory=list, description="Theme slugs.")
    factors: list[str] = Field(default_factory=list, description="Resilience factor slugs.")
    phases: list[str] = Field(
        default_factory=list, description="Initiative phases it suits; empty means every phase."
    )
    service_area: str = Field(..., description="province or municipalities.")
    municipalities: list[str] = Field(
        default_factory=list, description="CBS codes served (when service_area=municipalities)."
    )
    cost: CostOut
    capacity: CapacityOut | None = Field(None, description="Empty means no limit.")
    contact: OfferContactOut
    website: str
    active_from: date | None
    active_until: date | None
    updated_at: datetime
    url: str = Field(..., description="The offer's page in the catalogue.")


class OfferPageOut(Schema):
    count: int = Field(..., description="Number of offers matching the filter.")
    page: int
    page_size: int
    next: str | None = Field(None, description="URL of the next page.")
    previous: str | None = Field(None, description="URL of the previous page.")
    results: list[OfferOut]


def offer_public_data(offer: SupportOffer, *, url: str) -> dict[str, Any]:
    """The public representation of an offer (see OfferOut)."""
    return {
        "slug": offer.slug,
        "title": offer.title,
        "provider": {
            "slug": offer.provider.slug,
            "name": offer.provider.name,
            "website": offer.provider.website,
        },
        "kind": offer.kind,
        "summary": offer.summary,
        "description": offer.description,
        "themes": [t.slug for t in offer.themes.all()],
        "factors": [f.slug for f in offer.factors.all()],
        "phases": list(offer.phases or []),
        "service_area": offer.service_area,
        "municipalities": [m.code for m in offer.municipalities.all()],
        "cost": {"kind": offer.cost, "amount": offer.cost_amount, "note": offer.cost_note},
        "capacity": {"initiatives": offer.capacity, "period": offer.capacity_period}
        if offer.capacity
        else None,
        "contact": {
            "name": offer.contact_name,
            "email": offer.contact_email,
            "phone": offer.contact_phone,
        },
        "website": offer.website,
        "active_from": offer.active_from,
        "active_until": offer.active_until,
        "updated_at": offer.updated_at,
        "url": url,
    }


def _url(request: HttpRequest, slug: str) -> str:
    return request.build_absolute_uri(reverse("support:offer_detail", kwargs={"slug": slug}))


def _filter(request: HttpRequest) -> OfferFilter:
    return OfferFilter.from_query(request.GET).validate()


MUNICIPALITIES = Prefetch(
    "municipalities", queryset=Municipality.objects.only("code").order_by("code")
)


@router.get(
    "/offers",
    response={200: OfferPageOut, 400: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=TAGS,
    summary="List the support catalogue",
    description=(
        "Published offers available today, matching the filter, by title, paginated "
        "(`count`, `next`, `previous`). An unknown filter value gives 400. The whole "
        "catalogue in HSDS 3.0: GET /offers/hsds."
    ),
)
def list_offers(
    request: HttpRequest,
    kind: str | None = filter_param(
        "Kind of support: advice, training, network, …", "soort", "advice"
    ),
    theme: str | None = filter_param("Theme slug.", "thema", "verbinding"),
    factor: str | None = filter_param("Resilience factor slug.", "hulpbron"),
    municipality: str | None = filter_param(
        "Municipality (CBS code GMxxxx): offers serving it, province-wide or listing it.",
        "gemeente",
        "GM0828",
    ),
    phase: str | None = filter_param("Initiative phase: verkenning, kort, intensief, …", "fase"),
    q: str | None = Query(None, description="Free text in title, summary and description."),
    page: int = Query(1, ge=1, description="Page number, from 1."),
    page_size: int = Query(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page (at most 200)."
    ),
):
    qs = offer_list_public(_filter(request)).prefetch_related(MUNICIPALITIES)
    envelope, page_items = api_page(request, qs, page=page, page_size=page_size)
    return {
        **envelope,
        "results": [offer_public_data(o, url=_url(request, o.slug)) for o in page_items],
    }


@router.get(
    "/offers/hsds",
    response={200: dict[str, Any], 400: ErrorOut},
    tags=TAGS,
    summary="The support catalogue as Open Referral HSDS 3.0",
    description=(
        "The public catalogue as an HSDS 3.0 document: `organizations`, each with its "
        "`services` nested (service areas, contacts, cost options, and attributes linking "
        "taxonomy terms for kind, themes, resilience factors and phases). Ids are stable "
        "UUIDs. Accepts the same filters as GET /offers."
    ),
)
def offers_hsds(request: HttpRequest):
    document = catalogue_document(_filter(request))
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    if "download" in request.GET:
        response["Content-Disposition"] = 'attachment; filename="ondersteuningsaanbod-hsds.json"'
    return response


@router.get(
    "/offers/{slug}",
    response={200: OfferOut, 404: ErrorOut},
    tags=TAGS,
    summary="Get an offer of the support catalogue",
    description="One published offer by its slug (404 when unknown or not available).",
)
def get_offer(request: HttpRequest, slug: str):
    offer = offer_get_public(slug=slug)
    if offer is None:
        raise HttpError(404, f"No offer '{slug}' in the catalogue.")
    return offer_public_data(offer, url=_url(request, offer.slug))
