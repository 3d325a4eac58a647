"""The steps of the composite index as pure functions on arrays.

`X` is an (areas × indicators) float array with NaN for a missing value. Each function
returns its result and a small dict describing what it did, for the run's log.
"""

from typing import Any

import numpy as np

IMPUTATIONS = ("none", "mean", "group_mean")
OUTLIERS = ("none", "winsorise", "cap_z")
NORMALISATIONS = ("zscore", "minmax", "percentile_rank", "goalposts")
WEIGHTINGS = ("equal", "expert", "regression")
AGGREGATIONS = ("arithmetic", "geometric")


class IndexBuildError(ValueError):
    """A choice that cannot be applied to these data (shown to the user as is)."""


def _column_means(X: np.ndarray) -> np.ndarray:
    counts = (~np.isnan(X)).sum(axis=0)
    sums = np.nansum(X, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def impute(
    X: np.ndarray, *, method: str = "none", groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Fill missing values. Returns (X, imputed mask, log).

    none: leave them missing (the area's score then uses its available indicators);
    mean: the indicator's mean over all areas; group_mean: its mean over the areas of the
    same group (e.g. province), falling back to the overall mean for a group without any
    value.
    """
    if method not in IMPUTATIONS:
        raise IndexBuildError(f"Unknown imputation {method!r}.")
    X = np.array(X, dtype=float)
    missing = np.isnan(X)
    info: dict[str, Any] = {"missing": int(missing.sum())}
    if method == "none" or not missing.any():
        info["imputed"] = 0
        return X, np.zeros_like(missing) if method == "none" else missing, info
    overall = _column_means(X)
    fill = np.broadcast_to(overall, X.shape)
    if method == "group_mean":
        if groups is None:
            raise IndexBuildError("Group-mean imputation needs a group for every area.")
        codes, inverse = np.unique(np.asarray(groups), return_inverse=True)
        present = ~missing
        k = X.shape[1]
        cells = (inverse[:, None] * k + np.arange(k)).ravel()
        size = len(codes) * k
        sums = np.bincount(cells, weights=np.where(present, X, 0.0).ravel(), minlength=size)
        counts = np.bincount(cells, weights=present.ravel(), minlength=size)
        sums, counts = sums.reshape(len(codes), k), counts.reshape(len(codes), k)
        with np.errstate(invalid="ignore", divide="ignore"):
            group_means = np.where(counts > 0, sums / np.maximum(counts, 1), overall)
        fill = group_means[inverse]
        info["groups"] = len(codes)
    X = np.where(missing, fill, X)
    still = np.isnan(X)
    info["imputed"] = int((missing & ~still).sum())
    return X, missing & ~still, info


def treat_outliers(
    X: np.ndarray,
    *,
    method: str = "none",
    lower_pct: float = 5.0,
    upper_pct: float = 95.0,
    z: float = 3.0,
) -> tuple[np.ndarray, dict[str, Any]]:
    """winsorise: clip each indicator to its [lower_pct, upper_pct] percentiles;
    cap_z: clip each indicator to mean ± z standard deviations."""
    if method not in OUTLIERS:
        raise IndexBuildError(f"Unknown outlier treatment {method!r}.")
    X = np.array(X, dtype=float)
    if method == "none" or X.shape[0] == 0:
        return X, {"capped": 0}
    if method == "winsorise":
        if not 0 <= lower_pct < upper_pct <= 100:
            raise IndexBuildError("Winsorising needs 0 ≤ lower percentile < upper ≤ 100.")
        percentile = np.nanpercentile if np.isnan(X).any() else np.percentile
        low, high = percentile(X, [lower_pct, upper_pct], axis=0)
        params = {"lower_pct": lower_pct, "upper_pct": upper_pct}
    else:
        if z <= 0:
            raise IndexBuildError("The z cap must be positive.")
        mean = np.nanmean(X, axis=0)
        sd = np.nanstd(X, axis=0)
        low, high = mean - z * sd, mean + z * sd
        params = {"z": z}
    capped = int(((low > X) | (high < X)).sum())
    return np.clip(X, low, high), {"capped": capped, **params}


def normalise(
    X: np.ndarray,
    *,
    method: str = "zscore",
    goalpost_low: np.ndarray | None = None,
    goalpost_high: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """zscore: (x - mean) / sd; minmax: (x - min) / (max - min); percentile_rank: the
    mid-rank (rank - 1) / (n - 1) in 0..1, ties averaged; goalposts: (x - low) / (high -
    low) with the indicator's fixed goalposts, clipped to 0..1 (comparable over years).
    A constant indicator normalises to 0 (zscore) or 0.5."""
    if method not in NORMALISATIONS:
        raise IndexBuildError(f"Unknown normalisation {method!r}.")
    X = np.asarray(X, dtype=float)
    info: dict[str, Any] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "zscore":
            mean = np.nanmean(X, axis=0) if X.size else np.zeros(X.shape[1])
            sd = np.nanstd(X, axis=0) if X.size else np.ones(X.shape[1])
            Z = np.where(sd > 0, (X - mean) / np.where(sd > 0, sd, 1), 0.0)
        elif method == "minmax":
            low = np.nanmin(X, axis=0)
            span = np.nanmax(X, axis=0) - low
            Z = np.where(span > 0, (X - low) / np.where(span > 0, span, 1), 0.5)
        elif method == "percentile_rank":
            from scipy.stats import rankdata

            valid = ~np.isnan(X)
            n = valid.sum(axis=0)
            ranks = rankdata(np.where(valid, X, np.inf), axis=0, method="average")
            Z = np.where(n > 1, (ranks - 1) / np.maximum(n - 1, 1), 0.5)
        else:
            if goalpost_low is None or goalpost_high is None:
                raise IndexBuildError("Goalpost normalisation needs goalposts for every indicator.")
            low = np.asarray(goalpost_low, dtype=float)
            high = np.asarray(goalpost_high, dtype=float)
            bad = np.isnan(low) | np.isnan(high) | (high <= low)
            if bad.any():
                raise IndexBuildError(
                    "Goalpost normalisation needs a lower goalpost below the upper one "
                    "for every indicator in the index."
                )
            Z = np.clip((X - low) / (high - low), 0.0, 1.0)
            info["clipped"] = int(((low > X) | (high < X)).sum())
    Z = np.where(np.isnan(X), np.nan, Z)
    return Z, info


def apply_direction(Z: np.ndarray, directions: np.ndarray, *, method: str) -> np.ndarray:
    """Flip indicators where higher is worse (direction -1): -z for z-scores, 1 - v for
    the 0..1 scales, so that higher always means more resilient."""
    directions = np.asarray(directions)
    flipped = -Z if method == "zscore" else 1.0 - Z
    return np.where(directions < 0, flipped, Z)


def nominal_weights(
    domain_of: np.ndarray,
    *,
    indicator_weights: np.ndarray | None = None,
    domain_weights: np.ndarray | None = None,
) -> np.ndarray:
    """Flat weights per indicator summing to 1: each domain's weight (equal when not
    given) shared among its indicators in proportion to their weights (equal when not
    given). Domains whose indicators all weigh 0 drop out."""
    domain_of = np.asarray(domain_of)
    n_dom = int(domain_of.max()) + 1 if domain_of.size else 0
    w_ind = (
        np.ones(domain_of.shape)
        if indicator_weights is None
        else np.asarray(indicator_weights, dtype=float)
    )
    w_dom = np.ones(n_dom) if domain_weights is None else np.asarray(domain_weights, float)
    if (w_ind < 0).any() or (w_dom < 0).any():
        raise IndexBuildError("Weights cannot be negative.")
    within = np.bincount(domain_of, weights=w_ind, minlength=n_dom)
    alive = within > 0
    w_dom = np.where(alive, w_dom, 0.0)
    if w_dom.sum() <= 0:
        raise IndexBuildError("All weights are zero.")
    share = w_ind / np.where(within > 0, within, 1)[domain_of]
    flat = share * w_dom[domain_of]
    return flat / flat.sum()


def domain_sums(A: np.ndarray, domain_of: np.ndarray, n_dom: int) -> np.ndarray:
    """Row sums of A's columns per domain (areas × domains); plain sums rather than a
    matrix product with a one-hot matrix, which is slower for a handful of columns."""
    out = np.zeros((A.shape[0], n_dom))
    for d in range(n_dom):
        cols = np.flatnonzero(domain_of == d)
        if len(cols):
            out[:, d] = A[:, cols].sum(axis=1)
    return out


def geometric_values(Z: np.ndarray) -> np.ndarray:
    """log(z - m + 1) with m the lowest value of the whole matrix: one common shift makes
    every value ≥ 1 before the log (ratios stay comparable between areas). NaN stays NaN."""
    low = np.nanmin(Z) if (~np.isnan(Z)).any() else 0.0
    return np.log(Z - low + 1.0)


def aggregate(
    Z: np.ndarray, weights: np.ndarray, domain_of: np.ndarray, *, method: str = "arithmetic"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Composite score, domain sub-scores and domain contributions per area.

    arithmetic: score = Σ w_i z_i / Σ w_i over the area's available indicators; the
    contribution of domain d is Σ_{i∈d} w_i z_i / Σ w_i, so contributions sum to the
    score. Sub-score d = Σ_{i∈d} w_i z_i / Σ_{i∈d} w_i.

    geometric: values are first shifted to be positive, v = z - m + 1 with m the lowest
    normalised value of the whole matrix (one common shift, so ratios stay comparable
    between areas); score = exp(Σ w_i log v_i / Σ w_i), a weighted geometric mean ≥ 1;
    sub-scores are the geometric means within each domain; the contribution of domain
    d splits the score in proportion to its share of log(score), so contributions sum
    to the score as well (equally when log(score) = 0).
    Returns (scores [areas], sub_scores [areas × domains], contributions [same]).
    """
    if method not in AGGREGATIONS:
        raise IndexBuildError(f"Unknown aggregation {method!r}.")
    Z = np.asarray(Z, dtype=float)
    domain_of = np.asarray(domain_of)
    n_dom = int(domain_of.max()) + 1 if domain_of.size else 0
    present = ~np.isnan(Z)
    V = np.where(present, geometric_values(Z) if method == "geometric" else Z, 0.0)
    Wp = present * weights  # areas × indicators
    part = domain_sums(V * weights, domain_of, n_dom)  # Σ_{i∈d} w_i v_i (missing as 0)
    wdom = domain_sums(Wp, domain_of, n_dom)
    wtot = wdom.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sub = np.where(wdom > 0, part / wdom, np.nan)
        share = np.where(wtot[:, None] > 0, part / wtot[:, None], np.nan)
        total = share.sum(axis=1)
        total = np.where(wtot > 0, total, np.nan)
        if method == "arithmetic":
            return total, sub, share
        scores = np.exp(total)
        sub = np.exp(sub)
        even = wdom / np.where(wtot > 0, wtot, 1)[:, None]
        frac = np.where(np.abs(total)[:, None] > 1e-12, share / total[:, None], even)
        return scores, sub, frac * scores[:, None]


def effective_weights(Z: np.ndarray, weights: np.ndarray, *, method: str) -> np.ndarray:
    """Each indicator's actual share in the final score: its contribution to the variance
    of the score, cov(w_i z_i, S) / var(S), which sums to 1 (on log values for geometric
    aggregation). Differs from the nominal weights when indicators differ in spread or are
    correlated. Missing values count as the indicator's mean."""
    Z = np.asarray(Z, dtype=float)
    if method == "geometric":
        Z = geometric_values(Z)
    means = np.nanmean(Z, axis=0) if Z.size else np.zeros(Z.shape[1])
    C = np.where(np.isnan(Z), 0.0, Z - means) * weights
    S = C.sum(axis=1)
    var = float((S * S).sum())
    if var <= 0:
        return np.asarray(weights, dtype=float) / max(float(np.sum(weights)), 1e-12)
    return (C * S[:, None]).sum(axis=0) / var
