"""Public monitor pages: the index map with its table, one indicator's map with small-cell
suppression, and the area profile."""

import pytest
from django.conf import settings
from django.urls import reverse

from veerkracht.core.models import District
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ProvinceFactory,
    ResilienceFactorFactory,
)
from veerkracht.monitor.selectors import profiles

from .factories import DomainFactory, IndicatorFactory, ObservationFactory
from .factories_pages import (
    ActionFactory,
    DialogueFactory,
    IndexResultFactory,
    IndexRunFactory,
    LearningKeyFactory,
    StatementFactory,
)

pytestmark = pytest.mark.django_db

HOME = "/monitor/"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def municipalities():
    province = ProvinceFactory()
    return [
        MunicipalityFactory(code=f"GM90{i:02d}", name=f"Gemeente {i}", province=province)
        for i in range(1, 6)
    ]


def test_urls():
    assert reverse("monitor:home") == HOME
    assert reverse("monitor:area_profile", kwargs={"code": "GM0794"}) == "/monitor/gebied/GM0794/"
    assert reverse("monitor:indicator_map", kwargs={"code": "x"}) == "/monitor/indicator/x/"


def test_home_without_index(client):
    response = client.get(HOME)
    assert response.status_code == 200
    assert b'data-testid="no-index"' in response.content


def test_home_shows_published_index_as_map_and_table(
    client, municipalities, django_assert_max_num_queries
):
    DomainFactory(slug="sociaal", name="Sociaal")
    run = IndexRunFactory(years=[2022, 2023])
    for i, municipality in enumerate(municipalities, start=1):
        IndexResultFactory(run=run, area_code=municipality.code, year=2023, index_class=i + 2)
        IndexResultFactory(run=run, area_code=municipality.code, year=2022, index_class=1)
    unpublished = IndexRunFactory(published=False)
    IndexResultFactory(run=unpublished, area_code="GM9001", year=2024, index_class=9)
    with django_assert_max_num_queries(12):
        response = client.get(HOME)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="index-table"' in content
    assert content.count('data-area="GM90') == 5
    assert 'data-area="GM9001" data-class="3" data-band-low="2" data-band-high="4"' in content
    assert "data-map" in content and "/api/v1/municipalities?province=PV30" in content
    assert 'data-testid="map-legend"' in content
    assert "Sociaal" in content  # contribution named by its domain
    assert "2024" not in content  # the unpublished run is not offered
    assert 'data-synthetic="true"' not in content
    features = response.context["map"]["features"]
    assert set(features) == {m.code for m in municipalities}
    assert features["GM9001"]["href"] == "/monitor/gebied/GM9001/"

    response = client.get(HOME, {"jaar": "2022"})
    assert 'data-area="GM9001" data-class="1"' in response.content.decode()
    response = client.get(HOME, {"jaar": "nonsense"})
    assert response.status_code == 200
    assert response.context["year"] == 2023


def test_home_labels_synthetic_index(client, municipalities):
    run = IndexRunFactory(synthetic=True)
    IndexResultFactory(run=run, area_code=municipalities[0].code)
    response = client.get(HOME)
    assert b'data-synthetic="true"' in response.content


def test_home_offers_district_level_when_district_results_exist(client, municipalities):
    district = District.objects.create(
        code="WK900101", name="Centrum", municipality=municipalities[0], boundary=None
    )
    IndexResultFactory(run=IndexRunFactory(), area_code=municipalities[0].code)
    IndexResultFactory(
        run=IndexRunFactory(level=AreaLevel.DISTRICT.value), area_code=district.code, index_class=8
    )
    response = client.get(HOME, {"niveau": "wijk"})
    assert response.status_code == 200
    assert response.context["level"] == "wijk"
    assert [option["value"] for option in response.context["levels"]] == ["gemeente", "wijk"]
    assert 'data-area="WK900101" data-class="8"' in response.content.decode()
    assert b"monitor-map-geojson" in response.content


