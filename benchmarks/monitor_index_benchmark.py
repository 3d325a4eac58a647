"""Benchmark: the composite resilience index (monitor) and its Monte Carlo uncertainty.

Targets (issue 5, "Speed"):

1. One province's 56 municipalities, one year: index build under 0.1 s. Timed twice:
   the full service `index_run_build` without Monte Carlo (replications=0), which reads
   the observations from the database, runs the pipeline and writes the run and its
   results (a throw-away SQLite database in a temporary directory, the shipped CBS
   municipalities, 12 synthetic indicators in 4 domains); and the pipeline alone on the
   in-memory matrix. The full build with 1,000 replications is printed for information.
2. 342 municipalities + 3,300 districts + 14,600 neighbourhoods × 10 years (synthetic,
   12 indicators, 5 % missing): the pipeline for every level and year under 5 s. This
   figure is the pipeline on in-memory arrays, EXCLUDING database reads and writes
   (1.8 million observation rows); the 56-municipality figure above shows the cost of
   the database layer.
3. Monte Carlo over the choices, 1,000 replications over 2,300 areas: under 10 s.

Each case is the best of 3 runs. Prints the figures and PASS/FAIL; exits non-zero on a
FAIL.

    .venv/bin/python benchmarks/monitor_index_benchmark.py
"""

import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DATA_FILE = ROOT / "data" / "cbs-gemeenten-2023.geojson"
SEED = 20231
K = 12  # indicators
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


def province_case() -> bool:
    import django

    django.setup()
    from django.core.management import call_command

    from veerkracht.core.models import Municipality, Role, User
    from veerkracht.monitor.composite import run_pipeline
    from veerkracht.monitor.models import Domain, Indicator, Observation
    from veerkracht.monitor.selectors.index import area_groups, index_indicators
    from veerkracht.monitor.services.index import build_spec, index_run_build

    quiet = StringIO()
    call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
    call_command("import_cbs_areas", str(DATA_FILE), stdout=quiet)
    codes = list(Municipality.objects.filter(province__code="PV30").values_list("code", flat=True))
    rng = np.random.default_rng(SEED)
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
    X = synthetic_matrix(rng, len(codes))
    Observation.objects.bulk_create(
        Observation(
            indicator=ind, level="gemeente", area_code=code, year=2023, value=float(X[i, j])
        )
        for i, code in enumerate(codes)
        for j, ind in enumerate(indicators)
        if not np.isnan(X[i, j])
    )
    actor = User.objects.create(email="bench@example.org", full_name="Bench")
    actor.roles.set([Role.objects.get_or_create(code="analyst")[0]])

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


def all_levels_case() -> bool:
    from veerkracht.monitor.composite import run_pipeline

    rng = np.random.default_rng(SEED + 1)
    spec = synthetic_spec()
    sizes = {"gemeente": 342, "wijk": 3_300, "buurt": 14_600}
    years = 10
    data = {
        level: [(synthetic_matrix(rng, n), rng.integers(0, 342, n)) for _ in range(years)]
        for level, n in sizes.items()
    }
    print(
        "2. 342 municipalities + 3,300 districts + 14,600 neighbourhoods x 10 years, "
        f"{K} indicators (pipeline, no database)"
    )

    def build():
        for matrices in data.values():
            for X, groups in matrices:
                result = run_pipeline(
                    X, spec, {"imputation": "group_mean", "outliers": "winsorise"}, groups=groups
                )
                assert result.classes.min() >= 1

    return report("all levels, 10 years", best_of(build), TARGET_ALL_LEVELS_S)


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


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)
    with tempfile.TemporaryDirectory(prefix="veerkracht-index-bench-") as var_dir:
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
        try:
            ok = [province_case(), all_levels_case(), monte_carlo_case()]
        finally:
            from django.db import connections

            connections.close_all()
    print("PASS" if all(ok) else "FAIL")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
