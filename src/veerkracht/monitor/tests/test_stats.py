"""Simulation tests of the explanatory model and the Fay–Herriot small-area estimates
(small sizes, fixed seeds)."""

import numpy as np
import pandas as pd
import pytest

from veerkracht.monitor.stats import ExplanatoryError, fay_herriot, fit_explanatory
from veerkracht.monitor.stats.small_area import direct_estimates

TRUE_B = {
    "gezondheid": 0.50,
    "regie-eigen-leven": 0.40,
    "sociale-contacten": 0.30,
    "vertrouwen": 0.22,
    "niet-eenzaam": 0.15,
    "vrijwilligerswerk": 0.08,
    "digitale-vaardigheden": 0.0,
}


def _survey(n: int, seed: int, *, groups: int = 30, group_sd: float = 0.0) -> tuple:
    """Independent unit-variance factors, y = Σ b f + age effect + group effect + e.

    With independent factors the true standardised effect is b / sd(y)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.standard_normal(n) for name in TRUE_B})
    age = rng.choice(["18-34", "35-64", "65+"], size=n)
    age_effect = pd.Series(age).map({"18-34": 0.0, "35-64": 0.1, "65+": -0.2}).to_numpy()
    group = rng.integers(0, groups, size=n)
    group_effect = rng.normal(0, group_sd, size=groups)[group] if group_sd else 0.0
    noise_sd = 0.8
    y = sum(b * frame[name] for name, b in TRUE_B.items()) + age_effect + group_effect
    y = y + rng.normal(0, noise_sd, size=n)
    frame["veerkracht"] = 6.5 + 1.2 * y
    frame["leeftijd"] = age
    frame["gemeente"] = [f"GM{g:04d}" for g in group]
    var_age = np.var([0.0, 0.1, -0.2])
    sd_y = np.sqrt(sum(b * b for b in TRUE_B.values()) + var_age + group_sd**2 + noise_sd**2)
    return frame, {name: b / sd_y for name, b in TRUE_B.items()}


def test_ols_recovers_known_standardised_effects_and_their_order():
    frame, truth = _survey(4000, seed=7)
    result = fit_explanatory(frame, factors=list(TRUE_B), covariates=["leeftijd"])
    assert result["method"] == "ols_hc3"
    assert result["n"] == 4000
    assert 0.3 < result["r2"] < 0.6
    for effect in result["effects"]:
        assert effect["ci_low"] <= truth[effect["factor"]] <= effect["ci_high"], effect
        assert effect["ci_low"] < effect["beta"] < effect["ci_high"]
    # The clearly different effects come out in the true order.
    assert result["ranking"] == list(TRUE_B)
    assert result["top"][:3] == ["gezondheid", "regie-eigen-leven", "sociale-contacten"]
    null = next(e for e in result["effects"] if e["factor"] == "digitale-vaardigheden")
    assert null["p"] > 0.01
    assert next(e for e in result["effects"] if e["factor"] == "gezondheid")["p"] < 1e-10
    assert [b["term"] for b in result["background"]] == ["leeftijd=35-64", "leeftijd=65+"]


def test_random_intercept_model_recovers_effects_and_group_variance():
    frame, truth = _survey(3000, seed=11, groups=25, group_sd=0.5)
    result = fit_explanatory(
        frame,
        factors=list(TRUE_B),
        covariates=["leeftijd"],
        group="gemeente",
        random_intercept=True,
    )
    assert result["method"] == "mixed"
    assert result["groups"] == 25
    assert result["icc"] > 0.05
    for effect in result["effects"]:
        # Within-group standardisation: the total variance includes the group effect.
        assert effect["ci_low"] - 0.02 <= truth[effect["factor"]] <= effect["ci_high"] + 0.02
    assert result["ranking"][:4] == list(TRUE_B)[:4]


def test_random_intercept_without_group_differences_gives_zero_variance():
    frame, _truth = _survey(2000, seed=3, groups=20, group_sd=0.0)
    result = fit_explanatory(frame, factors=list(TRUE_B), group="gemeente", random_intercept=True)
    assert result["icc"] < 0.02
    ols = fit_explanatory(frame, factors=list(TRUE_B))
    for mixed, plain in zip(result["effects"], ols["effects"], strict=True):
        assert abs(mixed["beta"] - plain["beta"]) < 0.01


def test_explanatory_refuses_bad_input():
    frame, _ = _survey(50, seed=1)
    with pytest.raises(ExplanatoryError):
        fit_explanatory(frame, factors=["onbekend"])
    with pytest.raises(ExplanatoryError):
        fit_explanatory(frame, factors=["gezondheid"], random_intercept=True)
    frame["constant"] = 1.0
    with pytest.raises(ExplanatoryError):
        fit_explanatory(frame, factors=["gezondheid", "constant"])


def _small_area_world(rng, *, areas: int, out_of_sample: int):
    """Areas with a covariate, true means θ = 5 + 0.8 x + u, respondents per area 3–40."""
    x = rng.standard_normal(areas)
    theta = 5.0 + 0.8 * x + rng.normal(0, 0.35, size=areas)
    sizes = rng.integers(3, 41, size=areas)
    sizes[:out_of_sample] = 0
    codes = np.repeat(np.arange(areas), sizes)
    values = theta[codes] + rng.normal(0, 1.5, size=codes.size)
    return x, theta, sizes, codes, values


def test_fay_herriot_beats_direct_estimates_and_covers_90_percent():
    rng = np.random.default_rng(2024)
    areas, hits, total, total_out, hits_out = 150, 0, 0, 0, 0
    sq_model, sq_direct = 0.0, 0.0
    for _ in range(40):
        x, theta, sizes, codes, values = _small_area_world(rng, areas=areas, out_of_sample=10)
        found, means, variances, _counts = direct_estimates(codes, values)
        index = np.array([int(c) for c in found])
        direct = np.zeros(areas)
        variance = np.ones(areas)
        direct[index], variance[index] = means, variances
        sampled = sizes > 0
        design = np.column_stack([np.ones(areas), x])
        fit = fay_herriot(direct=direct, variance=variance, covariates=design, sampled=sampled)
        inside = (fit["low"] <= theta) & (theta <= fit["high"])
        hits += int(inside[sampled].sum())
        total += int(sampled.sum())
        hits_out += int(inside[~sampled].sum())
        total_out += int((~sampled).sum())
        sq_model += float(((fit["estimate"] - theta)[sampled] ** 2).sum())
        sq_direct += float(((direct - theta)[sampled] ** 2).sum())
        # Areas without respondents get the wider synthetic interval.
        assert fit["mse"][~sampled].min() > fit["mse"][sampled].max() * 0.5
        assert np.all(fit["gamma"][~sampled] == 0)
    rmse_model, rmse_direct = np.sqrt(sq_model / total), np.sqrt(sq_direct / total)
    assert rmse_model < 0.8 * rmse_direct
    coverage = hits / total
    assert 0.85 <= coverage <= 0.95, coverage
    assert 0.80 <= hits_out / total_out <= 0.98


def test_fay_herriot_area_variance_is_recovered():
    rng = np.random.default_rng(5)
    x, _theta, _sizes, codes, values = _small_area_world(rng, areas=400, out_of_sample=0)
    found, means, variances, _ = direct_estimates(codes, values)
    order = np.argsort([int(c) for c in found])
    fit = fay_herriot(
        direct=means[order],
        variance=variances[order],
        covariates=np.column_stack([np.ones(400), x]),
        sampled=np.ones(400, dtype=bool),
    )
    assert 0.06 < fit["area_variance"] < 0.2  # true 0.35² = 0.1225
    assert abs(fit["beta"][1] - 0.8) < 0.1
