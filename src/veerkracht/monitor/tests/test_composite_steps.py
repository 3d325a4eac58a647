"""The composite index's steps on small arrays with hand-checked values (no database)."""

import numpy as np
import pytest

from veerkracht.monitor.composite import (
    IndexSpec,
    monte_carlo,
    run_pipeline,
    stanine_classes,
    steps,
)
from veerkracht.monitor.composite.steps import IndexBuildError

nan = np.nan


def test_impute_none_leaves_missing_and_flags_nothing():
    X = np.array([[1.0, nan], [3.0, 4.0]])
    out, flags, info = steps.impute(X, method="none")
    assert np.isnan(out[0, 1])
    assert not flags.any()
    assert info == {"missing": 1, "imputed": 0}


def test_impute_mean_uses_the_column_mean():
    X = np.array([[1.0, nan], [3.0, 4.0], [5.0, 8.0]])
    out, flags, info = steps.impute(X, method="mean")
    assert out[0, 1] == pytest.approx(6.0)
    assert flags.tolist() == [[False, True], [False, False], [False, False]]
    assert info["imputed"] == 1


def test_impute_group_mean_uses_the_group_and_falls_back_to_overall():
    X = np.array([[nan], [2.0], [10.0], [nan], [nan]])
    groups = np.array(["a", "a", "b", "b", "c"])
    out, flags, info = steps.impute(X, method="group_mean", groups=groups)
    # a -> 2, b -> 10, c has no value -> overall mean 6.
    assert out[:, 0].tolist() == [2.0, 2.0, 10.0, 10.0, 6.0]
    assert flags[:, 0].tolist() == [True, False, False, True, True]
    assert info["groups"] == 3


def test_group_mean_without_groups_is_refused():
    with pytest.raises(IndexBuildError):
        steps.impute(np.array([[nan], [1.0]]), method="group_mean")


def test_winsorise_clips_to_percentiles():
    X = np.arange(0.0, 101.0).reshape(-1, 1)  # 0..100
    out, info = steps.treat_outliers(X, method="winsorise", lower_pct=10, upper_pct=90)
    assert out.min() == 10.0 and out.max() == 90.0
    assert info["capped"] == 20


def test_cap_z_clips_at_mean_plus_z_sd():
    X = np.array([[0.0], [0.0], [0.0], [0.0], [10.0]])  # mean 2, sd 4
    out, info = steps.treat_outliers(X, method="cap_z", z=1.0)
    assert out[:, 0].tolist() == [0.0, 0.0, 0.0, 0.0, 6.0]
    assert info["capped"] == 1


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("zscore", [-1.224745, 0.0, 1.224745]),
        ("minmax", [0.0, 0.5, 1.0]),
        ("percentile_rank", [0.0, 0.5, 1.0]),
    ],
)
def test_normalisations(method, expected):
    X = np.array([[2.0], [4.0], [6.0]])
    Z, _ = steps.normalise(X, method=method)
    assert Z[:, 0] == pytest.approx(expected, abs=1e-6)


def test_goalposts_are_fixed_and_clipped():
    X = np.array([[-10.0], [25.0], [150.0]])
    Z, info = steps.normalise(
        X, method="goalposts", goalpost_low=np.array([0.0]), goalpost_high=np.array([100.0])
    )
    assert Z[:, 0].tolist() == [0.0, 0.25, 1.0]
    assert info["clipped"] == 2


def test_goalposts_missing_are_refused():
    with pytest.raises(IndexBuildError):
        steps.normalise(
            np.array([[1.0]]),
            method="goalposts",
            goalpost_low=np.array([nan]),
            goalpost_high=np.array([1.0]),
        )


def test_percentile_rank_averages_ties_and_keeps_missing():
    Z, _ = steps.normalise(np.array([[1.0], [1.0], [3.0], [nan]]), method="percentile_rank")
    assert Z[:3, 0].tolist() == [0.25, 0.25, 1.0]
    assert np.isnan(Z[3, 0])


def test_direction_flips_down_indicators():
    Z = np.array([[0.2, 0.2], [1.5, -1.0]])
    assert steps.apply_direction(Z[:1], np.array([1, -1]), method="minmax").tolist() == [[0.2, 0.8]]
    assert steps.apply_direction(Z[1:], np.array([1, -1]), method="zscore").tolist() == [[1.5, 1.0]]


def test_nominal_weights_share_domain_weight_among_indicators():
    w = steps.nominal_weights(np.array([0, 0, 1]))
    assert w.tolist() == pytest.approx([0.25, 0.25, 0.5])
    w = steps.nominal_weights(
        np.array([0, 0, 1]),
        indicator_weights=np.array([3.0, 1.0, 1.0]),
        domain_weights=np.array([1.0, 3.0]),
    )
    assert w.tolist() == pytest.approx([0.1875, 0.0625, 0.75])


