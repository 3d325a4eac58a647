"""Benchmark: the Initiatievenkaart's GeoJSON endpoint, GET /api/v1/initiatives?format=geojson.

A throw-away embedded setup in a temporary directory (SQLite, DEBUG off, collected
static files): migrate, import the shipped CBS municipalities, load the reference data
and generate synthetic initiatives. For 10,000 and then 100,000 initiatives it starts
the real server (gunicorn, 1 worker, gthread so that keep-alive works) on a free port
on 127.0.0.1 and times each request from sending it to reading its last byte, with
http.client over one keep-alive connection, after 20 warm-up requests. The views: the
province at zoom 8 (its bounding box), a street in Eindhoven at zoom 15 (a 1280 x 576
px map) and the same map around Eindhoven at zooms 10, 12 and 13. Each is timed

- "new view": 200 different views around it (panned and resized, each a different
  set of grid cells, so no answer comes from the answer cache) on a warm server: what
  a visitor moving the map waits for;
- "cold": the same view on a second server with the map's caches off
  (VEERKRACHT_MAP_CACHE_SECONDS=0), so the database groups every request: what the
  first request after a change of the data waits for;
- "cached": the same view again and again, alternating with a static file of exactly
  the same bytes served by WhiteNoise from the same server ("static").

Targets, on the warm server: with 10,000 initiatives the province and street views have
p95 ≤ 50 ms (new view) and the answer takes no more than 1.5 × the static file of the
same size (cached p95 against static p95); with 100,000 initiatives p95 ≤ 150 ms at
every zoom (new view). "cold" is printed for information. Prints p50/p95 per case and
PASS/FAIL; exits non-zero on a FAIL. Takes about three minutes.

    .venv/bin/python benchmarks/initiatives_geojson_benchmark.py [--sizes 10000 100000]
"""

import argparse
import http.client
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DATA_FILE = ROOT / "data" / "cbs-gemeenten-2023.geojson"
SIZES = (10_000, 100_000)
SEED = 20240
REQUESTS = 200
WARM_UP = 20
GUNICORN = Path(sys.executable).parent / "gunicorn"

# A 1280 x 576 px map (the page's map at full width) centred on Eindhoven's centre.
CENTRE = (5.4697, 51.4416)
VIEWPORT_PX = (1280, 576)

P95_TARGET_10K_MS = 50.0
P95_TARGET_100K_MS = 150.0
STATIC_RATIO = 1.5


@dataclass
class Case:
    name: str
    zoom: int
    bbox: tuple[float, float, float, float]

    @property
    def path(self) -> str:
        bbox = ",".join(f"{v:.5f}" for v in self.bbox)
        return "/api/v1/initiatives?" + urlencode(
            {"format": "geojson", "zoom": self.zoom, "bbox": bbox}
        )


def viewport(zoom: int) -> tuple[float, float, float, float]:
    """The bbox of a VIEWPORT_PX map at `zoom` around CENTRE (Web Mercator, roughly)."""
    lon, lat = CENTRE
    degrees_per_px = 360.0 / (256 * 2**zoom)
    half_w = VIEWPORT_PX[0] / 2 * degrees_per_px
    half_h = VIEWPORT_PX[1] / 2 * degrees_per_px * math.cos(math.radians(lat))
    return (lon - half_w, lat - half_h, lon + half_w, lat + half_h)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of initiatives"
    )
    options = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # show progress when piped
    with tempfile.TemporaryDirectory(prefix="veerkracht-geojson-bench-") as var_dir:
        os.environ.update(
            {
                "VEERKRACHT_VAR_DIR": var_dir,
                "VEERKRACHT_ENV": "embedded",
                "DJANGO_SETTINGS_MODULE": "veerkracht.settings",
                "DEBUG": "",
                "LOG_LEVEL": "WARNING",
            }
        )
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        # The same settings with the map's caches off, for the cold runs.
        (Path(var_dir) / "bench_cold_settings.py").write_text(
            "from veerkracht.settings import *  # noqa: F403\nVEERKRACHT_MAP_CACHE_SECONDS = 0\n"
        )
        try:
            return run(Path(var_dir), sizes=sorted(options.sizes))
        finally:
            from django.db import connections

            connections.close_all()


