"""The core JSON API (/api/v1/): areas, area groups, vocabularies and the OpenAPI document."""

import json
from io import StringIO
from pathlib import Path

import pydantic
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from veerkracht.core import selectors
from veerkracht.core.models import AreaStatistics, Municipality, ResilienceFactor

from .factories import (
    SQUARE,
    AreaGroupFactory,
    MunicipalityFactory,
    OrganisationTypeFactory,
    PolicyAgendaFactory,
    ProvinceFactory,
    ResilienceFactorFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
SHIPPED_FILE = Path(__file__).resolve().parents[4] / "data" / "cbs-gemeenten-2023.geojson"
MUNICIPALITY_FIELDS = {
    "code",
    "name",
    "province",
    "population",
    "households",
    "density",
    "urbanity",
    "land_area_ha",
    "statistics_year",
    "centroid",
    "area_groups",
}


def statistics(municipality, year, population, **fields):
    return AreaStatistics.objects.create(
        level="gemeente",
        area_code=municipality.code,
        year=year,
        population=population,
        **fields,
    )


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def brabant():
    """Two provinces; three municipalities in Noord-Brabant, one in Limburg."""
    pv30 = ProvinceFactory(code="PV30", name="Noord-Brabant", centroid_lat=51.6, centroid_lon=5.2)
    pv31 = ProvinceFactory(code="PV31", name="Limburg")
    tilburg = MunicipalityFactory(code="GM0855", name="Tilburg", province=pv30)
    breda = MunicipalityFactory(code="GM0758", name="Breda", province=pv30)
    baarle = MunicipalityFactory(code="GM0001", name="Baarle-Nassau", province=pv30)
    venlo = MunicipalityFactory(code="GM0983", name="Venlo", province=pv31)
    statistics(tilburg, 2022, 224_000)
    statistics(
        tilburg,
        2023,
        227_000,
        households=110_000,
        density=1_900,
        urbanity=1,
        land_area_ha=11_500,
        values={"aantalInwoners": 227_000, "percentageEenpersoonshuishoudens": 44},
    )
    statistics(breda, 2023, 185_000)
    statistics(venlo, 2023, 102_000)
    m7 = AreaGroupFactory(slug="m7", name="M7")
    m7.municipalities.set([tilburg, baarle])
    west = AreaGroupFactory(slug="west-brabant", name="West-Brabant")
    west.municipalities.set([breda, baarle])
    return {"pv30": pv30, "pv31": pv31, "tilburg": tilburg, "breda": breda, "venlo": venlo}


# --- Provinces ---


def test_provinces_list_counts_municipalities_and_inhabitants(client, brabant):
    data = get_json(client, f"{API}/provinces")

    by_code = {p["code"]: p for p in data}
    assert set(by_code) == {"PV30", "PV31"}
    assert by_code["PV30"] == {
        "code": "PV30",
        "name": "Noord-Brabant",
        "municipality_count": 3,
        "population": 227_000 + 185_000,  # latest year of each; Baarle-Nassau has no figures
        "centroid": {"lat": 51.6, "lon": 5.2},
    }
    assert by_code["PV31"]["population"] == 102_000
    assert by_code["PV31"]["centroid"] is None


def test_province_detail_and_unknown_province(client, brabant):
    assert get_json(client, f"{API}/provinces/pv30")["municipality_count"] == 3

    data = get_json(client, f"{API}/provinces/PV99", status=404)
    assert "PV99" in data["detail"]


# --- Municipalities ---


def test_municipality_list_has_latest_figures_and_groups(client, brabant):
    response = client.get(f"{API}/municipalities")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    data = response.json()
    assert isinstance(data, list)
    assert [m["name"] for m in data] == ["Baarle-Nassau", "Breda", "Tilburg", "Venlo"]
    tilburg = next(m for m in data if m["code"] == "GM0855")
    assert set(tilburg) >= MUNICIPALITY_FIELDS
    assert tilburg["province"] == "PV30"
    assert tilburg["population"] == 227_000
    assert tilburg["households"] == 110_000
    assert tilburg["density"] == 1_900
    assert tilburg["urbanity"] == 1
    assert tilburg["land_area_ha"] == 11_500
    assert tilburg["statistics_year"] == 2023
    assert tilburg["centroid"] == {
        "lat": brabant["tilburg"].centroid_lat,
        "lon": brabant["tilburg"].centroid_lon,
    }
    assert tilburg["area_groups"] == ["m7"]
    baarle = next(m for m in data if m["code"] == "GM0001")
    assert baarle["population"] is None
    assert baarle["area_groups"] == ["m7", "west-brabant"]


@pytest.mark.parametrize("province", ["PV30", "pv30", "Pv30"])
def test_municipality_list_filters_by_province_case_insensitively(client, brabant, province):
    data = get_json(client, f"{API}/municipalities?province={province}")

    assert {m["code"] for m in data} == {"GM0855", "GM0758", "GM0001"}
    assert {m["province"] for m in data} == {"PV30"}


@pytest.mark.parametrize("param", ["group", "area_group"])
def test_municipality_list_filters_by_area_group(client, brabant, param):
    data = get_json(client, f"{API}/municipalities?{param}=west-brabant")

    assert {m["code"] for m in data} == {"GM0758", "GM0001"}


def test_municipality_list_combines_filters(client, brabant):
    data = get_json(client, f"{API}/municipalities?province=PV31&group=m7")

    assert data == []


def test_conflicting_group_and_alias_is_a_bad_request(client, brabant):
    data = get_json(client, f"{API}/municipalities?group=m7&area_group=west-brabant", status=400)

    assert "group" in data["detail"]


def test_unknown_province_is_a_bad_request_naming_it(client, brabant):
    data = get_json(client, f"{API}/municipalities?province=PV99", status=400)

    assert data == {"detail": "Unknown province 'PV99'."}


def test_unknown_group_is_a_bad_request_naming_it(client, brabant):
    data = get_json(client, f"{API}/municipalities?group=atlantis", status=400)

    assert "atlantis" in data["detail"]


@pytest.mark.parametrize("province", ["XX", "PV3", "PV300", "30", "GM0855", "PV 30", "' OR 1=1"])
def test_malformed_province_is_rejected_naming_the_parameter(client, brabant, province):
    response = client.get(f"{API}/municipalities", {"province": province})

    assert 400 <= response.status_code < 500
    assert "province" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["xml", "GEOJSON", "csv", ""])
