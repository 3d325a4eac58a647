"""Point-in-area lookup: which municipality (and district) contains a point.

Boundaries live in the database as GeoJSON (see `models.geography`); this module
builds an in-memory shapely 2 `STRtree` over them, lazily and once per process.
An import bumps a version number in Django's cache; every process re-checks that
number at most every `VERSION_CHECK_SECONDS` and rebuilds its index when it changed.

When the database holds areas of several CBS years (a municipality that merged
keeps its old row), a point may lie in more than one area; the newest year wins.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.core.cache import cache
from shapely.geometry import shape

VERSION_CACHE_KEY = "veerkracht:geography-version"
VERSION_CHECK_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class LocateResult:
    municipality_code: str
    municipality_name: str
    district_code: str | None = None
    district_name: str | None = None


# -- the shared version number ------------------------------------------------------------


def geography_version() -> int:
    """The version of the loaded geography, as other processes see it."""
    value = cache.get(VERSION_CACHE_KEY)
    return int(value) if value is not None else 0


def bump_geography_version() -> int:
    """Tell every process that areas changed; they rebuild their index on the next check."""
    cache.add(VERSION_CACHE_KEY, 0, timeout=None)
    try:
        version = cache.incr(VERSION_CACHE_KEY)
    except ValueError:  # evicted between add() and incr()
        version = int(time.time())
        cache.set(VERSION_CACHE_KEY, version, timeout=None)
    reset_locate_index()
    return version


# -- the index ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layer:
    """One level of areas (municipalities or districts) in an STRtree."""

    tree: shapely.STRtree
    geometries: np.ndarray  # prepared shapely geometries, in tree order
    codes: list[str]
    names: list[str]
    years: list[int]
    parents: list[str | None]

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, int | None, Any, str | None]]) -> _Layer | None:
        codes, names, years, parents, geometries = [], [], [], [], []
        for code, name, year, boundary, parent in rows:
            if not isinstance(boundary, dict):
                continue
            try:
                geometry = shape(boundary)
            except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
                continue
            if geometry.is_empty:
                continue
            if not geometry.is_valid:
                geometry = shapely.make_valid(geometry)
            codes.append(code)
            names.append(name)
            years.append(year or 0)
            parents.append(parent)
            geometries.append(geometry)
        if not geometries:
            return None
        array = np.array(geometries, dtype=object)
        shapely.prepare(array)
        return cls(shapely.STRtree(array), array, codes, names, years, parents)

    def hits(self, x: float, y: float) -> np.ndarray:
        """Indices of the areas that contain (or touch) the point."""
        candidates = self.tree.query(shapely.Point(x, y))
        if len(candidates) == 0:
            return candidates
        return candidates[shapely.intersects_xy(self.geometries[candidates], x, y)]

    def best(self, hits: Iterable[int], parent: str | None = None) -> int | None:
        """The hit to report: under `parent` if any is, then the newest year."""
        best_index, best_key = None, None
        for index in hits:
            key = (parent is not None and self.parents[index] == parent, self.years[index])
            if best_key is None or key > best_key:
                best_index, best_key = int(index), key
        return best_index


@dataclass(slots=True)
class _Index:
    municipalities: _Layer | None
    districts: _Layer | None
    version: int
    checked_at: float
    built_in: float  # seconds

    def result(self, municipality: int | None, district: int | None) -> LocateResult | None:
        if municipality is None or self.municipalities is None:
            return None
        m = self.municipalities
        if district is None or self.districts is None:
            return LocateResult(m.codes[municipality], m.names[municipality])
        d = self.districts
        return LocateResult(
            m.codes[municipality], m.names[municipality], d.codes[district], d.names[district]
        )


_index: _Index | None = None
_lock = threading.Lock()


def _build(version: int) -> _Index:
    from .models import District, Municipality

    started = time.perf_counter()
    municipalities = _Layer.build(
        (code, name, year, boundary, None)
        for code, name, year, boundary in Municipality.objects.filter(
            boundary__isnull=False
        ).values_list("code", "name", "year", "boundary")
    )
    districts = _Layer.build(
        District.objects.filter(boundary__isnull=False).values_list(
            "code", "name", "year", "boundary", "municipality_id"
        )
    )
    return _Index(
        municipalities=municipalities,
        districts=districts,
        version=version,
        checked_at=time.monotonic(),
        built_in=time.perf_counter() - started,
    )


def _get_index() -> _Index:
    global _index
    index = _index
    now = time.monotonic()
    if index is not None and now - index.checked_at < VERSION_CHECK_SECONDS:
        return index
    with _lock:
        index = _index
        if index is not None and now - index.checked_at < VERSION_CHECK_SECONDS:
            return index
        # Read the version before the boundaries: an import that commits in between
        # bumps it again, so the next check rebuilds.
        version = geography_version()
        if index is not None and index.version == version:
            index.checked_at = now
            return index
        _index = index = _build(version)
        return index


def reset_locate_index() -> None:
    """Forget this process's index; the next lookup rebuilds it from the database."""
    global _index
    with _lock:
        _index = None


def locate_index_build() -> float:
    """Build the index now (if needed) and return how long the last build took, in seconds."""
    return _get_index().built_in


# -- lookups ------------------------------------------------------------------------------


def locate(lat: float, lon: float) -> LocateResult | None:
    """The municipality (and district, when districts are loaded) that contains a point.

    Returns None for a point outside every loaded municipality.
    """
    index = _get_index()
    if index.municipalities is None:
        return None
    municipality = index.municipalities.best(index.municipalities.hits(lon, lat))
    if municipality is None:
        return None
    district = None
    if index.districts is not None:
        district = index.districts.best(
            index.districts.hits(lon, lat), parent=index.municipalities.codes[municipality]
        )
    return index.result(municipality, district)


def locate_many(points: Sequence[tuple[float, float]]) -> list[LocateResult | None]:
    """`locate()` for many (lat, lon) points at once, vectorised; results in input order."""
    index = _get_index()
    if len(points) == 0:
        return []
    if index.municipalities is None:
        return [None] * len(points)
    coordinates = np.asarray(points, dtype=float).reshape(-1, 2)
    lats, lons = coordinates[:, 0], coordinates[:, 1]
    municipalities = _best_per_point(index.municipalities, lons, lats)
    districts: list[int | None] = [None] * len(points)
    if index.districts is not None:
        parents = [None if m is None else index.municipalities.codes[m] for m in municipalities]
        districts = _best_per_point(index.districts, lons, lats, parents)
    return [index.result(m, d) for m, d in zip(municipalities, districts, strict=True)]


def _best_per_point(
    layer: _Layer,
    xs: np.ndarray,
    ys: np.ndarray,
    parents: list[str | None] | None = None,
) -> list[int | None]:
    point_indices, area_indices = layer.tree.query(shapely.points(xs, ys))
    inside = shapely.intersects_xy(
        layer.geometries[area_indices], xs[point_indices], ys[point_indices]
    )
    hits: dict[int, list[int]] = {}
    for point, area in zip(point_indices[inside], area_indices[inside], strict=True):
        hits.setdefault(int(point), []).append(int(area))
    result: list[int | None] = [None] * len(xs)
    for point, areas in hits.items():
        parent = parents[point] if parents is not None else None
        result[point] = areas[0] if len(areas) == 1 else layer.best(areas, parent=parent)
    return result
