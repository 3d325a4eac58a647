"""Read queries for indicators and observations. Everything here that feeds a public
page, map, export or the API applies small-cell suppression (`monitor.suppression`)."""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from veerkracht.core.models.geography import District, Municipality, Neighbourhood, Province

from ..models import Indicator, Observation, ObservationImport
from ..suppression import min_n

AREA_MODELS = {"PV": Province, "GM": Municipality, "WK": District, "BU": Neighbourhood}


def indicators_active() -> QuerySet[Indicator]:
    return Indicator.objects.filter(active=True).select_related("domain", "factor")


def indicator_years() -> dict[int, list[int]]:
    """Years with observations, per indicator id."""
    years: dict[int, list[int]] = defaultdict(list)
    rows = (
        Observation.objects.values_list("indicator_id", "year")
        .distinct()
        .order_by("indicator_id", "year")
    )
    for indicator_id, year in rows:
        years[indicator_id].append(year)
    return years


def indicators_with_years() -> list[tuple[Indicator, list[int]]]:
    years = indicator_years()
    return [(i, years.get(i.pk, [])) for i in indicators_active()]


def area_exists(code: str) -> bool:
    model = AREA_MODELS.get(code[:2].upper())
    return model is not None and model.objects.filter(pk=code.upper()).exists()


def area_names(codes: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    by_prefix: dict[str, set[str]] = defaultdict(set)
    for code in codes:
        by_prefix[code[:2]].add(code)
    for prefix, group in by_prefix.items():
        model = AREA_MODELS.get(prefix)
        if model is not None:
            names.update(model.objects.filter(pk__in=group).values_list("pk", "name"))
    return names


def observations_public(
    *, area: str | None = None, indicator: str | None = None, year: int | None = None
) -> list[dict[str, Any]]:
    """Observations as dicts, small cells blanked (`value` None, `suppressed` True)."""
    qs = Observation.objects.filter(indicator__active=True)
    if area:
        qs = qs.filter(area_code=area.upper())
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    rows = list(
        qs.order_by("indicator__domain__position", "indicator__position", "area_code", "year")
        .values_list("indicator__code", "area_code", "level", "year", "value", "n")
        .iterator(chunk_size=5000)
    )
    threshold = min_n()
    names = area_names({r[1] for r in rows})
    out = []
    for code, area_code, level, year_, value, n in rows:
        hidden = n is not None and n < threshold
        out.append(
            {
                "indicator": code,
                "area": area_code,
                "area_name": names.get(area_code, ""),
                "level": level,
                "year": year_,
                "value": None if hidden else value,
                "n": n,
                "suppressed": hidden,
            }
        )
    return out


def observation_imports_recent(*, limit: int = 20) -> QuerySet[ObservationImport]:
    return ObservationImport.objects.select_related("imported_by").order_by("-imported_at", "-pk")[
        :limit
    ]
