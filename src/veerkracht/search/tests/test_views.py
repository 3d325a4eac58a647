import re

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import SearchArticleFactory, SearchInitiativeFactory, SearchOfferFactory

pytestmark = pytest.mark.django_db

URL = "/zoeken/"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_url_name():
    assert reverse("search:search") == URL


def test_without_query_shows_the_form(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="search-start"' in html
    assert 'role="search"' in html and 'for="search-q"' in html


def test_header_has_a_search_form_on_every_page(client):
    html = client.get(reverse("core:home")).content.decode()
    assert f'action="{URL}"' in html
    assert 'for="site-search-q"' in html and 'id="site-search-q"' in html


def test_results_are_listed_with_marked_snippets(client, indexed):
    with indexed():
        article = SearchArticleFactory(title="Buurtpreventie", body="Samen buurtpreventie doen.")
        initiative = SearchInitiativeFactory(name="Buurtpreventie Oss", slug="bp-oss")
    response = client.get(URL, {"q": "buurtpreventie"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-kind="article" data-object-id="{article.pk}"' in html
    assert f'data-kind="initiative" data-object-id="{initiative.pk}"' in html
    assert 'href="/initiatieven/bp-oss/"' in html
    assert "<mark>buurtpreventie</mark>" in html.lower()
    assert 'data-total="2"' in html


def test_kind_checkboxes_filter_and_show_counts(client, indexed):
    with indexed():
        SearchArticleFactory(title="Ontmoeting in de wijk")
        offer = SearchOfferFactory(title="Ontmoeting organiseren")
    html = client.get(URL, {"q": "ontmoeting", "soort": "offer"}).content.decode()
    assert re.findall(r'data-kind="(\w+)" data-object-id', html) == ["offer"]
    assert f'data-object-id="{offer.pk}"' in html
    assert 'value="offer" id="search-kind-offer" checked' in html
    assert 'data-count="1"' in html  # one article and one offer
    assert 'data-total="1"' in html


def test_suggestion_for_a_typo(english, indexed):
    with indexed():
        SearchArticleFactory(title="Vrijwilligers werven")
    html = english.get(URL, {"q": "vrijwiligers"}).content.decode()
    assert 'data-suggestion="vrijwilligers"' in html
    assert "Did you mean:" in html
    assert 'href="?q=vrijwilligers"' in html


def test_no_results_state(english, indexed):
    with indexed():
        SearchArticleFactory(title="Vrijwilligers werven")
    html = english.get(URL, {"q": "xylofoon"}).content.decode()
    assert 'data-testid="no-results"' in html
    assert "Nothing was found" in html


def test_pagination(client, indexed, django_assert_max_num_queries):
    with indexed():
        for n in range(25):
            SearchArticleFactory(title=f"Wijkfeest {n}", body="Een wijkfeest " * (n + 1))
    with django_assert_max_num_queries(6):
        first = client.get(URL, {"q": "wijkfeest"}).content.decode()
    second = client.get(URL, {"q": "wijkfeest", "pagina": 2}).content.decode()
    assert len(re.findall(r"data-object-id=", first)) == 20
    assert len(re.findall(r"data-object-id=", second)) == 5
    assert 'href="?q=wijkfeest&amp;pagina=2#search-results"' in first
    beyond = client.get(URL, {"q": "wijkfeest", "pagina": 9}).content.decode()
    assert len(re.findall(r"data-object-id=", beyond)) == 5  # the last page


def test_query_text_is_escaped(client):
    html = client.get(URL, {"q": '<script>"x"</script>'}).content.decode()
    assert '<script>"x"' not in html


def test_any_word_note(client, indexed):
    with indexed():
        SearchArticleFactory(title="Eenzaamheid in de wijk")
    html = client.get(URL, {"q": "eenzaamheid zwembad"}).content.decode()
    assert "data-any-word" in html
    assert 'data-total="1"' in html
