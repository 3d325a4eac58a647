"""The Initiatievenkaart's data: published initiatives clustered on the server.

The browser never receives every point. It asks for its viewport (`bbox`) at its zoom
level and gets a GeoJSON FeatureCollection with at most one feature per grid cell:

- The grid is fixed on the globe (origin -180°, -90°), so clusters do not jump when the
  map is panned. A cell is `CELL_PIXELS` screen pixels wide at that zoom (Web Mercator:
  360 / 2**zoom / 4 degrees of longitude) and as high in degrees of latitude times
  cos(52°), which makes the cells square on screen in Noord-Brabant.
- The grouping is a `GROUP BY floor((lon + 180) / cell), floor((lat + 90) / cell)` query
  (`CellIndex`, on SQLite and PostgreSQL) over `initiatives_filtered(flt)`. Cells of
  the zooms up to `BASE_ZOOM` nest exactly in the cells of `BASE_ZOOM` (the grids share
  their origin and halve), so the database groups every filtered initiative once per
  filter and data version at `BASE_ZOOM` ("base cells", kept per process and in the
  cache), and each viewport at those zooms is merged from them in numpy: a new view
  costs a few milliseconds however many initiatives there are. Above `BASE_ZOOM` the
  database groups just the bbox. Either way the bbox is snapped outward to whole cells,
  so every cell in the answer is complete.
- A cell with one initiative becomes a point with its id, slug and name; a cell with
  more becomes a cluster (`count`, `bbox`: the extent of its members, and an
  `expansion_zoom`). Details are never in here: the map loads them from
  `/api/v1/initiatives/<slug>` when a point is opened.
- At `POINT_ZOOM` and above every initiative in the bbox is a point, up to
  `MAX_POINTS` (then `truncated` is true).
- A bbox that would need more than `MAX_CELLS` cells is clustered on a coarser grid.

Initiatives without a point of their own but with a municipality are placed at the
municipality's centroid (`"approximate": true` on the point); several of them in one
municipality at street zoom become one cluster listing its `members`, as zooming in
cannot separate them. Initiatives with neither a point nor a municipality are only in
the list, not on the map.

Answers are cached (Django's cache) per filter, snapped bbox, zoom and data version;
`VEERKRACHT_MAP_CACHE_SECONDS` (default 600; 0 turns the caches off and has every
request grouped by the database) bounds how long. The data version is read from the
database itself: the number of initiatives, the highest id and the latest
`updated_at`. Every change made through the services saves the initiative (so
`updated_at` moves, or the count changes on create and delete), and the database is
the only place every process — several gunicorn workers with their own local-memory
caches, management commands — shares; a version number bumped by a signal and kept in
the cache would be missed by the other workers of the embedded setup, where the cache
is per process. To keep it cheap each process re-reads the version at most every
`VERSION_CHECK_SECONDS`, so another process's change shows within that time; the
`post_save`, `post_delete` and `m2m_changed` handlers below make the changing process
re-read it at once. Not seen: `QuerySet.update()` calls that leave `updated_at` alone
(the services never do that); such changes show when the cached answers expire.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, FloatField, Func, IntegerField, Max, Min, Q, Sum, Value
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import Initiative
from .selectors import InitiativeFilter, initiatives_filtered

CELL_PIXELS = 64
TILE_PIXELS = 256
CELLS_PER_TILE = TILE_PIXELS // CELL_PIXELS
LATITUDE_SCALE = math.cos(math.radians(52.0))
MIN_ZOOM = 0
MAX_ZOOM = 20
DEFAULT_ZOOM = 8
POINT_ZOOM = 15
BASE_ZOOM = 12  # clusters at this zoom and below are merged from one grouping per filter
MAX_CELLS = 4096
MAX_POINTS = 2000
MAX_MEMBERS = 50
CACHE_PREFIX = "veerkracht:initiatives-map:"
VERSION_CHECK_SECONDS = 2.0

BBox = tuple[float, float, float, float]


# -- the data version -------------------------------------------------------------------

_version_lock = threading.Lock()
_version: str | None = None
_version_checked_at = -math.inf


def data_version() -> str:
    """A string that changes whenever initiatives change (re-read every few seconds)."""
    global _version, _version_checked_at
    now = time.monotonic()
    version = _version
    if version is not None and now - _version_checked_at < VERSION_CHECK_SECONDS:
        return version
    with _version_lock:
        if _version is not None and time.monotonic() - _version_checked_at < VERSION_CHECK_SECONDS:
            return _version
        _version = _read_version()
        _version_checked_at = time.monotonic()
        return _version


def _read_version() -> str:
    # Three scalar subqueries, so that each can use its own shortcut (SQLite counts a
    # table without reading it; MAX(id) reads one index entry).
    table = connection.ops.quote_name(Initiative._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {table}), (SELECT MAX(id) FROM {table}), "
            f"(SELECT MAX(updated_at) FROM {table})"
        )
        count, top, last = cursor.fetchone()
    return f"{count}:{top or 0}:{last or '-'}"


def forget_data_version() -> None:
    """Make this process read the data version again on its next map request."""
    global _version_checked_at
    _version_checked_at = -math.inf


@receiver(post_save, sender=Initiative, dispatch_uid="initiatives-map-post-save")
@receiver(post_delete, sender=Initiative, dispatch_uid="initiatives-map-post-delete")
def _initiative_changed(**kwargs: Any) -> None:
    forget_data_version()


def _m2m_changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("post_"):
        forget_data_version()


for _through in (
    Initiative.themes.through,
    Initiative.factors.through,
    Initiative.policy_agendas.through,
    Initiative.municipalities.through,
):
    m2m_changed.connect(
        _m2m_changed, sender=_through, dispatch_uid=f"initiatives-map-{_through.__name__}"
    )


# -- the grid -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    """The cells at one zoom level, and the bbox snapped outward to whole cells."""

    zoom: int
    cell_lon: float
    cell_lat: float
    x0: int
    y0: int
    x1: int  # inclusive
    y1: int  # inclusive

    @classmethod
    def for_zoom(cls, zoom: int, bbox: BBox) -> Grid:
        cell_lon = 360.0 / (2**zoom) / CELLS_PER_TILE
        cell_lat = cell_lon * LATITUDE_SCALE
        min_lon, min_lat, max_lon, max_lat = bbox
        return cls(
            zoom=zoom,
            cell_lon=cell_lon,
            cell_lat=cell_lat,
            x0=math.floor((min_lon + 180.0) / cell_lon),
            y0=math.floor((min_lat + 90.0) / cell_lat),
            x1=math.floor((max_lon + 180.0) / cell_lon),
            y1=math.floor((max_lat + 90.0) / cell_lat),
        )

    @property
    def cell_count(self) -> int:
        return (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)

    @property
    def bounds(self) -> BBox:
        """The snapped bbox: whole cells only."""
        return (
            max(-180.0, self.x0 * self.cell_lon - 180.0),
            max(-90.0, self.y0 * self.cell_lat - 90.0),
            min(180.0, (self.x1 + 1) * self.cell_lon - 180.0),
            min(90.0, (self.y1 + 1) * self.cell_lat - 90.0),
        )

    def cell_of(self, lon: float, lat: float) -> tuple[int, int]:
        return (
            math.floor((lon + 180.0) / self.cell_lon),
            math.floor((lat + 90.0) / self.cell_lat),
        )


def grid_for(zoom: int, bbox: BBox) -> Grid:
    """The grid for this zoom, coarsened until the bbox spans at most MAX_CELLS cells."""
    grid = Grid.for_zoom(zoom, bbox)
    while grid.cell_count > MAX_CELLS and grid.zoom > MIN_ZOOM:
        grid = Grid.for_zoom(grid.zoom - 1, bbox)
    return grid


def parse_bbox(text: str) -> BBox:
    """'minLon,minLat,maxLon,maxLat' (WGS84 degrees) as a tuple; ValueError when malformed."""
    parts = [part.strip() for part in text.split(",")]
    usage = "give bbox as minLon,minLat,maxLon,maxLat in degrees (WGS84)"
    if len(parts) != 4:
        raise ValueError(f"Invalid bbox '{text}': {usage}.")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        raise ValueError(f"Invalid bbox '{text}': {usage}.") from None
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"Invalid bbox '{text}': {usage}.")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise ValueError(f"Invalid bbox '{text}': longitudes must lie between -180 and 180.")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise ValueError(f"Invalid bbox '{text}': latitudes must lie between -90 and 90.")
    if min_lon > max_lon or min_lat > max_lat:
        raise ValueError(f"Invalid bbox '{text}': the minimum must come before the maximum.")
    return (min_lon, min_lat, max_lon, max_lat)


def clamp_bbox(bbox: BBox) -> BBox:
    min_lon, min_lat, max_lon, max_lat = bbox
    return (
        min(max(min_lon, -180.0), 180.0),
        min(max(min_lat, -90.0), 90.0),
        min(max(max_lon, -180.0), 180.0),
        min(max(max_lat, -90.0), 90.0),
    )


_province_bbox: dict[tuple, BBox | None] = {}


def province_bbox() -> BBox | None:
    """The bounding box of the served province's boundary (None before the CBS import).

    Kept per process; re-read when the province row changes (a cheap look-up first).
    """
    from veerkracht.core.models import Province

    code = settings.VEERKRACHT_PROVINCE
    changed = Province.objects.filter(code=code).values_list("updated_at", flat=True).first()
    key = (code, changed)
    if key not in _province_bbox:
        boundary = Province.objects.filter(code=code).values_list("boundary", flat=True).first()
        _province_bbox.clear()
        _province_bbox[key] = geometry_bounds(boundary) if boundary else None
    return _province_bbox[key]


def geometry_bounds(geometry: dict) -> BBox | None:
    def positions(coordinates: Any):
        if coordinates and isinstance(coordinates[0], int | float):
            yield coordinates
            return
        for part in coordinates or ():
            yield from positions(part)

    points = list(positions(geometry.get("coordinates")))
    if not points:
        return None
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return (min(lons), min(lats), max(lons), max(lats))


# -- the features ---------------------------------------------------------------------------


def map_features(
    flt: InitiativeFilter, *, bbox: BBox | None, zoom: int = DEFAULT_ZOOM
) -> dict[str, Any]:
    """The published initiatives matching `flt` in `bbox` at `zoom`, clustered per cell.

    `bbox` is (min lon, min lat, max lon, max lat) in WGS84; None means the served
    province. The answer is a GeoJSON FeatureCollection with, besides `features`:
    `bbox` (snapped to whole cells), `zoom`, `grid_zoom` (the zoom of the cells used),
    `count` (initiatives represented) and `truncated`.
    """
    return json.loads(map_geojson(flt, bbox=bbox, zoom=zoom))


def map_geojson(flt: InitiativeFilter, *, bbox: BBox | None, zoom: int = DEFAULT_ZOOM) -> bytes:
    """`map_features` as UTF-8 JSON, from the cache when the data has not changed."""
    zoom = min(max(int(zoom), MIN_ZOOM), MAX_ZOOM)
    if bbox is None:
        bbox = province_bbox() or (-180.0, -90.0, 180.0, 90.0)
    bbox = clamp_bbox(bbox)
    points = zoom >= POINT_ZOOM
    grid = grid_for(zoom, bbox)
    timeout = _cache_seconds()
    key = _cache_key("answer", flt, grid.zoom, grid.x0, grid.y0, grid.x1, grid.y1, zoom)
    if timeout:
        cached = _recall(key)
        if cached is None:
            cached = cache.get(key)
            if cached is not None:
                _remember(key, cached, timeout)
        if cached is not None:
            return cached
    if points:
        collection = _points(flt, grid)
    elif grid.zoom <= BASE_ZOOM and timeout:
        collection = _cluster_features(grid, _cells_from_base(flt, grid))
    else:
        collection = _cluster_features(grid, _cells_from_database(flt, grid))
    collection["zoom"] = zoom
    body = json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()
    if timeout:
        cache.set(key, body, timeout)
        _remember(key, body, timeout)
    return body


# The latest answers, also kept in this process: a dictionary look-up is several times
# faster than a round through Django's cache API, which counts for the most asked views.
# The keys hold the data version, so a change makes the old answers unreachable.
_answers: dict[str, tuple[float, bytes]] = {}
_answers_lock = threading.Lock()
ANSWERS_KEPT = 256


def _recall(key: str) -> bytes | None:
    entry = _answers.get(key)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def _remember(key: str, body: bytes, timeout: float) -> None:
    with _answers_lock:
        _answers[key] = (time.monotonic() + timeout, body)
        while len(_answers) > ANSWERS_KEPT:
            del _answers[next(iter(_answers))]


def clear_caches() -> None:
    """Forget the cached answers and base cells of this process (and the data version)."""
    with _answers_lock:
        _answers.clear()
    with _base_lock:
        _base_memo.clear()
    forget_data_version()


def _cache_seconds() -> int:
    return getattr(settings, "VEERKRACHT_MAP_CACHE_SECONDS", 600)


def _cache_key(kind: str, flt: InitiativeFilter, *parts: Any) -> str:
    text = f"{data_version()}|{kind}|{sorted(flt.as_query().items())!r}|{parts!r}"
    return CACHE_PREFIX + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class CellIndex(Func):
    """floor((value + offset) / size): the index of a grid cell along one axis.

    On SQLite CAST(… AS INTEGER) (a third faster than FLOOR over 100,000 rows), which
    truncates, and so floors, as the offset keeps the value positive.
    """

    output_field = IntegerField()

    def __init__(self, field: str, offset: float, size: float) -> None:
        expression = (F(field) + Value(offset, output_field=FloatField())) / Value(
            size, output_field=FloatField()
        )
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="FLOOR(%(expressions)s)")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(%(expressions)s AS INTEGER)", **extra_context
        )


def _published(flt: InitiativeFilter):
    """initiatives_filtered(flt), with `published IN (true)` added so that SQLite can seek
    the (published, latitude, longitude) index: it does not for a bare boolean column."""
    return initiatives_filtered(flt).filter(published__in=[True])


def _in_bounds(grid: Grid) -> Q:
    min_lon, min_lat, max_lon, max_lat = grid.bounds
    return Q(
        longitude__gte=min_lon, longitude__lt=max_lon, latitude__gte=min_lat, latitude__lt=max_lat
    )


def _unlocated(flt: InitiativeFilter, grid: Grid | None):
    """Published initiatives without a point, placed at their municipality's centroid."""
    # Points are set as a pair (services and forms set both or neither).
    qs = _published(flt).filter(
        latitude__isnull=True,
        municipality__centroid_lon__isnull=False,
        municipality__centroid_lat__isnull=False,
    )
    if grid is None:
        return qs
    min_lon, min_lat, max_lon, max_lat = grid.bounds
    return qs.filter(
        municipality__centroid_lon__gte=min_lon,
        municipality__centroid_lon__lt=max_lon,
        municipality__centroid_lat__gte=min_lat,
        municipality__centroid_lat__lt=max_lat,
    )


