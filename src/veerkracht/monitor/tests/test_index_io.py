"""Reading observations into matrices and writing index results in bulk."""

import json
import math

import numpy as np
import pytest

from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.tests.factories import served_areas
from veerkracht.monitor.selectors.index import observation_matrices
from veerkracht.monitor.services.index import (
    _imputed_json,
    _json_rows,
    _result_rows,
    index_run_build,
)

from .factories import DomainFactory, IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db


def two_indicators():
    domain = DomainFactory(slug="persoonlijk")
    return [
        IndicatorFactory(code="gezondheid", domain=domain, position=1),
        IndicatorFactory(code="regie", domain=domain, position=2),
    ]


def test_matrices_hold_every_value_exactly_and_nan_where_missing():
    health, control = two_indicators()
    exact = 0.1 + 0.2  # 0.30000000000000004: needs all 17 digits
    ObservationFactory(indicator=health, level="buurt", area_code="BU08280101", value=exact)
    ObservationFactory(indicator=control, level="buurt", area_code="BU08280101", value=-1e-300)
    ObservationFactory(indicator=health, level="buurt", area_code="BU08280100", value=7.0)
    ObservationFactory(indicator=health, level="buurt", area_code="BU08280100", year=2022)
    ObservationFactory(indicator=health, level="wijk", area_code="WK082801", value=99.0)

    codes, matrices = observation_matrices(
        level="buurt", years=[2022, 2023], indicators=[health, control]
    )

    assert codes == ["BU08280100", "BU08280101"]
    assert matrices[2023][1, 0] == exact
    assert matrices[2023][1, 1] == -1e-300
    assert matrices[2023][0, 0] == 7.0
    assert math.isnan(matrices[2023][0, 1])
    assert matrices[2022][0, 0] == 50.0
    assert np.isnan(matrices[2022][1]).all()  # no observation for this area in 2022


@pytest.mark.parametrize(
    ("level", "inside", "outside"),
    [
        ("gemeente", "GM0828", "GM0363"),
        ("wijk", "WK085501", "WK036301"),
        ("buurt", "BU08280100", "BU03630100"),
    ],
)
def test_a_province_keeps_the_areas_of_its_municipalities(level, inside, outside):
    served_areas()  # GM0828 and GM0855 in PV30; GM0363 (Amsterdam) is not there
    (health,) = two_indicators()[:1]
    ObservationFactory(indicator=health, level=level, area_code=inside)
    ObservationFactory(indicator=health, level=level, area_code=outside)

    in_province, _ = observation_matrices(
        level=level, years=[2023], indicators=[health], province="PV30"
    )
    everywhere, _ = observation_matrices(level=level, years=[2023], indicators=[health])

    assert in_province == [inside]
    assert everywhere == sorted([inside, outside])
    assert (
        observation_matrices(level=level, years=[2023], indicators=[health], province="PV99")[0]
        == []
    )


def test_json_rows_are_what_json_dumps_writes_and_null_for_non_finite_values():
    keys = ["persoonlijk", "soci%al", 'met "quote"']
    values = np.array([[0.123456, -2.0, 1e-7], [np.nan, 3.14159, np.inf]])

    rows = _json_rows(values, keys)

    assert rows[0] == json.dumps({"persoonlijk": 0.1235, "soci%al": -2.0, 'met "quote"': 0.0})
    assert json.loads(rows[1]) == {"persoonlijk": None, "soci%al": 3.1416, 'met "quote"': None}
    assert _json_rows(np.empty((0, 3)), keys) == []


def test_result_rows_name_the_imputed_indicators_of_each_area():
    codes = [f"ind-{j}" for j in range(10)]  # more than 8: two bytes per pattern
    imputed = np.zeros((3, 10), dtype=bool)
    imputed[0, [0, 9]] = True
    imputed[2, [0, 9]] = True

    rows = _result_rows(
        run_id=7,
        year=2023,
        codes=np.array(["GM0001", "GM0002", "GM0003"]),
        score=np.array([0.1234567, -1.0, 2.0]),
        classes=(np.array([5, 1, 9]), np.array([4, 1, 8]), np.array([6, 2, 9])),
        contributions=np.array([[0.5, -0.5], [0.0, -1.0], [1.0, 1.0]]),
        domains=["persoonlijk", "sociaal"],
        imputed=imputed,
        indicator_codes=codes,
    )

    assert rows[0] == (
        7,
        "GM0001",
        2023,
        0.123457,
        5,
        4,
        6,
        '{"persoonlijk": 0.5, "sociaal": -0.5}',
        '["ind-0", "ind-9"]',
    )
    assert [json.loads(row[8]) for row in rows] == [["ind-0", "ind-9"], [], ["ind-0", "ind-9"]]
    assert [type(value) for value in rows[1]] == [int, str, int, float, int, int, int, str, str]
    assert _imputed_json(np.zeros((2, 0), dtype=bool), []) == ["[]", "[]"]


def test_a_build_over_several_years_and_levels_reads_and_writes_every_area():
    health, control = two_indicators()
    rng = np.random.default_rng(5)
    areas = [f"BU0828{n:04d}" for n in range(30)]
    for year in (2021, 2022, 2023):
        for code in areas:
            ObservationFactory(
                indicator=health, level="buurt", area_code=code, year=year, value=rng.normal(50, 9)
            )
            if code != areas[3]:
                ObservationFactory(
                    indicator=control,
                    level="buurt",
                    area_code=code,
                    year=year,
                    value=rng.normal(50, 9),
                )

    run = index_run_build(
        actor=UserFactory(roles="analyst"),
        level="buurt",
        years=[2021, 2022, 2023],
        parameters={"replications": 20, "seed": 1, "imputation": "group_mean"},
    )

    assert run.status == "finished", run.log
    results = list(run.results.order_by("area_code", "year"))
    assert len(results) == 90
    assert {r.year for r in results} == {2021, 2022, 2023}
    by_area = {(r.area_code, r.year): r for r in results}
    assert by_area[(areas[3], 2022)].imputed == ["regie"]
    assert by_area[(areas[4], 2022)].imputed == []
    for r in results:
        assert 1 <= r.band_low <= r.index_class <= r.band_high <= 9
        assert set(r.contributions) == {"persoonlijk"}
        assert r.contributions["persoonlijk"] == pytest.approx(r.score, abs=1e-3)
