"""Importing CBS areas ("Wijken en Buurten") from GeoJSON.

The importer reads the PDOK/CBS layers `gemeenten`, `wijken` and `buurten` of any
year, in WGS84. It checks the whole file first and writes nothing when any feature
is wrong; then it writes every area, its CBS figures and the provinces in one
transaction, rewriting only what changed, so importing the same file twice is a no-op.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from shapely.geometry import shape

from ..geo import bump_geography_version, reset_locate_index
from ..models import AreaStatistics, District, Municipality, Neighbourhood, Province
from .audit import audit_record

PROVINCE_CODE = re.compile(r"^PV\d{2}$")
# Province outlines are unions of municipality boundaries, lightly simplified
# (about 50 m) and rounded to 5 decimals (about 1 m) like the shipped file.
PROVINCE_SIMPLIFY_DEGREES = 0.0005
PROVINCE_GRID_DEGREES = 0.00001
MAX_REPORTED_ERRORS = 20
MIN_YEAR, MAX_YEAR = 1900, 2100

# CBS attribute -> AreaStatistics column.
STATISTICS_COLUMNS = {
    "population": "aantalInwoners",
    "households": "aantalHuishoudens",
    "density": "bevolkingsdichtheidInwonersPerKm2",
    "urbanity": "stedelijkheidAdressenPerKm2",
    "land_area_ha": "oppervlakteLandInHa",
}


class CbsImportError(Exception):
    """The file cannot be imported; the message names the feature and the field.

    `errors` lists every problem found (up to MAX_REPORTED_ERRORS).
    """

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


@dataclass
class ImportReport:
    level: str
    years: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    skipped: int = 0  # unchanged
    statistics_created: int = 0
    statistics_updated: int = 0
    provinces_created: int = 0
    provinces_updated: int = 0
    ignored: int = 0  # water-only features (water = "JA")
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.statistics_created
            or self.statistics_updated
            or self.provinces_created
            or self.provinces_updated
        )

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, skipped {self.skipped}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "years": self.years,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "statistics_created": self.statistics_created,
            "statistics_updated": self.statistics_updated,
            "provinces_created": self.provinces_created,
            "provinces_updated": self.provinces_updated,
            "ignored": self.ignored,
            "warnings": self.warnings[:MAX_REPORTED_ERRORS],
        }


@dataclass(frozen=True)
class _Level:
    level: str
    model: type[models.Model]
    code_field: str
    name_field: str
    code_pattern: re.Pattern[str]
    code_example: str
    parent_field: str | None = None
    parent_pattern: re.Pattern[str] | None = None
    parent_model: type[models.Model] | None = None
    parent_attname: str | None = None


LEVELS = {
    "gemeente": _Level(
        "gemeente", Municipality, "gemeentecode", "gemeentenaam", re.compile(r"^GM\d{4}$"), "GM0828"
    ),
    "wijk": _Level(
        "wijk",
        District,
        "wijkcode",
        "wijknaam",
        re.compile(r"^WK\d{6}$"),
        "WK082801",
        parent_field="gemeentecode",
        parent_pattern=re.compile(r"^GM\d{4}$"),
        parent_model=Municipality,
        parent_attname="municipality_id",
    ),
    "buurt": _Level(
        "buurt",
        Neighbourhood,
        "buurtcode",
        "buurtnaam",
        re.compile(r"^BU\d{8}$"),
        "BU08280100",
        parent_field="wijkcode",
        parent_pattern=re.compile(r"^WK\d{6}$"),
        parent_model=District,
        parent_attname="district_id",
    ),
}


@dataclass
class _Feature:
    index: int
    code: str
    name: str
    year: int
    boundary: dict[str, Any]
    lat: float
    lon: float
    parent_code: str | None
    province_code: str | None
    province_name: str | None
    values: dict[str, Any]
    geometry: Any  # shapely geometry exactly as given (possibly invalid)
    created: bool = False  # set while writing
    changed: bool = False


# -- the service --------------------------------------------------------------------------


def cbs_areas_import(
    *,
    actor: Any,
    path_or_data: str | Path | bytes | dict[str, Any],
    level: str = "gemeente",
    year: int | None = None,
) -> ImportReport:
    """Import one CBS "Wijken en Buurten" layer (gemeente, wijk or buurt).

    `path_or_data` is a file path, the file's bytes, or the parsed GeoJSON. `year`
    is used for features without `jaar` (and must agree with `jaar` when both exist).
    Raises CbsImportError, with nothing written, when any feature is wrong.
    """
    spec = LEVELS.get(level)
    if spec is None:
        raise CbsImportError(f"Unknown level {level!r}; expected one of: {', '.join(LEVELS)}.")
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise CbsImportError(f"Year {year} is out of range.")
    data, source = _load(path_or_data)
    features, ignored = _validate(data, spec, year)
    report = ImportReport(level=level, years=sorted({f.year for f in features}), ignored=ignored)
    if ignored:
        report.warnings.append(f"Ignored {ignored} water feature(s) (water = 'JA').")

    with transaction.atomic():
        _check_parents(features, spec)
        province_before: dict[str, str | None] = {}
        new_provinces: set[str] = set()
        if spec.level == "gemeente":
            province_before = dict(
                Municipality.objects.filter(province__isnull=False).values_list(
                    "code", "province_id"
                )
            )
            new_provinces = _write_provinces(features, report)
        _write_areas(features, spec, report)
        _write_statistics(features, spec, report)
        if spec.level == "gemeente":
            affected = {f.province_code for f in features}
            affected |= {province_before.get(f.code) for f in features}
            _update_province_outlines(affected - {None}, report, new=new_provinces)
        if report.changed:
            audit_record(
                actor=actor,
                action="geography.import",
                object_type=spec.model._meta.label_lower,
                object_id=f"{level}:{','.join(map(str, report.years))}"[:64],
                after=report.as_dict(),
                note=source,
            )
            transaction.on_commit(bump_geography_version)
    if report.changed:
        reset_locate_index()
    return report


# -- reading and checking -----------------------------------------------------------------


def _load(path_or_data: str | Path | bytes | dict[str, Any]) -> tuple[Any, str]:
    if isinstance(path_or_data, dict):
        return path_or_data, ""
    if isinstance(path_or_data, bytes | bytearray):
        raw, source = bytes(path_or_data), ""
    else:
        path = Path(path_or_data)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CbsImportError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        source = path.name
    try:
        return json.loads(raw), source
    except UnicodeDecodeError as exc:
        raise CbsImportError(f"The file is not UTF-8 text: {exc}.") from exc
    except json.JSONDecodeError as exc:
        raise CbsImportError(
            f"The file is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
        ) from exc


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []
        self.count = 0

    def add(self, message: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_REPORTED_ERRORS:
            self.messages.append(message)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        lines = list(self.messages)
        if self.count > len(lines):
            lines.append(f"… and {self.count - len(lines)} more error(s).")
        raise CbsImportError("\n".join(lines), errors=self.messages)


def _label(index: int, code: str | None) -> str:
    return f"Feature {index} ({code})" if code else f"Feature {index}"


def _validate(data: Any, spec: _Level, year: int | None) -> tuple[list[_Feature], int]:
    """Check every feature; return the features to import and the number of water features."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise CbsImportError("The file is not a GeoJSON FeatureCollection.")
    crs = data.get("crs")
    crs_properties = crs.get("properties") if isinstance(crs, dict) else None
    crs_name = str(crs_properties.get("name", "")) if isinstance(crs_properties, dict) else ""
    if crs_name and not re.search(r"(4326|CRS84)$", crs_name):
        raise CbsImportError(
            f"The file uses coordinate system {crs_name}; export it in WGS84 (EPSG:4326), "
            "e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.gpkg`."
        )
    raw_features = data.get("features")
    if not isinstance(raw_features, list):
        raise CbsImportError("The FeatureCollection has no 'features' list.")

    errors = _Errors()
    features: list[_Feature] = []
    seen: dict[str, int] = {}
    ignored = 0
    for index, raw in enumerate(raw_features):
        feature = _validate_feature(index, raw, spec, year, errors)
        if feature == "water":
            ignored += 1
            continue
        if feature is None:
            continue
        if feature.code in seen:
            errors.add(
                f"{_label(index, feature.code)}: field {spec.code_field!r} repeats "
                f"feature {seen[feature.code]}"
            )
            continue
        seen[feature.code] = index
        features.append(feature)
    errors.raise_if_any()
    if not features:
        raise CbsImportError(f"The file holds no {spec.level} features.")
    return features, ignored


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _validate_feature(
    index: int, raw: Any, spec: _Level, year: int | None, errors: _Errors
) -> _Feature | str | None:
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        errors.add(f"{_label(index, None)}: not a GeoJSON Feature")
        return None
    properties = raw.get("properties")
    if not isinstance(properties, dict):
        errors.add(f"{_label(index, None)}: field 'properties' is missing")
        return None

    code = _text(properties.get(spec.code_field))
    label = _label(index, code)
    if str(properties.get("water", "")).strip().upper() == "JA":
        return "water"
    ok = True
    if code is None:
        errors.add(f"{label}: field {spec.code_field!r} is missing")
        ok = False
    elif not spec.code_pattern.match(code):
        errors.add(
            f"{label}: field {spec.code_field!r} is {code!r}, expected a CBS code like "
            f"{spec.code_example}"
        )
        ok = False

    name = _text(properties.get(spec.name_field))
    if name is None:
        errors.add(f"{label}: field {spec.name_field!r} is missing")
        ok = False
    elif len(name) > 200:
        errors.add(f"{label}: field {spec.name_field!r} is longer than 200 characters")
        ok = False

    feature_year = _feature_year(label, properties.get("jaar"), year, errors)
    ok = ok and feature_year is not None

    parent_code = None
    if spec.parent_field:
        parent_code = _text(properties.get(spec.parent_field))
        if parent_code is None:
            errors.add(f"{label}: field {spec.parent_field!r} is missing")
            ok = False
        elif spec.parent_pattern and not spec.parent_pattern.match(parent_code):
            errors.add(f"{label}: field {spec.parent_field!r} is {parent_code!r}, not a CBS code")
            ok = False

    province_code = province_name = None
    if spec.level == "gemeente":
        province_code = _text(properties.get("provinciecode"))
        province_name = _text(properties.get("provincienaam"))
        if province_code is not None and not PROVINCE_CODE.match(province_code):
            errors.add(
                f"{label}: field 'provinciecode' is {province_code!r}, expected a CBS code "
                "like PV30"
            )
            ok = False

    geometry, valid_geometry, geometry_error = _parse_geometry(raw.get("geometry"))
    if geometry_error:
        errors.add(f"{label}: field 'geometry' {geometry_error}")
        return None
    if not ok:
        return None
    point = valid_geometry.representative_point()
    return _Feature(
        index=index,
        code=code,
        name=name,
        year=feature_year,
        boundary=raw["geometry"],
        lat=round(point.y, 6),
        lon=round(point.x, 6),
        parent_code=parent_code,
        province_code=province_code,
        province_name=province_name,
        values={key: _clean(value) for key, value in properties.items()},
        geometry=geometry,
    )