# The cells of a grid, as parallel numpy arrays (one entry per non-empty cell).
CELL_FIELDS = (
    ("x", np.int64),
    ("y", np.int64),
    ("n", np.int64),
    ("sum_lon", np.float64),
    ("sum_lat", np.float64),
    ("min_lon", np.float64),
    ("min_lat", np.float64),
    ("max_lon", np.float64),
    ("max_lat", np.float64),
    ("first_id", np.int64),
    ("approximate", np.int64),
)
Cells = dict[str, np.ndarray]


def _grouped_cells(flt: InitiativeFilter, grid: Grid, *, in_bbox: bool) -> Cells:
    """One GROUP BY per cell over the filtered initiatives (with the centroid-placed ones)."""
    qs = _published(flt)
    if in_bbox:
        qs = qs.filter(_in_bounds(grid))
    else:
        qs = qs.filter(latitude__isnull=False, longitude__isnull=False)
    grouped = (
        qs.annotate(
            cell_x=CellIndex("longitude", 180.0, grid.cell_lon),
            cell_y=CellIndex("latitude", 90.0, grid.cell_lat),
        )
        .values("cell_x", "cell_y")
        .annotate(
            n=Count("id"),
            sum_lon=Sum("longitude"),
            sum_lat=Sum("latitude"),
            min_lon=Min("longitude"),
            min_lat=Min("latitude"),
            max_lon=Max("longitude"),
            max_lat=Max("latitude"),
            first_id=Min("id"),
        )
        .order_by()
        .values_list(
            "cell_x",
            "cell_y",
            "n",
            "sum_lon",
            "sum_lat",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "first_id",
        )
    )
    rows = _raw_rows(grouped)
    records = [(*row, 0) for row in rows]
    placed = (
        _unlocated(flt, grid if in_bbox else None)
        .values("municipality__centroid_lon", "municipality__centroid_lat")
        .annotate(n=Count("id"), first_id=Min("id"))
        .order_by()
        .values_list("municipality__centroid_lon", "municipality__centroid_lat", "n", "first_id")
    )
    for lon, lat, n, first_id in _raw_rows(placed):
        x, y = grid.cell_of(lon, lat)
        records.append((x, y, n, lon * n, lat * n, lon, lat, lon, lat, first_id, n))
    cells = {
        name: np.array([r[i] for r in records], dtype=dtype)
        for i, (name, dtype) in enumerate(CELL_FIELDS)
    }
    return _merge(cells, cells["x"], cells["y"])


