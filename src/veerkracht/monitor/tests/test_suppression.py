"""Small-cell suppression."""

import pytest

from veerkracht.monitor.suppression import is_suppressed, min_n, suppress, suppress_rows


def test_default_threshold_is_ten(settings):
    del settings.MONITOR_MIN_N
    assert min_n() == 10
    assert is_suppressed(9) and not is_suppressed(10)


def test_register_data_without_n_is_never_suppressed():
    assert suppress(42.0, None) == 42.0
    assert not is_suppressed(None, threshold=1000)


@pytest.mark.parametrize(("n", "expected"), [(0, None), (24, None), (25, 3.5), (400, 3.5)])
def test_threshold_comes_from_the_setting(settings, n, expected):
    settings.MONITOR_MIN_N = 25
    assert suppress(3.5, n) == expected


def test_suppress_rows_blanks_values_and_flags_them(settings):
    settings.MONITOR_MIN_N = 10
    rows = [{"area": "A", "value": 1.0, "n": 3}, {"area": "B", "value": 2.0, "n": None}]
    out = suppress_rows(rows)
    assert out == [
        {"area": "A", "value": None, "n": 3, "suppressed": True},
        {"area": "B", "value": 2.0, "n": None, "suppressed": False},
    ]
    assert rows[0]["value"] == 1.0  # the input is not changed