def run(var_dir: Path, *, sizes: list[int]) -> int:
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command

    from veerkracht.initiatives import map as initiatives_map
    from veerkracht.initiatives.selectors import InitiativeFilter

    started = time.perf_counter()
    quiet = StringIO()
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("collectstatic", verbosity=0, interactive=False, stdout=quiet)
    call_command("import_cbs_areas", str(DATA_FILE), stdout=quiet)
    call_command("load_reference", stdout=quiet)
    elapsed = time.perf_counter() - started
    print(f"setup (migrate, collectstatic, CBS import, reference data): {elapsed:.1f} s")

    province = initiatives_map.province_bbox()
    cases = [
        Case("province", 8, province),
        Case("town", 10, viewport(10)),
        Case("city", 12, viewport(12)),
        Case("district", 13, viewport(13)),
        Case("street", 15, viewport(15)),
    ]
    static_root = Path(settings.STATIC_ROOT)
    results: list[str] = []
    failures: list[str] = []
    made = 0
    for size in sizes:
        started = time.perf_counter()
        call_command("generate_initiatives", count=size - made, seed=SEED + size, stdout=quiet)
        made = size
        print(f"\n== {size:,} initiatives (generated in {time.perf_counter() - started:.1f} s)")

        # Static files with the very bytes of each answer, for WhiteNoise to serve.
        bodies = {}
        for case in cases:
            initiatives_map.forget_data_version()
            body = initiatives_map.map_geojson(InitiativeFilter(), bbox=case.bbox, zoom=case.zoom)
            bodies[case.name] = body
            target = static_root / "bench" / f"{size}-{case.name}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)

        timings: dict[tuple[str, str], list[float]] = {}
        with Server(settings_module="veerkracht.settings", var_dir=var_dir) as server:
            for case in cases:
                # The same view again and again, each request followed by the static
                # file of the same bytes, so both see the same load on the machine.
                cached, static = server.measure_pair(
                    case.path, f"/static/bench/{size}-{case.name}.json", len(bodies[case.name])
                )
                timings[case.name, "cached"] = cached
                timings[case.name, "static"] = static
                timings[case.name, "new view"] = server.measure_each(
                    new_views(case, initiatives_map)
                )
        with Server(settings_module="bench_cold_settings", var_dir=var_dir) as server:
            for case in cases:
                timings[case.name, "cold"] = server.measure_each([case.path] * (WARM_UP + REQUESTS))

        print(
            f"{'case':<9} {'zoom':>4} {'features':>8} {'bytes':>7}  "
            f"{'new view p50/p95':>16}  {'cold p50/p95':>15}  {'cached p50/p95':>14}  "
            f"{'static p50/p95':>14}  {'cached/static':>13}"
        )
        for case in cases:
            collection = json.loads(bodies[case.name])
            new = percentiles(timings[case.name, "new view"])
            cold = percentiles(timings[case.name, "cold"])
            cached = percentiles(timings[case.name, "cached"])
            static = percentiles(timings[case.name, "static"])
            print(
                f"{case.name:<9} {case.zoom:>4} {len(collection['features']):>8} "
                f"{len(bodies[case.name]):>7}  {new[0]:>7.2f} / {new[1]:>6.2f}  "
                f"{cold[0]:>6.1f} / {cold[1]:>6.1f}  {cached[0]:>5.2f} / {cached[1]:>5.2f}  "
                f"{static[0]:>5.2f} / {static[1]:>5.2f}  "
                f"{cached[0] / static[0]:>5.2f}/{cached[1] / static[1]:.2f}x"
            )
            label = f"{size:,} {case.name} (z{case.zoom})"
            checks = []
            if size <= 10_000 and case.name in ("province", "street"):
                checks.append(
                    (
                        new[1] <= P95_TARGET_10K_MS,
                        f"{label}: new view p95 {new[1]:.2f} ms ≤ {P95_TARGET_10K_MS:.0f} ms",
                    )
                )
                checks.append(
                    (
                        cached[1] <= STATIC_RATIO * static[1],
                        f"{label}: p95 {cached[1]:.2f} ms ≤ {STATIC_RATIO} × the static file's "
                        f"p95 {static[1]:.2f} ms (= {STATIC_RATIO * static[1]:.2f} ms)",
                    )
                )
            if size > 10_000:
                checks.append(
                    (
                        new[1] <= P95_TARGET_100K_MS,
                        f"{label}: new view p95 {new[1]:.2f} ms ≤ {P95_TARGET_100K_MS:.0f} ms",
                    )
                )
            for ok, text in checks:
                results.append(("PASS  " if ok else "FAIL  ") + text)
                if not ok:
                    failures.append(text)

    print(
        f"\n{REQUESTS} timed requests per case after {WARM_UP} warm-up requests; "
        f"time to last byte over one keep-alive connection; gunicorn 1 worker (gthread), "
        f"SQLite, {os.cpu_count()} CPUs. Targets are for the warm server (new view, cached); "
        "cold (no caches: the first request after a change) is for information."
    )
    print("\n".join(results))
    if failures:
        print(f"FAIL: {len(failures)} target(s) missed", file=sys.stderr)
        return 1
    print("OK: every target met")
    return 0