def _raw_rows(qs) -> list[tuple]:
    """The rows of a values_list() query as the database driver gives them: plain
    numbers here, which skips Django's per-value converters (a third of the time)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _merge(cells: Cells, x: np.ndarray, y: np.ndarray) -> Cells:
    """Combine the entries that share a cell (x, y): sums add up, extents widen."""
    if len(x) == 0:
        return {name: np.zeros(0, dtype=dtype) for name, dtype in CELL_FIELDS}
    order = np.lexsort((y, x))
    x, y = x[order], y[order]
    starts = np.flatnonzero(np.r_[True, (x[1:] != x[:-1]) | (y[1:] != y[:-1])])
    merged = {"x": x[starts], "y": y[starts]}
    for name in ("n", "sum_lon", "sum_lat", "approximate"):
        merged[name] = np.add.reduceat(cells[name][order], starts)
    for name in ("min_lon", "min_lat", "first_id"):
        merged[name] = np.minimum.reduceat(cells[name][order], starts)
    for name in ("max_lon", "max_lat"):
        merged[name] = np.maximum.reduceat(cells[name][order], starts)
    return merged


def _cells_from_database(flt: InitiativeFilter, grid: Grid) -> Cells:
    """The cells of `grid` in its bbox, grouped by the database."""
    return _grouped_cells(flt, grid, in_bbox=True)


_base_memo: OrderedDict[str, tuple[float, Cells]] = OrderedDict()
_base_lock = threading.Lock()
BASE_MEMO_SIZE = 16


def _base_cells(flt: InitiativeFilter) -> Cells:
    """Every filtered initiative grouped at BASE_ZOOM, once per data version and filter.

    Kept in this process (the last BASE_MEMO_SIZE filters) and in Django's cache, so
    that other processes share it when the cache is shared (Redis).
    """
    key = _cache_key("base", flt, BASE_ZOOM)
    entry = _base_memo.get(key)
    if entry is not None and entry[0] >= time.monotonic():
        return entry[1]
    timeout = _cache_seconds()
    cells = cache.get(key)
    if cells is None:
        base = Grid.for_zoom(BASE_ZOOM, (0.0, 0.0, 0.0, 0.0))
        cells = _grouped_cells(flt, base, in_bbox=False)
        cache.set(key, cells, timeout)
    with _base_lock:
        _base_memo[key] = (time.monotonic() + timeout, cells)
        while len(_base_memo) > BASE_MEMO_SIZE:
            _base_memo.popitem(last=False)
    return cells


def _cells_from_base(flt: InitiativeFilter, grid: Grid) -> Cells:
    """The cells of `grid` (zoom ≤ BASE_ZOOM) in its bbox, merged from the base cells.

    A cell at zoom z is exactly 2**(BASE_ZOOM - z) base cells wide and high (the grids
    share their origin), so its index is the base index shifted right.
    """
    base = _base_cells(flt)
    shift = BASE_ZOOM - grid.zoom
    x = base["x"] >> shift
    y = base["y"] >> shift
    inside = (x >= grid.x0) & (x <= grid.x1) & (y >= grid.y0) & (y <= grid.y1)
    if not inside.all():
        base = {name: values[inside] for name, values in base.items()}
        x, y = x[inside], y[inside]
    return _merge(base, x, y)


def _cluster_features(grid: Grid, cells: Cells) -> dict[str, Any]:
    """A point for each cell with one initiative, a cluster for each with more."""
    counts = cells["n"].tolist()
    singles = [int(i) for i, n in zip(cells["first_id"].tolist(), counts, strict=True) if n == 1]
    names = _names(singles)
    features = []
    columns = [cells[name].tolist() for name, _ in CELL_FIELDS]
    for x, y, n, sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat, first, approx in zip(
        *columns, strict=True
    ):
        lon, lat = sum_lon / n, sum_lat / n
        if n == 1 and first in names:
            slug, name = names[first]
            features.append(_point(first, slug, name, lon, lat, approximate=bool(approx)))
            continue
        extent = [round(min_lon, 6), round(min_lat, 6), round(max_lon, 6), round(max_lat, 6)]
        features.append(
            {
                "type": "Feature",
                "id": f"cluster-{grid.zoom}-{x}-{y}",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {
                    "cluster": True,
                    "count": n,
                    "bbox": extent,
                    "expansion_zoom": _expansion_zoom(grid.zoom, extent),
                },
            }
        )
    return _collection(features, grid, total=int(sum(counts)), truncated=False)


def _expansion_zoom(zoom: int, extent: list[float]) -> int:
    """A zoom at which the cluster's members spread over more than one cell."""
    width = max(extent[2] - extent[0], (extent[3] - extent[1]) / LATITUDE_SCALE)
    if width <= 0:
        return POINT_ZOOM
    # The members span `width` degrees; a cell at zoom z is 360 / 2**z / 4 degrees.
    spread = math.floor(math.log2(360.0 / CELLS_PER_TILE / width))
    return max(zoom + 1, min(POINT_ZOOM, spread + 1))


