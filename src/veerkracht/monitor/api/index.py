"""Composite index API: GET /api/v1/monitor/index (JSON or GeoJSON).

Each item: {"code", "name", "class" (1–9, 9 = most resilient), "band": {"low", "high"}
(the 5–95 % range of the class over the Monte Carlo), "contributions": {domain: float}}.
Other tools rely on these keys: keep them.
"""

import json
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from veerkracht.core import selectors as core_selectors
from veerkracht.core.schemas import ErrorOut, ValidationErrorOut

from ..selectors.index import (
    index_results,
    published_index_run,
)

router = Router()
TAGS = ["Monitor"]
GEOJSON_CONTENT_TYPE = "application/geo+json"


class BandOut(Schema):
    low: int = Field(..., ge=1, le=9, description="Class at the 5th percentile.")
    high: int = Field(..., ge=1, le=9, description="Class at the 95th percentile.")


class IndexItemOut(Schema):
    code: str = Field(..., description="CBS code of the area.", examples=["GM0828"])
    name: str
    index_class: int = Field(
        ..., alias="class", ge=1, le=9, description="Median class, 1 (least) to 9 (most resilient)."
    )
    band: BandOut
    contributions: dict[str, float] = Field(
        ..., description="Mean contribution of each domain (slug) to the standardised score."
    )


def index_items(*, level: str, year: int, province: str = "") -> tuple[object, list[dict]]:
    """The published run and its items (raises 404 with a clear message)."""
    run = published_index_run(level=level, year=year, province=province)
    if run is None:
        raise HttpError(
            404,
            f"No published index for level '{level}' and year {year}"
            + (f" in province {province}" if province else "")
            + ".",
        )
    results = index_results(run=run, year=year, province=province)
    names = core_selectors.area_names(level=level, codes=[r.area_code for r in results])
    items = [
        {
            "code": r.area_code,
            "name": names.get(r.area_code, r.area_code),
            "class": r.index_class,
            "band": {"low": r.band_low, "high": r.band_high},
            "contributions": r.contributions,
        }
        for r in results
    ]
    return run, items


@router.get(
    "/index",
    response={200: list[IndexItemOut], 404: ErrorOut, 422: ValidationErrorOut},
    by_alias=True,
    tags=TAGS,
    summary="Composite resilience index per area",
    description=(
        "The published composite index for a level and year: per area its class (1–9, "
        "9 = most resilient; stanines), the 5–95 % band of the class from the Monte Carlo "
        "over the pipeline's choices, and each domain's contribution. 404 when no run is "
        "published for that level and year. With `format=geojson` a FeatureCollection of "
        "the area boundaries with the same properties (plus `run` and `synthetic` at the "
        "top level)."
    ),
)
def get_index(
    request: HttpRequest,
    level: Literal["gemeente", "wijk", "buurt"] = Query(
        "gemeente", description="Area level: gemeente, wijk or buurt."
    ),
    year: int = Query(..., ge=1990, le=2100, description="Year.", example=2023),
    province: str = Query(
        "", pattern=r"^(PV\d{2})?$", description="Province CBS code.", example="PV30"
    ),
    format: Literal["json", "geojson"] = Query("json", description="`json` or `geojson`."),
):
    run, items = index_items(level=level, year=year, province=province)
    if format == "geojson":
        boundaries = core_selectors.area_boundaries(level=level, codes=[i["code"] for i in items])
        features = [
            {
                "type": "Feature",
                "id": item["code"],
                "geometry": boundaries.get(item["code"]),
                "properties": item,
            }
            for item in items
        ]
        body = {
            "type": "FeatureCollection",
            "run": run.pk,
            "level": level,
            "year": year,
            "synthetic": run.synthetic,
            "features": features,
        }
        return HttpResponse(json.dumps(body), content_type=GEOJSON_CONTENT_TYPE)
    return items
