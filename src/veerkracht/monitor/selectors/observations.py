"""Read queries for indicators and observations. Everything here that feeds a public
page, map, export or the API applies small-cell suppression (`monitor.suppression`)."""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from veerkracht.core import selectors as core_selectors

from ..models import Indicator, Observation, ObservationImport
from ..suppression import suppress_rows


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
    names = core_selectors.area_names(codes={r[1] for r in rows})
    return suppress_rows(
        {
            "indicator": code,
            "area": area_code,
            "area_name": names.get(area_code, ""),
            "level": level,
            "year": year_,
            "value": value,
            "n": n,
        }
        for code, area_code, level, year_, value, n in rows
    )


def observation_imports_recent(*, limit: int = 20) -> QuerySet[ObservationImport]:
    return ObservationImport.objects.select_related("imported_by").order_by("-imported_at", "-pk")[
        :limit
    ]
