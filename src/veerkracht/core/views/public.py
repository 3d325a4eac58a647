"""Public pages: the programme at a glance, the areas map and table, one area.

Thin: they call selectors, shape the figures for the templates and render.
"""

import re

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import selectors
from ..api import municipality_geojson_url
from ..models import ResilienceFactor

MUNICIPALITY_CODE = re.compile(r"^GM\d{4}$", re.IGNORECASE)

# Choropleth classes for population density (inhabitants per km²): lower bound, colour.
# A sequential violet scale in the NL Design System "voorbeeld" hue, light to dark.
DENSITY_CLASSES: list[tuple[int, str]] = [
    (0, "#f3eeff"),
    (250, "#cfbdff"),
    (500, "#9f7bff"),
    (1000, "#5115ef"),
    (2000, "#1d0857"),
]
NO_DATA_FILL = "#d9d9d9"
MUTED_FILL = "#f2f2f2"
# Fills for the area groups on the home map (in the order groups are listed).
GROUP_FILLS = ["#5115ef", "#c2410c", "#047857", "#b91c5c", "#1d4ed8", "#854d0e"]

URBANITY_LABELS = {
    1: gettext_lazy("very highly urban"),
    2: gettext_lazy("highly urban"),
    3: gettext_lazy("moderately urban"),
    4: gettext_lazy("hardly urban"),
    5: gettext_lazy("not urban"),
}


def _urbanity_label(value: int | None) -> str:
    return str(URBANITY_LABELS.get(value, "")) if value else ""


def _density_fill(density: int | None) -> str:
    if density is None:
        return NO_DATA_FILL
    fill = DENSITY_CLASSES[0][1]
    for lower, colour in DENSITY_CLASSES:
        if density >= lower:
            fill = colour
    return fill


def _density_legend() -> list[dict]:
    legend = []
    for index, (lower, colour) in enumerate(DENSITY_CLASSES):
        upper = DENSITY_CLASSES[index + 1][0] if index + 1 < len(DENSITY_CLASSES) else None
        legend.append({"lower": lower, "upper": upper, "fill": colour})
    return legend


def _map_context(**extra) -> dict:
    return {
        "tile_url": settings.VEERKRACHT_TILE_URL,
        "tile_attribution": settings.VEERKRACHT_TILE_ATTRIBUTION,
        **extra,
    }


def home(request):
    """The programme at a glance, from live data."""
    province_code = selectors.served_province_code()
    province = selectors.province_get(code=province_code)
    summary = selectors.province_summary(code=province_code)
    groups = selectors.area_group_summaries(province=province_code)

    # Home map: members of an area group get the group's colour; municipalities in
    # several groups get one colour per combination, each with its own legend entry
    # (the groups first, in their order, then the combinations).
    membership: dict[str, list[str]] = {}
    for group in groups:
        for member in group["municipalities"]:
            membership.setdefault(member["code"], []).append(group["name"])
    present = {tuple(names) for names in membership.values()}
    order = [(g["name"],) for g in groups if (g["name"],) in present]
    order += sorted(key for key in present if len(key) > 1)
    combinations = {key: GROUP_FILLS[i % len(GROUP_FILLS)] for i, key in enumerate(order)}
    features = {}
    for code, names in membership.items():
        key = tuple(names)
        features[code] = {
            "fill": combinations[key],
            "label": " · ".join(names),
            "href": reverse("core:area_detail", kwargs={"code": code}),
        }
    group_legend = [
        {"label": _(" and ").join(names), "fill": fill} for names, fill in combinations.items()
    ]

    factors_by_domain = []
    factors = list(selectors.resilience_factor_list())
    for domain in ResilienceFactor.Domain:
        members = [f for f in factors if f.domain == domain.value]
        if members:
            factors_by_domain.append({"label": domain.label, "factors": members})

    context = {
        "province": province,
        "summary": summary,
        "statistics_year": selectors.area_statistics_latest_year(),
        "groups": groups,
        "themes": list(selectors.theme_list()),
        "factors_by_domain": factors_by_domain,
        "policy_agendas": list(selectors.policy_agenda_list()),
        "map": _map_context(
            geojson_url=municipality_geojson_url(province_code),
            features=features,
            default_fill=MUTED_FILL,
            legend=group_legend,
        ),
    }
    return render(request, "core/home.html", context)


def area_list(request):
    """The served province's municipalities: a map and the same figures in a table."""
    province_code = selectors.served_province_code()
    province = selectors.province_get(code=province_code)
    groups = list(selectors.area_group_list(province=province_code))
    slug = request.GET.get("groep", "").strip().lower()
    current_group = None
    if slug:
        current_group = next((g for g in groups if g.slug == slug), None)
        if current_group is None:
            raise Http404(_("There is no area group with this code."))

    municipalities = list(selectors.municipality_list(province=province_code, group=slug or None))
    for municipality in municipalities:
        municipality.urbanity_label = _urbanity_label(municipality.urbanity)
    on_map = (
        municipalities
        if current_group is None
        else list(selectors.municipality_list(province=province_code))
    )
    selected = {m.code for m in municipalities}
    features = {}
    for municipality in on_map:
        if municipality.density is not None:
            label = _("%(name)s: %(density)s inhabitants per km²") % {
                "name": municipality.name,
                "density": number_format(municipality.density, force_grouping=True),
            }
        else:
            label = municipality.name
        features[municipality.code] = {
            "fill": _density_fill(municipality.density)
            if municipality.code in selected
            else MUTED_FILL,
            "label": label,
            "href": reverse("core:area_detail", kwargs={"code": municipality.code}),
        }

    context = {
        "province": province,
        "groups": groups,
        "current_group": current_group,
        "municipalities": municipalities,
        "statistics_year": next(
            (m.statistics_year for m in municipalities if m.statistics_year), None
        ),
        "density_legend": _density_legend(),
        "map": _map_context(
            geojson_url=municipality_geojson_url(province_code),
            features=features,
            default_fill=MUTED_FILL,
        ),
    }
    return render(request, "core/areas/area_list.html", context)


