"""Read queries of the statistical models: survey datasets, model runs and their results
prepared for pages and the API."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from veerkracht.core.models import ResilienceFactor

from ..models import ModelRun, SurveyDataset
from ..suppression import is_suppressed


def survey_datasets() -> QuerySet[SurveyDataset]:
    return SurveyDataset.objects.all()


def model_runs(*, kind: str | None = None, limit: int = 50) -> list[ModelRun]:
    qs = ModelRun.objects.select_related("dataset", "created_by")
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs[:limit])


def published_model_run(*, kind: str, level: str | None = None) -> ModelRun | None:
    """The newest published finished run of a kind (for small-area runs: of the level)."""
    qs = ModelRun.objects.select_related("dataset").filter(
        kind=kind, published=True, status=ModelRun.Status.FINISHED
    )
    if level is not None:
        qs = qs.filter(parameters__level=level)
    return qs.first()


def factor_names() -> dict[str, str]:
    return dict(ResilienceFactor.objects.values_list("slug", "name"))


def explanatory_effects(run: ModelRun, *, top: int | None = None) -> list[dict[str, Any]]:
    """The effects of an explanatory run, best first, with the factor's name and the
    positions of the bar and its interval on a common 0–100 % scale (for the chart)."""
    names = factor_names()
    effects = list(run.results.get("effects", []))
    if top:
        effects = effects[:top]
    if not effects:
        return []
    low = min(0.0, *(e["ci_low"] for e in effects))
    high = max(0.0, *(e["ci_high"] for e in effects))
    span = (high - low) or 1.0

    def pos(value: float) -> float:
        return round((value - low) / span * 100, 2)

    zero = pos(0.0)
    items = []
    for effect in effects:
        beta = effect["beta"]
        items.append(
            {
                **effect,
                "name": names.get(effect["factor"], effect["factor"]),
                "bar_start": min(zero, pos(beta)),
                "bar_width": round(abs(pos(beta) - zero), 2),
                "ci_start": pos(effect["ci_low"]),
                "ci_width": round(pos(effect["ci_high"]) - pos(effect["ci_low"]), 2),
                "negative": beta < 0,
                "significant": effect["p"] is not None and effect["p"] < 0.05,
            }
        )
    return items


def small_area_estimates(run: ModelRun, *, public: bool = True) -> list[dict[str, Any]]:
    """The estimates of a small-area run. On public pages the direct estimate and the
    respondent count of a small cell are blanked (the model estimate stays)."""
    items = []
    for item in run.results.get("estimates", []):
        row = dict(item)
        row["suppressed"] = public and row["n"] > 0 and is_suppressed(row["n"])
        if row["suppressed"]:
            row["direct"] = None
            row["direct_se"] = None
            row["n"] = None
        items.append(row)
    return items