def _feature_year(label: str, jaar: Any, year: int | None, errors: _Errors) -> int | None:
    if jaar is None or jaar == "":
        if year is None:
            errors.add(f"{label}: field 'jaar' is missing (or pass the year)")
        return year
    try:
        value = int(jaar)
        if value != float(jaar):
            raise ValueError
    except (TypeError, ValueError):
        errors.add(f"{label}: field 'jaar' is {jaar!r}, not a year")
        return None
    if not MIN_YEAR <= value <= MAX_YEAR:
        errors.add(f"{label}: field 'jaar' is {value}, not a plausible year")
        return None
    if year is not None and value != year:
        errors.add(f"{label}: field 'jaar' is {value}, but year {year} was asked for")
        return None
    return value


def _parse_geometry(geometry: Any) -> tuple[Any, Any, str | None]:
    """A GeoJSON (Multi)Polygon in WGS84 as shapely geometries, or why it is not one.

    Returns the geometry exactly as given, the same made valid, and an error or None.
    """
    if geometry is None:
        return None, None, "is missing"
    if not isinstance(geometry, dict):
        return None, None, "is not a GeoJSON geometry object"
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        return None, None, f"has type {kind!r}; expected Polygon or MultiPolygon"
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return None, None, "has no coordinates"
    parts = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return None, None, "has a polygon without rings"
        rings = []
        for ring in polygon:
            array, error = _ring_array(ring)
            if error:
                return None, None, error
            rings.append(array)
        try:
            shell, *holes = (shapely.linearrings(ring) for ring in rings)
            parts.append(shapely.polygons(shell, holes=holes or None))
        except (ValueError, shapely.errors.GEOSException) as exc:
            return None, None, f"is not a polygon ({exc})"
    given = parts[0] if kind == "Polygon" else shapely.multipolygons(parts)
    valid = _valid(given)
    if valid.is_empty or valid.area == 0:
        return None, None, "has no area"
    return given, valid, None