def test_unknown_format_is_rejected_naming_the_allowed_values(client, brabant, fmt):
    response = client.get(f"{API}/municipalities", {"format": fmt})

    assert 400 <= response.status_code < 500
    detail = response.json()["detail"]
    assert "format" in detail
    assert "json" in detail
    assert "geojson" in detail


def test_municipality_list_as_geojson(client, brabant):
    json_list = get_json(client, f"{API}/municipalities?province=PV30")
    response = client.get(f"{API}/municipalities?province=PV30&format=geojson")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert "max-age=300" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == len(json_list)
    for feature, item in zip(data["features"], json_list, strict=True):
        assert feature["type"] == "Feature"
        assert feature["id"] == item["code"]
        assert feature["properties"] == item
        assert feature["geometry"] == Municipality.objects.get(code=item["code"]).boundary


def test_municipality_detail_has_statistics_of_every_year(client, brabant):
    response = client.get(f"{API}/municipalities/gm0855")

    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    data = response.json()
    assert set(data) >= MUNICIPALITY_FIELDS | {"statistics"}
    assert data["code"] == "GM0855"
    assert data["population"] == 227_000
    assert [s["year"] for s in data["statistics"]] == [2023, 2022]
    assert data["statistics"][0]["values"]["percentageEenpersoonshuishoudens"] == 44
    assert data["statistics"][1]["population"] == 224_000
    assert data["area_groups"] == ["m7"]


def test_municipality_detail_as_geojson_feature(client, brabant):
    response = client.get(f"{API}/municipalities/GM0855?format=geojson")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    feature = json.loads(response.content)
    assert feature["type"] == "Feature"
    assert feature["id"] == "GM0855"
    assert feature["geometry"] == SQUARE
    assert feature["properties"] == get_json(client, f"{API}/municipalities/GM0855")


