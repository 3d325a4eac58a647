"""Uncertainty and sensitivity: a Monte Carlo over the choices of the pipeline.

Each replication draws, independently and uniformly, an imputation (mean, or group
mean when groups are known), a normalisation (z-score, min-max, percentile rank, and
goalposts when every indicator has them), a weighting scheme (equal, expert, and
regression when available) whose weights are then perturbed by a factor drawn
uniformly from [1 - p, 1 + p] per indicator (p = `weight_perturbation`, 0.25 by
default) and renormalised, and an aggregation (arithmetic, geometric). The outlier
treatment stays as chosen. Each replication yields classes 1–9 (stanines); per area we
report the median class and the 5th and 95th percentile class (the band, always with
band_low ≤ median ≤ band_high), and the mean contribution of each domain on a common
scale: the contribution to the area's standardised score (score minus the mean over
areas, divided by the standard deviation, computed per replication; on log values for
geometric aggregation), so the mean contributions of an area sum to its mean
standardised score. Replications with the same matrix of choices are evaluated
together with one matrix product, so 1,000 replications cost a few dozen products.
"""

from dataclasses import dataclass

import numpy as np

from .classes import stanine_classes
from .pipeline import IndexSpec, prepare
from .steps import geometric_values


@dataclass
class MonteCarloResult:
    median_class: np.ndarray  # areas
    band_low: np.ndarray
    band_high: np.ndarray
    mean_contributions: np.ndarray  # areas × domains (standardised score scale)
    class_counts: np.ndarray  # areas × 9
    replications: int
    choices: dict[str, dict[str, int]]


def _quantile_class(cum: np.ndarray, q: float) -> np.ndarray:
    """The smallest class whose cumulative share reaches q (inverted CDF)."""
    return (cum < q - 1e-12).sum(axis=1).astype(np.int16) + 1


def monte_carlo(
    X: np.ndarray,
    spec: IndexSpec,
    *,
    replications: int = 1000,
    seed: int = 0,
    groups: np.ndarray | None = None,
    outliers: str = "none",
    weight_perturbation: float = 0.25,
    params: dict | None = None,
) -> MonteCarloResult:
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    rng = np.random.default_rng(seed)
    imputations = ["mean"] + (["group_mean"] if groups is not None else [])
    normalisations = ["zscore", "minmax", "percentile_rank"]
    if spec.has_goalposts():
        normalisations.append("goalposts")
    schemes = ["equal", "expert"] + (["regression"] if spec.regression is not None else [])
    aggregations = ["arithmetic", "geometric"]
    base = {s: spec.weights(s) for s in schemes}

    R = int(replications)
    imp = rng.integers(len(imputations), size=R)
    nor = rng.integers(len(normalisations), size=R)
    sch = rng.integers(len(schemes), size=R)
    agg = rng.integers(len(aggregations), size=R)
    W = np.stack([base[schemes[s]] for s in sch]) if R else np.zeros((0, k))
    W = W * rng.uniform(1 - weight_perturbation, 1 + weight_perturbation, size=W.shape)
    W /= W.sum(axis=1, keepdims=True)

    n_dom = len(spec.domains)
    domain_columns = [spec.domain_of == d for d in range(n_dom)]
    counts = np.zeros((n, 9), dtype=np.int64)
    contrib_sum = np.zeros((n, n_dom))
    contrib_reps = np.zeros(n)

    for key in sorted(set(zip(imp.tolist(), nor.tolist(), strict=True))):
        Z, _ = prepare(
            X,
            spec,
            imputation=imputations[key[0]],
            normalisation=normalisations[key[1]],
            outliers=outliers,
            groups=groups,
            params=params,
        )
        present = ~np.isnan(Z)
        values = (np.where(present, Z, 0.0), np.where(present, geometric_values(Z), 0.0))
        for a, V in enumerate(values):  # in the order of `aggregations`
            reps = np.flatnonzero((imp == key[0]) & (nor == key[1]) & (agg == a))
            if not len(reps):
                continue
            Wr = W[reps]  # r × k
            den = present.astype(float) @ Wr.T  # n × r
            with np.errstate(invalid="ignore", divide="ignore"):
                den = np.where(den > 0, den, np.nan)
                scores = (V @ Wr.T) / den
            cls = stanine_classes(scores, axis=0)  # n × r
            for c in range(1, 10):
                counts[:, c - 1] += (cls == c).sum(axis=1)
            # Standardised contributions per domain.
            sd = np.nanstd(scores, axis=0)
            sd = np.where(sd > 0, sd, 1.0)
            ok = ~np.isnan(scores)
            for d, cols in enumerate(domain_columns):
                part = (V[:, cols] @ Wr[:, cols].T) / den
                part_mean = np.nanmean(part, axis=0)
                std = (part - part_mean) / sd
                contrib_sum[:, d] += np.where(ok, std, 0.0).sum(axis=1)
            contrib_reps += ok.sum(axis=1)

    seen = counts.sum(axis=1, keepdims=True)
    cum = np.cumsum(counts, axis=1) / np.maximum(seen, 1)
    median = _quantile_class(cum, 0.5)
    low_q = _quantile_class(cum, 0.05)
    high_q = _quantile_class(cum, 0.95)
    none = seen[:, 0] == 0
    median[none] = low_q[none] = high_q[none] = 0
    mean_contrib = contrib_sum / np.maximum(contrib_reps, 1)[:, None]

    def tally(values: np.ndarray, names: list[str]) -> dict[str, int]:
        return {name: int((values == i).sum()) for i, name in enumerate(names)}

    return MonteCarloResult(
        median_class=median,
        band_low=low_q,
        band_high=high_q,
        mean_contributions=mean_contrib,
        class_counts=counts,
        replications=R,
        choices={
            "imputation": tally(imp, imputations),
            "normalisation": tally(nor, normalisations),
            "weighting": tally(sch, schemes),
            "aggregation": tally(agg, aggregations),
        },
    )