def _ring_array(ring: Any) -> tuple[Any, str | None]:
    if not isinstance(ring, list) or len(ring) < 4:
        return None, "has a ring with fewer than 4 positions"
    try:
        array = np.asarray(ring)
    except ValueError:
        return None, "has positions of unequal length"
    if array.ndim != 2 or array.shape[1] not in (2, 3) or array.dtype.kind not in "iuf":
        return None, "has coordinates that are not [longitude, latitude] numbers"
    array = array.astype(float)
    if not np.isfinite(array).all():
        return None, "has coordinates that are not finite numbers"
    xs, ys = array[:, 0], array[:, 1]
    if (np.abs(xs) > 180).any() or (np.abs(ys) > 90).any():
        return None, (
            "has coordinates outside longitude/latitude (RD New, EPSG:28992?); "
            "export the layer in WGS84 (EPSG:4326)"
        )
    if (xs > 50).all() and (xs < 54).all() and (ys > 3).all() and (ys < 8).all():
        return None, "has [latitude, longitude] positions; GeoJSON needs [longitude, latitude]"
    if not np.array_equal(array[0], array[-1]):
        return None, "has a ring whose last position differs from its first"
    return array, None


def _clean(value: Any) -> Any:
    """CBS marks suppressed or unknown figures with negative numbers (-99995, -99997 …)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return None if value < 0 else value


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return round(value)


# -- checks against the database ----------------------------------------------------------


def _check_parents(features: list[_Feature], spec: _Level) -> None:
    if spec.parent_model is None:
        return
    known = set(spec.parent_model.objects.values_list("pk", flat=True))
    errors = _Errors()
    kind = spec.parent_model._meta.verbose_name
    for feature in features:
        if feature.parent_code not in known:
            errors.add(
                f"{_label(feature.index, feature.code)}: field {spec.parent_field!r} is "
                f"{feature.parent_code}, a {kind} that is not loaded (import that level first)"
            )
    errors.raise_if_any()


# -- writing ------------------------------------------------------------------------------


def _write_provinces(features: list[_Feature], report: ImportReport) -> set[str]:
    """Create or rename the provinces the file names, and decide each feature's province.

    Returns the codes of the provinces created.
    """
    existing = Province.objects.in_bulk()
    names: dict[str, str] = {}
    errors = _Errors()
    for feature in features:
        code = feature.province_code
        if code is None:
            continue
        if feature.province_name:
            names[code] = feature.province_name
        elif code not in names and code not in existing:
            errors.add(
                f"{_label(feature.index, feature.code)}: field 'provincienaam' is missing "
                f"for new province {code}"
            )
    errors.raise_if_any()
    created: set[str] = set()
    for code, name in names.items():
        province = existing.get(code)
        if province is None:
            Province.objects.create(code=code, name=name)
            report.provinces_created += 1
            created.add(code)
        elif province.name != name:
            province.name = name
            province.save(update_fields=["name", "updated_at"])
            report.provinces_updated += 1

    missing = [f for f in features if f.province_code is None]
    if not missing:
        return created
    current = dict(
        Municipality.objects.filter(
            code__in=[f.code for f in missing], province__isnull=False
        ).values_list("code", "province_id")
    )
    finder = None
    for feature in missing:
        if feature.code in current:
            feature.province_code = current[feature.code]
            continue
        if finder is None:
            finder = _ProvinceFinder()
        feature.province_code = finder.find(feature)
        if feature.province_code is None:
            report.warnings.append(
                f"{_label(feature.index, feature.code)} {feature.name}: province unknown "
                "(no 'provinciecode' and no loaded municipality contains it); left empty."
            )
    return created


class _ProvinceFinder:
    """Finds a new municipality's province in the loaded municipalities of other years."""

    def __init__(self) -> None:
        rows = [
            (code, year or 0, province, _valid(shape(boundary)))
            for code, year, province, boundary in Municipality.objects.filter(
                province__isnull=False, boundary__isnull=False
            ).values_list("code", "year", "province_id", "boundary")
            if isinstance(boundary, dict)
        ]
        self.rows = rows
        self.tree = shapely.STRtree([row[3] for row in rows]) if rows else None

    def find(self, feature: _Feature) -> str | None:
        if self.tree is None:
            return None
        point = shapely.Point(feature.lon, feature.lat)
        best: tuple[int, str] | None = None
        for index in self.tree.query(point):
            code, year, province, geometry = self.rows[index]
            if code == feature.code or year == feature.year:
                continue
            if geometry.intersects(point) and (best is None or year > best[0]):
                best = (year, province)
        return best[1] if best else None


