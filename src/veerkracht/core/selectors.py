"""Read queries for areas and vocabularies, shared by pages, the API and other apps."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum

from .models import (
    AreaGroup,
    AreaStatistics,
    AuditRecord,
    Municipality,
    OrganisationType,
    PolicyAgenda,
    Province,
    ResilienceFactor,
    Theme,
)
from .models.geography import AREA_MODELS, Area, area_model_for_code


def served_province_code() -> str:
    return settings.VEERKRACHT_PROVINCE


def province_get(*, code: str) -> Province | None:
    return Province.objects.filter(code=code.upper()).first()


def _latest_statistics(field: str, level: str = "gemeente") -> Subquery:
    return Subquery(
        AreaStatistics.objects.filter(level=level, area_code=OuterRef("code"))
        .order_by("-year")
        .values(field)[:1]
    )


def municipality_list(
    *, province: str | None = None, group: str | None = None, with_boundary: bool = False
) -> QuerySet[Municipality]:
    """Municipalities with their latest CBS figures (population, households, density …).

    `province` is a PVxx code, `group` an AreaGroup slug. One query, whatever the count.
    """
    qs = Municipality.objects.select_related("province").annotate(
        population=_latest_statistics("population"),
        households=_latest_statistics("households"),
        density=_latest_statistics("density"),
        urbanity=_latest_statistics("urbanity"),
        land_area_ha=_latest_statistics("land_area_ha"),
        statistics_year=_latest_statistics("year"),
    )
    if not with_boundary:
        qs = qs.defer("boundary")
    if province:
        qs = qs.filter(province_id=province.upper())
    if group:
        qs = qs.filter(area_groups__slug=group)
    return qs.order_by("name")


def municipality_get(*, code: str) -> Municipality | None:
    return municipality_list(with_boundary=True).filter(code=code.upper()).first()


def area_statistics_for(*, area_code: str) -> list[AreaStatistics]:
    """All years of CBS figures for one area, newest first."""
    return list(AreaStatistics.objects.filter(area_code=area_code.upper()).order_by("-year"))


def area_group_list(*, province: str | None = None) -> QuerySet[AreaGroup]:
    """Area groups with the number of municipalities and inhabitants in each."""
    qs = AreaGroup.objects.annotate(municipality_count=Count("municipalities", distinct=True))
    if province:
        qs = qs.filter(municipalities__province_id=province.upper()).distinct()
    return qs.order_by("name")


def area_group_summaries(*, province: str | None = None) -> list[dict]:
    """Per area group: slug, name, municipality codes, count and total population (latest year)."""
    groups = list(area_group_list(province=province).prefetch_related("municipalities"))
    codes = {m.code for g in groups for m in g.municipalities.all()}
    population = dict(municipality_list().filter(code__in=codes).values_list("code", "population"))
    summaries = []
    for group in groups:
        members = sorted(group.municipalities.all(), key=lambda m: m.name)
        summaries.append(
            {
                "slug": group.slug,
                "name": group.name,
                "description": group.description,
                "municipalities": [{"code": m.code, "name": m.name} for m in members],
                "municipality_count": len(members),
                "population": sum(population.get(m.code) or 0 for m in members),
            }
        )
    return summaries


def province_summary(*, code: str) -> dict:
    """Counts for a province: municipalities, and inhabitants and households summed over
    each municipality's latest CBS figures (one query)."""
    # Aggregate aliases must differ from the annotations they sum.
    totals = municipality_list(province=code).aggregate(
        total_municipalities=Count("code"),
        total_population=Sum("population"),
        total_households=Sum("households"),
    )
    return {
        "municipality_count": totals["total_municipalities"],
        "population": totals["total_population"] or 0,
        "households": totals["total_households"] or 0,
    }


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.filter(active=True).order_by("position", "name")


def resilience_factor_list() -> QuerySet[ResilienceFactor]:
    return ResilienceFactor.objects.filter(active=True).order_by("position", "name")


def policy_agenda_list() -> QuerySet[PolicyAgenda]:
    return PolicyAgenda.objects.filter(active=True).order_by("position", "name")


# --- Public pages (home, areas) --------------------------------------------------------


def area_statistics_latest(*, area_code: str) -> AreaStatistics | None:
    """The newest CBS figures for one area, or None."""
    return AreaStatistics.objects.filter(area_code=area_code.upper()).order_by("-year").first()


