"""Public monitor pages: the index map with its table alternative, one indicator's map,
and the profile of one area. Thin: selectors do the queries."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veerkracht.core import selectors as core_selectors
from veerkracht.core.api import municipality_geojson_url
from veerkracht.core.models.geography import AreaLevel

from .. import suppression
from ..selectors import dialogues as dialogue_selectors
from ..selectors import profiles

# Nine sequential classes, light (1, least resilient context) to dark (9): ColorBrewer
# YlGnBu, readable for the common forms of colour blindness; the class number is always
# written beside the colour as well.
CLASS_FILLS = [
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
]
# Five quantile classes for one indicator's values (same hue family).
VALUE_FILLS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
NO_DATA_FILL = "#d9d9d9"
SUPPRESSED_FILL = "#9e9e9e"
LEVEL_LABELS = {
    AreaLevel.MUNICIPALITY.value: gettext_lazy("municipalities"),
    AreaLevel.DISTRICT.value: gettext_lazy("districts"),
}


def _map_context(**extra) -> dict:
    return {
        "tile_url": getattr(settings, "VEERKRACHT_TILE_URL", ""),
        "tile_attribution": getattr(settings, "VEERKRACHT_TILE_ATTRIBUTION", ""),
        "default_fill": NO_DATA_FILL,
        **extra,
    }


def _choice(request: HttpRequest, name: str, options: list, cast=str):
    """The requested option if it is one of the options, else the first (or None)."""
    raw = request.GET.get(name, "").strip()
    if raw:
        try:
            value = cast(raw)
        except ValueError:
            value = None
        if value in options:
            return value
    return options[0] if options else None


def _level_options(levels: list[str]) -> list[dict]:
    return [{"value": level, "label": LEVEL_LABELS[level]} for level in levels]


def _geometry(level: str, province: str, codes: list[str]) -> dict:
    """Where the map gets its boundaries: core's API for municipalities, inline for districts."""
    if level == AreaLevel.MUNICIPALITY:
        return {"geojson_url": municipality_geojson_url(province)}
    return {"geojson": profiles.district_boundaries(codes=codes)}


def _number(value: float | None, decimals: int = 1) -> str:
    return "" if value is None else number_format(value, decimals, force_grouping=True)


def home(request: HttpRequest) -> HttpResponse:
    """The published index per municipality (or district): map, legend and table."""
    province = core_selectors.served_province_code()
    levels = profiles.index_levels()
    level = _choice(request, "niveau", levels) or AreaLevel.MUNICIPALITY.value
    years = profiles.index_years(level=level) if levels else []
    year = _choice(request, "jaar", years, int)
    run = profiles.index_run_for(level=level, year=year) if year else None
    rows = profiles.index_rows(run=run, year=year, province=province) if run else []
    features = {
        row.code: {
            "fill": CLASS_FILLS[row.index_class - 1],
            "label": _("%(name)s: class %(class)s (band %(low)s–%(high)s)")
            % {
                "name": row.name,
                "class": row.index_class,
                "low": row.band_low,
                "high": row.band_high,
            },
            "href": reverse("monitor:area_profile", kwargs={"code": row.code}),
        }
        for row in rows
    }
    context = {
        "levels": _level_options(levels),
        "level": level,
        "level_label": LEVEL_LABELS.get(level, ""),
        "years": years,
        "year": year,
        "run": run,
        "rows": rows,
        "legend": [{"class": number, "fill": fill} for number, fill in enumerate(CLASS_FILLS, 1)],
        "indicators": list(profiles.indicator_list()),
        "map": _map_context(features=features, **_geometry(level, province, list(features))),
        "dialogue_count": dialogue_selectors.dialogue_count(),
    }
    return render(request, "monitor/pages/home.html", context)


