"""Read queries for areas and vocabularies, shared by pages, the API and other apps."""

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from .models import (
    AreaGroup,
    AreaStatistics,
    Municipality,
    PolicyAgenda,
    Province,
    ResilienceFactor,
    Theme,
)


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
    """Counts for the served province: municipalities and inhabitants (latest year)."""
    qs = municipality_list(province=code)
    totals = AreaStatistics.objects.filter(
        level="gemeente", area_code__in=qs.values("code"), year=qs.values("statistics_year")[:1]
    ).aggregate(population=Sum("population"), households=Sum("households"))
    return {
        "municipality_count": qs.count(),
        "population": totals["population"] or 0,
        "households": totals["households"] or 0,
    }


def theme_list() -> QuerySet[Theme]:
    return Theme.objects.filter(active=True).order_by("position", "name")


def resilience_factor_list() -> QuerySet[ResilienceFactor]:
    return ResilienceFactor.objects.filter(active=True).order_by("position", "name")


def policy_agenda_list() -> QuerySet[PolicyAgenda]:
    return PolicyAgenda.objects.filter(active=True).order_by("position", "name")