def area_statistics_latest_year(*, level: str = "gemeente") -> int | None:
    """The newest year for which CBS figures of this area level are loaded."""
    return (
        AreaStatistics.objects.filter(level=level)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


# --- Read functions added for the JSON API (/api/v1/) ---


def province_list(*, code: str | None = None) -> list[Province]:
    """Provinces with `municipality_count` and `population` set on each.

    `population` is the sum of the latest CBS figures of the province's municipalities
    (None when none of them has figures). `code` limits the list to one province.
    Two queries, whatever the count.
    """
    qs = Province.objects.annotate(municipality_count=Count("municipalities")).order_by("name")
    if code:
        qs = qs.filter(code=code.upper())
    provinces = list(qs)
    population: dict[str, int] = {}
    figures = municipality_list().filter(province__in=[p.code for p in provinces])
    for province_code, inhabitants in figures.values_list("province_id", "population"):
        if inhabitants is not None:
            population[province_code] = population.get(province_code, 0) + inhabitants
    for province in provinces:
        province.population = population.get(province.code)
    return provinces


def province_detail(*, code: str) -> Province | None:
    """One province as in `province_list`, or None."""
    provinces = province_list(code=code)
    return provinces[0] if provinces else None


def area_group_get(*, slug: str) -> AreaGroup | None:
    return AreaGroup.objects.filter(slug=slug).first()


def municipality_list_with_area_groups(
    *, province: str | None = None, group: str | None = None, with_boundary: bool = False
) -> QuerySet[Municipality]:
    """`municipality_list` with each municipality's area groups prefetched (one extra query)."""
    return municipality_list(
        province=province, group=group, with_boundary=with_boundary
    ).prefetch_related(
        Prefetch("area_groups", queryset=AreaGroup.objects.only("slug", "name").order_by("slug"))
    )


def municipality_detail(*, code: str) -> Municipality | None:
    """One municipality with boundary, area groups and `statistics` (all years, newest first)."""
    municipality = (
        municipality_list_with_area_groups(with_boundary=True).filter(code=code.upper()).first()
    )
    if municipality is not None:
        municipality.statistics = area_statistics_for(area_code=municipality.code)
    return municipality


def organisation_type_list() -> QuerySet[OrganisationType]:
    return OrganisationType.objects.filter(active=True).order_by("position", "name")


# --- Audit trail -------------------------------------------------------------------------


def audit_records_filtered(
    *, action: str = "", object_type: str = "", object_id: str = "", actor: str = ""
) -> QuerySet[AuditRecord]:
    records = AuditRecord.objects.select_related("actor").order_by("-at", "-id")
    if action:
        records = records.filter(action=action)
    if object_type:
        records = records.filter(object_type=object_type)
    if object_id:
        records = records.filter(object_id=object_id)
    if actor:
        if actor.lower() in {"system", "systeem"}:
            records = records.filter(actor__isnull=True)
        elif actor.isdigit():
            records = records.filter(actor_id=int(actor))
        else:
            records = records.filter(actor__email__iexact=actor)
    return records


def audit_actions() -> list[str]:
    """The distinct actions in the audit trail, for filter choices."""
    return list(AuditRecord.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types() -> list[str]:
    """The distinct object types in the audit trail, for filter choices."""
    return list(
        AuditRecord.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


def area_get(*, code: str) -> Area | None:
    """The CBS area of any level with this code (without its boundary), or None."""
    code = (code or "").strip().upper()
    model = area_model_for_code(code)
    if model is None:
        return None
    return model.objects.filter(code=code).defer("boundary").first()


def area_exists(*, code: str) -> bool:
    model = area_model_for_code(code)
    return model is not None and model.objects.filter(pk=code.upper()).exists()


def area_names(*, codes: Iterable[str], level: str | None = None) -> dict[str, str]:
    """Code → name of these areas; of one level, or of any level by their code prefixes."""
    models: dict[type[Area], list[str]] = defaultdict(list)
    for code in codes:
        model = AREA_MODELS.get(level) if level is not None else area_model_for_code(code)
        if model is not None:
            models[model].append(code)
    names: dict[str, str] = {}
    for model, group in models.items():
        names.update(model.objects.filter(code__in=group).values_list("code", "name"))
    return names


def area_boundaries(*, level: str, codes: Iterable[str]) -> dict[str, Any]:
    """Code → GeoJSON boundary of these areas of one level."""
    model = AREA_MODELS.get(level)
    if model is None:
        return {}
    return dict(model.objects.filter(code__in=list(codes)).values_list("code", "boundary"))
