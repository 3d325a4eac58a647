"""Statistical model API: GET /api/v1/monitor/model (the published explanatory model) and
GET /api/v1/monitor/estimates?level=gemeente (published small-area estimates)."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from ..models import ModelRun
from ..selectors.models import explanatory_effects, published_model_run, small_area_estimates

router = Router()
TAGS = ["Monitor"]


class IntervalOut(Schema):
    low: float
    high: float


class DatasetOut(Schema):
    name: str
    year: int
    respondents: int
    synthetic: bool = Field(..., description="True: invented demo data, not a real survey.")


class EffectOut(Schema):
    factor: str = Field(..., description="Slug of the resilience factor (hulpbron).")
    name: str
    rank: int = Field(..., ge=1, description="1 = the largest positive effect.")
    beta: float = Field(..., description="Standardised effect (SD outcome per SD factor).")
    se: float
    ci: IntervalOut = Field(..., description="95% confidence interval of beta.")
    p: float


class ModelOut(Schema):
    run: int
    method: str = Field(..., description="ols_hc3 or mixed (random intercept).")
    dataset: DatasetOut
    n: int
    r2: float | None
    effects: list[EffectOut]
    ranking: list[str]
    top: list[str] = Field(..., description="The top 10 resources (factor slugs).")
    fitted_at: str | None = None


class EstimateOut(Schema):
    code: str
    name: str
    estimate: float
    interval: IntervalOut = Field(..., description="90% interval.")
    se: float
    respondents: int | None = Field(None, description="Null when the cell is suppressed.")
    synthetic_only: bool = Field(
        ..., description="No respondents: a regression (synthetic) estimate."
    )


class EstimatesOut(Schema):
    run: int
    level: str
    method: str
    interval: float
    dataset: DatasetOut
    items: list[EstimateOut]


def _dataset(run: ModelRun) -> dict:
    d = run.dataset
    return {"name": d.name, "year": d.year, "respondents": d.rows, "synthetic": d.synthetic}


@router.get(
    "/model",
    response={200: ModelOut, 404: ErrorOut},
    tags=TAGS,
    summary="The published explanatory model: standardised effects and top 10 resources",
)
def model(request: HttpRequest):
    run = published_model_run(kind=ModelRun.Kind.EXPLANATORY)
    if run is None:
        raise HttpError(404, "No published explanatory model.")
    effects = [
        {**e, "ci": {"low": e["ci_low"], "high": e["ci_high"]}} for e in explanatory_effects(run)
    ]
    r = run.results
    return {
        "run": run.pk,
        "method": r.get("method", ""),
        "dataset": _dataset(run),
        "n": r.get("n", 0),
        "r2": r.get("r2"),
        "effects": effects,
        "ranking": r.get("ranking", []),
        "top": r.get("top", []),
        "fitted_at": r.get("fitted_at"),
    }


class EstimatesQuery(Schema):
    level: Literal["gemeente", "buurt"] = "gemeente"


@router.get(
    "/estimates",
    response={200: EstimatesOut, 404: ErrorOut, 422: ValidationErrorOut},
    tags=TAGS,
    summary="Published small-area estimates of resilience with 90% intervals",
)
def estimates(request: HttpRequest, filters: Query[EstimatesQuery]):
    run = published_model_run(kind=ModelRun.Kind.SMALL_AREA, level=filters.level)
    if run is None:
        raise HttpError(404, f"No published small-area estimates for level '{filters.level}'.")
    items = [
        {
            "code": e["code"],
            "name": e["name"],
            "estimate": e["estimate"],
            "interval": {"low": e["low"], "high": e["high"]},
            "se": e["se"],
            "respondents": e["n"],
            "synthetic_only": e["synthetic_only"],
        }
        for e in small_area_estimates(run, public=True)
    ]
    r = run.results
    return {
        "run": run.pk,
        "level": r.get("level", filters.level),
        "method": r.get("method", ""),
        "interval": r.get("interval", 0.9),
        "dataset": _dataset(run),
        "items": items,
    }
