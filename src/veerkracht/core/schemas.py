"""Schemas of the core API (/api/v1/): CBS areas, area groups and vocabularies."""

from typing import Any, Literal

from ninja import Field, Schema

PROVINCE_CODE_PATTERN = r"^[Pp][Vv]\d{2}$"


class ErrorOut(Schema):
    detail: str = Field(..., description="What went wrong, in words.")


class ValidationErrorOut(ErrorOut):
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="The individual validation errors (pydantic format)."
    )


class CentroidOut(Schema):
    lat: float = Field(..., description="Latitude (WGS84).")
    lon: float = Field(..., description="Longitude (WGS84).")


def _centroid(obj: Any) -> dict | None:
    if obj.centroid_lat is None or obj.centroid_lon is None:
        return None
    return {"lat": obj.centroid_lat, "lon": obj.centroid_lon}


class ProvinceOut(Schema):
    code: str = Field(..., description="CBS code, PVxx.", examples=["PV30"])
    name: str
    municipality_count: int = Field(..., description="Number of municipalities.")
    population: int | None = Field(
        None, description="Inhabitants: sum of the latest CBS figures of its municipalities."
    )
    centroid: CentroidOut | None = None

    @staticmethod
    def resolve_centroid(obj: Any) -> dict | None:
        return _centroid(obj)


class MunicipalityOut(Schema):
    code: str = Field(..., description="CBS code, GMxxxx.", examples=["GM0855"])
    name: str
    province: str | None = Field(None, description="CBS code of the province, PVxx.")
    population: int | None = Field(None, description="Inhabitants (latest CBS year).")
    households: int | None = Field(None, description="Households (latest CBS year).")
    density: int | None = Field(None, description="Inhabitants per km² (latest CBS year).")
    urbanity: int | None = Field(
        None, description="CBS urbanity, 1 (very urban) to 5 (not urban), latest CBS year."
    )
    land_area_ha: int | None = Field(None, description="Land area in hectares (latest CBS year).")
    statistics_year: int | None = Field(None, description="Year of the CBS figures above.")
    boundary_year: int | None = Field(None, description="CBS year of the boundary.")
    centroid: CentroidOut | None = None
    area_groups: list[str] = Field(
        default_factory=list, description="Slugs of the area groups it belongs to."
    )

    @staticmethod
    def resolve_province(obj: Any) -> str | None:
        return obj.province_id

    @staticmethod
    def resolve_boundary_year(obj: Any) -> int | None:
        return obj.year

    @staticmethod
    def resolve_centroid(obj: Any) -> dict | None:
        return _centroid(obj)

    @staticmethod
    def resolve_area_groups(obj: Any) -> list[str]:
        return [group.slug for group in obj.area_groups.all()]


class AreaStatisticsOut(Schema):
    year: int
    population: int | None = None
    households: int | None = None
    density: int | None = None
    urbanity: int | None = None
    land_area_ha: int | None = None
    values: dict[str, Any] = Field(
        default_factory=dict, description="Every CBS attribute of that year, under its CBS name."
    )


class MunicipalityDetailOut(MunicipalityOut):
    statistics: list[AreaStatisticsOut] = Field(
        default_factory=list, description="CBS figures per year, newest first."
    )


class MunicipalityRefOut(Schema):
    code: str
    name: str


class AreaGroupOut(Schema):
    slug: str
    name: str
    description: str
    municipality_count: int
    population: int = Field(..., description="Inhabitants (latest CBS figures) of its members.")
    municipalities: list[MunicipalityRefOut]


class VocabularyOut(Schema):
    slug: str
    name: str = Field(..., description="Name in Dutch.")
    name_en: str = Field(..., description="Name in English (may be empty).")
    description: str


class ResilienceFactorOut(VocabularyOut):
    domain: str = Field(
        ..., description="persoonlijk, sociaal, economisch or leefomgeving.", examples=["sociaal"]
    )


# GeoJSON (RFC 7946). Served as application/geo+json; described in the OpenAPI document
# by `geojson_openapi_content`, as ninja itself only knows one media type per response.

GEOMETRY_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "GeoJSON geometry (WGS84), as stored: Polygon or MultiPolygon.",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {}},
    },
    "required": ["type", "coordinates"],
}


def _feature_json_schema(properties_schema: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "const": "Feature"},
            "id": {"type": "string", "description": "CBS code."},
            "geometry": {"anyOf": [GEOMETRY_JSON_SCHEMA, {"type": "null"}]},
            "properties": {"$ref": f"#/components/schemas/{properties_schema}"},
        },
        "required": ["type", "id", "geometry", "properties"],
    }


def geojson_openapi_content(properties_schema: str, *, collection: bool) -> dict[str, Any]:
    """OpenAPI `content` entry for a GeoJSON Feature (or FeatureCollection) response."""
    schema = _feature_json_schema(properties_schema)
    if collection:
        schema = {
            "type": "object",
            "properties": {
                "type": {"type": "string", "const": "FeatureCollection"},
                "features": {"type": "array", "items": schema},
            },
            "required": ["type", "features"],
        }
    return {"application/geo+json": {"schema": schema}}


def municipality_feature(municipality: Any, schema: type[MunicipalityOut]) -> dict[str, Any]:
    """A municipality as GeoJSON Feature: its stored boundary and the schema's fields."""
    return {
        "type": "Feature",
        "id": municipality.code,
        "geometry": municipality.boundary,
        "properties": schema.from_orm(municipality).model_dump(mode="json"),
    }


FormatParam = Literal["json", "geojson"]
