"""Public pages: the Initiatievenkaart (filter, map, list) and an initiative's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from veerkracht.core.tests.factories import (
    PolicyAgendaFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)

from .factories import InitiativeFactory, served_areas

pytestmark = pytest.mark.django_db

MAP_URL = "/initiatievenkaart/"
SECRETS = ("GEHEIME-NOTITIE", "verborgen@example.org", "06-99999999", "eigenaar@example.org")


@pytest.fixture
def areas():
    return served_areas()


@pytest.fixture
def theme():
    return ThemeFactory(name="Verbinding", slug="verbinding")


def secret_initiative(**kwargs):
    return InitiativeFactory(
        internal_notes="GEHEIME-NOTITIE",
        contact_name="Verborgen Persoon",
        contact_email="verborgen@example.org",
        contact_phone="06-99999999",
        contact_public=False,
        owner=UserFactory(email="eigenaar@example.org"),
        **kwargs,
    )


def test_urls():
    assert reverse("initiatives:map") == MAP_URL
    assert reverse("initiatives:detail", kwargs={"slug": "slowcare"}) == "/initiatieven/slowcare/"


def test_map_page_lists_published_initiatives(client, areas, theme):
    shown = secret_initiative(
        name="Slowcare", municipality=areas.oss, themes=[theme], summary="Zorg met aandacht."
    )
    InitiativeFactory(name="Nog in intake", signed_up=True)
    response = client.get(MAP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/initiatieven/{shown.slug}/"' in html
    assert "Slowcare" in html and "Zorg met aandacht." in html and "Verbinding" in html
    assert "Oss" in html
    assert "Nog in intake" not in html
    for secret in SECRETS:
        assert secret not in html
    assert "Verborgen Persoon" not in html
    # The map container with an accessible name and what the script needs.
    assert 'id="initiatives-map"' in html
    assert re.search(r'id="initiatives-map"[^>]*role="region"[^>]*aria-label="[^"]+"', html, re.S)
    assert 'data-geojson-url="/api/v1/initiatives"' in html
    assert 'data-boundaries-url="/api/v1/municipalities?province=PV30&amp;format=geojson"' in html
    assert 'data-bounds="4.00000,51.20000,6.20000,51.90000"' in html
    assert "initiatives-map.js" in html


def test_filter_form_has_labelled_fields_and_keeps_the_choice(client, areas, theme):
    html = client.get(f"{MAP_URL}?gemeente=GM0828&thema=verbinding&q=zorg").content.decode()
    for name in ("thema", "hulpbron", "gemeente", "regio", "fase", "opgave", "q"):
        assert f'<label class="utrecht-form-label" for="filter-{name}">' in html
        assert f'id="filter-{name}" name="{name}"' in html
    assert '<option value="GM0828" selected>Oss</option>' in html
    assert '<option value="verbinding" selected>Verbinding</option>' in html
    assert 'value="zorg"' in html
    assert 'data-filter="thema=verbinding&amp;gemeente=GM0828&amp;q=zorg"' in html


def test_filtering_by_municipality(client, areas):
    InitiativeFactory(name="In Oss", municipality=areas.oss)
    InitiativeFactory(name="In Tilburg", municipality=areas.tilburg)
    html = client.get(f"{MAP_URL}?gemeente=GM0828").content.decode()
    assert "In Oss" in html and "In Tilburg" not in html
    # The map starts at the chosen municipality.
    assert 'data-bounds="5.40000,51.70000,5.70000,51.85000"' in html


def test_unknown_filter_value_gives_400_with_a_message(client, areas):
    InitiativeFactory(name="In Oss", municipality=areas.oss)
    response = client.get(f"{MAP_URL}?gemeente=GM9999")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-error"' in html
    assert "In Oss" not in html


def test_the_list_is_paginated(client):
    for n in range(45):
        InitiativeFactory(name=f"Initiatief {n:02d}")
    html = client.get(MAP_URL).content.decode()
    assert html.count('class="vk-initiative-list__item"') == 20
    assert "Initiatief 00" in html and "Initiatief 20" not in html
    assert 'aria-current="page"' in html
    last = client.get(f"{MAP_URL}?pagina=3").content.decode()
    assert last.count('class="vk-initiative-list__item"') == 5
    assert "Initiatief 44" in last


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("query", ["", "?gemeente=GM0828&thema=verbinding", "?regio=m7&q=a"])
def test_the_map_page_uses_a_fixed_number_of_queries(client, areas, theme, query):
    factor = ResilienceFactorFactory()
    agenda = PolicyAgendaFactory()

    def add(n):
        for _ in range(n):
            InitiativeFactory(
                name="Buurtactie",
                municipality=areas.oss,
                themes=[theme],
                factors=[factor],
                policy_agendas=[agenda],
            )

    add(3)
    client.get(MAP_URL)  # warm up: the province's extent is kept per process
    few = _page_queries(client, f"{MAP_URL}{query}")
    add(30)
    many = _page_queries(client, f"{MAP_URL}{query}")
    assert few == many
    assert many <= 20


def test_detail_page_shows_public_fields(client, areas, theme):
    factor = ResilienceFactorFactory(name="Vertrouwen", slug="vertrouwen")
    agenda = PolicyAgendaFactory(name="Energie", slug="energie")
    initiative = secret_initiative(
        name="Slowcare",
        summary="Zorg met aandacht.",
        description="Een lange beschrijving.",
        goals="Minder eenzaamheid.",
        learning_questions="Hoe vinden we vrijwilligers?",
        municipality=areas.oss,
        latitude=51.76,
        longitude=5.52,
        themes=[theme],
        factors=[factor],
        policy_agendas=[agenda],
        website="https://slowcare.example.org",
        start_year=2018,
        phase="intensief",
    )
    response = client.get(f"/initiatieven/{initiative.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Slowcare",
        "Zorg met aandacht.",
        "Een lange beschrijving.",
        "Minder eenzaamheid.",
        "Hoe vinden we vrijwilligers?",
        "Verbinding",
        "Vertrouwen",
        "Energie",
        "https://slowcare.example.org",
        "2018",
        "Oss",
    ):
        assert text in html
    for secret in SECRETS:
        assert secret not in html
    assert "Verborgen Persoon" not in html
    assert 'data-testid="contact"' not in html
    assert 'id="initiative-location"' in html
    assert '"point": [51.76, 5.52]' in html


def test_detail_page_shows_contact_only_with_consent(client):
    initiative = InitiativeFactory(
        contact_name="Anna de Vries",
        contact_email="anna@example.org",
        contact_phone="06-11111111",
        contact_public=True,
    )
    html = client.get(f"/initiatieven/{initiative.slug}/").content.decode()
    assert 'data-testid="contact"' in html
    assert "Anna de Vries" in html and "mailto:anna@example.org" in html and "06-11111111" in html


def test_detail_page_is_404_unless_published(client):
    hidden = InitiativeFactory(signed_up=True)
    assert client.get(f"/initiatieven/{hidden.slug}/").status_code == 404
    assert client.get("/initiatieven/bestaat-niet/").status_code == 404


def test_detail_page_without_a_location(client):
    initiative = InitiativeFactory(name="Overal en nergens")
    html = client.get(f"/initiatieven/{initiative.slug}/").content.decode()
    assert 'id="initiative-location"' not in html
