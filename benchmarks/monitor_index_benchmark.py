"""Benchmark: the composite resilience index (monitor) and its Monte Carlo uncertainty.

Targets (issue 5, "Speed"):

1. One province's 56 municipalities, one year: index build under 0.1 s. Timed twice:
   the full service `index_run_build` without Monte Carlo (replications=0), which reads
   the observations from the database, runs the pipeline and writes the run and its
   results (the shipped CBS municipalities, 12 synthetic indicators in 4 domains); and
   the pipeline alone on the in-memory matrix. The full build with 1,000 replications is
   printed for information.
2. 342 municipalities + 3,300 districts + 14,600 neighbourhoods × 10 years (synthetic,
   12 indicators, 5 % missing): the index build (the pipeline for every level and year
   on the observation matrices) under 5 s. Printed as well, without a target: the same
   END TO END through the database — three calls of `index_run_build` (one per level,
   years 2014–2023, every province) that read 2.1 million observation rows, build the
   index and write 182,420 result rows. That figure is bound by the database (reading
   takes about half of it, writing a quarter; docs/monitor-index.md).
3. Monte Carlo over the choices, 1,000 replications over 2,300 areas: under 10 s.

Runs on a throw-away SQLite database in a temporary directory; with `--postgres` also on
a temporary PostgreSQL database next to the one DATABASE_URL names (dropped afterwards).
Each case is the best of 3 runs (2 for the large ones). Prints the figures and
PASS/FAIL; exits non-zero on a FAIL.

    .venv/bin/python benchmarks/monitor_index_benchmark.py [--postgres]
"""

import argparse
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

import numpy as np

from _databases import DEFAULT_POSTGRES, run_child, temporary_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DATA_FILE = ROOT / "data" / "cbs-gemeenten-2023.geojson"
SEED = 20231
K = 12  # indicators
YEARS = list(range(2014, 2024))
DISTRICTS, NEIGHBOURHOODS = 3_300, 14_600
TARGET_PROVINCE_S = 0.1
TARGET_ALL_LEVELS_S = 5.0
TARGET_MONTE_CARLO_S = 10.0


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def synthetic_matrix(rng: np.random.Generator, n: int, k: int = K) -> np.ndarray:
    latent = rng.normal(0, 1, n)
    X = 50 + 10 * latent[:, None] + rng.normal(0, 6, (n, k))
    X[rng.random((n, k)) < 0.05] = np.nan
    return X


def synthetic_spec():
    from veerkracht.monitor.composite import IndexSpec

    return IndexSpec(
        codes=[f"ind-{j}" for j in range(K)],
        domain_of=np.arange(K) % 4,
        domains=["persoonlijk", "sociaal", "economisch", "leefomgeving"],
        directions=np.where(np.arange(K) % 3 == 0, -1.0, 1.0),
        goalpost_low=np.zeros(K),
        goalpost_high=np.full(K, 100.0),
        indicator_expert=np.linspace(0.5, 1.5, K),
        domain_expert=np.array([1.0, 1.5, 1.0, 0.5]),
    )


def report(label: str, seconds: float, target: float | None) -> bool:
    if target is None:
        print(f"  {label}: {seconds * 1000:9.1f} ms  (information)")
        return True
    ok = seconds < target
    verdict = "PASS" if ok else "FAIL"
    print(f"  {label}: {seconds * 1000:9.1f} ms  target < {target * 1000:.0f} ms  {verdict}")
    return ok


def prepare_database():
    """Migrate, load the CBS municipalities, 4 domains and 12 synthetic indicators and an
    analyst. Returns (indicators, actor)."""
    import django

    django.setup()
    from django.core.management import call_command

    from veerkracht.core.models import Role, User
    from veerkracht.monitor.models import Domain, Indicator

    quiet = StringIO()
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("import_cbs_areas", str(DATA_FILE), stdout=quiet)
    domains = [
        Domain.objects.create(slug=slug, name=slug, position=i)
        for i, slug in enumerate(["persoonlijk", "sociaal", "economisch", "leefomgeving"])
    ]
    indicators = [
        Indicator.objects.create(
            code=f"bench-{j}",
            name=f"Bench {j}",
            domain=domains[j % 4],
            unit="%",
            direction="down" if j % 3 == 0 else "up",
            source="synthetic",
            goalpost_low=0,
            goalpost_high=100,
            synthetic=True,
            position=j,
        )
        for j in range(K)
    ]
    actor = User.objects.create(email="bench@example.org", full_name="Bench")
    actor.roles.set([Role.objects.get_or_create(code="analyst")[0]])
    return indicators, actor