def _points(flt: InitiativeFilter, grid: Grid) -> dict[str, Any]:
    located = _raw_rows(
        _published(flt)
        .filter(_in_bounds(grid))
        .order_by("latitude", "longitude", "id")  # the index order: no sorting
        .values_list("id", "slug", "name", "longitude", "latitude")[: MAX_POINTS + 1]
    )
    truncated = len(located) > MAX_POINTS
    features = [
        _point(pk, slug, name, lon, lat, approximate=False)
        for pk, slug, name, lon, lat in located[:MAX_POINTS]
    ]
    placed = list(
        _unlocated(flt, grid)
        .order_by("municipality_id", "name", "id")
        .values_list(
            "id",
            "slug",
            "name",
            "municipality_id",
            "municipality__centroid_lon",
            "municipality__centroid_lat",
        )[: MAX_POINTS + 1]
    )
    truncated = truncated or len(placed) > MAX_POINTS
    groups: dict[str, list[tuple]] = {}
    for row in placed[:MAX_POINTS]:
        groups.setdefault(row[3], []).append(row)
    for code, members in groups.items():
        lon, lat = members[0][4], members[0][5]
        if len(members) == 1:
            pk, slug, name = members[0][:3]
            features.append(_point(pk, slug, name, lon, lat, approximate=True))
            continue
        features.append(
            {
                "type": "Feature",
                "id": f"municipality-{code}",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "cluster": True,
                    "count": len(members),
                    "approximate": True,
                    "bbox": [round(lon, 6), round(lat, 6), round(lon, 6), round(lat, 6)],
                    "expansion_zoom": None,
                    "members": [
                        {"id": pk, "slug": slug, "name": name}
                        for pk, slug, name, *_ in members[:MAX_MEMBERS]
                    ],
                },
            }
        )
    total = sum(f["properties"]["count"] if f["properties"].get("cluster") else 1 for f in features)
    return _collection(features, grid, total=total, truncated=truncated)


def _names(ids: list[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = Initiative.objects.filter(pk__in=ids).values_list("id", "slug", "name")
    return {pk: (slug, name) for pk, slug, name in rows}


def _point(
    pk: int, slug: str, name: str, lon: float, lat: float, approximate: bool
) -> dict[str, Any]:
    properties: dict[str, Any] = {"slug": slug, "name": name}
    if approximate:
        properties["approximate"] = True
    return {
        "type": "Feature",
        "id": pk,
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def _collection(
    features: list[dict[str, Any]], grid: Grid, *, total: int, truncated: bool
) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "bbox": [round(v, 6) for v in grid.bounds],
        "grid_zoom": grid.zoom,
        "count": total,
        "truncated": truncated,
        "features": features,
    }