def test_unknown_municipality_is_not_found(client, brabant):
    response = client.get(f"{API}/municipalities/GM9999")

    assert response.status_code == 404
    assert "GM9999" in response.json()["detail"]
    assert "max-age" not in response.get("Cache-Control", "")


def test_municipality_list_query_count_is_constant(client, django_assert_max_num_queries):
    def queries_for(count, prefix):
        province = ProvinceFactory()
        group = AreaGroupFactory(slug=f"group-{prefix}")
        for n in range(count):
            municipality = MunicipalityFactory(code=f"GM{prefix}{n:02d}", province=province)
            statistics(municipality, 2023, 1000 + n)
            group.municipalities.add(municipality)
        with CaptureQueriesContext(connection) as context:
            for url in (
                f"{API}/municipalities",
                f"{API}/municipalities?format=geojson",
                f"{API}/municipalities?province=PV30&group=group-{prefix}",
            ):
                response = client.get(url)
                assert response.status_code == 200
        return len(context.captured_queries)

    few = queries_for(3, "10")
    many = queries_for(30, "20")

    assert few == many
    with django_assert_max_num_queries(4):
        client.get(f"{API}/municipalities?province=PV30&group=group-20")


# --- Area groups ---


def test_area_groups_list_members_and_inhabitants(client, brabant):
    response = client.get(f"{API}/area-groups")

    assert response.status_code == 200
    assert "max-age=300" in response["Cache-Control"]
    data = {g["slug"]: g for g in response.json()}
    assert set(data) == {"m7", "west-brabant"}
    assert data["m7"]["name"] == "M7"
    assert data["m7"]["municipality_count"] == 2
    assert data["m7"]["population"] == 227_000
    assert data["m7"]["municipalities"] == [
        {"code": "GM0001", "name": "Baarle-Nassau"},
        {"code": "GM0855", "name": "Tilburg"},
    ]
    assert data["west-brabant"]["population"] == 185_000


def test_area_groups_filter_by_province(client, brabant):
    group = AreaGroupFactory(slug="noord-limburg", name="Noord-Limburg")
    group.municipalities.set([brabant["venlo"]])

    data = get_json(client, f"{API}/area-groups?province=pv31")
    assert [g["slug"] for g in data] == ["noord-limburg"]

    data = get_json(client, f"{API}/area-groups?province=PV99", status=400)
    assert "PV99" in data["detail"]
    assert client.get(f"{API}/area-groups?province=zz").status_code == 422


# --- Vocabularies ---


def test_vocabularies(client):
    ThemeFactory(slug="verbinding", name="Verbinding", name_en="Connection")
    ThemeFactory(slug="oud", name="Oud thema", active=False)
    ResilienceFactorFactory(
        slug="vertrouwen", name="Vertrouwen", domain=ResilienceFactor.Domain.SOCIAL
    )
    PolicyAgendaFactory(slug="energie", name="Energietransitie")
    OrganisationTypeFactory(slug="gemeente", name="Gemeente")

    themes = get_json(client, f"{API}/themes")
    assert themes == [
        {"slug": "verbinding", "name": "Verbinding", "name_en": "Connection", "description": ""}
    ]
    factors = get_json(client, f"{API}/factors")
    assert [(f["slug"], f["domain"]) for f in factors] == [("vertrouwen", "sociaal")]
    assert [a["slug"] for a in get_json(client, f"{API}/policy-agendas")] == ["energie"]
    types = get_json(client, f"{API}/organisation-types")
    assert [t["slug"] for t in types] == ["gemeente"]
    assert set(types[0]) == {"slug", "name", "name_en", "description"}
    assert "max-age=300" in client.get(f"{API}/themes")["Cache-Control"]


# --- Error handling ---


def test_value_error_becomes_a_bad_request(client, monkeypatch):
    def broken():
        raise ValueError("Year must be after 2000.")

    monkeypatch.setattr(selectors, "theme_list", broken)

    assert get_json(client, f"{API}/themes", status=400) == {"detail": "Year must be after 2000."}


