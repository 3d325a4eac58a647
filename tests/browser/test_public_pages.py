"""Public pages in a real browser: maps drawn from the shipped CBS data, axe-core clean,
the language switch and keyboard access."""

import re

import pytest
from playwright.sync_api import expect

from veerkracht.core.models import AreaGroup

pytestmark = pytest.mark.browser

BRABANT_MUNICIPALITIES = 56


def wait_for_map(page, selector: str) -> int:
    """Wait until map.js has drawn the map; return the number of features."""
    page.wait_for_selector(f'{selector}[data-loaded="true"]', state="attached")
    return int(page.get_attribute(selector, "data-feature-count"))


def test_home_shows_the_served_province_and_passes_axe(page, reference_data, axe):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#province-heading")).to_contain_text("Noord-Brabant")
    expect(page.get_by_test_id("municipality-count")).to_have_text(str(BRABANT_MUNICIPALITIES))
    assert wait_for_map(page, "#home-map") == BRABANT_MUNICIPALITIES
    axe(page)


def test_areas_map_table_and_area_page(page, reference_data, axe):
    page.goto("/gebieden/")

    assert wait_for_map(page, "#areas-map") == BRABANT_MUNICIPALITIES
    expect(page.locator("#areas-map")).to_have_attribute("aria-label", re.compile(r".+"))
    rows = page.locator("#areas-table tbody tr")
    expect(rows).to_have_count(BRABANT_MUNICIPALITIES)
    # Offline by default: no background tiles, only the boundaries.
    assert page.locator("#areas-map .leaflet-tile").count() == 0
    assert page.locator("#areas-map path.leaflet-interactive").count() == BRABANT_MUNICIPALITIES
    axe(page)
    page.screenshot(path="/tmp/areas.png", full_page=True)

    page.locator("#areas-table").get_by_role("link", name="Oss", exact=True).click()

    expect(page).to_have_url(re.compile(r"/gebieden/GM0828/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Oss")
    assert wait_for_map(page, "#area-map") == 1
    expect(page.locator("main")).to_contain_text("Noord-Brabant")
    axe(page)


def test_area_group_filter_keeps_the_map(page, reference_data, axe):
    m7 = AreaGroup.objects.get(slug="m7").municipalities.count()
    assert m7 >= 7

    page.goto("/gebieden/?groep=m7")

    assert wait_for_map(page, "#areas-map") == BRABANT_MUNICIPALITIES
    expect(page.locator("#areas-table tbody tr")).to_have_count(m7)
    axe(page)


def test_clicking_a_municipality_on_the_map_opens_its_page(page, reference_data):
    page.goto("/gebieden/")
    wait_for_map(page, "#areas-map")

    oss = page.locator('#areas-map path[aria-label="Oss"]')
    oss.focus()
    expect(page.locator("#areas-map .leaflet-tooltip")).to_contain_text("Oss")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/gebieden/GM0828/$"))


def test_language_switch_turns_the_page_english_and_back(page, reference_data):
    page.goto("/gebieden/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/gebieden/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Municipalities in Noord-Brabant")

    page.get_by_role("button", name="Nederlands").click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, reference_data):
    page.goto("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main"
    expect(page.locator(".skip-link").first).to_be_visible()

    page.keyboard.press("Enter")

    assert page.evaluate("() => document.activeElement.id") == "main"
