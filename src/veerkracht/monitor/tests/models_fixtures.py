"""Shared fixtures of the statistical-model tests: a small province with CBS figures,
resilience factors and a stored synthetic survey."""

import pytest
from django.conf import settings

from veerkracht.core.models import AreaStatistics
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    ProvinceFactory,
    ResilienceFactorFactory,
    UserFactory,
)
from veerkracht.monitor.services.models import survey_dataset_add
from veerkracht.monitor.synthetic_survey import KNOWN_EFFECTS, generate_survey

FACTORS = list(KNOWN_EFFECTS)[:8]

__all__ = ["FACTORS", "_media", "analyst", "english", "province", "survey"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def province():
    """PV30 with 30 municipalities (with CBS figures) and eight resilience factors."""
    pv = ProvinceFactory(code="PV30")
    codes = []
    for i in range(30):
        m = MunicipalityFactory(code=f"GM{9100 + i:04d}", name=f"Gemeente {i}", province=pv)
        AreaStatistics.objects.create(
            level=AreaLevel.MUNICIPALITY,
            area_code=m.code,
            year=2023,
            population=10000 + 3000 * i,
            density=200 + 90 * i,
            urbanity=1 + i % 5,
        )
        codes.append(m.code)
    for position, slug in enumerate(FACTORS):
        ResilienceFactorFactory(
            slug=slug, name=slug.replace("-", " ").capitalize(), position=position
        )
    return codes


@pytest.fixture
def analyst():
    return UserFactory(roles=["analyst"])


@pytest.fixture
def survey(province):
    generated = generate_survey(respondents=3000, seed=3)
    dataset = survey_dataset_add(
        actor=None,
        name="Synthetische enquête",
        year=2024,
        file=generated.to_csv(),
        synthetic=True,
    )
    # A municipality added after the survey: it has no respondents.
    late = MunicipalityFactory(code="GM9199", name="Nieuwe gemeente", province=pv30())
    AreaStatistics.objects.create(
        level=AreaLevel.MUNICIPALITY,
        area_code=late.code,
        year=2023,
        population=40000,
        density=1500,
        urbanity=3,
    )
    return dataset


def pv30():
    return ProvinceFactory(code="PV30")
