"""The statistical-model pages in a real browser: the public "top 10 hulpbronnen" chart
and the small-area estimates (synthetic demo survey), and the analyst's page that runs a
model as a task and publishes it. Every page passes axe-core (no serious or critical
issues). Selectors use ids and data attributes (any language)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.models import ModelRun
from veerkracht.monitor.services import models as services
from veerkracht.monitor.synthetic_survey import generate_survey

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def survey(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    generated = generate_survey(respondents=2000, seed=1)
    return services.survey_dataset_add(
        actor=None, name="Synthetische enquête", year=2024, file=generated.to_csv(), synthetic=True
    )


def test_public_model_pages_show_synthetic_results_accessibly(page, axe, survey):
    services.model_run_explanatory(actor=None, dataset=survey)
    services.model_run_small_area(actor=None, dataset=survey)
    for run in ModelRun.objects.all():
        assert run.status == ModelRun.Status.FINISHED, run.error
        services.model_run_publish(actor=None, run=run)

    page.goto(reverse("monitor:model"))
    expect(page.locator("[data-synthetic='true']")).to_be_visible()
    expect(page.get_by_test_id("effects-chart").locator("li[data-rank]")).to_have_count(10)
    expect(page.get_by_test_id("effects-table")).to_be_visible()
    axe(page)

    page.goto(reverse("monitor:estimates"))
    expect(page.locator("[data-synthetic='true']")).to_be_visible()
    expect(page.locator("tr[data-code='GM0855']")).to_be_visible()
    axe(page)


def test_analyst_runs_and_publishes_the_explanatory_model(page, axe, survey):
    user = UserFactory(email="analist@example.org", roles=[Role.Code.ANALYST])
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))

    page.goto(reverse("monitor:model_manage"))
    axe(page)
    page.check("#id_explanatory-random_intercept")
    page.get_by_test_id("explanatory-form").locator("button[type=submit]").click()
    expect(page.locator("[data-status='finished']")).to_be_visible()
    axe(page)
    page.locator("main form[action$='/publiceren/'] button[type=submit]").click()
    expect(page.locator("[data-published='true']")).to_be_visible()
    assert ModelRun.objects.get().results["method"] == "mixed"
