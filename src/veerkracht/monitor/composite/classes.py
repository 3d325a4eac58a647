"""Classes 1–9 (9 = most resilient): stanines of the score distribution.

The fixed rule: an area's class is its stanine within the scores of the same run, level
and year. Areas are ranked (ties share their average rank), the mid-rank percentile
p = (rank - 0.5) / n is taken, and the stanine boundaries at the cumulative
percentages 4, 11, 23, 40, 60, 77, 89 and 96 % cut p into 9 classes holding about
4, 7, 12, 17, 20, 17, 12, 7 and 4 % of the areas.
"""

import numpy as np
from scipy.stats import rankdata

STANINE_CUTS = np.array([0.04, 0.11, 0.23, 0.40, 0.60, 0.77, 0.89, 0.96])


def stanine_classes(scores: np.ndarray, *, axis: int = 0) -> np.ndarray:
    """Classes 1..9 of `scores` along `axis` (NaN scores get class 0)."""
    scores = np.asarray(scores, dtype=float)
    valid = ~np.isnan(scores)
    n = valid.sum(axis=axis, keepdims=True)
    ranks = rankdata(np.where(valid, scores, np.inf), axis=axis, method="average")
    pct = (ranks - 0.5) / np.maximum(n, 1)
    classes = np.searchsorted(STANINE_CUTS, pct, side="right").astype(np.int16) + 1
    return np.where(valid, classes, 0).astype(np.int16)