def _write_areas(features: list[_Feature], spec: _Level, report: ImportReport) -> None:
    model = spec.model
    parent_attname = "province_id" if spec.level == "gemeente" else spec.parent_attname
    fields = ["name", "centroid_lat", "centroid_lon", "year", parent_attname]
    codes = {f.code for f in features}
    # Boundaries are read as JSON text and compared as geometries (GEOS parses
    # GeoJSON much faster than Python builds dicts), which also works for jsonb.
    existing = {
        row[0]: row[1:]
        for row in model.objects.annotate(boundary_text=Cast("boundary", models.TextField()))
        .values_list("code", *fields, "boundary_text")
        .iterator(chunk_size=2000)
        if row[0] in codes
    }
    to_create, to_compare = [], []
    kept_newer = 0
    for feature in features:
        row = existing.get(feature.code)
        feature.created = row is None
        if row is None:
            to_create.append(model(code=feature.code, **_area_fields(feature, parent_attname)))
            continue
        *stored, boundary_text = row
        stored_year = stored[fields.index("year")]
        if stored_year is not None and feature.year < stored_year:
            kept_newer += 1  # keep the newer boundary; the figures are still imported
            continue
        desired = _area_fields(feature, parent_attname)
        feature.changed = stored != [desired[name] for name in fields]
        to_compare.append((feature, boundary_text))

    unchanged_so_far = [(f, text) for f, text in to_compare if not f.changed]
    if unchanged_so_far:
        stored_shapes = shapely.from_geojson(
            np.array([text or "null" for _, text in unchanged_so_far], dtype=object),
            on_invalid="ignore",
        )
        given_shapes = np.array([f.geometry for f, _ in unchanged_so_far], dtype=object)
        same = shapely.equals_identical(stored_shapes, given_shapes)
        for (feature, _), equal in zip(unchanged_so_far, same, strict=True):
            feature.changed = not equal

    now = timezone.now()
    to_update = [
        model(code=f.code, updated_at=now, **_area_fields(f, parent_attname))
        for f, _ in to_compare
        if f.changed
    ]
    if to_create:
        model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, [*fields, "boundary", "updated_at"], batch_size=500)
    if kept_newer:
        report.warnings.append(
            f"{kept_newer} area(s) already have a boundary of a later year; kept those "
            "boundaries and imported the figures only."
        )


