"""Services of the statistical models: survey data, explanatory and small-area runs
(executed as tasks after commit), publishing, permissions and the demo command."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from veerkracht.core.models import AuditRecord
from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.models import ModelRun, SurveyDataset
from veerkracht.monitor.services import models as services
from veerkracht.monitor.synthetic_survey import KNOWN_EFFECTS

from .models_fixtures import *  # noqa: F403 (fixtures)
from .models_fixtures import FACTORS

pytestmark = pytest.mark.django_db


def _run(fn, capture, **kwargs):
    with capture(execute=True):
        run = fn(**kwargs)
    run.refresh_from_db()
    return run


def test_survey_dataset_is_stored_with_its_columns(survey):
    assert survey.rows == 3000
    assert survey.synthetic
    assert {"veerkracht", "gemeente", "leeftijd", *FACTORS} <= set(survey.columns)
    assert survey.file.name.endswith(".csv")
    assert AuditRecord.objects.filter(
        action="monitor.survey_add", object_id=str(survey.pk)
    ).exists()


@pytest.mark.parametrize(
    "content",
    [b"a,b\n1,2\n", b"veerkracht,gemeente\n7,GM9100\n", b"\xff\xfe\x00garbage"],
)
def test_unusable_survey_files_are_refused(province, content):
    with pytest.raises(services.ModelRunError):
        services.survey_dataset_add(actor=None, name="x", year=2024, file=content)
    assert not SurveyDataset.objects.exists()


def test_explanatory_run_recovers_the_known_ranking(
    survey, analyst, django_capture_on_commit_callbacks
):
    run = _run(
        services.model_run_explanatory,
        django_capture_on_commit_callbacks,
        actor=analyst,
        dataset=survey,
    )
    assert run.status == ModelRun.Status.FINISHED, run.error
    assert run.parameters["factors"] == FACTORS
    assert run.parameters["covariates"] == ["leeftijd", "geslacht", "opleiding"]
    results = run.results
    assert results["n"] == 3000
    # The first effects differ clearly: their order is recovered.
    expected = sorted(FACTORS, key=lambda f: -KNOWN_EFFECTS[f])
    assert results["ranking"][:3] == expected[:3]
    assert len(results["top"]) == len(FACTORS)
    for effect in results["effects"]:
        assert effect["ci_low"] < effect["beta"] < effect["ci_high"]
    assert run.duration_ms is not None
    assert AuditRecord.objects.filter(action="monitor.model_run_explanatory").exists()
    assert AuditRecord.objects.filter(action="monitor.model_run_finished").exists()


def test_explanatory_run_with_random_intercept(survey, analyst, django_capture_on_commit_callbacks):
    run = _run(
        services.model_run_explanatory,
        django_capture_on_commit_callbacks,
        actor=analyst,
        dataset=survey,
        factors=FACTORS[:4],
        random_intercept=True,
    )
    assert run.status == ModelRun.Status.FINISHED, run.error
    assert run.results["method"] == "mixed"
    assert run.results["groups"] >= 29
    assert run.results["icc"] > 0


def test_small_area_run_estimates_every_municipality(
    survey, analyst, province, django_capture_on_commit_callbacks
):
    run = _run(
        services.model_run_small_area,
        django_capture_on_commit_callbacks,
        actor=analyst,
        dataset=survey,
    )
    assert run.status == ModelRun.Status.FINISHED, run.error
    estimates = {e["code"]: e for e in run.results["estimates"]}
    assert set(estimates) == {*province, "GM9199"}
    assert run.results["covariates"] == ["log_density", "urbanity", "log_population"]
    for item in estimates.values():
        assert item["low"] < item["estimate"] < item["high"]
        assert 1 <= item["estimate"] <= 10
    empty = estimates["GM9199"]
    assert empty["synthetic_only"] and empty["n"] == 0 and empty["direct"] is None
    widest_sampled = max(
        e["high"] - e["low"] for e in estimates.values() if not e["synthetic_only"]
    )
    assert empty["high"] - empty["low"] > widest_sampled


def test_small_area_run_without_neighbourhood_codes_is_refused(survey, analyst):
    with pytest.raises(services.ModelRunError):
        services.model_run_small_area(actor=analyst, dataset=survey, level="buurt")


def test_unknown_factor_is_refused(survey, analyst):
    with pytest.raises(services.ModelRunError):
        services.model_run_explanatory(actor=analyst, dataset=survey, factors=["onbekend"])
    assert not ModelRun.objects.exists()


def test_runs_need_the_capability(survey):
    nobody = UserFactory()
    with pytest.raises(PermissionDenied):
        services.model_run_explanatory(actor=nobody, dataset=survey)
    with pytest.raises(PermissionDenied):
        services.survey_dataset_add(actor=nobody, name="x", year=2024, file=b"")
    run = ModelRun.objects.create(kind="explanatory", dataset=survey, status="finished")
    with pytest.raises(PermissionDenied):
        services.model_run_publish(actor=nobody, run=run)


def test_publishing_withdraws_the_previous_run(survey, analyst):
    first = ModelRun.objects.create(
        kind="small_area", dataset=survey, status="finished", parameters={"level": "gemeente"}
    )
    second = ModelRun.objects.create(
        kind="small_area", dataset=survey, status="finished", parameters={"level": "gemeente"}
    )
    other_level = ModelRun.objects.create(
        kind="small_area", dataset=survey, status="finished", parameters={"level": "buurt"}
    )
    running = ModelRun.objects.create(kind="explanatory", dataset=survey)
    services.model_run_publish(actor=analyst, run=first)
    services.model_run_publish(actor=analyst, run=other_level)
    services.model_run_publish(actor=analyst, run=second)
    first.refresh_from_db(), second.refresh_from_db(), other_level.refresh_from_db()
    assert (first.published, second.published, other_level.published) == (False, True, True)
    with pytest.raises(services.ModelRunError):
        services.model_run_publish(actor=analyst, run=running)
    services.model_run_publish(actor=analyst, run=second, published=False)
    second.refresh_from_db()
    assert not second.published
    assert AuditRecord.objects.filter(action="monitor.model_run_publish").count() == 3


def test_failed_fit_is_stored_as_failed(survey, analyst, django_capture_on_commit_callbacks):
    run = ModelRun.objects.create(
        kind="explanatory", dataset=survey, parameters={"factors": ["ontbreekt"]}
    )
    run = services.model_run_execute(run_id=run.pk)
    assert run.status == ModelRun.Status.FAILED
    assert "ontbreekt" in run.error


def test_generate_survey_command(province, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_survey", respondents=400, seed=1, fit=True)
    dataset = SurveyDataset.objects.get()
    assert dataset.synthetic and dataset.rows == 400
    assert set(dataset.runs.values_list("status", flat=True)) == {"finished"}
    # Same seed: same data.
    call_command("generate_survey", respondents=400, seed=1)
    first, second = SurveyDataset.objects.order_by("pk")
    assert first.file.read() == second.file.read()
