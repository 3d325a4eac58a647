"""The explanatory model: which resources (hulpbronnen) go with more resilience.

One row per respondent: the outcome (`veerkracht`), one score per resilience factor,
background variables (categorical: age group, sex, education …) and optionally the
municipality code. The outcome and the factor scores are standardised (z-scores), so
each coefficient is a standardised effect (beta): the change in the outcome, in standard
deviations, for one standard deviation more of that resource, the other resources and the
background variables held equal.

Two estimators:

* ``ols`` — ordinary least squares with heteroskedasticity-robust HC3 standard errors;
* ``mixed`` — the same fixed effects with a random intercept per municipality (REML,
  see `_mixed`), for respondents clustered in municipalities.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize
from scipy import stats as sps


class ExplanatoryError(ValueError):
    """The data do not allow the model asked for (missing columns, too few rows …)."""


def _design(
    frame: pd.DataFrame, factors: Sequence[str], covariates: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Intercept, standardised factors, then dummies of each background variable
    (first level as reference)."""
    n = len(frame)
    blocks = [np.ones((n, 1))]
    names = ["const"]
    z = frame[list(factors)].to_numpy(dtype=float)
    sd = z.std(axis=0, ddof=1)
    if np.any(sd == 0):
        constant = [f for f, s in zip(factors, sd, strict=True) if s == 0]
        raise ExplanatoryError(f"Factor without variation: {', '.join(constant)}")
    blocks.append((z - z.mean(axis=0)) / sd)
    names.extend(factors)
    for column in covariates:
        values = frame[column].astype(str)
        levels = sorted(values.unique())
        if len(levels) < 2:
            continue
        codes = pd.Categorical(values, categories=levels).codes
        dummies = np.zeros((n, len(levels) - 1))
        rows = codes > 0
        dummies[np.flatnonzero(rows), codes[rows] - 1] = 1.0
        blocks.append(dummies)
        names.extend(f"{column}={level}" for level in levels[1:])
    return np.hstack(blocks), names


