"""GET /api/v1/monitor/index: shape, GeoJSON, 404 without a published run."""

import pytest

from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.tests.factories import served_areas
from veerkracht.monitor.services.index import index_run_build, index_run_publish

from .test_composite_service import make_observations

pytestmark = pytest.mark.django_db

URL = "/api/v1/monitor/index"


@pytest.fixture
def published():
    served_areas()
    make_observations()
    analyst = UserFactory(roles="analyst")
    run = index_run_build(
        actor=analyst, level="gemeente", years=[2023], parameters={"replications": 100, "seed": 1}
    )
    return index_run_publish(actor=analyst, run=run)


def test_index_items_have_exactly_the_agreed_keys(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(URL, {"level": "gemeente", "year": 2023})
    assert response.status_code == 200
    items = response.json()
    assert len(items) == 6
    for item in items:
        assert set(item) == {"code", "name", "class", "band", "contributions"}
        assert isinstance(item["class"], int) and 1 <= item["class"] <= 9
        assert set(item["band"]) == {"low", "high"}
        assert item["band"]["low"] <= item["class"] <= item["band"]["high"]
        assert set(item["contributions"]) == {"persoonlijk", "sociaal"}
    names = {i["code"]: i["name"] for i in items}
    assert names["GM0828"] == "Oss"
    assert names["GM0796"] == "GM0796"  # no geography: the code stands in


def test_province_filter(client, published):
    items = client.get(URL, {"level": "gemeente", "year": 2023, "province": "PV30"}).json()
    assert sorted(i["code"] for i in items) == ["GM0828", "GM0855"]


def test_geojson_has_boundaries_and_properties(client, published):
    response = client.get(
        URL, {"level": "gemeente", "year": 2023, "province": "PV30", "format": "geojson"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["run"] == published.pk
    assert len(body["features"]) == 2
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert {"code", "name", "class", "band", "contributions"} <= set(feature["properties"])


def test_no_published_run_is_a_clear_404(client):
    response = client.get(URL, {"level": "gemeente", "year": 2023})
    assert response.status_code == 404
    assert "No published index" in response.json()["detail"]


def test_unpublished_run_is_not_shown(client):
    make_observations()
    index_run_build(
        actor=UserFactory(roles="analyst"), level="gemeente", years=[2023], parameters={}
    )
    assert client.get(URL, {"level": "gemeente", "year": 2023}).status_code == 404


def test_bad_parameters_are_422(client):
    assert client.get(URL, {"level": "land", "year": 2023}).status_code == 422
    assert client.get(URL, {"level": "gemeente", "year": 2023, "province": "X"}).status_code == 422
