"""The search in a real browser: header search box, results, kind filter, "Did you mean",
axe-core clean."""

import re

import pytest
from playwright.sync_api import expect

from veerkracht.search.tests.factories import SearchArticleFactory, SearchOfferFactory

pytestmark = pytest.mark.browser


def test_search_from_the_header_filter_and_suggestion(page, transactional_db, axe):
    # A transactional database: the index is filled by the signals after each commit.
    article = SearchArticleFactory(
        title="Vrijwilligers werven", body="Zo vindt u vrijwilligers voor uw buurtinitiatief."
    )
    offer = SearchOfferFactory(title="Training vrijwilligers begeleiden")

    page.goto("/")
    page.locator("#site-search-q").fill("vrijwilliger")
    page.locator("#site-search-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/zoeken/\?q=vrijwilliger"))
    results = page.get_by_test_id("search-results")
    expect(results.locator("li")).to_have_count(2)
    expect(results.locator("mark").first).to_be_visible()
    expect(page.locator("#search-q")).to_have_value("vrijwilliger")
    axe(page)

    page.locator("#search-kind-offer").check()
    page.get_by_test_id("search-form").get_by_role("button").click()
    expect(results.locator("li")).to_have_count(1)
    expect(results.locator("li").first).to_have_attribute("data-object-id", str(offer.pk))

    page.goto("/zoeken/?q=vrijwiligers+werven")
    suggestion = page.locator(".vk-search-suggestion")
    expect(suggestion).to_have_attribute("data-suggestion", "vrijwilligers werven")
    expect(results.locator("li").first).to_have_attribute("data-object-id", str(article.pk))
    axe(page)
    suggestion.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"q=vrijwilligers\+werven"))
    expect(page.locator(".vk-search-suggestion")).to_have_count(0)

    page.goto("/zoeken/?q=xylofoon")
    expect(page.get_by_test_id("no-results")).to_be_visible()
    axe(page)
