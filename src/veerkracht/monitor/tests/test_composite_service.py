"""Building and publishing index runs against the database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from veerkracht.core.models import AuditRecord
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.tests.factories import served_areas
from veerkracht.monitor.models import IndexResult, IndexRun
from veerkracht.monitor.services.index import (
    IndexRunError,
    index_run_build,
    index_run_progress,
    index_run_publish,
)

from .factories import DomainFactory, IndicatorFactory, ObservationFactory

pytestmark = pytest.mark.django_db

CODES = ["GM0828", "GM0855", "GM0796", "GM0772", "GM0758", "GM0784"]


def make_observations(codes=CODES, years=(2023,)):
    personal = DomainFactory(slug="persoonlijk", position=1)
    social = DomainFactory(slug="sociaal", position=2)
    context = DomainFactory(slug="context", in_index=False, position=3)
    health = IndicatorFactory(code="gezondheid", domain=personal, goalpost_low=0, goalpost_high=100)
    lonely = IndicatorFactory(
        code="eenzaamheid", domain=social, direction="down", goalpost_low=0, goalpost_high=100
    )
    age = IndicatorFactory(code="leeftijd", domain=context, direction="neutral")
    for year in years:
        for i, code in enumerate(codes):
            ObservationFactory(indicator=health, area_code=code, year=year, value=50 + 5 * i)
            if i != 1:  # GM0855 misses loneliness: imputed
                ObservationFactory(indicator=lonely, area_code=code, year=year, value=40 - 3 * i)
            ObservationFactory(indicator=age, area_code=code, year=year, value=40)
    return health, lonely, age


@pytest.fixture
def analyst():
    return UserFactory(roles="analyst")


def test_build_writes_results_log_and_effective_weights(analyst):
    make_observations(years=(2022, 2023))
    run = index_run_build(
        actor=analyst,
        level="gemeente",
        years=[2022, 2023],
        parameters={"replications": 50, "seed": 3, "normalisation": "goalposts"},
    )
    assert run.status == IndexRun.Status.FINISHED, run.log
    assert run.results.count() == 12
    steps = {entry["step"] for entry in run.log}
    assert {"imputation", "normalisation", "weighting", "aggregation", "monte_carlo"} <= steps
    assert set(run.effective_weights["2023"]) == {
        "gezondheid",
        "eenzaamheid",
        "domain:persoonlijk",
        "domain:sociaal",
    }
    result = IndexResult.objects.get(run=run, area_code="GM0855", year=2023)
    assert result.imputed == ["eenzaamheid"]
    assert set(result.contributions) == {"persoonlijk", "sociaal"}  # no context domain
    for r in run.results.all():
        assert 1 <= r.band_low <= r.index_class <= r.band_high <= 9
        assert sum(r.contributions.values()) == pytest.approx(r.score, abs=1e-3)
    best = run.results.filter(year=2023).order_by("-score").first()
    assert best.area_code == CODES[-1]  # highest health, lowest loneliness
    assert AuditRecord.objects.filter(action="monitor.index_run.create").exists()
    assert index_run_progress(run.pk)["done"] == 2


def test_same_seed_gives_the_same_results(analyst):
    make_observations()
    params = {"replications": 40, "seed": 11, "weighting": "expert", "aggregation": "geometric"}
    a = index_run_build(actor=analyst, level="gemeente", years=[2023], parameters=params)
    b = index_run_build(actor=analyst, level="gemeente", years=[2023], parameters=params)

    def rows(run):
        return list(
            run.results.order_by("area_code").values_list(
                "area_code", "index_class", "band_low", "band_high", "contributions"
            )
        )

    assert rows(a) == rows(b)


def test_regression_weighting_without_model_fails_with_a_clear_log(analyst):
    make_observations()
    with translation.override("en"):
        run = index_run_build(
            actor=analyst, level="gemeente", years=[2023], parameters={"weighting": "regression"}
        )
    assert run.status == IndexRun.Status.FAILED
    assert run.log[-1]["step"] == "error"
    assert "explanatory" in run.log[-1]["message"]
    assert not run.results.exists()


def test_invalid_choices_and_missing_capability_are_refused(analyst):
    with pytest.raises(IndexRunError):
        index_run_build(
            actor=analyst, level="gemeente", years=[2023], parameters={"imputation": "magic"}
        )
    with pytest.raises(IndexRunError):
        index_run_build(actor=analyst, level="provincie", years=[2023])
    with pytest.raises(PermissionDenied):
        index_run_build(actor=UserFactory(), level="gemeente", years=[2023])


def test_province_filter_uses_core_geography(analyst):
    served_areas()  # GM0828 and GM0855 in PV30
    make_observations()
    run = index_run_build(
        actor=analyst,
        level="gemeente",
        years=[2023],
        province="PV30",
        parameters={"replications": 0, "imputation": "group_mean"},
    )
    assert sorted(run.results.values_list("area_code", flat=True)) == ["GM0828", "GM0855"]


def test_background_build_runs_after_commit(analyst, django_capture_on_commit_callbacks):
    make_observations()
    with django_capture_on_commit_callbacks(execute=True):
        run = index_run_build(
            actor=analyst,
            level="gemeente",
            years=[2023],
            parameters={"replications": 10},
            background=True,
        )
    run.refresh_from_db()
    assert run.status == IndexRun.Status.FINISHED
    assert run.results.count() == len(CODES)


def test_publish_withdraws_the_previous_run_for_the_same_year(analyst):
    make_observations()
    first = index_run_build(
        actor=analyst, level="gemeente", years=[2023], parameters={"replications": 0}
    )
    second = index_run_build(
        actor=analyst, level="gemeente", years=[2023], parameters={"replications": 0}
    )
    index_run_publish(actor=analyst, run=first)
    index_run_publish(actor=analyst, run=second)
    first.refresh_from_db()
    assert not first.published
    assert IndexRun.objects.get(pk=second.pk).published
    assert AuditRecord.objects.filter(action="monitor.index_run.publish").count() == 2
    failed = index_run_build(
        actor=analyst, level="gemeente", years=[2023], parameters={"weighting": "regression"}
    )
    with pytest.raises(IndexRunError):
        index_run_publish(actor=analyst, run=failed)


def test_regression_weights_come_from_the_published_explanatory_run(analyst):
    from veerkracht.core.models import ResilienceFactor
    from veerkracht.monitor.models import ModelRun, SurveyDataset

    health, lonely, _age = make_observations()
    health.factor = ResilienceFactor.objects.create(slug="gezondheid-f", name="Gezondheid")
    health.save()
    lonely.factor = ResilienceFactor.objects.create(slug="netwerk-f", name="Netwerk")
    lonely.save()
    dataset = SurveyDataset.objects.create(name="Enquête", year=2023, file="enquete.csv")
    ModelRun.objects.create(
        kind=ModelRun.Kind.EXPLANATORY,
        dataset=dataset,
        status=ModelRun.Status.FINISHED,
        published=True,
        results={
            "effects": [
                {"factor": "gezondheid-f", "beta": 0.3, "rank": 1},
                {"factor": "netwerk-f", "beta": 0.1, "rank": 2},
            ]
        },
    )
    run = index_run_build(
        actor=analyst,
        level="gemeente",
        years=[2023],
        parameters={"weighting": "regression", "replications": 20},
    )
    assert run.status == IndexRun.Status.FINISHED, run.log
    weighting = next(e for e in run.log if e["step"] == "weighting")
    assert weighting["nominal"] == {"gezondheid": 0.75, "eenzaamheid": 0.25}
    mc = next(e for e in run.log if e["step"] == "monte_carlo")
    assert set(mc["choices"]["weighting"]) == {"equal", "expert", "regression"}


def test_indicator_without_data_in_a_year_drops_out_and_is_logged(analyst):
    make_observations()
    IndicatorFactory(code="vrijwilligers", domain=DomainFactory(slug="participatie"))
    run = index_run_build(
        actor=analyst, level="gemeente", years=[2023], parameters={"replications": 10}
    )
    assert run.status == IndexRun.Status.FINISHED, run.log
    dropped = next(e for e in run.log if e["step"] == "indicators")
    assert dropped["without_data"] == ["vrijwilligers"]
    assert set(run.results.first().contributions) == {"persoonlijk", "sociaal"}
