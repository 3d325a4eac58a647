"""Public pages of the initiatives app: the Initiatievenkaart and a page per initiative.

Only published initiatives and only their public fields (`Initiative.PUBLIC_FIELDS`);
contact details only when the contact person made them public.
"""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from veerkracht.core import selectors as core_selectors
from veerkracht.core.api import municipality_geojson_url
from veerkracht.core.filters import FilterError, select_fields

from .. import map as initiatives_map
from ..models import Initiative, Phase
from ..selectors import InitiativeFilter, initiative_get_public, initiative_list_public

PAGE_SIZE = 20
PAGE_PARAM = "pagina"


def _bounds_of(geometries: list[dict]) -> list[float] | None:
    boxes = [b for b in (initiatives_map.geometry_bounds(g) for g in geometries if g) if b]
    if not boxes:
        return None
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _map_context(flt: InitiativeFilter, province_code: str) -> dict[str, Any]:
    """What initiatives-map.js needs: URLs, the filter and the area to show first."""
    bounds = None
    if flt.municipality or flt.group:
        # Show the chosen municipality or area group first.
        members = core_selectors.municipality_list(group=flt.group or None, with_boundary=True)
        if flt.municipality:
            members = members.filter(code=flt.municipality)
        bounds = _bounds_of(list(members.values_list("boundary", flat=True)))
    if bounds is None:
        province = initiatives_map.province_bbox()
        bounds = list(province) if province else None
    return {
        "geojson_url": reverse("api-v1:list_initiatives"),
        "detail_url": reverse("api-v1:get_initiative", kwargs={"slug": "__slug__"}),
        "page_url": reverse("initiatives:detail", kwargs={"slug": "__slug__"}),
        "boundaries_url": municipality_geojson_url(province_code),
        "filter": urlencode(flt.as_query()),
        "bounds": ",".join(f"{v:.5f}" for v in bounds) if bounds else "",
        "tile_url": settings.VEERKRACHT_TILE_URL,
        "tile_attribution": settings.VEERKRACHT_TILE_ATTRIBUTION,
    }


def _filter_fields(flt: InitiativeFilter, province_code: str) -> list[dict[str, Any]]:
    """The filter form's selects: URL parameter, label, options and the chosen value."""
    options = {
        "theme": [(t.slug, t.name) for t in core_selectors.theme_list().only("slug", "name")],
        "factor": [
            (f.slug, f.name) for f in core_selectors.resilience_factor_list().only("slug", "name")
        ],
        "municipality": list(
            core_selectors.municipality_list(province=province_code).values_list("code", "name")
        ),
        "group": list(
            core_selectors.area_group_list(province=province_code).values_list("slug", "name")
        ),
        "phase": [(value, str(label)) for value, label in Phase.choices],
        "agenda": [
            (a.slug, a.name) for a in core_selectors.policy_agenda_list().only("slug", "name")
        ],
    }
    labels = {
        "theme": _("Theme"),
        "factor": _("Resilience factor"),
        "municipality": _("Municipality"),
        "group": _("Region"),
        "phase": _("Phase"),
        "agenda": _("Provincial policy agenda"),
    }
    return select_fields(flt, labels, options)


def initiative_map(request: HttpRequest) -> HttpResponse:
    """The Initiatievenkaart: filter, map (clustered on the server) and the same as a list.

    A fixed number of queries whatever the number of initiatives: the filter check,
    the choices, the count, one page and its themes (the list is paginated).
    """
    province_code = core_selectors.served_province_code()
    flt = InitiativeFilter.from_query(request.GET)
    status = 200
    error = ""
    page = None
    try:
        flt.validate()
    except FilterError:
        status = 400
        error = _("The filter contains a value that does not exist. Choose again below.")
    if not error:
        initiatives = initiative_list_public(flt)
        page = Paginator(initiatives, PAGE_SIZE).get_page(request.GET.get(PAGE_PARAM))
    query = flt.as_query()
    context = {
        "filter": flt,
        "filter_active": bool(query),
        "error": error,
        "page": page,
        "page_query": urlencode(query),
        "page_param": PAGE_PARAM,
        "province": core_selectors.province_get(code=province_code),
        "fields": _filter_fields(flt, province_code),
        "map": _map_context(flt if not error else InitiativeFilter(), province_code),
    }
    return render(request, "initiatives/public/map.html", context, status=status)


def initiative_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One published initiative: its public fields; contact details only with consent."""
    initiative = initiative_get_public(slug=slug)
    if initiative is None:
        raise Http404(_("There is no published initiative at this address."))
    location = _location(initiative)
    context = {
        "initiative": initiative,
        "themes": sorted(initiative.themes.all(), key=lambda t: (t.position, t.name)),
        "factors": sorted(initiative.factors.all(), key=lambda f: (f.position, f.name)),
        "agendas": sorted(initiative.policy_agendas.all(), key=lambda a: (a.position, a.name)),
        "covered": sorted(
            (m for m in initiative.municipalities.all() if m.code != initiative.municipality_id),
            key=lambda m: m.name,
        ),
        "contact": _public_contact(initiative),
        "location": location,
        "map": {
            "tile_url": settings.VEERKRACHT_TILE_URL,
            "tile_attribution": settings.VEERKRACHT_TILE_ATTRIBUTION,
        },
    }
    return render(request, "initiatives/public/detail.html", context)


def _public_contact(initiative: Initiative) -> dict[str, str] | None:
    if not initiative.contact_public:
        return None
    contact = {
        "name": initiative.contact_name,
        "email": initiative.contact_email,
        "phone": initiative.contact_phone,
    }
    return contact if any(contact.values()) else None


def _location(initiative: Initiative) -> dict[str, Any] | None:
    """The location map's data: the municipality's boundary and the point, if any."""
    municipality = initiative.municipality
    features = []
    if municipality is not None and municipality.boundary:
        features.append(
            {
                "type": "Feature",
                "id": municipality.code,
                "properties": {"name": municipality.name},
                "geometry": municipality.boundary,
            }
        )
    point = None
    if initiative.latitude is not None and initiative.longitude is not None:
        point = [initiative.latitude, initiative.longitude]
    if not features and point is None:
        return None
    return {
        "boundary": {"type": "FeatureCollection", "features": features},
        "point": point,
    }


urlpatterns = [
    path("initiatievenkaart/", initiative_map, name="map"),
    path("initiatieven/<slug:slug>/", initiative_detail, name="detail"),
]