def _ols_hc3(x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """OLS with HC3 standard errors, computed directly (fast for 100,000 rows)."""
    n, p = x.shape
    q, r = np.linalg.qr(x)
    if np.min(np.abs(np.diag(r))) < 1e-10 * np.max(np.abs(np.diag(r))):
        raise ExplanatoryError("The design matrix is singular (collinear variables).")
    beta = np.linalg.solve(r, q.T @ y)
    resid = y - x @ beta
    leverage = np.einsum("ij,ij->i", q, q)
    r_inv = np.linalg.inv(r)
    xtx_inv = r_inv @ r_inv.T
    omega = (resid / (1.0 - leverage)) ** 2
    meat = (x * omega[:, None]).T @ x
    cov = xtx_inv @ meat @ xtx_inv
    se = np.sqrt(np.diag(cov))
    tss = float(((y - y.mean()) ** 2).sum())
    rss = float((resid**2).sum())
    r2 = 1.0 - rss / tss
    return {
        "params": beta,
        "se": se,
        "df": n - p,
        "r2": r2,
        "r2_adj": 1.0 - (1.0 - r2) * (n - 1) / (n - p),
        "dist": "t",
    }


def _mixed(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    """Random intercept per group, fitted by REML.

    With the variance ratio lambda = tau² / sigma² fixed, GLS is OLS on the
    Fuller–Battese transformed data (each row minus c_g times its group mean,
    c_g = 1 - 1 / sqrt(1 + n_g lambda)); sigma² is profiled out and the REML
    log-likelihood is maximised over log lambda (bounded, one dimension). Standard errors
    are the model-based GLS ones. Fast for 100,000 rows, and stable when the group
    variance is (near) zero — where general optimisers struggle.
    """
    _, inverse = np.unique(groups, return_inverse=True)
    counts = np.bincount(inverse).astype(float)
    n, p = x.shape
    x_means = (
        np.column_stack([np.bincount(inverse, weights=x[:, j]) for j in range(p)]) / counts[:, None]
    )
    y_means = np.bincount(inverse, weights=y) / counts

    def transformed(lam: float) -> tuple[np.ndarray, np.ndarray]:
        c = 1.0 - 1.0 / np.sqrt(1.0 + counts * lam)
        return x - (c[:, None] * x_means)[inverse], y - (c * y_means)[inverse]

    def gls(lam: float) -> tuple[float, np.ndarray, np.ndarray, float]:
        xs, ys = transformed(lam)
        xtx = xs.T @ xs
        beta = np.linalg.solve(xtx, xs.T @ ys)
        rss = float(((ys - xs @ beta) ** 2).sum())
        sigma2 = rss / (n - p)
        _sign, logdet = np.linalg.slogdet(xtx)
        neg_loglik = 0.5 * ((n - p) * np.log(sigma2) + float(np.log1p(counts * lam).sum()) + logdet)
        return neg_loglik, beta, xtx, sigma2

    result = optimize.minimize_scalar(
        lambda t: gls(float(np.exp(t)))[0], bounds=(-14.0, 6.0), method="bounded"
    )
    lam = float(np.exp(result.x))
    if gls(0.0)[0] <= gls(lam)[0]:
        lam = 0.0
    _, params, xtx, sigma2 = gls(lam)
    se = np.sqrt(np.diag(np.linalg.inv(xtx)) * sigma2)
    group_var = lam * sigma2
    fitted = x @ params
    marginal_r2 = float(np.var(fitted) / (np.var(fitted) + group_var + sigma2))
    return {
        "params": params,
        "se": se,
        "df": None,
        "r2": marginal_r2,
        "r2_adj": None,
        "dist": "z",
        "group_variance": group_var,
        "residual_variance": sigma2,
        "icc": group_var / (group_var + sigma2),
    }


def _clean(value: float | None, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def fit_explanatory(
    frame: pd.DataFrame,
    *,
    outcome: str = "veerkracht",
    factors: Sequence[str],
    covariates: Sequence[str] = (),
    group: str | None = None,
    random_intercept: bool = False,
    level: float = 0.95,
    top: int = 10,
) -> dict[str, Any]:
    """Fit the model and return JSON-safe results.

    ``effects`` holds one item per factor (standardised beta, standard error, CI, p,
    rank; rank 1 = the largest positive effect); ``ranking`` lists the factors in that
    order and ``top`` the first ``top`` of them (the "top 10 hulpbronnen").
    """
    factors = list(factors)
    covariates = list(covariates)
    if not factors:
        raise ExplanatoryError("Choose at least one factor.")
    needed = [outcome, *factors, *covariates] + ([group] if group else [])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ExplanatoryError(f"Columns missing from the data: {', '.join(missing)}")
    if random_intercept and not group:
        raise ExplanatoryError("A random intercept needs a grouping column.")
    data = frame[needed].copy()
    numeric = [outcome, *factors]
    data[numeric] = data[numeric].apply(pd.to_numeric, errors="coerce")
    data = data.dropna()
    n_dropped = len(frame) - len(data)
    x, names = _design(data, factors, covariates)
    if len(data) <= x.shape[1] + 2:
        raise ExplanatoryError("Too few complete rows for this model.")
    y_raw = data[outcome].to_numpy(dtype=float)
    sd_y = y_raw.std(ddof=1)
    if sd_y == 0:
        raise ExplanatoryError("The outcome has no variation.")
    y = (y_raw - y_raw.mean()) / sd_y
    if random_intercept:
        fit = _mixed(x, y, data[group].astype(str).to_numpy())
        method = "mixed"
    else:
        fit = _ols_hc3(x, y)
        method = "ols_hc3"
    alpha = 1.0 - level
    if fit["dist"] == "t":
        crit = float(sps.t.ppf(1 - alpha / 2, fit["df"]))
    else:
        crit = float(sps.norm.ppf(1 - alpha / 2))
    params, se = fit["params"], fit["se"]
    stat = params / se
    if fit["dist"] == "t":
        pvalues = 2 * sps.t.sf(np.abs(stat), fit["df"])
    else:
        pvalues = 2 * sps.norm.sf(np.abs(stat))
    effects = []
    for i, name in enumerate(names[1 : 1 + len(factors)], start=1):
        effects.append(
            {
                "factor": name,
                "beta": _clean(params[i]),
                "se": _clean(se[i]),
                "ci_low": _clean(params[i] - crit * se[i]),
                "ci_high": _clean(params[i] + crit * se[i]),
                "p": _clean(pvalues[i], 10),
            }
        )
    order = sorted(range(len(effects)), key=lambda k: -effects[k]["beta"])
    for rank, k in enumerate(order, start=1):
        effects[k]["rank"] = rank
    effects.sort(key=lambda e: e["rank"])
    background = [
        {
            "term": names[i],
            "coef": _clean(params[i]),
            "ci_low": _clean(params[i] - crit * se[i]),
            "ci_high": _clean(params[i] + crit * se[i]),
            "p": _clean(pvalues[i], 10),
        }
        for i in range(1 + len(factors), len(names))
    ]
    result: dict[str, Any] = {
        "method": method,
        "outcome": outcome,
        "n": len(data),
        "n_dropped": int(n_dropped),
        "r2": _clean(fit["r2"]),
        "r2_adj": _clean(fit["r2_adj"]) if fit["r2_adj"] is not None else None,
        "level": level,
        "effects": effects,
        "ranking": [e["factor"] for e in effects],
        "top": [e["factor"] for e in effects[:top]],
        "background": background,
    }
    if random_intercept:
        result["group"] = group
        result["groups"] = int(data[group].nunique())
        result["group_variance"] = _clean(fit["group_variance"])
        result["residual_variance"] = _clean(fit["residual_variance"])
        result["icc"] = _clean(fit["icc"])
    return result
