"""The composite index's staff pages in a real browser: an analyst builds a run with the
form, reads its log, weights and results, and publishes it; each page passes axe-core
(no serious or critical issues). Selectors use ids and data attributes (any language).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.models import IndexRun
from veerkracht.monitor.tests.test_composite_service import make_observations

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def test_analyst_builds_and_publishes_an_index_run(page, axe, transactional_db):
    make_observations(years=(2022, 2023))
    user = UserFactory(email="analist@example.org", roles=[Role.Code.ANALYST])
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))

    page.goto(reverse("monitor:index_runs"))
    axe(page)
    page.fill("#index-years", "2022-2023")
    page.fill("#index-province", "")
    page.select_option("#index-normalisation", "goalposts")
    page.fill("#index-replications", "50")
    page.get_by_test_id("index-run-form").locator("button[type=submit]").click()
    expect(page.locator("#index-results-table")).to_be_visible()
    expect(page.locator("[data-step='monte_carlo']").first).to_be_visible()
    axe(page)

    page.locator("main form[action$='/publiceren/'] button[type=submit]").click()
    expect(page.locator("[data-published='true']")).to_be_visible()
    assert IndexRun.objects.get().published
