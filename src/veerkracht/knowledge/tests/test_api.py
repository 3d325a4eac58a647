"""Knowledge base API: /api/v1/articles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from veerkracht.core.tests.factories import ThemeFactory
from veerkracht.initiatives.models import SupportOffer
from veerkracht.initiatives.tests.factories import InitiativeFactory, SupportOfferFactory
from veerkracht.knowledge import services
from veerkracht.knowledge.models import Article

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/articles"


def test_list_returns_published_articles_with_filters(client, django_assert_max_num_queries):
    theme, tag = ThemeFactory(), TagFactory(name="dialoog")
    ArticleFactory(slug="a", title="A", kind=Article.Kind.LESSON, themes=[theme], tags=[tag])
    ArticleFactory(slug="b", title="B", body="over het impactspel")
    ArticleFactory(slug="c", title="C", published=False)
    with django_assert_max_num_queries(6):
        data = client.get(URL).json()
    assert data["count"] == 2
    assert [a["slug"] for a in data["results"]] == ["a", "b"]
    first = data["results"][0]
    assert first["kind"] == "lesson"
    assert first["tags"] == ["dialoog"]
    assert first["themes"] == [theme.slug]
    assert first["url"].endswith("/kennisbank/a/")
    assert "body" not in first
    assert [a["slug"] for a in client.get(URL, {"kind": "lesson"}).json()["results"]] == ["a"]
    assert [a["slug"] for a in client.get(URL, {"tag": "dialoog"}).json()["results"]] == ["a"]
    assert [a["slug"] for a in client.get(URL, {"theme": theme.slug}).json()["results"]] == ["a"]
    assert [a["slug"] for a in client.get(URL, {"q": "impactspel"}).json()["results"]] == ["b"]


def test_list_pagination_and_errors(client):
    for n in range(3):
        ArticleFactory(title=f"Artikel {n}")
    data = client.get(URL, {"page_size": 2}).json()
    assert data["count"] == 3 and len(data["results"]) == 2
    assert "page=2" in data["next"]
    assert client.get(URL, {"page": 9}).status_code == 404
    assert client.get(URL, {"kind": "gedicht"}).status_code == 400
    assert client.get(URL, {"page_size": 0}).status_code == 422


def test_detail_returns_body_and_public_links_only(client, editor, settings, tmp_path):
    public, hidden = InitiativeFactory(name="Open"), InitiativeFactory(published=False)
    offer = SupportOfferFactory(title="Impactspel")
    draft = SupportOfferFactory(title="Concept", status=SupportOffer.Status.DRAFT)
    article = ArticleFactory(slug="x", initiatives=[public, hidden], offers=[offer, draft])
    services.attachment_add(
        actor=editor, article=article, file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"), title="A"
    )
    data = client.get(f"{URL}/x").json()
    assert data["body"] == article.body
    assert [i["slug"] for i in data["initiatives"]] == [public.slug]
    assert data["initiatives"][0]["url"].endswith(f"/initiatieven/{public.slug}/")
    assert [o["slug"] for o in data["offers"]] == [offer.slug]
    assert data["attachments"][0]["type"] == "pdf"
    assert "author" not in data


def test_detail_of_unpublished_or_unknown_article_is_404(client):
    ArticleFactory(slug="verborgen", published=False)
    assert client.get(f"{URL}/verborgen").status_code == 404
    assert client.get(f"{URL}/onbekend").status_code == 404


def test_openapi_tags_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/articles"]["get"]["tags"] == ["Knowledge base"]
    assert schema["paths"]["/api/v1/articles/{slug}"]["get"]["tags"] == ["Knowledge base"]
