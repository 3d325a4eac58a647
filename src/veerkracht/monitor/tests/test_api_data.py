"""GET /api/v1/monitor/indicators and /api/v1/monitor/observations."""

import pytest

from veerkracht.core.tests.factories import MunicipalityFactory
from veerkracht.monitor.services.framework import framework_load

from .factories import IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/monitor/indicators"
OBSERVATIONS = "/api/v1/monitor/observations"


@pytest.fixture
def data(settings):
    settings.MONITOR_MIN_N = 10
    MunicipalityFactory(code="GM0828", name="Oss")
    MunicipalityFactory(code="GM0855", name="Tilburg")
    lonely = IndicatorFactory(code="eenzaamheid", direction="down")
    single = IndicatorFactory(code="eenpersoonshuishoudens", direction="down")
    ObservationFactory(indicator=lonely, area_code="GM0828", year=2023, value=12.0, n=40)
    ObservationFactory(indicator=lonely, area_code="GM0855", year=2023, value=30.0, n=4)
    ObservationFactory(indicator=lonely, area_code="GM0855", year=2022, value=20.0, n=50)
    ObservationFactory(indicator=single, area_code="GM0855", year=2023, value=41.0, n=None)
    return lonely


def test_indicators_list_domain_unit_direction_source_licence_levels_years(
    client, data, django_assert_max_num_queries
):
    framework_load(actor=None)  # updates "eenzaamheid" to the seed, keeps its data
    with django_assert_max_num_queries(4):
        response = client.get(INDICATORS)
    assert response.status_code == 200
    items = {item["code"]: item for item in response.json()}
    lonely = items["eenzaamheid"]
    assert lonely["years"] == [2022, 2023] and lonely["direction"] == "down"
    assert lonely["unit"] == "%" and lonely["levels"] == ["gemeente", "wijk"]
    assert {"domain", "source", "licence", "definition", "factor"} <= set(lonely)
    seeded = items["adressendichtheid"]
    assert seeded["domain"]["code"] == "leefomgeving" and seeded["years"] == []
    assert seeded["cbs_attribute"] == "omgevingsadressendichtheid"
    assert items["bevolkingsdichtheid"]["domain"]["in_index"] is False


def test_observations_by_area_suppress_small_cells(client, data):
    response = client.get(OBSERVATIONS, {"area": "gm0855"})
    assert response.status_code == 200
    rows = {(r["indicator"], r["year"]): r for r in response.json()}
    assert rows[("eenzaamheid", 2023)]["value"] is None
    assert rows[("eenzaamheid", 2023)]["suppressed"] is True
    assert rows[("eenzaamheid", 2022)]["value"] == 20.0
    register = rows[("eenpersoonshuishoudens", 2023)]
    assert register["value"] == 41.0 and register["suppressed"] is False and register["n"] is None
    assert register["area_name"] == "Tilburg"


def test_observations_by_indicator_and_year(client, data, settings):
    response = client.get(OBSERVATIONS, {"indicator": "eenzaamheid", "year": 2023})
    assert [(r["area"], r["value"]) for r in response.json()] == [
        ("GM0828", 12.0),
        ("GM0855", None),
    ]
    settings.MONITOR_MIN_N = 41
    response = client.get(OBSERVATIONS, {"indicator": "eenzaamheid", "year": 2023})
    assert [r["suppressed"] for r in response.json()] == [True, True]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": 2023},
        {"area": "GM9999"},
        {"area": "XX1"},
        {"indicator": "bestaat-niet"},
        {"area": "GM0828", "indicator": "bestaat-niet"},
        {"indicator": "eenzaamheid", "year": "twee"},
    ],
)
def test_observations_422_on_missing_filters_and_unknown_codes(client, data, params):
    response = client.get(OBSERVATIONS, params)
    assert response.status_code == 422
    assert response.json()["detail"]
