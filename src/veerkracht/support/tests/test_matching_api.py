"""The matching API: shapes other tools rely on, validation (422) and permissions."""

import pytest

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives.tests.factories import InitiativeFactory
from veerkracht.support.matching import reset_index

from .factories import OfferFactory, QuestionFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/matching/offers"


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


@pytest.fixture
def catalogue():
    theme = ThemeFactory(slug="sociaal-ondernemen")
    ResilienceFactorFactory(slug="dagbesteding-werk")
    MunicipalityFactory(code="GM0772")
    offer = OfferFactory(
        slug="impact",
        title="Training impactmonitoring",
        summary="",
        description="Verandertheorie en meetplan.",
        themes=[theme],
    )
    OfferFactory(slug="geld", title="Fondsenwerving", description="Advies over fondsen.")
    return offer


def test_post_returns_the_documented_shape(client, catalogue):
    response = client.post(
        URL,
        {
            "text": "Hoe meten we onze impact?",
            "themes": ["sociaal-ondernemen"],
            "factors": ["dagbesteding-werk"],
            "municipality": "GM0772",
            "limit": 10,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["offer"] == {
        "id": catalogue.pk,
        "title": "Training impactmonitoring",
        "provider": catalogue.provider.name,
        "kind": "advice",
    }
    assert isinstance(results[0]["score"], float)
    assert set(results[0]["components"]) >= {"text", "themes", "factors", "track_record"}
    assert results[0]["reason"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "x", "themes": ["bestaat-niet"]}, "themes"),
        ({"text": "x", "factors": ["bestaat-niet"]}, "factors"),
        ({"text": "x", "municipality": "GM9999"}, "municipality"),
        ({"text": "x", "limit": 0}, "limit"),
        ({"text": "x", "limit": 51}, "limit"),
        ({"text": "  "}, "text"),
        ({}, "text"),
    ],
)
def test_post_validation_errors_are_422_with_detail(client, catalogue, payload, field):
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert field in body["detail"]
    assert body["errors"][0]["loc"] == ["body", field]


def test_themes_alone_are_a_valid_query(client, catalogue):
    response = client.post(URL, {"themes": ["sociaal-ondernemen"]}, content_type="application/json")
    assert response.status_code == 200
    assert [r["offer"]["id"] for r in response.json()["results"]] == [catalogue.pk]


def test_get_for_a_stored_question(client, catalogue):
    public = QuestionFactory(title="Hoe meten we impact?", text="", public=True)
    private = QuestionFactory(title="Hoe meten we impact?", text="", public=False)
    response = client.get(URL, {"question": public.pk})
    assert response.status_code == 200
    assert response.json()["results"][0]["offer"]["id"] == catalogue.pk
    assert client.get(URL, {"question": private.pk}).status_code == 403
    assert client.get(URL, {"question": 999999}).status_code == 404
    client.force_login(UserFactory(roles=[Role.Code.MATCH_TEAM]))
    assert client.get(URL, {"question": private.pk}).status_code == 200
    assert client.get(URL, {"question": private.pk, "limit": 99}).status_code == 422


def test_initiatives_for_an_offer_is_for_staff(client, catalogue):
    initiative = InitiativeFactory(
        learning_questions="Hoe brengen we onze impact in kaart?", summary="Buurthuis"
    )
    InitiativeFactory(learning_questions="Hoe vinden we vrijwilligers?", summary="Buurthuis")
    url = "/api/v1/matching/initiatives"
    assert client.get(url, {"offer": "impact"}).status_code == 403
    client.force_login(UserFactory(roles=[Role.Code.MATCH_TEAM]))
    response = client.get(url, {"offer": "impact"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["initiative"]["id"] for r in results] == [initiative.pk]
    assert results[0]["reason"] and "text" in results[0]["components"]
    assert client.get(url, {"offer": "bestaat-niet"}).status_code == 404
