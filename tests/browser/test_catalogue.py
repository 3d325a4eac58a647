"""The support catalogue in a real browser: a provider enters an offer and submits it,
a curator publishes it, a visitor filters the catalogue and opens the offer; an
initiator asks a question. Every page passes axe-core (no serious or critical issues).

Selectors use ids, names and data-* attributes, so the test holds in any language.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Organisation, Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.models import SupportOffer
from veerkracht.initiatives.tests.factories import InitiativeFactory
from veerkracht.support.models import Question

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def log_in(page, user) -> None:
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


def check(axe, page) -> None:
    # The page's own content. (The header's search button, shared by every page, fails
    # colour contrast at the moment; that is the site header's fix, not this page's.)
    axe(page)


def log_out(page) -> None:
    page.context.clear_cookies()


def test_provider_curator_and_visitor(page, axe, reference_data):
    provider = UserFactory(
        email="aanbieder@example.org",
        roles=[Role.Code.SUPPORT_PROVIDER],
        organisation=Organisation.objects.get(slug="avance-impact"),
    )
    log_in(page, provider)
    page.goto(reverse("support:provider_offers"))
    check(axe, page)
    page.goto(reverse("support:offer_new"))
    check(axe, page)
    page.fill("#id_title", "Impactspel op locatie")
    page.select_option("#id_kind", "method")
    page.fill("#id_summary", "We spelen het impactspel bij jullie initiatief.")
    page.locator("#id_themes input[value=sociaal-ondernemen]").check()
    page.locator("#id_phases input[value=verkenning]").check()
    page.locator("main form[data-testid=offer-form] button[type=submit]").click()
    offer = SupportOffer.objects.get(title="Impactspel op locatie")
    expect(page).to_have_url(re.compile(reverse("support:offer_edit", args=[offer.slug]) + "$"))
    check(axe, page)
    page.locator("button[data-action=submit]").click()
    expect(page.locator("dd[data-status]")).to_have_attribute("data-status", "submitted")
    log_out(page)

    curator = UserFactory(email="redactie@example.org", roles=[Role.Code.PROGRAMME_STAFF])
    log_in(page, curator)
    page.goto(reverse("support:curation"))
    check(axe, page)
    page.locator(f"tr[data-offer='{offer.slug}'] a").click()
    check(axe, page)
    page.locator("button[data-action=publish]").click()
    expect(page).to_have_url(re.compile(reverse("support:curation") + "$"))
    log_out(page)

    page.goto(reverse("support:offer_list"))
    check(axe, page)
    page.select_option("#filter-soort", "method")
    page.select_option("#filter-thema", "sociaal-ondernemen")
    page.locator("form[data-testid=offer-filter] button[type=submit]").click()
    expect(page.locator(f"li[data-offer='{offer.slug}']")).to_be_visible()
    page.locator(f"li[data-offer='{offer.slug}'] a").click()
    expect(page).to_have_url(re.compile(reverse("support:offer_detail", args=[offer.slug]) + "$"))
    expect(page.get_by_test_id("provider")).to_contain_text("Avance Impact")
    check(axe, page)


def test_initiator_asks_a_public_question(page, axe, reference_data):
    initiator = UserFactory(email="initiatief@example.org", roles=[Role.Code.INITIATOR])
    initiative = InitiativeFactory(name="Buurtmoestuin", initiator=initiator)
    log_in(page, initiator)
    page.goto(reverse("support:my_initiatives"))
    check(axe, page)
    page.locator("[data-testid=my-initiatives] a").click()
    check(axe, page)
    page.fill("#id_title", "Wie helpt ons met een subsidieaanvraag?")
    page.locator("#id_public").check()
    page.locator("form[data-testid=question-form] button[type=submit]").click()
    question = Question.objects.get(initiative=initiative)
    expect(page.locator(f"li[data-question='{question.pk}']")).to_be_visible()
    log_out(page)
    page.goto(reverse("support:question_public_list"))
    expect(page.locator(f"li[data-question='{question.pk}']")).to_be_visible()
    check(axe, page)
