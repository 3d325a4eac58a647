"""Read queries for the composite index."""

from collections.abc import Iterable

import numpy as np
from django.db import connections, router
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
    when given) and per year an (areas × indicators) array, NaN where missing.

    One row per area and year comes back from the database, the indicators pivoted into
    columns by the query itself (a GROUP BY with one MAX(value) FILTER (WHERE …) per
    indicator, the same SQL on SQLite and PostgreSQL): for a full neighbourhood level over ten
    years that is 146,000 rows instead of 1.7 million, and the covering index on
    (level, area_code, year, indicator, value) lets both databases answer from the index
    in group order without sorting."""
    years = sorted({int(y) for y in years})
    if not years or not indicators:
        return [], {y: np.empty((0, len(indicators))) for y in years}
    meta = Observation._meta
    connection = connections[router.db_for_read(Observation)]
    qn = connection.ops.quote_name
    col = {
        name: qn(meta.get_field(name).column)
        for name in ("indicator", "level", "area_code", "year", "value")
    }
    ids = [int(ind.pk) for ind in indicators]
    pivot = ", ".join(f"MAX({col['value']}) FILTER (WHERE {col['indicator']} = {pk})" for pk in ids)
    where = [f"{col['level']} = %s", f"{col['indicator']} IN ({', '.join(map(str, ids))})"]
    params: list = [level]
    if province:
        members = sorted(
            Municipality.objects.filter(province__code=province).values_list("code", flat=True)
        )
        if not members:
            return [], {y: np.empty((0, len(indicators))) for y in years}
        if level == AreaLevel.MUNICIPALITY:
            where.append(f"{col['area_code']} IN ({', '.join(['%s'] * len(members))})")
            params.extend(members)
        else:  # WK082801 and BU08280100 carry their municipality's number (0828)
            where.append(
                f"SUBSTR({col['area_code']}, 3, 4) IN ({', '.join(['%s'] * len(members))})"
            )
            params.extend(code[2:] for code in members)

    where.append(f"{col['year']} IN ({', '.join(['%s'] * len(years))})")
    params.extend(years)
    sql = (
        f"SELECT {col['area_code']}, {col['year']}, {pivot} FROM {qn(meta.db_table)} "
        f"WHERE {' AND '.join(where)} GROUP BY {col['area_code']}, {col['year']}"
    )
    rows = _fetch_all(connection, sql, params)
    codes = sorted({row[0] for row in rows})
    cube = np.full((len(years), len(codes), len(indicators)), np.nan)
    if rows:
        row_of = dict(zip(codes, range(len(codes)), strict=True))
        year_of = dict(zip(years, range(len(years)), strict=True))
        a = np.fromiter((row_of[row[0]] for row in rows), dtype=np.intp, count=len(rows))
        t = np.fromiter((year_of[row[1]] for row in rows), dtype=np.intp, count=len(rows))
        # None (no observation) becomes NaN
        cube[t, a] = np.array([row[2:] for row in rows], dtype=float)
    return codes, {y: cube[i] for i, y in enumerate(years)}


def _fetch_all(connection, sql: str, params: list) -> list[tuple]:
    if connection.vendor == "postgresql":
        # Results in binary: psycopg takes the doubles as they are instead of parsing
        # their text, a third of the time on a large level. (Django's own cursor asks
        # for text; this one runs on the same connection and transaction.)
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, binary=True)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
