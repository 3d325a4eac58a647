"""The matching pages in a real browser: a match team member tries the engine, proposes
support on the match team meeting page, records feedback and runs the batch; each page
passes axe-core (no serious or critical issues).

Selectors use ids, names and data-testid attributes, so the test holds in any language.
axe checks `main` (these pages' own content); the site header is checked by the public
page tests.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Role, Theme
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.tests.factories import InitiativeFactory, MatchDecisionFactory
from veerkracht.support.matching import reset_index
from veerkracht.support.tests.factories import OfferFactory, QuestionFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


def log_in_as_match_team(page) -> None:
    user = UserFactory(email="matchteam@example.org", roles=[Role.Code.MATCH_TEAM])
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


def test_match_team_tries_proposes_and_gives_feedback(page, axe, reference_data):
    OfferFactory(
        slug="training-impactmonitoring",
        title="Training impactmonitoring",
        summary="Een verandertheorie en meetplan opstellen.",
        themes=[Theme.objects.get(slug="sociaal-ondernemen")],
    )
    OfferFactory(slug="fondsenwerving", title="Fondsenwerving", summary="Advies over fondsen.")
    initiative = InitiativeFactory(municipality_id="GM0772", name="Wijkleerbedrijf")
    QuestionFactory(initiative=initiative, title="Hoe meten we onze impact?", text="")
    item = MatchDecisionFactory(initiative=initiative)
    log_in_as_match_team(page)

    page.goto(reverse("support:matching_try"))
    axe(page)
    page.fill("#match-text", "Wij willen laten zien wat ons wijkleerbedrijf oplevert")
    page.locator("main form button[type=submit]").click()
    first = page.get_by_test_id("match-result").first
    expect(first).to_have_attribute("data-offer", "training-impactmonitoring")
    first.locator("summary").click()
    expect(first.get_by_test_id("components")).to_be_visible()
    axe(page)

    page.goto(reverse("initiatives:staff_meeting", args=[item.meeting.pk]))
    page.get_by_test_id("propose").click()
    proposal = page.get_by_test_id("proposal").first
    expect(proposal).to_have_attribute("data-offer", "training-impactmonitoring")
    axe(page)
    form = proposal.get_by_test_id("feedback-form")
    form.locator("select[name=taken_up]").select_option("yes")
    form.locator("select[name=helped]").select_option("yes")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("proposal").first.locator("select[name=helped]")).to_have_value(
        "yes"
    )

    page.goto(reverse("support:matching_runs"))
    axe(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("run-progress")).to_have_attribute("data-state", "finished")
    axe(page)
