"""Catalogue API: GET /api/v1/offers and /api/v1/offers/{slug}."""

import pytest

from veerkracht.core.tests.factories import MunicipalityFactory, ThemeFactory
from veerkracht.initiatives.models import SupportOffer

from .factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_list_published_offers_with_filters(client, django_assert_max_num_queries):
    theme = ThemeFactory(slug="verbinding")
    oss = MunicipalityFactory(code="GM0828")
    a = OfferFactory(title="A", kind="training", themes=[theme], phases=["kort"])
    b = OfferFactory(
        title="B",
        service_area="municipalities",
        municipalities=[oss],
        cost="paid",
        cost_amount="10",
    )
    OfferFactory(title="C", status=SupportOffer.Status.DRAFT)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/offers")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [o["slug"] for o in body["results"]] == [a.slug, b.slug]
    first = body["results"][0]
    assert first["themes"] == ["verbinding"] and first["phases"] == ["kort"]
    assert first["url"].endswith(f"/ondersteuning/{a.slug}/")
    assert body["results"][1]["municipalities"] == ["GM0828"]
    assert body["results"][1]["cost"] == {"kind": "paid", "amount": "10.00", "note": ""}

    assert [o["slug"] for o in client.get("/api/v1/offers?thema=verbinding").json()["results"]] == [
        a.slug
    ]
    assert [o["slug"] for o in client.get("/api/v1/offers?kind=training").json()["results"]] == [
        a.slug
    ]


def test_pagination_and_errors(client):
    for n in range(3):
        OfferFactory(title=f"Aanbod {n}")
    body = client.get("/api/v1/offers?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert client.get("/api/v1/offers?page=5").status_code == 404
    response = client.get("/api/v1/offers?page_size=0")
    assert response.status_code == 422 and "page_size" in response.json()["detail"]
    response = client.get("/api/v1/offers?soort=onbekend")
    assert response.status_code == 400 and "soort" in response.json()["detail"]


def test_detail(client):
    offer = OfferFactory()
    response = client.get(f"/api/v1/offers/{offer.slug}")
    assert response.status_code == 200
    assert response.json()["provider"]["name"] == offer.provider.name
    hidden = OfferFactory(status=SupportOffer.Status.WITHDRAWN)
    assert client.get(f"/api/v1/offers/{hidden.slug}").status_code == 404


def test_openapi_tags(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["paths"]["/api/v1/offers"]["get"]["tags"] == ["Support"]
