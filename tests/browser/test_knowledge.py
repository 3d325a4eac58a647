"""The knowledge base in a real browser: an editor writes an article, publishes it,
edits it and compares the two versions; list, detail, form and history pages pass
axe-core (no serious or critical issues), for the editor and for a visitor.

Selectors use ids, names and data-testid attributes, so the test holds in any language.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.knowledge.models import Article

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def log_in_as_editor(page) -> None:
    user = UserFactory(
        email="redacteur@example.org",
        full_name="Voorbeeld Redacteur",
        roles=[Role.Code.PROGRAMME_STAFF],
    )
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


def test_editor_writes_edits_and_compares_versions(page, axe, reference_data):
    log_in_as_editor(page)
    page.goto(reverse("knowledge:article_list"))
    axe(page)
    page.get_by_test_id("article-create").click()
    expect(page).to_have_url(re.compile(reverse("knowledge:article_create") + "$"))
    axe(page)
    page.fill("#id_title", "Buurtgesprek met de Veerkrachtdialoog")
    page.select_option("#id_kind", "howto")
    page.fill("#id_summary", "Zo organiseer je een dialoog in je wijk.")
    page.fill("#id_body", "Nodig bewoners uit.\n\nSpeel het spel samen.")
    page.fill("#id_tags", "dialoog, wijk")
    page.locator("#id_themes input[type=checkbox]").first.check()
    page.get_by_test_id("article-save").click()

    article = Article.objects.get()
    expect(page).to_have_url(
        re.compile(reverse("knowledge:article_detail", args=[article.slug]) + "$")
    )
    expect(page.get_by_test_id("status")).to_have_attribute("data-published", "0")
    page.get_by_test_id("article-publish").click()
    expect(page.get_by_test_id("status")).to_have_attribute("data-published", "1")

    page.get_by_test_id("article-edit").click()
    axe(page)
    page.fill("#id_body", "Nodig bewoners en de gemeente uit.\n\nSpeel het spel samen.")
    page.fill("#id_note", "Gemeente toegevoegd")
    page.get_by_test_id("article-save").click()
    expect(page.get_by_test_id("version")).to_have_text("2")
    expect(page.locator("[data-testid=versions] li")).to_have_count(2)
    axe(page)

    page.goto(reverse("knowledge:article_history", args=[article.slug]))
    expect(page.locator("[data-testid=version-table] tbody tr")).to_have_count(2)
    diff = page.get_by_test_id("diff")
    expect(diff.locator("ins").first).to_contain_text("gemeente")
    expect(page.locator("#diff")).to_have_attribute("data-old", "1")
    expect(page.locator("#diff")).to_have_attribute("data-new", "2")
    axe(page)

    # A visitor sees the published article and its history, without the editor's name.
    page.context.clear_cookies()
    page.goto(reverse("knowledge:article_list"))
    expect(page.locator(f'[data-article="{article.slug}"]')).to_have_count(1)
    axe(page)
    page.goto(reverse("knowledge:article_detail", args=[article.slug]))
    expect(page.get_by_test_id("article-body")).to_contain_text("Speel het spel samen.")
    expect(page.locator("main")).not_to_contain_text("Voorbeeld Redacteur")
    axe(page)