def _area_fields(feature: _Feature, parent_attname: str) -> dict[str, Any]:
    return {
        "name": feature.name,
        "boundary": feature.boundary,
        "centroid_lat": feature.lat,
        "centroid_lon": feature.lon,
        "year": feature.year,
        parent_attname: feature.province_code
        if parent_attname == "province_id"
        else (feature.parent_code),
    }


def _statistics_columns(values: dict[str, Any]) -> dict[str, int | None]:
    return {column: _as_int(values.get(key)) for column, key in STATISTICS_COLUMNS.items()}


def _write_statistics(features: list[_Feature], spec: _Level, report: ImportReport) -> None:
    codes = {f.code for f in features}
    existing = {
        (row.area_code, row.year): row
        for row in AreaStatistics.objects.filter(year__in=report.years, level=spec.level)
        if row.area_code in codes
    }
    to_create, to_update = [], []
    for feature in features:
        desired = {"values": feature.values, **_statistics_columns(feature.values)}
        row = existing.get((feature.code, feature.year))
        if row is None:
            to_create.append(
                AreaStatistics(
                    level=spec.level, area_code=feature.code, year=feature.year, **desired
                )
            )
            report.statistics_created += 1
            statistics_changed = True
        elif any(getattr(row, name) != value for name, value in desired.items()):
            for name, value in desired.items():
                setattr(row, name, value)
            to_update.append(row)
            report.statistics_updated += 1
            statistics_changed = True
        else:
            statistics_changed = False
        if feature.created:
            report.created += 1
        elif feature.changed or statistics_changed:
            report.updated += 1
        else:
            report.skipped += 1
    if to_create:
        AreaStatistics.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        AreaStatistics.objects.bulk_update(
            to_update, ["values", *STATISTICS_COLUMNS], batch_size=500
        )


