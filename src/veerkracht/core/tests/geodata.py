"""Small GeoJSON fixtures for the geography tests."""

import copy
import json
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from shapely.geometry import box, mapping, shape

CBS_GEMEENTEN_2023 = Path(settings.BASE_DIR) / "data" / "cbs-gemeenten-2023.geojson"

_shipped: dict[str, Any] | None = None


def shipped_gemeenten() -> dict[str, Any]:
    """A fresh (deep) copy of the shipped CBS 2023 municipality layer, safe to modify."""
    global _shipped
    if _shipped is None:
        _shipped = json.loads(CBS_GEMEENTEN_2023.read_text(encoding="utf-8"))
    return copy.deepcopy(_shipped)


def feature_by_code(data: dict[str, Any], code: str, field: str = "gemeentecode") -> dict:
    return next(f for f in data["features"] if f["properties"].get(field) == code)


def feature_index(data: dict[str, Any], code: str, field: str = "gemeentecode") -> int:
    return next(i for i, f in enumerate(data["features"]) if f["properties"].get(field) == code)


def geometry_dict(geometry: Any) -> dict[str, Any]:
    """A shapely geometry as a plain GeoJSON dict (lists, not tuples)."""
    return json.loads(json.dumps(mapping(geometry)))


def feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    if not isinstance(geometry, dict):
        geometry = geometry_dict(geometry)
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def square(lon: float, lat: float, half_size: float = 0.005) -> Any:
    return box(lon - half_size, lat - half_size, lon + half_size, lat + half_size)


def split_west_east(boundary: dict[str, Any]) -> tuple[Any, Any]:
    """An area's boundary cut in two at the middle of its bounding box."""
    geometry = shape(boundary)
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    min_x, min_y, max_x, max_y = geometry.bounds
    middle = (min_x + max_x) / 2
    west = geometry.intersection(box(min_x - 1, min_y - 1, middle, max_y + 1))
    east = geometry.intersection(box(middle, min_y - 1, max_x + 1, max_y + 1))
    return _polygonal(west), _polygonal(east)


def _polygonal(geometry: Any) -> Any:
    """Drop the lines and points an intersection may leave next to the polygons."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = []
    for part in getattr(geometry, "geoms", []):
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part.geoms)
    return shapely.MultiPolygon(polygons)


def write(tmp_path: Path, data: Any, name: str = "areas.geojson") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path
