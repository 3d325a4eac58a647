"""The framework seed and CBS attributes turned into observations."""

import pytest
from django.core.management import call_command

from veerkracht.core.models import AuditRecord, ResilienceFactor
from veerkracht.core.models.geography import AreaStatistics
from veerkracht.core.services.geography import cbs_areas_import
from veerkracht.core.tests.factories import UserFactory
from veerkracht.core.tests.geodata import CBS_GEMEENTEN_2023
from veerkracht.monitor.models import Domain, Indicator, Observation
from veerkracht.monitor.services.framework import cbs_observations_import, framework_load

pytestmark = pytest.mark.django_db

INDEX_DOMAINS = {"persoonlijk", "sociaal", "financieel", "leefomgeving"}


def test_framework_seed_has_domains_context_and_is_idempotent():
    report = framework_load(actor=None)
    assert report.domains_created == 5 and report.indicators_created >= 25
    assert set(Domain.objects.filter(in_index=True).values_list("slug", flat=True)) == (
        INDEX_DOMAINS
    )
    assert not Domain.objects.get(slug="context").in_index
    again = framework_load(actor=None)
    assert not again.changed
    assert AuditRecord.objects.filter(action="monitor.framework_load").count() == 1


def test_every_index_domain_has_a_real_cbs_indicator_and_survey_indicators_exist():
    framework_load(actor=None)
    for slug in INDEX_DOMAINS:
        cbs = Indicator.objects.filter(domain__slug=slug).exclude(cbs_attribute="")
        assert cbs.exists(), slug
        assert all(i.direction in {"up", "down"} for i in cbs)
    survey = Indicator.objects.filter(cbs_attribute="", domain__in_index=True)
    assert {"eenzaamheid", "vertrouwen", "vrijwilligerswerk"} <= set(
        survey.values_list("code", flat=True)
    )
    assert not Indicator.objects.filter(domain__slug="context").exclude(direction="neutral")
    for indicator in Indicator.objects.all():
        assert indicator.source and indicator.levels and indicator.unit
        assert indicator.min_value is not None and indicator.max_value is not None
        if indicator.goalpost_low is not None:
            assert indicator.min_value <= indicator.goalpost_low < indicator.goalpost_high


def test_factors_are_linked_when_the_vocabulary_is_loaded():
    call_command("load_reference", verbosity=0)
    framework_load(actor=None)
    assert ResilienceFactor.objects.exists()
    linked = Indicator.objects.filter(factor__isnull=False)
    assert linked.filter(code="eenzaamheid", factor__slug="niet-eenzaam").exists()
    assert not Indicator.objects.filter(domain__in_index=True, factor__isnull=True).exists()


def test_framework_load_by_a_user_needs_monitor_import():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        framework_load(actor=UserFactory())
    assert not Domain.objects.exists()
    framework_load(actor=UserFactory(roles="analyst"))
    assert Domain.objects.count() == 5


def test_cbs_attributes_become_observations_for_the_56_brabant_municipalities():
    cbs_areas_import(actor=None, path_or_data=CBS_GEMEENTEN_2023, level="gemeente")
    call_command("load_monitor_framework", verbosity=0)
    call_command("import_cbs_observations", verbosity=0)
    indicators = Indicator.objects.exclude(cbs_attribute="")
    areas = AreaStatistics.objects.filter(year=2023, level="gemeente").count()
    assert areas == 342
    assert Observation.objects.count() == indicators.count() * 342
    tilburg = Observation.objects.get(indicator__code="eenpersoonshuishoudens", area_code="GM0855")
    stats = AreaStatistics.objects.get(area_code="GM0855", year=2023)
    assert tilburg.value == stats.values["percentageEenpersoonshuishoudens"]
    assert tilburg.n is None and tilburg.level == "gemeente" and tilburg.year == 2023
    brabant = Observation.objects.filter(
        indicator__code="adressendichtheid",
        area_code__in=stats.__class__.objects.filter(area_code__startswith="GM", year=2023).values(
            "area_code"
        ),
    )
    assert brabant.count() == 342
    again = cbs_observations_import(actor=None)
    assert (
        again.created == 0 and again.updated == 0 and again.unchanged == Observation.objects.count()
    )


def test_cbs_import_skips_missing_and_out_of_range_values():
    framework_load(actor=None)
    AreaStatistics.objects.create(
        level="gemeente",
        area_code="GM9999",
        year=2022,
        values={
            "percentageEenpersoonshuishoudens": None,
            "percentageGehuwd": 140,
            "percentageVerweduwd": "5",
        },
    )
    report = cbs_observations_import(actor=None, years=[2022])
    codes = set(Observation.objects.values_list("indicator__code", flat=True))
    assert codes == {"verweduwd"}
    assert report.created == 1 and report.skipped >= 2


@pytest.mark.parametrize("model", ["domain", "indicator", "observation", "observationimport"])
def test_admin_changelists_for_programme_staff(client, model):
    framework_load(actor=None)
    client.force_login(UserFactory(roles="programme_staff"))
    response = client.get(f"/beheer/monitor/{model}/")
    assert response.status_code == 200
    client.force_login(UserFactory(roles=[]))
    assert client.get(f"/beheer/monitor/{model}/").status_code in {302, 403}


def test_admin_change_of_an_indicator_is_audited(client):
    framework_load(actor=None)
    indicator = Indicator.objects.get(code="gehuwd")
    client.force_login(UserFactory(roles="programme_staff"))
    page = client.get(f"/beheer/monitor/indicator/{indicator.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(expert_weight=2.0, levels='["gemeente"]', domain=indicator.domain_id)
    data["factor"] = indicator.factor_id or ""
    response = client.post(f"/beheer/monitor/indicator/{indicator.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    indicator.refresh_from_db()
    assert indicator.expert_weight == 2.0
    assert AuditRecord.objects.filter(action="indicator.update").exists()