def test_arithmetic_aggregation_contributions_sum_to_score():
    Z = np.array([[1.0, 3.0, 2.0], [0.0, nan, 4.0]])
    w = np.array([0.25, 0.25, 0.5])
    scores, sub, contrib = steps.aggregate(Z, w, np.array([0, 0, 1]), method="arithmetic")
    # Area 1: 0.25 + 0.75 + 1.0 = 2.0; area 2 drops the missing one: (0 + 2) / 0.75.
    assert scores == pytest.approx([2.0, 2.0 / 0.75])
    assert sub[0].tolist() == pytest.approx([2.0, 2.0])
    assert contrib.sum(axis=1) == pytest.approx(scores)
    assert contrib[0].tolist() == pytest.approx([1.0, 1.0])


def test_geometric_aggregation_shifts_and_splits_by_log_share():
    Z = np.array([[0.0, 0.0], [1.0, 3.0]])  # min 0: shifted to 1 + z
    w = np.array([0.5, 0.5])
    scores, sub, contrib = steps.aggregate(Z, w, np.array([0, 1]), method="geometric")
    assert scores == pytest.approx([1.0, np.sqrt(2.0 * 4.0)])
    assert sub[1].tolist() == pytest.approx([2.0, 4.0])
    assert contrib.sum(axis=1) == pytest.approx(scores)
    # log-shares: log 2 : log 4 = 1 : 2
    assert contrib[1, 1] / contrib[1, 0] == pytest.approx(2.0)


def test_effective_weights_follow_variance_not_nominal_weight():
    rng = np.random.default_rng(1)
    Z = np.column_stack([rng.normal(0, 1, 500), rng.normal(0, 3, 500)])
    eff = steps.effective_weights(Z, np.array([0.5, 0.5]), method="arithmetic")
    assert eff.sum() == pytest.approx(1.0)
    assert eff[1] > 0.8  # the wider indicator dominates: 9 / (1 + 9)


def test_stanines_hold_the_standard_shares():
    classes = stanine_classes(np.arange(100.0))
    counts = np.bincount(classes, minlength=10)[1:]
    assert counts.tolist() == [4, 7, 12, 17, 20, 17, 12, 7, 4]
    assert stanine_classes(np.array([1.0, nan]))[1] == 0


def _spec(k=6, goalposts=True):
    return IndexSpec(
        codes=[f"i{j}" for j in range(k)],
        domain_of=np.arange(k) % 3,
        domains=["persoonlijk", "sociaal", "leefomgeving"],
        directions=np.where(np.arange(k) == 0, -1.0, 1.0),
        goalpost_low=np.zeros(k) if goalposts else None,
        goalpost_high=np.full(k, 100.0) if goalposts else None,
        indicator_expert=np.ones(k),
        domain_expert=np.array([2.0, 1.0, 1.0]),
    )


def _data(n=120, k=6, seed=5):
    rng = np.random.default_rng(seed)
    latent = rng.normal(0, 1, n)
    X = 50 + 10 * latent[:, None] + rng.normal(0, 5, (n, k))
    X[:, 0] = 100 - X[:, 0]  # the "down" indicator
    X[rng.random((n, k)) < 0.05] = nan
    return X, latent, rng.integers(0, 4, n)


def test_pipeline_orders_areas_by_the_latent_resilience_and_logs_every_step():
    X, latent, groups = _data()
    result = run_pipeline(X, _spec(), {"imputation": "group_mean"}, groups=groups)
    assert [e["step"] for e in result.log] == [
        "imputation",
        "outliers",
        "normalisation",
        "direction",
        "weighting",
        "aggregation",
    ]
    assert np.corrcoef(result.scores, latent)[0, 1] > 0.9
    assert result.classes.min() >= 1 and result.classes.max() <= 9
    assert result.effective_weights.sum() == pytest.approx(1.0)
    assert result.imputed.sum() == result.log[0]["imputed"] > 0


def test_regression_weights_without_a_model_are_refused():
    with pytest.raises(IndexBuildError):
        _spec().weights("regression")


def test_monte_carlo_is_reproducible_and_bands_contain_the_median():
    X, latent, groups = _data()
    a = monte_carlo(X, _spec(), replications=200, seed=7, groups=groups)
    b = monte_carlo(X, _spec(), replications=200, seed=7, groups=groups)
    assert np.array_equal(a.median_class, b.median_class)
    assert np.array_equal(a.band_low, b.band_low) and np.array_equal(a.band_high, b.band_high)
    assert np.allclose(a.mean_contributions, b.mean_contributions)
    assert a.median_class.min() >= 1 and a.median_class.max() <= 9
    assert (a.band_low <= a.median_class).all() and (a.median_class <= a.band_high).all()
    assert a.class_counts.sum(axis=1).tolist() == [200] * len(X)
    assert sum(a.choices["aggregation"].values()) == 200
    assert np.corrcoef(a.mean_contributions.sum(axis=1), latent)[0, 1] > 0.9
    c = monte_carlo(X, _spec(), replications=200, seed=8, groups=groups)
    assert not np.array_equal(a.class_counts, c.class_counts)