def province_case(indicators, actor) -> bool:
    from veerkracht.core.models import Municipality
    from veerkracht.monitor.composite import run_pipeline
    from veerkracht.monitor.models import Observation
    from veerkracht.monitor.selectors.index import area_groups, index_indicators
    from veerkracht.monitor.services.index import build_spec, index_run_build

    codes = list(Municipality.objects.filter(province__code="PV30").values_list("code", flat=True))
    rng = np.random.default_rng(SEED)
    X = synthetic_matrix(rng, len(codes))
    Observation.objects.bulk_create(
        Observation(
            indicator=ind, level="gemeente", area_code=code, year=2023, value=float(X[i, j])
        )
        for i, code in enumerate(codes)
        for j, ind in enumerate(indicators)
        if not np.isnan(X[i, j])
    )

    print(f"1. one province: {len(codes)} municipalities, {K} indicators, 1 year")
    results = []

    def full(replications: int):
        run = index_run_build(
            actor=actor,
            level="gemeente",
            years=[2023],
            province="PV30",
            parameters={"replications": replications, "seed": SEED},
        )
        assert run.status == "finished", run.log
        assert run.results.count() == len(codes)

    results.append(
        report(
            "full build incl. database, no Monte Carlo", best_of(lambda: full(0)), TARGET_PROVINCE_S
        )
    )
    spec = build_spec(index_indicators(), weighting="equal")
    groups = area_groups(level="gemeente", codes=sorted(codes))
    results.append(
        report(
            "pipeline only (in memory)",
            best_of(lambda: run_pipeline(X, spec, {"imputation": "group_mean"}, groups=groups)),
            TARGET_PROVINCE_S,
        )
    )
    report("full build incl. database, 1,000 replications", best_of(lambda: full(1000)), None)
    return all(results)


def synthetic_areas(rng: np.random.Generator) -> dict[str, tuple[list[str], np.ndarray]]:
    """Per level the area codes (CBS style: WK/BU codes carry their municipality's
    number) and the municipality index of each."""
    from veerkracht.core.models import Municipality

    municipalities = sorted(Municipality.objects.values_list("code", flat=True))
    m = len(municipalities)
    out = {"gemeente": (municipalities, np.arange(m))}
    for level, prefix, n, width in (
        ("wijk", "WK", DISTRICTS, 2),
        ("buurt", "BU", NEIGHBOURHOODS, 4),
    ):
        owner = np.sort(rng.integers(0, m, n))
        seen: dict[int, int] = {}
        codes = []
        for g in owner:
            seen[g] = seen.get(g, 0) + 1
            codes.append(f"{prefix}{municipalities[g][2:]}{seen[g]:0{width}d}")
        out[level] = (codes, owner)
    return out


