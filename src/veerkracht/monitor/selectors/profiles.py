"""Read queries behind the public monitor pages: choropleth maps of the published index
and of one indicator, and the profile of one area.

Small cells (an observation with `n` below `settings.MONITOR_MIN_N`, default 10) are never
returned with their value: the rows carry `suppressed=True` and `value=None` instead.
"""

from dataclasses import dataclass, field
from statistics import median

from django.db.models import QuerySet

from veerkracht.core.models import District, Municipality, Neighbourhood
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.selectors import area_names, served_province_code

from ..models import Dialogue, Domain, IndexResult, IndexRun, Indicator, Observation
from ..suppression import is_suppressed  # one small-cell rule for every page

MAP_LEVELS = (AreaLevel.MUNICIPALITY.value, AreaLevel.DISTRICT.value)


# --- areas -----------------------------------------------------------------------------


def province_area_codes(*, level: str, province: str) -> set[str]:
    """Codes of the areas of one level inside a province."""
    if level == AreaLevel.MUNICIPALITY:
        queryset = Municipality.objects.filter(province_id=province)
    elif level == AreaLevel.DISTRICT:
        queryset = District.objects.filter(municipality__province_id=province)
    elif level == AreaLevel.NEIGHBOURHOOD:
        queryset = Neighbourhood.objects.filter(district__municipality__province_id=province)
    else:
        return {province}
    return set(queryset.values_list("code", flat=True))


def district_boundaries(*, codes: list[str]) -> dict:
    """A GeoJSON FeatureCollection of these districts (for the district map)."""
    features = [
        {"type": "Feature", "id": code, "properties": {"code": code, "name": name}, "geometry": geo}
        for code, name, geo in District.objects.filter(
            code__in=codes, boundary__isnull=False
        ).values_list("code", "name", "boundary")
    ]
    return {"type": "FeatureCollection", "features": features}


# --- the published index -----------------------------------------------------------------


def published_runs() -> QuerySet[IndexRun]:
    return IndexRun.objects.filter(published=True, status=IndexRun.Status.FINISHED)


def index_levels() -> list[str]:
    """Map levels that have a published index."""
    levels = set(published_runs().values_list("level", flat=True))
    return [level for level in MAP_LEVELS if level in levels]


