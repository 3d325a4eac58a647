"""The indicator framework: domains and indicators, loaded from reference/framework.json,
and CBS area attributes turned into observations.

`actor=None` means the system (a management command or a data migration): no capability
check. A user must hold `monitor.import`.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from veerkracht.core.models import ResilienceFactor
from veerkracht.core.models.geography import AreaLevel, AreaStatistics
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record

from ..models import Domain, Indicator, Observation

FRAMEWORK_PATH = Path(__file__).resolve().parent.parent / "reference" / "framework.json"

CBS_SOURCE = "CBS, Kerncijfers wijken en buurten"
CBS_LICENCE = "CC BY 4.0"
SURVEY_SOURCE = "Enquête Monitor Sociale Veerkracht"
ALL_LEVELS = [AreaLevel.MUNICIPALITY.value, AreaLevel.DISTRICT.value, AreaLevel.NEIGHBOURHOOD.value]
SURVEY_LEVELS = [AreaLevel.MUNICIPALITY.value, AreaLevel.DISTRICT.value]


@dataclass
class FrameworkReport:
    domains_created: int = 0
    domains_updated: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.domains_created
            or self.domains_updated
            or self.indicators_created
            or self.indicators_updated
        )

    def summary(self) -> str:
        return (
            f"Domains: {self.domains_created} created, {self.domains_updated} updated; "
            f"indicators: {self.indicators_created} created, {self.indicators_updated} updated."
        )


def _indicator_values(
    spec: dict[str, Any], domains: dict[str, Domain], factors: dict[str, int], position: int
) -> dict[str, Any]:
    cbs = spec.get("cbs_attribute", "")
    return {
        "name": spec["name"],
        "name_en": spec.get("name_en", ""),
        "domain_id": domains[spec["domain"]].pk,
        "definition": spec.get("definition", ""),
        "unit": spec["unit"],
        "direction": spec.get("direction", Indicator.Direction.HIGHER_BETTER),
        "factor_id": factors.get(spec.get("factor") or ""),
        "source": spec.get("source") or (CBS_SOURCE if cbs else SURVEY_SOURCE),
        "licence": spec.get("licence") or (CBS_LICENCE if cbs else ""),
        "levels": spec.get("levels") or (ALL_LEVELS if cbs else SURVEY_LEVELS),
        "min_value": spec.get("min_value"),
        "max_value": spec.get("max_value"),
        "goalpost_low": spec.get("goalpost_low"),
        "goalpost_high": spec.get("goalpost_high"),
        "expert_weight": spec.get("expert_weight", 1.0),
        "cbs_attribute": cbs,
        "position": spec.get("position", position),
    }


def framework_load(*, actor: Any, path: Path | str | None = None) -> FrameworkReport:
    """Create or update the domains and indicators of the framework file. Idempotent:
    loading the same file twice changes nothing the second time. Indicators that are
    not in the file are left alone (they may hold imported observations)."""
    if actor is not None:
        check_capability(actor, "monitor.import")
    data = json.loads(Path(path or FRAMEWORK_PATH).read_text(encoding="utf-8"))
    report = FrameworkReport()
    factors = dict(ResilienceFactor.objects.values_list("slug", "pk"))
    with transaction.atomic():
        domains = {d.slug: d for d in Domain.objects.all()}
        for spec in data["domains"]:
            values = {
                "name": spec["name"],
                "name_en": spec.get("name_en", ""),
                "description": spec.get("description", ""),
                "in_index": spec.get("in_index", True),
                "expert_weight": spec.get("expert_weight", 1.0),
                "position": spec.get("position", 0),
            }
            domain = domains.get(spec["slug"])
            if domain is None:
                domains[spec["slug"]] = Domain.objects.create(slug=spec["slug"], **values)
                report.domains_created += 1
            elif any(getattr(domain, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(domain, k, v)
                domain.save()
                report.domains_updated += 1
        existing = {i.code: i for i in Indicator.objects.all()}
        for position, spec in enumerate(data["indicators"], start=1):
            if spec.get("factor") and spec["factor"] not in factors:
                report.warnings.append(
                    f"Indicator {spec['code']}: unknown resilience factor {spec['factor']!r} "
                    "(run load_reference first)."
                )
            values = _indicator_values(spec, domains, factors, position)
            indicator = existing.get(spec["code"])
            if indicator is None:
                Indicator.objects.create(code=spec["code"], **values)
                report.indicators_created += 1
            elif any(getattr(indicator, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(indicator, k, v)
                indicator.save()
                report.indicators_updated += 1
        if report.changed:
            audit_record(
                actor=actor,
                action="monitor.framework_load",
                object_type=Indicator._meta.label_lower,
                object_id="framework",
                after={
                    "domains_created": report.domains_created,
                    "domains_updated": report.domains_updated,
                    "indicators_created": report.indicators_created,
                    "indicators_updated": report.indicators_updated,
                },
            )
    return report


@dataclass
class CbsObservationsReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    years: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"CBS observations: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped (missing or out of range); "
            f"years {', '.join(map(str, self.years)) or '-'}."
        )


def cbs_observations_import(
    *, actor: Any, years: list[int] | None = None, levels: list[str] | None = None
) -> CbsObservationsReport:
    """Turn the CBS attributes in `core.AreaStatistics.values` into observations of every
    active indicator with a `cbs_attribute`, for every level and year present (or those
    asked for). Values that are missing (CBS secrecy), not numeric or outside the
    indicator's valid range are skipped. Register data: `n` stays empty. Idempotent."""
    if actor is not None:
        check_capability(actor, "monitor.import")
    indicators = list(Indicator.objects.filter(active=True).exclude(cbs_attribute=""))
    report = CbsObservationsReport()
    if not indicators:
        return report
    stats = AreaStatistics.objects.all()
    if years:
        stats = stats.filter(year__in=years)
    if levels:
        stats = stats.filter(level__in=levels)
    desired: dict[tuple[int, str, int], tuple[str, float]] = {}
    seen_years: set[int] = set()
    for level, area_code, year, values in stats.values_list(
        "level", "area_code", "year", "values"
    ).iterator(chunk_size=2000):
        seen_years.add(year)
        for indicator in indicators:
            if indicator.levels and level not in indicator.levels:
                continue
            raw = (values or {}).get(indicator.cbs_attribute)
            if raw is None or isinstance(raw, bool):
                report.skipped += 1
                continue
            try:
                value = float(raw)
            except (TypeError, ValueError):
                report.skipped += 1
                continue
            if (indicator.min_value is not None and value < indicator.min_value) or (
                indicator.max_value is not None and value > indicator.max_value
            ):
                report.skipped += 1
                continue
            desired[(indicator.pk, area_code, year)] = (level, value)
    report.years = sorted(seen_years)
    with transaction.atomic():
        existing = {
            (o.indicator_id, o.area_code, o.year): o
            for o in Observation.objects.filter(
                indicator__in=indicators, year__in=report.years
            ).only("pk", "indicator_id", "area_code", "year", "level", "value", "n")
        }
        to_create, to_update = [], []
        for key, (level, value) in desired.items():
            obs = existing.get(key)
            if obs is None:
                to_create.append(
                    Observation(
                        indicator_id=key[0], area_code=key[1], year=key[2], level=level, value=value
                    )
                )
            elif obs.value != value or obs.level != level or obs.n is not None:
                obs.value, obs.level, obs.n = value, level, None
                to_update.append(obs)
            else:
                report.unchanged += 1
        Observation.objects.bulk_create(to_create, batch_size=2000)
        Observation.objects.bulk_update(to_update, ["value", "level", "n"], batch_size=2000)
        report.created, report.updated = len(to_create), len(to_update)
        if to_create or to_update:
            audit_record(
                actor=actor,
                action="monitor.cbs_observations_import",
                object_type=Observation._meta.label_lower,
                object_id=f"cbs:{','.join(map(str, report.years))}"[:64],
                after={"created": report.created, "updated": report.updated},
            )
    return report
