"""Knowledge base pages: list, detail, history and the editor's pages."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse

from veerkracht.core.tests.factories import ResilienceFactorFactory, ThemeFactory
from veerkracht.initiatives.tests.factories import InitiativeFactory, SupportOfferFactory
from veerkracht.knowledge import services
from veerkracht.knowledge.models import Article, ArticleAttachment

from .factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/kennisbank/"
PDF = b"%PDF-1.4\n%test\n"


def detail_url(article):
    return reverse("knowledge:article_detail", kwargs={"slug": article.slug})


def listed(response):
    import re

    return re.findall(r'data-article="([^"]+)"', response.content.decode())


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_urls():
    assert reverse("knowledge:article_list") == LIST_URL
    assert reverse("knowledge:article_create") == "/kennisbank/nieuw/"


def test_list_shows_published_articles_with_filters(client):
    theme, factor, tag = ThemeFactory(), ResilienceFactorFactory(), TagFactory()
    ArticleFactory(slug="a", kind=Article.Kind.LESSON, themes=[theme], tags=[tag])
    ArticleFactory(slug="b", title="Impactspel", factors=[factor])
    ArticleFactory(slug="verborgen", published=False)
    assert listed(client.get(LIST_URL)) == ["a", "b"]
    assert listed(client.get(LIST_URL, {"soort": "lesson"})) == ["a"]
    assert listed(client.get(LIST_URL, {"soort": "onzin"})) == ["a", "b"]
    assert listed(client.get(LIST_URL, {"tag": tag.slug})) == ["a"]
    assert listed(client.get(LIST_URL, {"thema": theme.slug})) == ["a"]
    assert listed(client.get(LIST_URL, {"hulpbron": factor.slug})) == ["b"]
    assert listed(client.get(LIST_URL, {"q": "impactspel"})) == ["b"]
    assert listed(client.get(LIST_URL, {"q": "niets-te-vinden"})) == []


def test_list_shows_unpublished_articles_to_editors(client, editor):
    ArticleFactory(slug="verborgen", published=False)
    client.force_login(editor)
    response = client.get(LIST_URL)
    assert listed(response) == ["verborgen"]
    assert b'data-testid="unpublished"' in response.content
    assert b'data-testid="article-create"' in response.content


def test_list_is_paginated_with_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    theme, tag = ThemeFactory(), TagFactory()
    for n in range(25):
        ArticleFactory(title=f"Artikel {n:02d}", themes=[theme], tags=[tag])
    with django_assert_max_num_queries(9):
        response = client.get(LIST_URL)
    assert len(listed(response)) == 20
    page_two = client.get(LIST_URL, {"pagina": 2})
    assert len(listed(page_two)) == 5


def test_detail_renders_text_safely_with_links(client):
    public = InitiativeFactory(name="Lokaal Plus")
    hidden = InitiativeFactory(name="Geheim initiatief", published=False)
    offer = SupportOfferFactory(title="Veerkrachtdialoog")
    tag = TagFactory(name="dialoog")
    article = ArticleFactory(
        body="Eerste alinea <script>alert(1)</script>\n\nTweede alinea",
        initiatives=[public, hidden],
        offers=[offer],
        tags=[tag],
    )
    response = client.get(detail_url(article))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>Tweede alinea</p>" in html
    assert reverse("initiatives:detail", kwargs={"slug": public.slug}) in html
    assert "Geheim initiatief" not in html
    assert f'data-offer="{offer.slug}"' in html
    assert f"?tag={tag.slug}" in html
    assert 'data-version="1"' in html


def test_detail_shows_names_of_editors_only_to_editors(client, editor):
    article = services.article_create(actor=editor, title="Met naam", kind="method", body="x")
    services.article_publish(actor=editor, article=article)
    assert "Eva Editor" not in client.get(detail_url(article)).content.decode()
    client.force_login(editor)
    assert "Eva Editor" in client.get(detail_url(article)).content.decode()


def test_unpublished_article_is_hidden_from_readers(client, reader, editor):
    article = ArticleFactory(published=False)
    assert client.get(detail_url(article)).status_code == 404
    client.force_login(reader)
    assert client.get(detail_url(article)).status_code == 404
    client.force_login(editor)
    response = client.get(detail_url(article))
    assert response.status_code == 200
    assert b'data-published="0"' in response.content


@pytest.mark.parametrize("name", ["article_create", "article_edit", "attachment_list"])
def test_editor_pages_need_article_edit(client, reader, name):
    article = ArticleFactory()
    kwargs = {} if name == "article_create" else {"slug": article.slug}
    url = reverse(f"knowledge:{name}", kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert "/inloggen/" in response["Location"] or "login" in response["Location"]
    client.force_login(reader)
    assert client.get(url).status_code == 403


def test_posts_need_article_edit(client, reader):
    article = ArticleFactory()
    client.force_login(reader)
    url = reverse("knowledge:article_publication", kwargs={"slug": article.slug})
    assert client.post(url, {"publish": "0"}).status_code == 403
    url = reverse("knowledge:version_restore", kwargs={"slug": article.slug, "number": 1})
    assert client.post(url).status_code == 403
    article.refresh_from_db()
    assert article.published


def test_editor_creates_edits_and_publishes(client, editor):
    theme = ThemeFactory()
    client.force_login(editor)
    assert client.get(reverse("knowledge:article_create")).status_code == 200
    response = client.post(
        reverse("knowledge:article_create"),
        {
            "title": "Workshop Camping Kafka",
            "kind": "method",
            "summary": "Over NIMBY",
            "body": "Eerste versie.",
            "tags": "nimby, dialoog",
            "themes": [theme.pk],
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(article)
    assert not article.published
    assert sorted(article.tags.values_list("slug", flat=True)) == ["dialoog", "nimby"]

    edit_url = reverse("knowledge:article_edit", kwargs={"slug": article.slug})
    form = client.get(edit_url)
    assert form.status_code == 200
    assert b"Eerste versie." in form.content
    client.post(
        edit_url,
        {
            "title": "Workshop Camping Kafka",
            "kind": "method",
            "summary": "Over NIMBY",
            "body": "Tweede versie.",
            "tags": "nimby",
            "note": "Aangevuld",
        },
    )
    article.refresh_from_db()
    assert article.current_version == 2
    assert list(article.tags.values_list("slug", flat=True)) == ["nimby"]

    client.post(
        reverse("knowledge:article_publication", kwargs={"slug": article.slug}), {"publish": "1"}
    )
    article.refresh_from_db()
    assert article.published


def test_create_with_errors_shows_the_form_again(client, editor):
    client.force_login(editor)
    response = client.post(reverse("knowledge:article_create"), {"title": "", "kind": "method"})
    assert response.status_code == 200
    assert b'data-testid="form-errors"' in response.content
    assert not Article.objects.exists()


def test_history_shows_the_diff_with_ins_and_del(english, editor):
    article = services.article_create(actor=editor, title="T", kind="method", body="oud woord")
    services.article_update(
        actor=editor, article=article, title="T", kind="method", body="nieuw woord"
    )
    services.article_publish(actor=editor, article=article)
    url = reverse("knowledge:article_history", kwargs={"slug": article.slug})
    response = english.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-old="1" data-new="2"' in html
    assert "<del>" in html and "oud" in html
    assert "<ins>" in html and "nieuw" in html
    assert "Eva Editor" not in html
    assert 'data-old="2" data-new="2"' in english.get(url, {"van": 2, "naar": 2}).content.decode()
    assert (
        'data-old="1" data-new="2"' in english.get(url, {"van": "x", "naar": 99}).content.decode()
    )


def test_editor_restores_a_version(client, editor):
    article = services.article_create(actor=editor, title="T", kind="method", body="een")
    services.article_update(actor=editor, article=article, title="T", kind="method", body="twee")
    client.force_login(editor)
    url = reverse("knowledge:version_restore", kwargs={"slug": article.slug, "number": 1})
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.body, article.current_version) == ("een", 3)
    missing = reverse("knowledge:version_restore", kwargs={"slug": article.slug, "number": 8})
    assert client.post(missing).status_code == 404


def test_attachments_upload_download_and_remove(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    url = reverse("knowledge:attachment_list", kwargs={"slug": article.slug})
    response = client.post(
        url, {"title": "Handleiding", "file": SimpleUploadedFile("handleiding.pdf", PDF)}
    )
    assert response.status_code == 302
    attachment = ArticleAttachment.objects.get()
    download = reverse(
        "knowledge:attachment_download", kwargs={"slug": article.slug, "pk": attachment.pk}
    )
    client.logout()
    detail = client.get(detail_url(article)).content.decode()
    assert download in detail and "PDF" in detail
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    client.force_login(editor)
    bad = client.post(url, {"title": "Fout", "file": SimpleUploadedFile("virus.exe", b"MZ")})
    assert bad.status_code == 400
    fake = client.post(url, {"title": "Nep", "file": SimpleUploadedFile("nep.pdf", b"<html>")})
    assert fake.status_code == 400
    assert ArticleAttachment.objects.count() == 1

    remove = reverse(
        "knowledge:attachment_remove", kwargs={"slug": article.slug, "pk": attachment.pk}
    )
    assert client.post(remove).status_code == 302
    assert not ArticleAttachment.objects.exists()
    assert client.get(download).status_code == 404


def test_attachment_of_an_unpublished_article_is_hidden(client, editor):
    article = ArticleFactory(published=False)
    attachment = services.attachment_add(
        actor=editor, article=article, file=SimpleUploadedFile("a.pdf", PDF)
    )
    url = reverse(
        "knowledge:attachment_download", kwargs={"slug": article.slug, "pk": attachment.pk}
    )
    assert client.get(url).status_code == 404


def test_detail_uses_a_fixed_number_of_queries(client, editor, django_assert_max_num_queries):
    article = ArticleFactory(
        initiatives=[InitiativeFactory() for _ in range(3)],
        offers=[SupportOfferFactory() for _ in range(3)],
        tags=[TagFactory() for _ in range(3)],
        themes=[ThemeFactory() for _ in range(2)],
    )
    for n in range(3):
        services.article_update(
            actor=editor, article=article, title=article.title, kind="method", body=f"tekst {n}"
        )
        services.attachment_add(
            actor=editor, article=article, file=SimpleUploadedFile(f"b{n}.pdf", PDF)
        )
    with django_assert_max_num_queries(12):
        response = client.get(detail_url(article))
    assert response.content.count(b'data-version="') == 4


def test_offer_links_to_its_page_when_the_support_app_has_one(client):
    offer = SupportOfferFactory(title="Impactspel")
    article = ArticleFactory(offers=[offer])
    html = client.get(detail_url(article)).content.decode()
    try:
        url = reverse("support:offer_detail", args=[offer.slug])
    except NoReverseMatch:
        assert f'data-offer="{offer.slug}"' in html
    else:
        assert f'href="{url}"' in html
