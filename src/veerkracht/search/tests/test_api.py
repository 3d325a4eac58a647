import pytest

from .factories import SearchArticleFactory, SearchOfferFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


def test_empty_query_is_422(client):
    assert client.get(URL).status_code == 422
    assert client.get(URL, {"q": ""}).status_code == 422
    assert client.get(URL, {"q": "   "}).status_code == 422


def test_bad_parameters_are_422(client):
    assert client.get(URL, {"q": "x", "kind": "person"}).status_code == 422
    assert client.get(URL, {"q": "x", "limit": 0}).status_code == 422
    assert client.get(URL, {"q": "x", "limit": 101}).status_code == 422
    assert client.get(URL, {"q": "x", "offset": -1}).status_code == 422


def test_results_shape(client, indexed):
    with indexed():
        article = SearchArticleFactory(title="Impact meten", body="Zo meet je impact.")
        offer = SearchOfferFactory(title="Training impact", slug="training-impact")
    response = client.get(URL, {"q": "impact"})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "impact"
    assert data["suggestion"] is None
    assert data["total"] == 2
    assert data["counts"] == {
        "initiative": 0,
        "offer": 1,
        "question": 0,
        "thread": 0,
        "article": 1,
    }
    assert {(r["kind"], r["id"]) for r in data["results"]} == {
        ("article", article.pk),
        ("offer", offer.pk),
    }
    first = data["results"][0]
    assert set(first) == {"kind", "id", "title", "snippet", "url", "score"}
    assert "<mark>" in first["snippet"] or "<mark>" in data["results"][1]["snippet"]


def test_kind_filter_limit_offset_and_suggestion(client, indexed):
    with indexed():
        for n in range(3):
            SearchArticleFactory(title=f"Ontmoetingsplek {n}")
        SearchOfferFactory(title="Ontmoetingsplek inrichten")
    data = client.get(
        URL, {"q": "ontmoetingsplk", "kind": "article", "limit": 2, "offset": 1}
    ).json()
    assert data["suggestion"] == "ontmoetingsplek"
    assert data["total"] == 3
    assert data["counts"]["offer"] == 1
    assert len(data["results"]) == 2
    assert {r["kind"] for r in data["results"]} == {"article"}
    both = client.get(URL + "?q=ontmoetingsplek&kind=article&kind=offer").json()
    assert both["total"] == 4


def test_prefix_parameter(client, indexed):
    with indexed():
        SearchArticleFactory(title="Dementievriendelijke gemeenten")
    assert client.get(URL, {"q": "dementievr", "prefix": "true"}).json()["total"] == 1


def test_openapi_tag(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/search"]["get"]["tags"] == ["Search"]
