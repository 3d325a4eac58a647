"""The Initiatievenkaart in a real browser: clusters and points from the API, a popup
whose details are fetched when opened, filtering, and axe-core on the map page and on an
initiative's page."""

import re

import pytest
from playwright.sync_api import expect

from veerkracht.core.models import Municipality
from veerkracht.initiatives.tests.factories import InitiativeFactory

pytestmark = pytest.mark.browser

MAP = "#initiatives-map"


@pytest.fixture
def initiatives(reference_data):
    """Published initiatives in real places, three of them close together in Tilburg."""
    oss = Municipality.objects.get(code="GM0828")
    breda = Municipality.objects.get(code="GM0758")
    tilburg = Municipality.objects.get(code="GM0855")
    made = {
        "slowcare": InitiativeFactory(
            name="Slowcare",
            summary="Zorg en aandacht voor ouderen in Oss.",
            municipality=oss,
            latitude=51.7650,
            longitude=5.5180,
        ),
        "breda": InitiativeFactory(
            name="Repair Café Breda",
            summary="Samen repareren.",
            municipality=breda,
            latitude=51.5890,
            longitude=4.7760,
        ),
        "hidden": InitiativeFactory(
            name="Nog in intake",
            municipality=oss,
            latitude=51.7600,
            longitude=5.5300,
            signed_up=True,
        ),
    }
    for n in range(3):
        made[f"tilburg{n}"] = InitiativeFactory(
            name=f"Buurtkamer Tilburg {n}",
            municipality=tilburg,
            latitude=51.5600 + n * 0.001,
            longitude=5.0800 + n * 0.001,
        )
    return made


def wait_for_markers(page) -> int:
    page.wait_for_selector(f'{MAP}[data-loaded="true"]', state="attached")
    return int(page.get_attribute(MAP, "data-marker-count"))


def test_map_shows_clusters_and_points_and_loads_details_on_open(page, initiatives, axe):
    page.goto("/initiatievenkaart/")

    count = wait_for_markers(page)
    assert count == 3  # Oss, Breda, and one cluster for Tilburg
    expect(page.locator(f"{MAP} .vk-cluster")).to_have_count(1)
    expect(page.locator(f"{MAP} .vk-cluster")).to_have_text("3")
    expect(page.locator(f"{MAP} .vk-marker")).to_have_count(2)
    assert page.locator(f'{MAP} [data-slug="{initiatives["hidden"].slug}"]').count() == 0
    # Offline by default: municipality boundaries, no tiles.
    page.wait_for_selector(f"{MAP} path[aria-hidden='true']", state="attached")
    assert page.locator(f"{MAP} .leaflet-tile").count() == 0
    # The list below is the text alternative.
    list_items = page.get_by_test_id("initiative-list").locator("li")
    expect(list_items).to_have_count(5)
    axe(page)

    # A point: the popup's details come from the API when it opens.
    marker = page.locator(f'{MAP} [data-slug="{initiatives["slowcare"].slug}"]')
    expect(marker).to_have_attribute("aria-label", "Slowcare")
    marker.click()
    popup = page.locator(f"{MAP} .leaflet-popup-content")
    expect(popup).to_contain_text("Slowcare")
    expect(popup).to_contain_text("Zorg en aandacht voor ouderen in Oss.")
    expect(popup.get_by_role("link")).to_have_attribute(
        "href", re.compile(rf"/initiatieven/{initiatives['slowcare'].slug}/$")
    )
    expect(page.locator(f"{MAP} .leaflet-popup")).to_have_css("opacity", "1")  # faded in
    axe(page)

    # A cluster zooms in and the map reloads with the points.
    zoom = float(page.get_attribute(MAP, "data-zoom"))
    page.locator(f"{MAP} .vk-cluster").click()
    page.wait_for_function(
        """([selector, zoom]) => {
            const map = document.querySelector(selector);
            return map.dataset.loaded === "true" && Number(map.dataset.zoom) > zoom;
        }""",
        arg=[MAP, zoom],
    )
    expect(page.locator(f"{MAP} .vk-marker")).to_have_count(3)
    names = page.locator(f"{MAP} .vk-marker").evaluate_all(
        "elements => elements.map(e => e.getAttribute('aria-label')).sort()"
    )
    assert names == [f"Buurtkamer Tilburg {n}" for n in range(3)]


def test_markers_are_keyboard_operable(page, initiatives):
    page.goto("/initiatievenkaart/")
    wait_for_markers(page)

    marker = page.locator(f'{MAP} [data-slug="{initiatives["breda"].slug}"]')
    expect(marker).to_have_attribute("tabindex", "0")
    expect(marker).to_have_attribute("role", "button")
    marker.focus()
    page.keyboard.press("Enter")

    expect(page.locator(f"{MAP} .leaflet-popup-content")).to_contain_text("Samen repareren.")


def test_filtering_by_municipality_reloads_map_and_list(page, initiatives, axe):
    page.goto("/initiatievenkaart/")
    wait_for_markers(page)

    page.locator("#filter-gemeente").select_option("GM0828")
    page.locator("main form[role='search'] button[type='submit']").click()

    expect(page).to_have_url(re.compile(r"gemeente=GM0828"))
    assert wait_for_markers(page) == 1
    expect(page.locator(f'{MAP} [data-slug="{initiatives["slowcare"].slug}"]')).to_have_count(1)
    list_items = page.get_by_test_id("initiative-list").locator("li")
    expect(list_items).to_have_count(1)
    expect(list_items.first).to_contain_text("Slowcare")
    expect(page.locator("#filter-gemeente")).to_have_value("GM0828")
    axe(page)


def test_initiative_page_passes_axe(page, initiatives, axe):
    page.goto(f"/initiatieven/{initiatives['slowcare'].slug}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Slowcare")
    page.wait_for_selector('#initiative-location[data-loaded="true"]', state="attached")
    assert page.locator("#initiative-location .vk-marker").count() == 1
    axe(page)


def test_unpublished_initiative_page_is_not_found(page, initiatives):
    response = page.goto(f"/initiatieven/{initiatives['hidden'].slug}/")
    assert response.status == 404
