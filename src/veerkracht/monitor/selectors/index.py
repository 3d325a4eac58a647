"""Read queries for the composite index."""

from collections.abc import Iterable

import numpy as np
from django.db.models import QuerySet

from veerkracht.core.models.geography import (
    AreaLevel,
    Municipality,
)

from ..models import IndexResult, IndexRun, Indicator, ModelRun, Observation
from .models import published_model_run

INDEX_LEVELS = (AreaLevel.MUNICIPALITY, AreaLevel.DISTRICT, AreaLevel.NEIGHBOURHOOD)


def index_indicators() -> list[Indicator]:
    """The indicators that enter the index: active, of an in-index domain, with a
    direction (context variables never enter)."""
    return list(
        Indicator.objects.filter(active=True, domain__in_index=True)
        .exclude(direction=Indicator.Direction.NEUTRAL)
        .select_related("domain", "factor")
        .order_by("domain__position", "domain__slug", "position", "code")
    )


def municipality_province_map() -> dict[str, str]:
    """GM code -> PV code of its province."""
    return dict(Municipality.objects.values_list("code", "province__code"))


def municipality_of(code: str) -> str:
    """The municipality (GM code) an area code belongs to, read from the CBS code itself:
    WK082801 and BU08280100 lie in GM0828."""
    if code.startswith(("WK", "BU")):
        return "GM" + code[2:6]
    return code


def observation_matrices(
    *, level: str, years: Iterable[int], indicators: list[Indicator], province: str = ""
) -> tuple[list[str], dict[int, np.ndarray]]:
    """The area codes (sorted) with any observation at `level` in `years` (in `province`
    when given) and per year an (areas × indicators) array, NaN where missing."""
    years = sorted(set(years))
    column = {ind.pk: j for j, ind in enumerate(indicators)}
    rows = list(
        Observation.objects.filter(level=level, year__in=years, indicator_id__in=column)
        .values_list("area_code", "year", "indicator_id", "value")
        .iterator(chunk_size=20_000)
    )
    if province:
        provinces = municipality_province_map()
        rows = [r for r in rows if provinces.get(municipality_of(r[0])) == province]
    codes = sorted({r[0] for r in rows})
    row_of = {c: i for i, c in enumerate(codes)}
    year_of = {y: t for t, y in enumerate(years)}
    cube = np.full((len(years), len(codes), len(indicators)), np.nan)
    if rows:
        a = np.fromiter((row_of[r[0]] for r in rows), dtype=np.intp, count=len(rows))
        t = np.fromiter((year_of[r[1]] for r in rows), dtype=np.intp, count=len(rows))
        j = np.fromiter((column[r[2]] for r in rows), dtype=np.intp, count=len(rows))
        v = np.fromiter((r[3] for r in rows), dtype=float, count=len(rows))
        cube[t, a, j] = v
    return codes, {y: cube[year_of[y]] for y in years}


def area_groups(*, level: str, codes: list[str]) -> np.ndarray:
    """The group of each area for group-mean imputation: the province for municipalities,
    the municipality for districts and neighbourhoods ('?' when unknown)."""
    if level == AreaLevel.MUNICIPALITY:
        provinces = municipality_province_map()
        return np.array([provinces.get(c) or "?" for c in codes])
    return np.array([municipality_of(c) for c in codes])


def latest_explanatory_effects() -> dict[str, float] | None:
    """Standardised effect (beta) per resilience factor slug of the latest published
    explanatory model run, or None when there is none."""
    run = published_model_run(kind=ModelRun.Kind.EXPLANATORY)
    if run is None:
        return None
    effects = {e["factor"]: float(e["beta"]) for e in run.results.get("effects", [])}
    return effects or None


def index_runs() -> QuerySet[IndexRun]:
    return IndexRun.objects.select_related("created_by").order_by("-created_at", "-pk")


def published_index_run(*, level: str, year: int, province: str = "") -> IndexRun | None:
    """The published, finished run for this level that covers `year`: one for this
    province first, else one for every province."""
    runs = [
        run
        for run in IndexRun.objects.filter(
            level=level, published=True, status=IndexRun.Status.FINISHED
        ).order_by("-created_at", "-pk")
        if year in (run.years or [])
    ]
    for run in runs:
        if province and run.province == province:
            return run
    for run in runs:
        if not run.province:
            return run
    return None


def index_results(*, run: IndexRun, year: int, province: str = "") -> list[IndexResult]:
    results = list(run.results.filter(year=year).order_by("area_code"))
    if province and run.province != province:
        provinces = municipality_province_map()
        results = [r for r in results if provinces.get(municipality_of(r.area_code)) == province]
    return results