def test_indicator_map_suppresses_small_cells(english, municipalities, settings):
    settings.MONITOR_MIN_N = 10
    indicator = IndicatorFactory(code="eenzaamheid", name="Eenzaamheid")
    ObservationFactory(indicator=indicator, area_code="GM9001", year=2023, value=12.25, n=50)
    ObservationFactory(indicator=indicator, area_code="GM9002", year=2023, value=87.75, n=4)
    ObservationFactory(indicator=indicator, area_code="GM9003", year=2023, value=30.0, n=None)
    response = english.get(reverse("monitor:indicator_map", kwargs={"code": "eenzaamheid"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-area="GM9002" data-suppressed="true"' in content
    assert "not shown (too few respondents)" in content
    assert "87.8" not in content and "87,8" not in content
    assert "12.2" in content or "12.3" in content
    assert "87" not in response.context["map"]["features"]["GM9002"]["label"]
    settings.MONITOR_MIN_N = 3
    response = english.get(reverse("monitor:indicator_map", kwargs={"code": "eenzaamheid"}))
    assert 'data-suppressed="true"' not in response.content.decode()


def test_indicator_and_domain_names_follow_the_language(client, municipalities):
    domain = DomainFactory(name="Sociale hulpbronnen", name_en="Social resources")
    IndicatorFactory(code="eenzaamheid", name="Eenzaamheid", name_en="Loneliness", domain=domain)
    url = reverse("monitor:indicator_map", kwargs={"code": "eenzaamheid"})

    dutch = client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()

    assert '<h1 class="utrecht-heading-1">Eenzaamheid</h1>' in dutch
    assert "Sociale hulpbronnen" in dutch
    assert '<h1 class="utrecht-heading-1">Loneliness</h1>' in english
    assert "Social resources" in english and "Sociale hulpbronnen" not in english


def test_indicator_map_unknown_code_is_404(client):
    assert client.get("/monitor/indicator/bestaat-niet/").status_code == 404


@pytest.fixture
def profile_data(municipalities):
    factor = ResilienceFactorFactory(slug="niet-eenzaam", name="Niet eenzaam zijn")
    up = IndicatorFactory(code="vertrouwen", name="Vertrouwen", factor=factor)
    down = IndicatorFactory(code="eenzaam", name="Eenzaam", direction="down", factor=factor)
    for i, municipality in enumerate(municipalities):
        ObservationFactory(indicator=up, area_code=municipality.code, year=2023, value=50 + i, n=40)
        ObservationFactory(indicator=down, area_code=municipality.code, year=2023, value=20 + i)
    ObservationFactory(indicator=up, area_code="GM9005", year=2021, value=40, n=40)
    ObservationFactory(indicator=up, area_code="GM9005", year=2022, value=45, n=40)
    run = IndexRunFactory(synthetic=True)
    IndexResultFactory(run=run, area_code="GM9005", index_class=7)
    key = LearningKeyFactory(code="er-niet-alleen", factor=factor)
    dialogue = DialogueFactory(area_code="GM9005", synthetic=True, summary="Een goede avond.")
    StatementFactory(dialogue=dialogue, learning_key=key, mentions=3)
    ActionFactory(dialogue=dialogue, learning_key=key, description="Een belcirkel")
    DialogueFactory(area_code="GM9001", summary="Elders")
    return {"up": up, "down": down, "dialogue": dialogue}


def test_area_profile(english, profile_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = english.get("/monitor/gebied/GM9005/")
    assert response.status_code == 200
    content = response.content.decode()
    # median of 50..54 is 52; GM9005 has 54: higher and, for an "up" indicator, better
    assert 'data-indicator="vertrouwen" data-comparison="higher"' in content
    assert "more favourable" in content and "less favourable" in content
    items = {item.indicator.code: item for item in response.context["indicators"]}
    assert items["vertrouwen"].province_median == 52
    assert items["vertrouwen"].judgement == "better"
    assert items["eenzaam"].judgement == "worse"
    assert items["vertrouwen"].trend == [(2021, 40), (2022, 45), (2023, 54)]
    assert '<svg class="vk-sparkline"' in content and 'aria-label="Trend: 2021' in content
    assert 'data-class="7" data-band-low="6" data-band-high="8"' in content
    assert "Een goede avond." in content and "Elders" not in content
    assert "Een belcirkel" in content
    assert 'data-factor="niet-eenzaam" data-mentions="3"' in content
    assert 'data-synthetic="true"' in content


def test_area_profile_hides_small_cells(client, municipalities, settings):
    settings.MONITOR_MIN_N = 10
    indicator = IndicatorFactory(code="gezond")
    ObservationFactory(indicator=indicator, area_code="GM9001", year=2023, value=77.7, n=3)
    ObservationFactory(indicator=indicator, area_code="GM9002", year=2023, value=10, n=30)
    response = client.get("/monitor/gebied/GM9001/")
    assert b'data-suppressed="true"' in response.content
    assert b"77" not in response.content
    item = response.context["indicators"][0]
    assert item.value is None and item.comparison == ""


def test_area_profile_codes(client, municipalities):
    response = client.get("/monitor/gebied/gm9001/")
    assert response.status_code == 301 and response["Location"] == "/monitor/gebied/GM9001/"
    assert client.get("/monitor/gebied/GM1234/").status_code == 404
    assert client.get("/monitor/gebied/XX/").status_code == 404
    response = client.get("/monitor/gebied/GM9001/")
    assert response.status_code == 200
    assert response.context["index_result"] is None


def test_sparkline_points():
    assert profiles.sparkline_points([(2023, 1.0)]) == ""
    points = profiles.sparkline_points([(2020, 0.0), (2022, 10.0)], width=100, height=20)
    assert points == "3.0,17.0 97.0,3.0"
