"""Small-cell suppression: values based on fewer than `MONITOR_MIN_N` respondents or cases
are never shown on a public page, map or export.

Use `is_suppressed(n)` for one value, `suppress(value, n)` to blank it, or
`suppress_rows(rows)` on a list of dicts with `value` and `n` (adds `suppressed`).
`n` None means register data (CBS): those values are complete counts, not samples, and
are not suppressed.
"""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.conf import settings

DEFAULT_MIN_N = 10

T = TypeVar("T")


def min_n() -> int:
    """The threshold: setting MONITOR_MIN_N (default 10)."""
    return int(getattr(settings, "MONITOR_MIN_N", DEFAULT_MIN_N))


def is_suppressed(n: int | None, *, threshold: int | None = None) -> bool:
    if n is None:
        return False
    return n < (min_n() if threshold is None else threshold)


def suppress(value: T, n: int | None, *, threshold: int | None = None) -> T | None:
    """The value, or None when its cell is too small to show."""
    return None if is_suppressed(n, threshold=threshold) else value


def suppress_rows(
    rows: Iterable[dict[str, Any]], *, value_key: str = "value", n_key: str = "n"
) -> list[dict[str, Any]]:
    """Copies of the rows with small cells blanked and a `suppressed` flag on each."""
    threshold = min_n()
    out = []
    for row in rows:
        hidden = is_suppressed(row.get(n_key), threshold=threshold)
        out.append({**row, value_key: None if hidden else row.get(value_key), "suppressed": hidden})
    return out