def index_years(*, level: str) -> list[int]:
    """Years with published index results at this level, newest first."""
    years = (
        IndexResult.objects.filter(run__in=published_runs().filter(level=level))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def index_run_for(*, level: str, year: int) -> IndexRun | None:
    """The most recent published run with results for this level and year."""
    return (
        published_runs()
        .filter(level=level, results__year=year)
        .order_by("-created_at", "-pk")
        .distinct()
        .first()
    )


@dataclass
class IndexRow:
    code: str
    name: str
    index_class: int
    band_low: int
    band_high: int
    score: float
    contributions: list[dict] = field(default_factory=list)
    imputed: list = field(default_factory=list)


def domain_names() -> dict[str, Domain]:
    return {domain.slug: domain for domain in Domain.objects.all()}


def _top_contributions(contributions: dict, domains: dict[str, Domain], top: int) -> list[dict]:
    items = []
    for slug, value in (contributions or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        domain = domains.get(slug)
        items.append({"slug": slug, "domain": domain, "value": number})
    items.sort(key=lambda item: abs(item["value"]), reverse=True)
    return items[:top]


def top_contributions(contributions: dict, *, top: int = 3) -> list[dict]:
    """The largest domain contributions (by size), with their Domain objects."""
    return _top_contributions(contributions, domain_names(), top)


def index_rows(
    *, run: IndexRun, year: int, province: str | None = None, top: int = 3
) -> list[IndexRow]:
    """The run's results for a year, one row per area, by name (two queries + areas)."""
    results = list(run.results.filter(year=year))
    if province:
        inside = province_area_codes(level=run.level, province=province)
        results = [result for result in results if result.area_code in inside]
    names = area_names(level=run.level, codes=[result.area_code for result in results])
    domains = domain_names()
    rows = [
        IndexRow(
            code=result.area_code,
            name=names.get(result.area_code, result.area_code),
            index_class=result.index_class,
            band_low=result.band_low,
            band_high=result.band_high,
            score=result.score,
            contributions=_top_contributions(result.contributions, domains, top),
            imputed=result.imputed or [],
        )
        for result in results
    ]
    rows.sort(key=lambda row: (row.name.lower(), row.code))
    return rows


def index_result_for_area(*, code: str) -> tuple[IndexRun, IndexResult] | None:
    """The area's latest published index result (any level its code belongs to)."""
    result = (
        IndexResult.objects.filter(area_code=code.upper(), run__in=published_runs())
        .select_related("run")
        .order_by("-year", "-run__created_at", "-run__pk")
        .first()
    )
    return (result.run, result) if result else None


# --- one indicator on the map ------------------------------------------------------------


def indicator_get(*, code: str) -> Indicator | None:
    return (
        Indicator.objects.select_related("domain", "factor").filter(code=code, active=True).first()
    )


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("domain").filter(active=True)


def indicator_years(*, indicator: Indicator, level: str) -> list[int]:
    years = (
        Observation.objects.filter(indicator=indicator, level=level)
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def indicator_levels(*, indicator: Indicator) -> list[str]:
    levels = set(
        Observation.objects.filter(indicator=indicator).values_list("level", flat=True).distinct()
    )
    return [level for level in MAP_LEVELS if level in levels]


@dataclass
class ValueRow:
    code: str
    name: str
    value: float | None
    n: int | None
    suppressed: bool


def indicator_rows(
    *, indicator: Indicator, level: str, year: int, province: str | None = None
) -> list[ValueRow]:
    """Each area's value for the indicator and year; small cells have no value."""
    observations = Observation.objects.filter(indicator=indicator, level=level, year=year)
    if province:
        observations = observations.filter(
            area_code__in=province_area_codes(level=level, province=province)
        )
    data = list(observations.values_list("area_code", "value", "n"))
    names = area_names(level=level, codes=[code for code, _, _ in data])
    rows = []
    for code, value, n in data:
        suppressed = is_suppressed(n)
        rows.append(
            ValueRow(
                code=code,
                name=names.get(code, code),
                value=None if suppressed else value,
                n=n,
                suppressed=suppressed,
            )
        )
    rows.sort(key=lambda row: (row.name.lower(), row.code))
    return rows


# --- the area profile --------------------------------------------------------------------


@dataclass
class ProfileIndicator:
    indicator: Indicator
    year: int | None
    value: float | None
    suppressed: bool
    province_median: float | None
    difference: float | None
    comparison: str  # "higher", "lower", "same", "" (no comparison)
    judgement: str  # "better", "worse", "" (neutral or no comparison)
    trend: list[tuple[int, float]]


def _comparison(value: float, reference: float, direction: str) -> tuple[str, str]:
    tolerance = max(abs(reference) * 0.02, 1e-9)
    if abs(value - reference) <= tolerance:
        return "same", ""
    comparison = "higher" if value > reference else "lower"
    if direction == Indicator.Direction.HIGHER_BETTER:
        return comparison, "better" if comparison == "higher" else "worse"
    if direction == Indicator.Direction.HIGHER_WORSE:
        return comparison, "worse" if comparison == "higher" else "better"
    return comparison, ""


def area_profile_indicators(
    *, code: str, level: str, province: str | None = None
) -> list[ProfileIndicator]:
    """Each active indicator's latest value for the area against the province median, and
    its trend over the years. Suppressed cells enter neither the value nor the median."""
    code = code.upper()
    province = province or served_province_code()
    own = list(
        Observation.objects.filter(area_code=code, indicator__active=True)
        .order_by("year")
        .values_list("indicator_id", "year", "value", "n")
    )
    if not own:
        return []
    by_indicator: dict[int, list[tuple[int, float, int | None]]] = {}
    for indicator_id, year, value, n in own:
        by_indicator.setdefault(indicator_id, []).append((year, value, n))
    latest_years = {indicator_id: rows[-1][0] for indicator_id, rows in by_indicator.items()}
    peers = province_area_codes(level=level, province=province)
    peer_values: dict[tuple[int, int], list[float]] = {}
    for indicator_id, year, value, n in Observation.objects.filter(
        indicator_id__in=list(by_indicator),
        level=level,
        year__in=set(latest_years.values()),
        area_code__in=peers,
    ).values_list("indicator_id", "year", "value", "n"):
        if latest_years.get(indicator_id) == year and not is_suppressed(n):
            peer_values.setdefault((indicator_id, year), []).append(value)

    indicators = Indicator.objects.select_related("domain", "factor").filter(
        pk__in=list(by_indicator)
    )
    profile = []
    for indicator in indicators:
        rows = by_indicator[indicator.pk]
        year, value, n = rows[-1]
        suppressed = is_suppressed(n)
        peers_here = peer_values.get((indicator.pk, year), [])
        reference = median(peers_here) if peers_here else None
        comparison = judgement = ""
        difference = None
        if not suppressed and reference is not None:
            difference = value - reference
            comparison, judgement = _comparison(value, reference, indicator.direction)
        profile.append(
            ProfileIndicator(
                indicator=indicator,
                year=year,
                value=None if suppressed else value,
                suppressed=suppressed,
                province_median=reference,
                difference=difference,
                comparison=comparison,
                judgement=judgement,
                trend=[(y, v) for y, v, count in rows if not is_suppressed(count)],
            )
        )
    return profile


def sparkline_points(trend: list[tuple[int, float]], *, width: int = 120, height: int = 32) -> str:
    """SVG polyline points for a small trend line (empty with fewer than two years)."""
    if len(trend) < 2:
        return ""
    years = [year for year, _ in trend]
    values = [value for _, value in trend]
    low, high = min(values), max(values)
    span_y = (high - low) or 1.0
    span_x = (max(years) - min(years)) or 1
    pad = 3
    points = []
    for year, value in trend:
        x = pad + (year - min(years)) / span_x * (width - 2 * pad)
        y = height - pad - (value - low) / span_y * (height - 2 * pad)
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


def area_dialogues(*, code: str) -> QuerySet[Dialogue]:
    """Dialogues held in the area, with their statements and actions (three queries)."""
    return (
        Dialogue.objects.filter(area_code=code.upper())
        .prefetch_related("statements__learning_key__factor", "actions__learning_key")
        .order_by("-date", "-pk")
    )
