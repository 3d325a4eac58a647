"""The composite index: pure, vectorised numpy steps (no Django) and the Monte Carlo
uncertainty analysis over the choices.

    steps.py        imputation, outliers, normalisation, direction, weights, aggregation
    classes.py      scores -> classes 1..9 (stanines)
    pipeline.py     one deterministic run of all steps, with its log
    montecarlo.py   replications over the choices -> median class, 5-95% band

See docs/monitor-index.md for the rules.
"""

from .classes import stanine_classes
from .montecarlo import MonteCarloResult, monte_carlo
from .pipeline import IndexSpec, PipelineResult, run_pipeline

__all__ = [
    "IndexSpec",
    "MonteCarloResult",
    "PipelineResult",
    "monte_carlo",
    "run_pipeline",
    "stanine_classes",
]
