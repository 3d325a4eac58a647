"""Public pages: the programme at a glance, the areas map and table, one area."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from veerkracht.core.models import AreaStatistics, ResilienceFactor
from veerkracht.core.tests.factories import (
    AreaGroupFactory,
    MunicipalityFactory,
    PolicyAgendaFactory,
    ProvinceFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def json_script(html: str, element_id: str):
    """The data of a `json_script` element in the page."""
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    assert match, f"no json_script with id {element_id}"
    return json.loads(match.group(1))


@pytest.fixture(autouse=True)
def _served_province(settings):
    settings.VEERKRACHT_PROVINCE = "PV30"
    settings.VEERKRACHT_TILE_URL = ""


def municipality_with_figures(code, name, *, population, households, year=2023, **values):
    municipality = MunicipalityFactory(code=code, name=name)
    cbs = {
        "gemeentecode": code,
        "gemeentenaam": name,
        "aantalInwoners": population,
        "aantalHuishoudens": households,
        "bevolkingsdichtheidInwonersPerKm2": values.pop("density", 583),
        "stedelijkheidAdressenPerKm2": values.pop("urbanity", 3),
        "oppervlakteLandInHa": 16201,
        **values,
    }
    AreaStatistics.objects.create(
        level="gemeente",
        area_code=code,
        year=year,
        population=population,
        households=households,
        density=cbs["bevolkingsdichtheidInwonersPerKm2"],
        urbanity=cbs["stedelijkheidAdressenPerKm2"],
        land_area_ha=16201,
        values=cbs,
    )
    return municipality


@pytest.fixture
def brabant():
    """Three municipalities in the served province, one elsewhere, and the M7 group."""
    ProvinceFactory(code="PV30", name="Noord-Brabant")
    oss = municipality_with_figures(
        "GM0828",
        "Oss",
        population=94437,
        households=42608,
        percentagePersonen0Tot15Jaar=15,
        percentagePersonen65JaarEnOuder=21,
        percentageEenpersoonshuishoudens=36,
        percentageMetHerkomstlandNederland=78,
        gemiddeldeHuishoudsgrootte=2.2,
        oppervlakteTotaalInHa=17093,
        oppervlakteWaterInHa=892,
        mannen=47631,
        vrouwen=-99995,  # a CBS suppression sentinel: shown as "not known"
    )
    # An older year must not count.
    AreaStatistics.objects.create(
        level="gemeente", area_code="GM0828", year=2022, population=1, households=1
    )
    helmond = municipality_with_figures(
        "GM0794", "Helmond", population=93667, households=43001, density=1751, urbanity=2
    )
    municipality_with_figures("GM0879", "Zundert", population=22500, households=9100)
    utrecht = ProvinceFactory(code="PV26", name="Utrecht")
    MunicipalityFactory(code="GM0344", name="Utrecht (stad)", province=utrecht)
    m7 = AreaGroupFactory(slug="m7", name="M7", description="De middelgrote steden.")
    m7.municipalities.set([oss, helmond])
    return {"oss": oss, "helmond": helmond, "m7": m7}


def test_home_shows_the_programme_from_live_data(client, brabant):
    ThemeFactory(slug="verbinding", name="verbinding", description="Mensen verbinden.")
    ThemeFactory(slug="gezondheid", name="gezondheid")
    ResilienceFactorFactory(slug="vertrouwen", name="vertrouwen", domain="sociaal")
    ResilienceFactorFactory(
        slug="gezondheid", name="ervaren gezondheid", domain=ResilienceFactor.Domain.PERSONAL
    )
    PolicyAgendaFactory(slug="energie", name="Energie")
    PolicyAgendaFactory(slug="niet-meer", name="Vervallen opgave", active=False)

    response = client.get(reverse("core:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert "Noord-Brabant" in html
    # 3 municipalities in PV30; inhabitants and households of the latest year, Dutch grouping.
    assert re.search(r'data-testid="municipality-count">3<', html)
    assert 'data-testid="population">210.604<' in html
    assert 'data-testid="households">94.709<' in html
    # The area group with its members and total population.
    assert "M7" in html
    assert "De middelgrote steden." in html
    assert "188.104" in html
    assert reverse("core:area_detail", kwargs={"code": "GM0828"}) in html
    assert "?groep=m7" in html
    # Vocabularies.
    assert "verbinding" in html and "Mensen verbinden." in html
    assert "vertrouwen" in html and "ervaren gezondheid" in html
    assert "Energie" in html
    assert "Vervallen opgave" not in html
    # The map: an accessible region, the API's GeoJSON and the group colours.
    assert 'role="region"' in html
    assert "/api/v1/municipalities?province=PV30&amp;format=geojson" in html
    features = json_script(html, "home-map-features")
    assert set(features) == {"GM0828", "GM0794"}
    assert features["GM0828"]["label"] == "M7"


def test_home_renders_without_any_data(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert 'id="main"' in response.content.decode()


def test_page_layout_has_landmarks_and_skip_link(client, brabant):
    html = client.get(reverse("core:area_list")).content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'href="#main"' in first_link
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert 'aria-current="page"' in html
    assert "CBS, Kadaster (CC BY 4.0)" in html


def test_navigation_offers_log_in_or_account_and_log_out(client, brabant):
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:login")}"' in html
    assert reverse("core:logout") not in html

    client.force_login(UserFactory())
    html = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:account")}"' in html
    assert re.search(rf'<form [^>]*action="{reverse("core:logout")}" method="post"', html)
    assert f'href="{reverse("core:login")}"' not in html


def test_area_list_shows_map_and_table(client, brabant):
    response = client.get(reverse("core:area_list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["municipalities"][0].name == "Helmond"
    assert [m.code for m in response.context["municipalities"]] == ["GM0794", "GM0828", "GM0879"]
    assert "Utrecht (stad)" not in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert ">94.437<" in html and ">42.608<" in html and ">1.751<" in html
    assert 'href="/gebieden/GM0828/"' in html
    assert 'aria-describedby="areas-map-description"' in html
    assert 'data-keyboard="features"' in html
    assert "?groep=m7" in html
    assert "data-tile-url" not in html  # offline by default: no background tiles


def test_area_list_uses_tiles_when_configured(client, brabant, settings):
    settings.VEERKRACHT_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(reverse("core:area_list")).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_area_list_filters_by_area_group(client, brabant):
    response = client.get(reverse("core:area_list"), {"groep": "m7"})

    assert response.status_code == 200
    assert [m.name for m in response.context["municipalities"]] == ["Helmond", "Oss"]
    html = response.content.decode()
    assert re.search(r'href="\?groep=m7" aria-current="page"', html)
    # The map still shows the whole province, with the group's members coloured.
    features = json_script(html, "areas-map-features")
    assert set(features) == {"GM0794", "GM0828", "GM0879"}
    assert features["GM0879"]["fill"] != features["GM0828"]["fill"]


def test_area_list_unknown_group_is_404(client, brabant):
    assert client.get(reverse("core:area_list"), {"groep": "bestaat-niet"}).status_code == 404


def test_area_list_query_count_does_not_grow_with_the_number_of_areas(
    client, brabant, django_assert_max_num_queries
):
    url = reverse("core:area_list")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(20):
        municipality_with_figures(f"GM{9100 + n}", f"Dorp {n}", population=1000, households=400)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["municipalities"]) == 23
    assert len(many) == len(few)
    with django_assert_max_num_queries(6):
        client.get(url, {"groep": "m7"})


def test_area_detail_shows_the_latest_figures(client, brabant):
    response = client.get(reverse("core:area_detail", kwargs={"code": "GM0828"}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and ">Oss</h1>" in html
    assert "Noord-Brabant" in html
    assert 'href="/gebieden/?groep=m7"' in html
    assert "94.437" in html  # inhabitants, Dutch grouping
    assert "42.608" in html
    assert "47.631" in html
    assert "15%" in html and "21%" in html and "36%" in html and "78%" in html
    assert "2,2" in html  # average household size, Dutch decimal comma
    assert "17.093 ha" in html
    assert "2023" in html
    assert "CBS, Kadaster (CC BY 4.0)" in html
    # The boundary is embedded for the map.
    boundary = json_script(html, "area-boundary")
    assert boundary["features"][0]["id"] == "GM0828"
    assert boundary["features"][0]["geometry"]["type"] == "Polygon"
    assert response.context["sections"]["key_figures"][2]["value"] is None  # suppressed


def test_area_detail_without_statistics(client, brabant):
    response = client.get(reverse("core:area_detail", kwargs={"code": "GM0344"}))
    assert response.status_code == 200
    assert "Utrecht (stad)" in response.content.decode()


@pytest.mark.parametrize("code", ["GM9999", "PV30", "nonsense", "GM08281"])
def test_area_detail_unknown_code_is_404(client, brabant, code):
    assert client.get(f"/gebieden/{code}/").status_code == 404


def test_area_detail_lower_case_code_redirects(client, brabant):
    response = client.get("/gebieden/gm0828/")
    assert response.status_code == 301
    assert response["Location"] == "/gebieden/GM0828/"


def test_dutch_is_the_default_whatever_the_browser_asks(client, brabant):
    response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="nl"' in html
    assert 'data-testid="population">210.604<' in html
    assert 'name="language" value="en"' in html


def test_language_switch_makes_the_next_page_english(client, brabant):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/gebieden/"})
    assert response.status_code == 302
    assert response["Location"] == "/gebieden/"

    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en"' in html
    assert ">Themes</h2>" in html
    assert 'data-testid="population">210,604<' in html  # English grouping
    assert 'name="language" value="nl"' in html

    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="nl"' in html
    with translation.override("nl"):
        dutch = translation.gettext("Themes")
    assert f">{dutch}</h2>" in html


@pytest.mark.django_db
def test_province_summary_sums_each_municipalitys_latest_year():
    from veerkracht.core import selectors
    from veerkracht.core.models import AreaStatistics

    first = MunicipalityFactory(name="Aaa")
    second = MunicipalityFactory(name="Bbb")
    AreaStatistics.objects.create(level="gemeente", area_code=first.code, year=2022, population=5)
    AreaStatistics.objects.create(level="gemeente", area_code=first.code, year=2023, population=7)
    AreaStatistics.objects.create(
        level="gemeente", area_code=second.code, year=2022, population=11, households=3
    )

    summary = selectors.province_summary(code=first.province_id)

    assert summary == {"municipality_count": 2, "population": 7 + 11, "households": 3}