def new_views(case: Case, initiatives_map) -> list[str]:
    """WARM_UP + REQUESTS different views around the case's: panned up to one view's
    width or height and 30 % larger or smaller, each a different set of grid cells."""
    rng = random.Random(f"{SEED}-{case.name}")
    min_lon, min_lat, max_lon, max_lat = case.bbox
    width, height = max_lon - min_lon, max_lat - min_lat
    seen: set = set()
    paths: list[str] = []
    for _ in range(100 * (WARM_UP + REQUESTS)):
        scale = rng.uniform(0.7, 1.3)
        lon = (min_lon + max_lon) / 2 + rng.uniform(-1, 1) * width
        lat = (min_lat + max_lat) / 2 + rng.uniform(-1, 1) * height
        bbox = (
            lon - width * scale / 2,
            lat - height * scale / 2,
            lon + width * scale / 2,
            lat + height * scale / 2,
        )
        grid = initiatives_map.grid_for(case.zoom, bbox)
        key = (grid.zoom, grid.x0, grid.y0, grid.x1, grid.y1)
        if key in seen:
            continue
        seen.add(key)
        paths.append(Case(case.name, case.zoom, bbox).path)
        if len(paths) == WARM_UP + REQUESTS:
            return paths
    raise RuntimeError(f"could not find {WARM_UP + REQUESTS} different views for {case.name}")


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank), in milliseconds."""
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    return rank(50), rank(95)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the project on a free port, for the duration of a `with`."""

    def __init__(self, *, settings_module: str, var_dir: Path) -> None:
        self.port = free_port()
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings_module)
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "veerkracht.wsgi:application",
                "--pythonpath",
                f"{ROOT / 'src'},{var_dir}",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "gthread",
                "--threads",
                "1",
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )

    def __enter__(self) -> "Server":
        deadline = time.monotonic() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/static/veerkracht/site.css")
                connection.getresponse().read()
                connection.close()
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _get(self, connection: http.client.HTTPConnection, path: str) -> tuple[float, bytes]:
        """Seconds from sending the request to reading the last byte, and the body."""
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}: {body[:300]!r}")
        if response.getheader("Connection", "").lower() == "close":
            connection.close()  # reconnects on the next request
        return elapsed, body

    def measure_pair(self, path: str, other: str, size: int) -> tuple[list[float], list[float]]:
        """Time `path` and `other` alternately; both must answer `size` bytes."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        first, second = [], []
        try:
            for n in range(WARM_UP + REQUESTS):
                for target, samples in ((path, first), (other, second)):
                    elapsed, body = self._get(connection, target)
                    if len(body) != size:
                        raise RuntimeError(f"{target}: {len(body)} bytes, expected {size}")
                    if n >= WARM_UP:
                        samples.append(elapsed)
        finally:
            connection.close()
        return first, second

    def measure_each(self, paths: list[str]) -> list[float]:
        """Time each path once; the first WARM_UP are not counted."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        samples = []
        try:
            for n, path in enumerate(paths):
                elapsed, _ = self._get(connection, path)
                if n >= WARM_UP:
                    samples.append(elapsed)
        finally:
            connection.close()
        return samples


if __name__ == "__main__":
    sys.exit(main())