def _quantile_breaks(values: list[float], classes: int) -> list[float]:
    ordered = sorted(values)
    if not ordered:
        return []
    return [
        ordered[min(len(ordered) - 1, (len(ordered) * k) // classes)] for k in range(1, classes)
    ]


def _value_class(value: float, breaks: list[float]) -> int:
    return sum(1 for bound in breaks if value >= bound)


def indicator_map(request: HttpRequest, code: str) -> HttpResponse:
    """One indicator per area: map with legend and the same values in a table."""
    indicator = profiles.indicator_get(code=code)
    if indicator is None:
        raise Http404(_("There is no indicator with this code."))
    province = core_selectors.served_province_code()
    levels = profiles.indicator_levels(indicator=indicator)
    level = _choice(request, "niveau", levels) or AreaLevel.MUNICIPALITY.value
    years = profiles.indicator_years(indicator=indicator, level=level)
    year = _choice(request, "jaar", years, int)
    rows = (
        profiles.indicator_rows(indicator=indicator, level=level, year=year, province=province)
        if year
        else []
    )
    shown = [row.value for row in rows if row.value is not None]
    breaks = _quantile_breaks(shown, len(VALUE_FILLS))
    features = {}
    for row in rows:
        if row.suppressed:
            fill = SUPPRESSED_FILL
            label = _("%(name)s: not shown (too few respondents)") % {"name": row.name}
        else:
            fill = VALUE_FILLS[_value_class(row.value, breaks)]
            label = f"{row.name}: {_number(row.value)} {indicator.unit}"
        features[row.code] = {
            "fill": fill,
            "label": label,
            "href": reverse("monitor:area_profile", kwargs={"code": row.code}),
        }
    legend = []
    if shown:
        bounds = [min(shown), *breaks, max(shown)]
        for index, fill in enumerate(VALUE_FILLS):
            legend.append(
                {"fill": fill, "low": _number(bounds[index]), "high": _number(bounds[index + 1])}
            )
    context = {
        "indicator": indicator,
        "levels": _level_options(levels),
        "level": level,
        "years": years,
        "year": year,
        "rows": rows,
        "legend": legend,
        "min_n": suppression.min_n(),
        "has_suppressed": any(row.suppressed for row in rows),
        "map": _map_context(features=features, **_geometry(level, province, list(features))),
    }
    return render(request, "monitor/pages/indicator.html", context)


def area_profile(request: HttpRequest, code: str) -> HttpResponse:
    """One area: each indicator against the province, trends, index class and dialogues."""
    if code != code.upper():
        return redirect("monitor:area_profile", code=code.upper(), permanent=True)
    area = core_selectors.area_get(code=code)
    if area is None:
        raise Http404(_("There is no area with this code."))
    level = area.level.value if hasattr(area.level, "value") else str(area.level)
    indicators = profiles.area_profile_indicators(code=area.code, level=level)
    for item in indicators:
        item.sparkline = profiles.sparkline_points(item.trend)
        item.trend_text = ", ".join(f"{year}: {_number(value)}" for year, value in item.trend)
    index = profiles.index_result_for_area(code=area.code)
    dialogues = list(profiles.area_dialogues(code=area.code))
    key_counts = dialogue_selectors.dialogue_key_counts(area_code=area.code)
    comparison = dialogue_selectors.factor_comparison(key_counts=key_counts, indicators=indicators)
    synthetic = bool(
        (index and index[0].synthetic)
        or any(item.indicator.synthetic for item in indicators)
        or any(dialogue.synthetic for dialogue in dialogues)
    )
    context = {
        "area": area,
        "level": level,
        "level_label": AreaLevel(level).label,
        "indicators": indicators,
        "index_run": index[0] if index else None,
        "index_result": index[1] if index else None,
        "class_fill": CLASS_FILLS[index[1].index_class - 1] if index else None,
        "dialogues": dialogues,
        "comparison": comparison,
        "synthetic": synthetic,
        "synthetic_dialogues": any(dialogue.synthetic for dialogue in dialogues),
        "contributions": profiles.top_contributions(index[1].contributions, top=20)
        if index
        else [],
    }
    return render(request, "monitor/pages/area_profile.html", context)


urlpatterns = [
    path("monitor/", home, name="home"),
    path("monitor/indicator/<slug:code>/", indicator_map, name="indicator_map"),
    path("monitor/gebied/<str:code>/", area_profile, name="area_profile"),
]
