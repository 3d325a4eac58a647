"""Benchmark: point-in-area lookups with `veerkracht.core.geo.locate()`.

Imports the shipped CBS 2023 municipalities into a temporary SQLite database, builds
the lookup index, then times 10,000 `locate()` calls on random points (fixed seed) in
Noord-Brabant's bounding box. Exits non-zero when the 10,000 lookups take over 1 s.

    .venv/bin/python benchmarks/locate_benchmark.py
"""

import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

LOOKUPS = 10_000
LIMIT_SECONDS = 1.0
SEED = 20231
PROVINCE = "PV30"  # Noord-Brabant
DATA_FILE = ROOT / "data" / "cbs-gemeenten-2023.geojson"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="veerkracht-bench-") as var_dir:
        # A throw-away embedded setup: temporary SQLite database, process-local cache.
        os.environ["VEERKRACHT_VAR_DIR"] = var_dir
        os.environ["VEERKRACHT_ENV"] = "test"
        os.environ["DJANGO_SETTINGS_MODULE"] = "veerkracht.settings"
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        try:
            return run()
        finally:
            from django.db import connections

            connections.close_all()


def run() -> int:
    import django

    django.setup()

    from django.core.management import call_command

    from veerkracht.core.geo import locate, locate_index_build, locate_many, reset_locate_index
    from veerkracht.core.models import Municipality, Province

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("import_cbs_areas", str(DATA_FILE), stdout=StringIO())
    import_seconds = time.perf_counter() - started

    province = Province.objects.get(code=PROVINCE)
    members = set(Municipality.objects.filter(province=province).values_list("code", flat=True))
    lons, lats = zip(*_positions(province.boundary), strict=True)
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)

    reset_locate_index()
    build_seconds = locate_index_build()

    rng = random.Random(SEED)
    points = [
        (rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)) for _ in range(LOOKUPS)
    ]
    started = time.perf_counter()
    results = [locate(lat, lon) for lat, lon in points]
    total = time.perf_counter() - started

    started = time.perf_counter()
    batch = locate_many(points)
    batch_seconds = time.perf_counter() - started
    assert batch == results, "locate_many() disagrees with locate()"

    hits = [r for r in results if r is not None]
    in_province = sum(1 for r in hits if r.municipality_code in members)
    print(f"import {Municipality.objects.count()} municipalities: {import_seconds * 1000:.0f} ms")
    print(f"index build: {build_seconds * 1000:.1f} ms")
    print(
        f"bounding box of {province.name}: lat {min_lat:.4f}..{max_lat:.4f}, "
        f"lon {min_lon:.4f}..{max_lon:.4f} (seed {SEED})"
    )
    print(f"{LOOKUPS:,} locate() calls: {total:.3f} s total, {total / LOOKUPS * 1e6:.1f} µs each")
    print(
        f"hit rate: {len(hits) / LOOKUPS:.1%} in a municipality, "
        f"{in_province / LOOKUPS:.1%} in {province.name}"
    )
    print(f"locate_many() on the same points: {batch_seconds * 1000:.1f} ms")
    if total > LIMIT_SECONDS:
        print(f"FAIL: {LOOKUPS:,} lookups took over {LIMIT_SECONDS:.0f} s", file=sys.stderr)
        return 1
    print(f"OK: under {LIMIT_SECONDS:.0f} s")
    return 0


def _positions(geometry: dict) -> list[list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [position for polygon in polygons for ring in polygon for position in ring]


if __name__ == "__main__":
    sys.exit(main())
