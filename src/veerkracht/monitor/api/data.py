"""Monitor data API: GET /api/v1/monitor/indicators and /api/v1/monitor/observations.

Observations with fewer than MONITOR_MIN_N respondents come back with `value` null and
`suppressed` true (small-cell suppression); register data (n null) is never suppressed.
"""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core import selectors as core_selectors
from veerkracht.core.schemas import ValidationErrorOut

from ..models import Indicator
from ..selectors.observations import indicators_with_years, observations_public

router = Router()
TAGS = ["Monitor"]


class DomainRefOut(Schema):
    code: str = Field(..., description="Domain slug.", examples=["sociaal"])
    name: str
    in_index: bool = Field(..., description="False for context variables.")


class IndicatorOut(Schema):
    code: str = Field(..., examples=["eenpersoonshuishoudens"])
    name: str
    name_en: str
    domain: DomainRefOut
    definition: str
    unit: str
    direction: Literal["up", "down", "neutral"] = Field(
        ..., description="up: higher is better; down: higher is worse; neutral: context."
    )
    factor: str | None = Field(None, description="Slug of the linked resilience factor.")
    source: str
    licence: str
    levels: list[str] = Field(..., description="CBS levels: gemeente, wijk, buurt.")
    min_value: float | None
    max_value: float | None
    cbs_attribute: str = Field(..., description="CBS attribute it is read from; empty: survey.")
    synthetic: bool = Field(..., description="True when its data are synthetic demo data.")
    years: list[int] = Field(..., description="Years with observations.")


class ObservationOut(Schema):
    indicator: str
    area: str = Field(..., description="CBS code.", examples=["GM0828"])
    area_name: str
    level: str
    year: int
    value: float | None = Field(..., description="Null when suppressed (small cell).")
    n: int | None = Field(..., description="Respondents or cases; null for register data.")
    suppressed: bool


class ObservationFilter(Schema):
    area: str | None = Field(None, description="CBS code (GM…, WK…, BU…).", max_length=10)
    indicator: str | None = Field(None, description="Indicator code.", max_length=60)
    year: int | None = Field(None, ge=1990, le=2100)


@router.get(
    "/indicators",
    response=list[IndicatorOut],
    tags=TAGS,
    summary="Indicators of the monitor",
)
def indicators(request: HttpRequest):
    """Every active indicator with its domain, unit, direction, source, licence, area
    levels and the years that have observations."""
    return [
        {
            "code": i.code,
            "name": i.name,
            "name_en": i.name_en,
            "domain": {"code": i.domain.slug, "name": i.domain.name, "in_index": i.domain.in_index},
            "definition": i.definition,
            "unit": i.unit,
            "direction": i.direction,
            "factor": i.factor.slug if i.factor else None,
            "source": i.source,
            "licence": i.licence,
            "levels": i.levels,
            "min_value": i.min_value,
            "max_value": i.max_value,
            "cbs_attribute": i.cbs_attribute,
            "synthetic": i.synthetic,
            "years": years,
        }
        for i, years in indicators_with_years()
    ]


@router.get(
    "/observations",
    response={200: list[ObservationOut], 422: ValidationErrorOut},
    tags=TAGS,
    summary="Observations per area, indicator and year",
)
def observations(request: HttpRequest, filters: Query[ObservationFilter]):
    """Observations filtered by area (CBS code), indicator and year. At least one of
    `area` and `indicator` is required. Small cells come back as `value: null`,
    `suppressed: true`."""
    area = (filters.area or "").strip().upper()
    code = (filters.indicator or "").strip()
    if not area and not code:
        raise HttpError(422, "Give at least one of the parameters 'area' and 'indicator'.")
    if area and not core_selectors.area_exists(code=area):
        raise HttpError(422, f"Unknown CBS area code '{area}'.")
    if code and not Indicator.objects.filter(code=code, active=True).exists():
        raise HttpError(422, f"Unknown indicator '{code}'.")
    return observations_public(area=area or None, indicator=code or None, year=filters.year)