def _update_province_outlines(codes: Iterable[str], report: ImportReport, *, new: set[str]) -> None:
    """Recompute each province's outline from its municipalities of the latest year."""
    for province in Province.objects.filter(code__in=list(codes)):
        rows = [
            (year or 0, boundary)
            for year, boundary in Municipality.objects.filter(
                province=province, boundary__isnull=False
            ).values_list("year", "boundary")
            if isinstance(boundary, dict)
        ]
        if not rows:
            continue
        latest = max(year for year, _ in rows)
        geometries = [shape(boundary) for year, boundary in rows if year == latest]
        geometries = [_valid(g) for g in geometries]
        outline = _polygonal(shapely.union_all(geometries))
        outline = outline.simplify(PROVINCE_SIMPLIFY_DEGREES, preserve_topology=True)
        outline = shapely.set_precision(outline, PROVINCE_GRID_DEGREES)
        if outline.is_empty:
            continue
        point = outline.representative_point()
        desired = {
            "boundary": json.loads(shapely.to_geojson(outline)),
            "centroid_lat": round(point.y, 6),
            "centroid_lon": round(point.x, 6),
            "year": latest or None,
        }
        if any(getattr(province, name) != value for name, value in desired.items()):
            for name, value in desired.items():
                setattr(province, name, value)
            province.save(update_fields=[*desired, "updated_at"])
            if province.code not in new:
                report.provinces_updated += 1


def _polygonal(geometry: Any) -> Any:
    """Only the polygons of a geometry (a union of repaired shapes may hold stray lines)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    kinds = ("Polygon", "MultiPolygon")
    polygons = [part for part in shapely.get_parts(geometry) if part.geom_type in kinds]
    return shapely.union_all(polygons) if polygons else shapely.MultiPolygon()


def _valid(geometry: Any) -> Any:
    return geometry if geometry.is_valid else shapely.make_valid(geometry)