def store_observations(indicators, areas, rng: np.random.Generator) -> int:
    """Write the synthetic observations straight into the table (setup, not timed)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from veerkracht.core.db import bulk_insert
    from veerkracht.monitor.models import Observation

    Observation.objects.all().delete()
    fields = ("indicator", "level", "area_code", "year", "value", "updated_at")
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for level, (codes, _owner) in areas.items():
            for year in YEARS:
                X = synthetic_matrix(rng, len(codes)).tolist()
                rows = [
                    (ind.pk, level, code, year, value, now)
                    for code, values in zip(codes, X, strict=True)
                    for ind, value in zip(indicators, values, strict=True)
                    if value == value  # not NaN
                ]
                count += len(rows)
                bulk_insert(Observation, fields, rows)
    if connection.vendor == "postgresql":
        # what autovacuum does in a running system: statistics, and the visibility map
        # that lets PostgreSQL answer from the covering index alone
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Observation._meta.db_table}")
    return count


def all_levels_case(indicators, actor) -> bool:
    from veerkracht.monitor.composite import run_pipeline
    from veerkracht.monitor.models import IndexRun
    from veerkracht.monitor.services.index import index_run_build

    rng = np.random.default_rng(SEED + 1)
    areas = synthetic_areas(rng)
    started = time.perf_counter()
    stored = store_observations(indicators, areas, rng)
    total_areas = sum(len(codes) for codes, _ in areas.values())
    print(
        f"2. {len(areas['gemeente'][0]):,} municipalities + {DISTRICTS:,} districts + "
        f"{NEIGHBOURHOODS:,} neighbourhoods x {len(YEARS)} years, {K} indicators "
        f"({stored:,} observations stored in {time.perf_counter() - started:.1f} s, not timed)"
    )

    def build() -> list:
        return [
            index_run_build(
                actor=actor,
                level=level,
                years=YEARS,
                parameters={
                    "imputation": "group_mean",
                    "outliers": "winsorise",
                    "replications": 0,
                },
            )
            for level in areas
        ]

    def end_to_end() -> float:
        """Best of 2; removing the previous runs' results and checking the counts are
        not part of the timed build."""
        best = float("inf")
        for _ in range(2):
            IndexRun.objects.all().delete()
            started = time.perf_counter()
            runs = build()
            best = min(best, time.perf_counter() - started)
            assert all(run.status == "finished" for run in runs), [run.log for run in runs]
            written = sum(run.results.count() for run in runs)
            assert written == total_areas * len(YEARS), written
        return best

    spec = synthetic_spec()
    data = [
        (synthetic_matrix(rng, len(codes)), owner) for codes, owner in areas.values() for _ in YEARS
    ]

    def pipeline_only():
        for X, groups in data:
            result = run_pipeline(
                X, spec, {"imputation": "group_mean", "outliers": "winsorise"}, groups=groups
            )
            assert result.classes.min() >= 1

    ok = report(
        "index build, all levels and years (pipeline)", best_of(pipeline_only), TARGET_ALL_LEVELS_S
    )
    report("end to end incl. database: read observations, build, write results", end_to_end(), None)
    return ok


def monte_carlo_case() -> bool:
    from veerkracht.monitor.composite import monte_carlo

    rng = np.random.default_rng(SEED + 2)
    X = synthetic_matrix(rng, 2_300)
    groups = rng.integers(0, 56, 2_300)
    spec = synthetic_spec()
    print(f"3. Monte Carlo: 1,000 replications over 2,300 areas, {K} indicators")

    def run():
        mc = monte_carlo(X, spec, replications=1000, seed=SEED, groups=groups)
        assert (mc.band_low <= mc.median_class).all()

    return report("Monte Carlo", best_of(run, repeat=2), TARGET_MONTE_CARLO_S)


def run_one(monte_carlo_too: bool) -> int:
    from django.db import connection

    sys.stdout.reconfigure(line_buffering=True)
    indicators, actor = prepare_database()
    print(f"--- {connection.vendor}")
    try:
        ok = [province_case(indicators, actor), all_levels_case(indicators, actor)]
        if monte_carlo_too:
            ok.append(monte_carlo_case())
    finally:
        from django.db import connections

        connections.close_all()
    return 0 if all(ok) else 1


# --- orchestration -----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also on PostgreSQL (server from DATABASE_URL, else a local default)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        return run_one(monte_carlo_too=args.only == "sqlite")

    failed = 0
    env = dict(
        os.environ,
        VEERKRACHT_ENV="embedded",
        DJANGO_SETTINGS_MODULE="veerkracht.settings",
        DEBUG="",
        LOG_LEVEL="WARNING",
    )
    env.pop("REDIS_URL", None)
    postgres_url = env.pop("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="veerkracht-index-bench-") as var_dir:
        env["VEERKRACHT_VAR_DIR"] = var_dir
        failed |= run_child(__file__, ["--only", "sqlite"], env)
        if args.postgres or postgres_url:
            with temporary_postgres(postgres_url or DEFAULT_POSTGRES, "vk_index_bench") as url:
                failed |= run_child(__file__, ["--only", "postgresql"], dict(env, DATABASE_URL=url))
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