def _figures(values: dict, rows: list[tuple[str, str, str]]) -> list[dict]:
    """Rows of (CBS field, label, kind) with the value from `values`; kind formats it."""
    figures = []
    for field, label, kind in rows:
        value = values.get(field)
        if isinstance(value, int | float) and value < 0:  # CBS suppression sentinel
            value = None
        figures.append({"field": field, "label": label, "kind": kind, "value": value})
    return figures


def _statistics_sections(statistics) -> dict:
    values = dict(statistics.values or {})
    # The columns are authoritative for the most used figures.
    for field, column in [
        ("aantalInwoners", "population"),
        ("aantalHuishoudens", "households"),
        ("bevolkingsdichtheidInwonersPerKm2", "density"),
        ("stedelijkheidAdressenPerKm2", "urbanity"),
        ("oppervlakteLandInHa", "land_area_ha"),
    ]:
        if getattr(statistics, column) is not None:
            values[field] = getattr(statistics, column)
    return {
        "key_figures": _figures(
            values,
            [
                ("aantalInwoners", _("Inhabitants"), "count"),
                ("mannen", _("Men"), "count"),
                ("vrouwen", _("Women"), "count"),
                ("aantalHuishoudens", _("Households"), "count"),
                ("gemiddeldeHuishoudsgrootte", _("Average household size"), "decimal"),
                ("bevolkingsdichtheidInwonersPerKm2", _("Inhabitants per km²"), "count"),
            ],
        ),
        "urbanity": values.get("stedelijkheidAdressenPerKm2"),
        "urbanity_label": _urbanity_label(values.get("stedelijkheidAdressenPerKm2")),
        "ages": _figures(
            values,
            [
                ("percentagePersonen0Tot15Jaar", _("0 to 15 years"), "percent"),
                ("percentagePersonen15Tot25Jaar", _("15 to 25 years"), "percent"),
                ("percentagePersonen25Tot45Jaar", _("25 to 45 years"), "percent"),
                ("percentagePersonen45Tot65Jaar", _("45 to 65 years"), "percent"),
                ("percentagePersonen65JaarEnOuder", _("65 years and older"), "percent"),
            ],
        ),
        "household_types": _figures(
            values,
            [
                ("percentageEenpersoonshuishoudens", _("Single-person households"), "percent"),
                (
                    "percentageHuishoudensZonderKinderen",
                    _("Households without children"),
                    "percent",
                ),
                ("percentageHuishoudensMetKinderen", _("Households with children"), "percent"),
            ],
        ),
        "origin": _figures(
            values,
            [
                ("percentageMetHerkomstlandNederland", _("The Netherlands"), "percent"),
                (
                    "percentageMetHerkomstlandUitEuropaExclNl",
                    _("Elsewhere in Europe"),
                    "percent",
                ),
                ("percentageMetHerkomstlandBuitenEuropa", _("Outside Europe"), "percent"),
            ],
        ),
        "surface": _figures(
            values,
            [
                ("oppervlakteTotaalInHa", _("Total area"), "hectares"),
                ("oppervlakteLandInHa", _("Land"), "hectares"),
                ("oppervlakteWaterInHa", _("Water"), "hectares"),
            ],
        ),
    }


def area_detail(request, code: str):
    """One municipality: where it lies, its area groups and its latest CBS figures."""
    if not MUNICIPALITY_CODE.match(code):
        raise Http404(_("This is not a municipality code."))
    if code != code.upper():
        return redirect("core:area_detail", code=code.upper(), permanent=True)
    municipality = selectors.municipality_get(code=code)
    if municipality is None:
        raise Http404(_("There is no municipality with this code."))
    statistics = selectors.area_statistics_latest(area_code=municipality.code)
    boundary = None
    if municipality.boundary:
        boundary = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "id": municipality.code,
                    "properties": {"code": municipality.code, "name": municipality.name},
                    "geometry": municipality.boundary,
                }
            ],
        }
    context = {
        "municipality": municipality,
        "area_groups": list(municipality.area_groups.order_by("name")),
        "statistics": statistics,
        "sections": _statistics_sections(statistics) if statistics else None,
        "boundary": boundary,
        "map": _map_context(
            features={
                municipality.code: {"fill": DENSITY_CLASSES[2][1], "label": municipality.name}
            },
            default_fill=DENSITY_CLASSES[2][1],
            border_color=DENSITY_CLASSES[4][1],
            border_weight=2,
        ),
    }
    return render(request, "core/areas/area_detail.html", context)


urlpatterns = [
    path("", home, name="home"),
    path("gebieden/", area_list, name="area_list"),
    path("gebieden/<str:code>/", area_detail, name="area_detail"),
]
