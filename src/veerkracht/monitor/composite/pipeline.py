"""One deterministic run of the composite index over one year's (areas × indicators)
matrix: imputation → outliers → normalisation → direction → weighting → aggregation →
classes, each step logged with its parameters and what it did."""

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import steps
from .classes import stanine_classes
from .steps import IndexBuildError

DEFAULTS: dict[str, Any] = {
    "imputation": "mean",
    "outliers": "none",
    "winsorise_lower": 5.0,
    "winsorise_upper": 95.0,
    "cap_z": 3.0,
    "normalisation": "zscore",
    "weighting": "equal",
    "aggregation": "arithmetic",
    "replications": 1000,
    "seed": 20231,
    "weight_perturbation": 0.25,
}


@dataclass
class IndexSpec:
    """The indicators of the index (columns of X) and their properties."""

    codes: list[str]
    domain_of: np.ndarray  # column -> domain index
    domains: list[str]  # domain slugs, by index
    directions: np.ndarray  # +1 higher is better, -1 higher is worse
    goalpost_low: np.ndarray | None = None
    goalpost_high: np.ndarray | None = None
    indicator_expert: np.ndarray | None = None
    domain_expert: np.ndarray | None = None
    regression: np.ndarray | None = None  # per-indicator weights from a model run, or None

    def __post_init__(self) -> None:
        self.domain_of = np.asarray(self.domain_of, dtype=np.intp)
        self.directions = np.asarray(self.directions, dtype=float)
        k = len(self.codes)
        if self.domain_of.shape != (k,) or self.directions.shape != (k,):
            raise IndexBuildError("Each indicator needs a domain and a direction.")
        if k == 0:
            raise IndexBuildError("No indicators in the index (in-index domain, direction set).")

    def has_goalposts(self) -> bool:
        if self.goalpost_low is None or self.goalpost_high is None:
            return False
        low = np.asarray(self.goalpost_low, dtype=float)
        high = np.asarray(self.goalpost_high, dtype=float)
        return bool((~np.isnan(low) & ~np.isnan(high) & (high > low)).all())

    def subset(self, columns: np.ndarray) -> "IndexSpec":
        """The spec for some of the indicators (e.g. those with data in a year); domains
        left without indicators drop out."""
        columns = np.flatnonzero(np.asarray(columns))
        kept = sorted(set(self.domain_of[columns].tolist()))
        remap = {old: new for new, old in enumerate(kept)}

        def pick(values: np.ndarray | None, index: Any) -> np.ndarray | None:
            return None if values is None else np.asarray(values)[index]

        return IndexSpec(
            codes=[self.codes[j] for j in columns],
            domain_of=np.array([remap[d] for d in self.domain_of[columns]], dtype=np.intp),
            domains=[self.domains[d] for d in kept],
            directions=self.directions[columns],
            goalpost_low=pick(self.goalpost_low, columns),
            goalpost_high=pick(self.goalpost_high, columns),
            indicator_expert=pick(self.indicator_expert, columns),
            domain_expert=pick(self.domain_expert, kept),
            regression=pick(self.regression, columns),
        )

    def weights(self, scheme: str) -> np.ndarray:
        """Nominal flat weights (sum 1) for a weighting scheme."""
        if scheme == "equal":
            return steps.nominal_weights(self.domain_of)
        if scheme == "expert":
            return steps.nominal_weights(
                self.domain_of,
                indicator_weights=self.indicator_expert,
                domain_weights=self.domain_expert,
            )
        if scheme == "regression":
            if self.regression is None:
                raise IndexBuildError(
                    "Regression weights need a published explanatory model run with "
                    "standardised effects; publish one first or choose another weighting."
                )
            w = np.abs(np.asarray(self.regression, dtype=float))
            if not w.sum() > 0:
                raise IndexBuildError("The model run gives no effect for these indicators.")
            return w / w.sum()
        raise IndexBuildError(f"Unknown weighting {scheme!r}.")


@dataclass
class PipelineResult:
    scores: np.ndarray
    classes: np.ndarray
    sub_scores: np.ndarray
    contributions: np.ndarray
    imputed: np.ndarray  # areas × indicators bool
    weights: np.ndarray
    effective_weights: np.ndarray
    log: list[dict[str, Any]] = field(default_factory=list)


def prepare(
    X: np.ndarray,
    spec: IndexSpec,
    *,
    imputation: str,
    normalisation: str,
    outliers: str = "none",
    groups: np.ndarray | None = None,
    params: dict[str, Any] | None = None,
    log: list[dict[str, Any]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Imputation, outliers, normalisation and direction: the oriented matrix Z (higher
    is more resilient) and the imputed mask."""
    params = {**DEFAULTS, **(params or {})}
    X, imputed, info = steps.impute(X, method=imputation, groups=groups)
    if log is not None:
        log.append({"step": "imputation", "choice": imputation, **info})
    X, info = steps.treat_outliers(
        X,
        method=outliers,
        lower_pct=float(params["winsorise_lower"]),
        upper_pct=float(params["winsorise_upper"]),
        z=float(params["cap_z"]),
    )
    if log is not None:
        log.append({"step": "outliers", "choice": outliers, **info})
    Z, info = steps.normalise(
        X,
        method=normalisation,
        goalpost_low=spec.goalpost_low,
        goalpost_high=spec.goalpost_high,
    )
    if log is not None:
        log.append({"step": "normalisation", "choice": normalisation, **info})
    Z = steps.apply_direction(Z, spec.directions, method=normalisation)
    if log is not None:
        log.append({"step": "direction", "flipped": int((spec.directions < 0).sum())})
    return Z, imputed


def run_pipeline(
    X: np.ndarray,
    spec: IndexSpec,
    parameters: dict[str, Any] | None = None,
    *,
    groups: np.ndarray | None = None,
) -> PipelineResult:
    """All steps with the chosen parameters on one year's matrix."""
    p = {**DEFAULTS, **(parameters or {})}
    X = np.asarray(X, dtype=float)
    log: list[dict[str, Any]] = []
    Z, imputed = prepare(
        X,
        spec,
        imputation=p["imputation"],
        normalisation=p["normalisation"],
        outliers=p["outliers"],
        groups=groups,
        params=p,
        log=log,
    )
    weights = spec.weights(p["weighting"])
    eff = steps.effective_weights(Z, weights, method=p["aggregation"])
    log.append(
        {
            "step": "weighting",
            "choice": p["weighting"],
            "nominal": {c: round(float(w), 4) for c, w in zip(spec.codes, weights, strict=True)},
        }
    )
    scores, sub, contrib = steps.aggregate(Z, weights, spec.domain_of, method=p["aggregation"])
    log.append(
        {
            "step": "aggregation",
            "choice": p["aggregation"],
            "areas": int(np.isfinite(scores).sum()),
            "without_data": int(np.isnan(scores).sum()),
        }
    )
    classes = stanine_classes(scores)
    return PipelineResult(
        scores=scores,
        classes=classes,
        sub_scores=sub,
        contributions=contrib,
        imputed=imputed,
        weights=weights,
        effective_weights=eff,
        log=log,
    )
