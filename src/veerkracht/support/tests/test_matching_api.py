"""The matching API: shapes other tools rely on, validation (422) and permissions."""

import json

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
    # Fixed texts: a Faker summary here once held "ring", which hid "impact" (see
    # test_matching_engine.py::test_an_unrelated_word_in_another_offer_does_not_hide_...).
    OfferFactory(
        slug="geld",
        title="Fondsenwerving",
        summary="Welke fondsen passen bij je plan.",
        description="Advies over fondsen.",
    )
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


@pytest.mark.parametrize(
    ("payload", "field", "limit"),
    [
        ({"text": "impact " * 300_000}, "text", "2,000"),
        ({"text": "x" * 2001}, "text", "2,000"),
        ({"themes": [f"thema-{n}" for n in range(21)]}, "themes", "20"),
        ({"factors": [f"factor-{n}" for n in range(21)]}, "factors", "20"),
        ({"text": "x", "themes": ["t" * 101]}, "themes", "100"),
        ({"text": "x", "municipality": "GM0772" * 1000}, "municipality", "GM0772"),
    ],
)
def test_post_over_a_limit_is_422_naming_field_and_limit_without_any_work(
    client, catalogue, payload, field, limit, monkeypatch, django_assert_num_queries
):
    """Refused before the database or the engine is touched (timing-independent: today
    300,000 words kept a worker busy for 8 s in the engine)."""

    def engine_must_not_run(*args, **kwargs):
        raise AssertionError("the engine ran for a request over the limits")

    monkeypatch.setattr("veerkracht.support.api.matching.match_offers", engine_must_not_run)
    monkeypatch.setattr("veerkracht.support.matching.lexicon.query_terms", engine_must_not_run)
    with django_assert_num_queries(0):
        response = client.post(URL, json.dumps(payload), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert f"Invalid '{field}'" in body["detail"] and limit in body["detail"]
    assert body["errors"][0]["loc"] == ["body", field]


def test_post_at_the_limits_is_answered(client, catalogue):
    text = ("Hoe meten we onze impact? " * 100)[:2000]
    response = client.post(
        URL,
        {"text": text, "themes": ["sociaal-ondernemen"] * 50, "limit": 50},
        content_type="application/json",
    )
    assert response.status_code == 200
    top = response.json()["results"][0]
    assert top["offer"]["id"] == catalogue.pk
    assert top["reason"].count(catalogue.themes.get().name) == 1  # duplicates were ignored


def test_a_body_over_django_upload_limit_is_4xx_not_500(client, catalogue, settings, monkeypatch):
    monkeypatch.setattr(
        "veerkracht.support.api.matching.match_offers",
        lambda *a, **k: pytest.fail("the engine ran for an oversized body"),
    )
    body = json.dumps({"text": "impact " * 500_000})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    client.raise_request_exception = False
    response = client.post(URL, body, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_initiatives_for_an_offer_works_when_initiatives_share_its_themes(client, catalogue):
    """Today every real call answered 400 "could not convert string to float": the
    reason's text overwrote the array of text scores after the first shared theme."""
    theme = catalogue.themes.get()
    first = InitiativeFactory(learning_questions="Hoe brengen we onze impact in kaart?")
    second = InitiativeFactory(learning_questions="Wij willen onze impact meten.")
    InitiativeFactory(learning_questions="Hoe vinden we vrijwilligers?")
    first.themes.add(theme)
    second.themes.add(theme)
    client.force_login(UserFactory(roles=[Role.Code.PROGRAMME_STAFF]))
    response = client.get("/api/v1/matching/initiatives", {"offer": "impact", "limit": 5})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert {r["initiative"]["id"] for r in results} >= {first.pk, second.pk}
    for r in results:
        assert 0.0 <= r["components"]["text"] <= 1.0
        if r["initiative"]["id"] in (first.pk, second.pk):
            assert r["components"]["themes"] == 1.0 and theme.name in r["reason"]
