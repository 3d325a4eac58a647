"""Small-area estimates with the area-level Fay–Herriot model.

For each area *d* with respondents the survey gives a direct estimate ``y_d`` (the mean
outcome of its respondents) with sampling variance ``psi_d``. The model is

    y_d = theta_d + e_d,   e_d ~ N(0, psi_d)      (sampling error, psi_d known)
    theta_d = x_d' beta + u_d,   u_d ~ N(0, A)    (area effect beyond the covariates)

with ``x_d`` area covariates known for every area (CBS attributes). ``A`` is estimated
by REML (Fisher scoring, truncated at zero). The EBLUP shrinks each direct estimate
towards the regression prediction, the more so the smaller the area's sample:

    theta_d = gamma_d y_d + (1 - gamma_d) x_d' beta,   gamma_d = A / (A + psi_d).

Its mean squared error is the Prasad–Rao approximation for REML (g1 + g2 + 2 g3).
Areas without respondents get the synthetic (regression) estimate ``x_d' beta`` with
MSE ``A + x_d' (X' V^-1 X)^-1 x_d`` — wider. Intervals: estimate ± z * sqrt(MSE)
(z = 1.645 for 90%).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats as sps


def _reml(
    y: np.ndarray, x: np.ndarray, psi: np.ndarray, *, tol: float = 1e-8, max_iter: int = 100
) -> tuple[float, int]:
    """REML estimate of the area variance A by Fisher scoring (all traces in p×p form)."""
    m, p = x.shape
    # Start from a moment estimate: residual variance of OLS minus mean sampling variance.
    beta_ols, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ beta_ols
    a = max(float(resid @ resid) / max(m - p, 1) - float(psi.mean()), 0.0)
    a = max(a, 1e-4 * float(np.var(y)) + 1e-12)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007
        w = 1.0 / (a + psi)
        xw = x * w[:, None]
        q = np.linalg.inv(x.T @ xw)
        beta = q @ (xw.T @ y)
        r = y - x @ beta
        py = w * r
        xw2x = x.T @ (x * (w**2)[:, None])
        xw3x = x.T @ (x * (w**3)[:, None])
        qw2 = q @ xw2x
        tr_p = float(w.sum() - np.trace(qw2))
        tr_pp = float((w**2).sum() - 2 * np.trace(q @ xw3x) + np.trace(qw2 @ qw2))
        score = -0.5 * tr_p + 0.5 * float(py @ py)
        info = 0.5 * tr_pp
        step = score / info
        new = a + step
        if new <= 0:
            new = 0.0 if a < 1e-10 else a / 2
        if abs(new - a) < tol * max(1.0, a):
            a = new
            break
        a = new
    return max(a, 0.0), iterations


def fay_herriot(
    *,
    direct: np.ndarray,
    variance: np.ndarray,
    covariates: np.ndarray,
    sampled: np.ndarray,
    level: float = 0.90,
) -> dict[str, Any]:
    """Fit the model and estimate every area.

    ``direct`` and ``variance`` hold the direct estimate and its sampling variance (any
    value where ``sampled`` is False); ``covariates`` is the m×p matrix of area covariates
    *including* an intercept column; ``sampled`` marks the areas with respondents.
    Returns arrays ``estimate``, ``mse``, ``low``, ``high``, ``gamma`` (0 for areas
    without respondents) and the fitted ``beta``, ``area_variance``.
    """
    direct = np.asarray(direct, dtype=float)
    variance = np.asarray(variance, dtype=float)
    x_all = np.asarray(covariates, dtype=float)
    sampled = np.asarray(sampled, dtype=bool)
    y = direct[sampled]
    psi = variance[sampled]
    x = x_all[sampled]
    m, p = x.shape
    if m <= p:
        raise ValueError("Too few areas with respondents for the covariates chosen.")
    a, iterations = _reml(y, x, psi)
    w = 1.0 / (a + psi)
    xw = x * w[:, None]
    q = np.linalg.inv(x.T @ xw)
    beta = q @ (xw.T @ y)
    synthetic = x_all @ beta
    # Leverage-type term x' Q x for every area.
    g2_core = np.einsum("ij,jk,ik->i", x_all, q, x_all)
    var_a = 2.0 / float((w**2).sum())  # asymptotic variance of the REML estimate of A
    estimate = synthetic.copy()
    mse = a + g2_core
    gamma = np.zeros(len(direct))
    g = a / (a + psi)
    gamma[sampled] = g
    estimate[sampled] = g * y + (1 - g) * synthetic[sampled]
    g1 = g * psi
    g2 = (1 - g) ** 2 * g2_core[sampled]
    g3 = psi**2 / (a + psi) ** 3 * var_a
    mse[sampled] = g1 + g2 + 2 * g3
    z = float(sps.norm.ppf(0.5 + level / 2))
    half = z * np.sqrt(mse)
    return {
        "estimate": estimate,
        "mse": mse,
        "low": estimate - half,
        "high": estimate + half,
        "gamma": gamma,
        "synthetic": synthetic,
        "beta": beta,
        "area_variance": a,
        "iterations": iterations,
        "areas_sampled": int(m),
        "level": level,
    }


def direct_estimates(
    codes: np.ndarray, values: np.ndarray, *, pooled: bool = True
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Mean outcome per area, its sampling variance and the respondent count.

    With ``pooled`` the within-area variance is pooled over all areas (s² / n_d): a
    single small area's own variance is too unstable to be treated as known.
    """
    codes = np.asarray(codes).astype(str)
    values = np.asarray(values, dtype=float)
    unique, inverse = np.unique(codes, return_inverse=True)
    counts = np.bincount(inverse)
    sums = np.bincount(inverse, weights=values)
    means = sums / counts
    dev = values - means[inverse]
    ss = np.bincount(inverse, weights=dev**2)
    if pooled:
        dof = max(len(values) - len(unique), 1)
        s2 = np.full(len(unique), ss.sum() / dof)
    else:
        overall = ss.sum() / max(len(values) - 1, 1)
        s2 = np.where(counts > 1, ss / np.maximum(counts - 1, 1), overall)
    return list(unique), means, s2 / counts, counts
