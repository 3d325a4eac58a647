"""The Monitor Sociale Veerkracht in a real browser: the index map with its table
alternative, an area profile, recording a Veerkrachtdialoog; axe-core on each page."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from veerkracht.core.models import Municipality, Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.services.dialogues import learning_keys_load
from veerkracht.monitor.tests.factories import IndicatorFactory, ObservationFactory
from veerkracht.monitor.tests.factories_pages import IndexResultFactory, IndexRunFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
MAP = "#monitor-map"


@pytest.fixture
def index(reference_data):
    """A published (synthetic) index for every Brabant municipality, and one indicator."""
    codes = list(
        Municipality.objects.filter(province_id="PV30")
        .order_by("code")
        .values_list("code", flat=True)
    )
    run = IndexRunFactory(synthetic=True)
    indicator = IndicatorFactory(code="vertrouwen", name="Vertrouwen", synthetic=True)
    for n, code in enumerate(codes):
        IndexResultFactory(run=run, area_code=code, year=2023, index_class=n % 9 + 1)
        ObservationFactory(indicator=indicator, area_code=code, year=2023, value=40 + n % 20, n=50)
        ObservationFactory(indicator=indicator, area_code=code, year=2022, value=38 + n % 20, n=50)
    return codes


def test_monitor_home_map_and_table(page, axe, index):
    page.goto(reverse("monitor:home"))
    page.wait_for_selector(f'{MAP}[data-loaded="true"]', state="attached")
    assert int(page.get_attribute(MAP, "data-feature-count")) == len(index) == 56
    expect(page.locator('[data-testid="index-table"] tbody tr')).to_have_count(56)
    expect(page.locator('[data-testid="map-legend"] li')).to_have_count(10)
    expect(page.locator('[data-synthetic="true"]')).to_have_count(1)
    axe(page)


def test_area_profile(page, axe, index):
    page.goto(reverse("monitor:area_profile", kwargs={"code": "GM0794"}))
    expect(page.locator('[data-indicator="vertrouwen"]')).to_have_count(1)
    expect(page.locator("svg.vk-sparkline")).to_have_count(1)
    expect(page.locator('[data-testid="profile-index"] [data-class]')).to_have_count(1)
    axe(page)
    page.goto(reverse("monitor:indicator_map", kwargs={"code": "vertrouwen"}))
    page.wait_for_selector(f'{MAP}[data-loaded="true"]', state="attached")
    axe(page)


def test_record_a_dialogue(page, axe, reference_data):
    learning_keys_load()
    user = UserFactory(roles=[Role.Code.CONTACT_TEAM])
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))

    page.goto(reverse("monitor:dialogue_create"))
    axe(page)
    page.fill("#id_date", "2025-03-12")
    page.fill("#id_place", "Buurthuis Annawijk")
    page.fill("#id_area_code", "GM0794")
    page.fill("#id_participants", "18")
    page.fill("#id_facilitator", "Contactteam")
    page.fill("#id_summary", "Over geldzorgen en vertrouwen.")
    page.locator('[data-testid="dialogue-form"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/monitor/dialogen/\d+/$"))

    page.fill("#id_statement-text", "Geldzorgen nemen toe.")
    page.select_option("#id_statement-learning_key", label="Rondkomen")
    page.select_option("#id_statement-tone", "concern")
    page.locator('[data-testid="statement-form"] button[type=submit]').click()
    expect(
        page.locator('[data-testid="statements"] [data-learning-key="rondkomen"]')
    ).to_have_count(1)

    page.fill("#id_action-description", "Spreekuur over geldzaken.")
    page.locator('[data-testid="action-form"] button[type=submit]').click()
    expect(page.locator('[data-testid="actions"] li')).to_have_count(1)
    axe(page)

    page.goto(reverse("monitor:area_profile", kwargs={"code": "GM0794"}))
    expect(page.locator('[data-testid="profile-dialogues"] [data-dialogue]')).to_have_count(1)
    axe(page)
