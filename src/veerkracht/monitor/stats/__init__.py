"""Statistics of the monitor: the explanatory model and small-area estimates.

Pure functions on pandas/numpy data, without Django: the services read the survey file,
call these and store the JSON-safe results in a `ModelRun`.
"""

from .explanatory import ExplanatoryError, fit_explanatory
from .small_area import fay_herriot

__all__ = ["ExplanatoryError", "fay_herriot", "fit_explanatory"]