def test_response_not_matching_its_schema_stays_a_server_error(client, monkeypatch):
    monkeypatch.setattr(selectors, "theme_list", lambda: [{"slug": "no-name"}])

    with pytest.raises(pydantic.ValidationError):
        client.get(f"{API}/themes")


# --- OpenAPI document ---


def test_openapi_document_lists_paths_and_schemas(client):
    response = client.get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/provinces",
        "/api/v1/provinces/{code}",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{code}",
        "/api/v1/area-groups",
        "/api/v1/themes",
        "/api/v1/factors",
        "/api/v1/policy-agendas",
        "/api/v1/organisation-types",
    ):
        operation = paths[path]["get"]
        assert operation["summary"]
        assert operation["tags"]
        assert "application/json" in operation["responses"]["200"]["content"]
    municipalities = paths["/api/v1/municipalities"]["get"]
    assert "application/geo+json" in municipalities["responses"]["200"]["content"]
    assert {p["name"] for p in municipalities["parameters"]} >= {"province", "group", "format"}
    schemas = document["components"]["schemas"]
    assert {"MunicipalityOut", "MunicipalityDetailOut", "ProvinceOut", "AreaGroupOut"} <= set(
        schemas
    )
    # Every reference in the document resolves.
    text = json.dumps(document)
    for name in {ref.split('"')[0] for ref in text.split('"#/components/schemas/')[1:]}:
        assert name in schemas


# --- The shipped CBS file, imported with the real command ---


@pytest.fixture(scope="class")
def shipped_cbs_areas(django_db_setup, django_db_blocker):
    """The shipped CBS municipalities, imported once for the class and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import_cbs_areas", str(SHIPPED_FILE), stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("shipped_cbs_areas")
class TestShippedCbsFile:
    def test_all_municipalities(self, client):
        data = get_json(client, f"{API}/municipalities")

        assert len(data) == 342
        assert sum(p["municipality_count"] for p in get_json(client, f"{API}/provinces")) == 342

    def test_noord_brabant_has_its_56_municipalities(self, client):
        data = get_json(client, f"{API}/municipalities?province=PV30")

        assert len(data) == 56
        codes = [m["code"] for m in data]
        assert len(set(codes)) == len(codes)
        assert all(code.startswith("GM") for code in codes)
        for item in data:
            assert item["code"]
            assert item["name"]
            assert isinstance(item["population"], int)
            assert item["population"] > 0
            assert item["province"] == "PV30"

    def test_noord_brabant_as_geojson_has_the_same_municipalities(self, client):
        json_codes = {m["code"] for m in get_json(client, f"{API}/municipalities?province=PV30")}
        response = client.get(f"{API}/municipalities?province=PV30&format=geojson")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/geo+json")
        data = json.loads(response.content)
        assert data["type"] == "FeatureCollection"
        assert len(data["features"]) == 56
        for feature in data["features"]:
            assert feature["type"] == "Feature"
            assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
            assert feature["geometry"]["coordinates"]
            assert feature["id"] == feature["properties"]["code"]
        assert {f["id"] for f in data["features"]} == json_codes

    def test_filter_by_area_group(self, client):
        members = list(Municipality.objects.filter(province_id="PV30").order_by("code")[:3])
        group = AreaGroupFactory(slug="testregio", name="Testregio")
        group.municipalities.set(members)

        data = get_json(client, f"{API}/municipalities?group=testregio")

        assert {m["code"] for m in data} == {m.code for m in members}
        assert all(m["area_groups"] == ["testregio"] for m in data)
        summary = get_json(client, f"{API}/area-groups?province=PV30")
        assert [g["municipality_count"] for g in summary if g["slug"] == "testregio"] == [3]

    def test_unknown_province_and_municipality(self, client):
        assert "PV99" in get_json(client, f"{API}/municipalities?province=PV99", 400)["detail"]
        assert client.get(f"{API}/municipalities/GM9999").status_code == 404
