"""The initiatives API (/api/v1/initiatives): public fields only, filters, pagination,
GeoJSON for the map, clear errors and a fixed number of queries."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veerkracht.core.tests.factories import (
    PolicyAgendaFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives import map as initiatives_map

from .factories import InitiativeFactory, served_areas

pytestmark = pytest.mark.django_db

URL = "/api/v1/initiatives"
PUBLIC_KEYS = {
    "slug",
    "name",
    "summary",
    "description",
    "goals",
    "organiser_type",
    "legal_form",
    "start_year",
    "website",
    "location",
    "municipality",
    "district",
    "scope",
    "municipalities",
    "themes",
    "factors",
    "policy_agendas",
    "phase",
    "learning_questions",
    "url",
    "contact",
}
SECRETS = ("GEHEIME-NOTITIE", "verborgen@example.org", "06-99999999", "eigenaar@example.org")


@pytest.fixture(autouse=True)
def _fresh_map_cache():
    initiatives_map.clear_caches()
    cache.clear()


@pytest.fixture
def areas():
    return served_areas()


@pytest.fixture
def vocabularies():
    return {
        "theme": ThemeFactory(name="Verbinding", slug="verbinding"),
        "factor": ResilienceFactorFactory(name="Vertrouwen", slug="vertrouwen"),
        "agenda": PolicyAgendaFactory(name="Energie", slug="energie"),
    }


def secret_initiative(**kwargs):
    """A published initiative with internal notes, an owner and non-public contact details."""
    return InitiativeFactory(
        internal_notes="GEHEIME-NOTITIE",
        contact_email="verborgen@example.org",
        contact_phone="06-99999999",
        contact_public=False,
        owner=UserFactory(email="eigenaar@example.org"),
        **kwargs,
    )


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response


def test_list_gives_public_fields_only(client, areas, vocabularies):
    initiative = secret_initiative(
        name="Slowcare Oss",
        municipality=areas.oss,
        latitude=51.76,
        longitude=5.52,
        municipalities=[areas.tilburg],
        themes=[vocabularies["theme"]],
        factors=[vocabularies["factor"]],
        policy_agendas=[vocabularies["agenda"]],
        phase="kort",
        start_year=2019,
    )
    response = get(client, f"{URL}?municipality=GM0828")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = response.json()
    assert data["count"] == 1
    assert data["page"] == 1 and data["page_size"] == 50
    assert data["next"] is None and data["previous"] is None
    [result] = data["results"]
    assert set(result) == PUBLIC_KEYS
    assert result["slug"] == initiative.slug
    assert result["name"] == "Slowcare Oss"
    assert result["location"] == {"lat": 51.76, "lon": 5.52}
    assert result["municipality"] == {"code": "GM0828", "name": "Oss"}
    assert result["municipalities"] == ["GM0855"]
    assert result["themes"] == ["verbinding"]
    assert result["factors"] == ["vertrouwen"]
    assert result["policy_agendas"] == ["energie"]
    assert result["phase"] == "kort"
    assert result["start_year"] == 2019
    assert result["url"] == f"http://testserver/initiatieven/{initiative.slug}/"
    assert result["contact"] is None
    for secret in SECRETS:
        assert secret not in response.content.decode()
    assert "intake_state" not in response.content.decode()


def test_contact_only_with_consent(client):
    InitiativeFactory(
        name="Met toestemming",
        contact_name="Anna de Vries",
        contact_email="anna@example.org",
        contact_phone="06-11111111",
        contact_public=True,
    )
    secret_initiative(name="Zonder toestemming")
    results = {r["name"]: r for r in get(client, URL).json()["results"]}
    assert results["Met toestemming"]["contact"] == {
        "name": "Anna de Vries",
        "email": "anna@example.org",
        "phone": "06-11111111",
    }
    assert results["Zonder toestemming"]["contact"] is None


def test_unpublished_initiatives_never_appear(client, areas):
    InitiativeFactory(name="Zichtbaar", latitude=51.76, longitude=5.52)
    hidden = InitiativeFactory(name="Onzichtbaar", latitude=51.76, longitude=5.53, signed_up=True)
    names = [r["name"] for r in get(client, URL).json()["results"]]
    assert names == ["Zichtbaar"]
    geojson = get(client, f"{URL}?format=geojson&zoom=16&bbox=5.5,51.75,5.55,51.77").json()
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Zichtbaar"]
    get(client, f"{URL}/{hidden.slug}", status=404)


def test_detail(client, areas):
    initiative = secret_initiative(name="Buurtkamer", municipality=areas.oss)
    data = get(client, f"{URL}/{initiative.slug}").json()
    assert set(data) == PUBLIC_KEYS
    assert data["name"] == "Buurtkamer"
    assert data["location"] is None
    assert data["contact"] is None
    assert data["municipality"] == {"code": "GM0828", "name": "Oss"}
    response = get(client, f"{URL}/bestaat-niet", status=404)
    assert response.json() == {"detail": "No published initiative 'bestaat-niet'."}


@pytest.mark.parametrize(
    "query",
    [
        "municipality=GM0828",
        "gemeente=GM0828",
        "gemeente=gm0828",
        "thema=verbinding",
        "theme=verbinding",
        "hulpbron=vertrouwen",
        "factor=vertrouwen",
        "opgave=energie",
        "agenda=energie",
        "regio=m7",
        "group=m7",
        "fase=kort",
        "phase=kort",
        "q=slow",
    ],
)
def test_filters_in_english_and_dutch(client, areas, vocabularies, query):
    InitiativeFactory(
        name="Slowcare",
        municipality=areas.oss,
        themes=[vocabularies["theme"]],
        factors=[vocabularies["factor"]],
        policy_agendas=[vocabularies["agenda"]],
        phase="kort",
    )
    InitiativeFactory(name="Anders", municipality=areas.tilburg, phase="afgerond")
    data = get(client, f"{URL}?{query}").json()
    assert [r["name"] for r in data["results"]] == ["Slowcare"]
    geojson = get(client, f"{URL}?{query}&format=geojson").json()
    assert geojson["count"] == 1


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("gemeente=GM9999", "Unknown gemeente 'GM9999'."),
        ("municipality=GM9999", "Unknown gemeente 'GM9999'."),
        ("thema=onbekend", "Unknown thema 'onbekend'."),
        ("hulpbron=onbekend", "Unknown hulpbron 'onbekend'."),
        ("regio=onbekend", "Unknown regio 'onbekend'."),
        ("opgave=onbekend", "Unknown opgave 'onbekend'."),
        ("format=geojson&gemeente=GM9999", "Unknown gemeente 'GM9999'."),
    ],
)
def test_unknown_filter_values_give_400(client, areas, query, detail):
    response = get(client, f"{URL}?{query}", status=400)
    assert response.json() == {"detail": detail}


def test_unknown_phase_gives_400(client):
    response = get(client, f"{URL}?fase=klaar", status=400)
    assert response.json()["detail"].startswith("Unknown fase 'klaar'")


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("format=geojson&bbox=1,2,3", 400, "bbox"),
        ("format=geojson&bbox=a,b,c,d", 400, "bbox"),
        ("format=geojson&bbox=6,51,5,52", 400, "minimum"),
        ("format=geojson&bbox=5,51,6,95", 400, "latitudes"),
        ("format=geojson&zoom=abc", 422, "zoom"),
        ("format=geojson&zoom=21", 422, "zoom"),
        ("format=geojson&zoom=-1", 422, "zoom"),
        ("format=xml", 422, "format"),
        ("page=0", 422, "page"),
        ("page=abc", 422, "page"),
        ("page_size=201", 422, "page_size"),
        ("page_size=0", 422, "page_size"),
        ("page=3", 404, "Page 3 does not exist"),
    ],
)
def test_malformed_parameters_give_a_clear_4xx(client, query, status, words):
    InitiativeFactory()
    response = get(client, f"{URL}?{query}", status=status)
    assert words in response.json()["detail"]


def test_pagination(client):
    for n in range(5):
        InitiativeFactory(name=f"Initiatief {n}")
    first = get(client, f"{URL}?page_size=2&thema=").json()
    assert first["count"] == 5
    assert [r["name"] for r in first["results"]] == ["Initiatief 0", "Initiatief 1"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/initiatives?page_size=2&thema=&page=2"
    last = get(client, f"{URL}?page_size=2&page=3").json()
    assert [r["name"] for r in last["results"]] == ["Initiatief 4"]
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/initiatives?page_size=2&page=2"
    empty = get(client, f"{URL}?gemeente=").json()
    assert empty["count"] == 5


def test_empty_list_is_one_empty_page(client):
    data = get(client, URL).json()
    assert data == {
        "count": 0,
        "page": 1,
        "page_size": 50,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_geojson_is_a_feature_collection(client, areas):
    for n in range(3):
        InitiativeFactory(name=f"Punt {n}", latitude=51.76 + n * 0.001, longitude=5.52)
    secret_initiative(name="Geheim", latitude=51.58, longitude=5.05)
    response = get(client, f"{URL}?format=geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    assert data["zoom"] == initiatives_map.DEFAULT_ZOOM
    assert data["count"] == 4
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        assert len(feature["geometry"]["coordinates"]) == 2
    for secret in SECRETS:
        assert secret not in response.content.decode()

    street = get(client, f"{URL}?format=geojson&zoom=17&bbox=5.51,51.755,5.53,51.765").json()
    assert sorted(f["properties"]["name"] for f in street["features"]) == [
        "Punt 0",
        "Punt 1",
        "Punt 2",
    ]
    for feature in street["features"]:
        assert set(feature["properties"]) == {"slug", "name"}


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        get(client, url)
    return len(context.captured_queries)


@pytest.mark.parametrize("query", ["", "?gemeente=GM0828&thema=verbinding", "?page_size=200"])
def test_the_list_uses_a_fixed_number_of_queries(client, areas, vocabularies, query):
    def add(n):
        for _ in range(n):
            InitiativeFactory(
                municipality=areas.oss,
                themes=[vocabularies["theme"]],
                factors=[vocabularies["factor"]],
                policy_agendas=[vocabularies["agenda"]],
                municipalities=[areas.oss, areas.tilburg],
            )

    add(3)
    few = _list_queries(client, f"{URL}{query}")
    add(27)
    many = _list_queries(client, f"{URL}{query}")
    assert few == many
    assert many <= 10


def test_the_openapi_document_describes_the_endpoints(client):
    schema = get(client, "/api/v1/openapi.json").json()
    assert "/api/v1/initiatives" in schema["paths"]
    assert "/api/v1/initiatives/{slug}" in schema["paths"]
    content = schema["paths"]["/api/v1/initiatives"]["get"]["responses"]["200"]["content"]
    assert "application/geo+json" in content
