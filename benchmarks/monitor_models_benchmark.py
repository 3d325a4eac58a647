"""Benchmark: the monitor's explanatory model and small-area estimates.

Targets (issue 5, "Speed"):

1. Explanatory model on 100,000 respondents (14 factors, 3 background variables): under
   5 s, for both estimators: OLS with HC3 errors, and the random intercept per
   municipality (REML).
2. Small-area estimation for a province: 10,000 respondents over 2,300 neighbourhoods
   (about 15 % of them without respondents), 3 area covariates: under 10 s (direct
   estimates + Fay–Herriot REML + EBLUP + MSE).
3. Peak memory of the process under 2 GB (ru_maxrss).

The statistics only (pure numpy/scipy/statsmodels on in-memory data); reading the survey
CSV adds about 0.1 s per 100,000 rows. Best of 3. Prints PASS/FAIL; exits non-zero on a
FAIL.

    .venv/bin/python benchmarks/monitor_models_benchmark.py
"""

import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from veerkracht.monitor.stats import fay_herriot, fit_explanatory  # noqa: E402
from veerkracht.monitor.stats.small_area import direct_estimates  # noqa: E402

SEED = 5
TARGET_EXPLANATORY_S = 5.0
TARGET_SMALL_AREA_S = 10.0
TARGET_MEMORY_MB = 2048


def best_of(fn, runs=3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def survey(n: int, rng) -> tuple[pd.DataFrame, list[str]]:
    factors = [f"factor-{i}" for i in range(14)]
    effects = np.linspace(0.45, 0.02, len(factors))
    frame = pd.DataFrame({f: rng.standard_normal(n) for f in factors})
    frame["leeftijd"] = rng.choice(["18-34", "35-49", "50-64", "65-79", "80+"], size=n)
    frame["geslacht"] = rng.choice(["man", "vrouw", "anders"], size=n)
    frame["opleiding"] = rng.choice(["laag", "middelbaar", "hoog"], size=n)
    frame["gemeente"] = [f"GM{g:04d}" for g in rng.integers(0, 56, size=n)]
    frame["veerkracht"] = frame[factors].to_numpy() @ effects + rng.normal(0, 0.8, size=n)
    return frame, factors


def main() -> int:
    rng = np.random.default_rng(SEED)
    failed = False
    frame, factors = survey(100_000, rng)
    covariates = ["leeftijd", "geslacht", "opleiding"]
    t_ols = best_of(lambda: fit_explanatory(frame, factors=factors, covariates=covariates))
    ok = t_ols < TARGET_EXPLANATORY_S
    failed |= not ok
    print(f"explanatory OLS+HC3, 100,000 respondents: {t_ols:.3f} s  {'PASS' if ok else 'FAIL'}")
    t_mixed = best_of(
        lambda: fit_explanatory(
            frame,
            factors=factors,
            covariates=covariates,
            group="gemeente",
            random_intercept=True,
        ),
    )
    ok = t_mixed < TARGET_EXPLANATORY_S
    failed |= not ok
    print(
        f"explanatory random intercept (REML), 100,000 respondents: {t_mixed:.3f} s  "
        f"{'PASS' if ok else 'FAIL'}"
    )

    areas = 2300
    x = rng.standard_normal((areas, 3))
    theta = 6.5 + x @ np.array([0.3, -0.2, 0.1]) + rng.normal(0, 0.3, size=areas)
    weights = rng.gamma(0.6, size=areas)
    codes = rng.choice(areas, size=10_000, p=weights / weights.sum())
    values = theta[codes] + rng.normal(0, 1.4, size=codes.size)

    def small_area():
        found, means, variances, _counts = direct_estimates(codes, values)
        index = np.array([int(c) for c in found])
        direct = np.zeros(areas)
        variance = np.ones(areas)
        direct[index], variance[index] = means, variances
        sampled = np.zeros(areas, dtype=bool)
        sampled[index] = True
        design = np.column_stack([np.ones(areas), x])
        return fay_herriot(direct=direct, variance=variance, covariates=design, sampled=sampled)

    fit = small_area()
    t_sae = best_of(small_area)
    ok = t_sae < TARGET_SMALL_AREA_S
    failed |= not ok
    print(
        f"small-area Fay–Herriot, 10,000 respondents / {areas} neighbourhoods "
        f"({areas - fit['areas_sampled']} without respondents): {t_sae:.3f} s  "
        f"{'PASS' if ok else 'FAIL'}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = peak_mb < TARGET_MEMORY_MB
    failed |= not ok
    print(f"peak memory: {peak_mb:.0f} MB  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
