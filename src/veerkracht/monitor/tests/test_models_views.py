"""Pages and API of the statistical models."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.models import ModelRun, SurveyDataset
from veerkracht.monitor.services import models as services

from .models_fixtures import *  # noqa: F403 (fixtures)
from .models_fixtures import FACTORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(survey, analyst, django_capture_on_commit_callbacks):
    """A published explanatory run and published municipality estimates."""
    with django_capture_on_commit_callbacks(execute=True):
        explanatory = services.model_run_explanatory(actor=analyst, dataset=survey)
        small_area = services.model_run_small_area(actor=analyst, dataset=survey)
    for run in (explanatory, small_area):
        run.refresh_from_db()
        services.model_run_publish(actor=analyst, run=run)
    return explanatory, small_area


def test_public_pages_without_published_runs(english, province):
    response = english.get(reverse("monitor:model"))
    assert response.status_code == 200
    assert b'data-testid="no-model"' in response.content
    response = english.get(reverse("monitor:estimates"))
    assert response.status_code == 200
    assert b'data-testid="no-estimates"' in response.content


def test_model_page_shows_top_resources_chart_and_table(
    english, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = english.get(reverse("monitor:model"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-synthetic="true"' in html
    assert 'data-testid="effects-chart"' in html and 'data-testid="effects-table"' in html
    top = published[0].results["top"]
    assert html.index(f'data-factor="{top[0]}"') < html.index(f'data-factor="{top[1]}"')
    assert "95% confidence interval" in html
    assert 'data-rank="1"' in html


def test_estimates_page_lists_every_area_with_interval(
    english, published, province, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = english.get(reverse("monitor:estimates"), {"niveau": "gemeente"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-synthetic="true"' in html
    for code in province:
        assert f'data-code="{code}"' in html
    assert 'data-code="GM9199" data-synthetic-only="true"' in html
    # Neighbourhood level has no published run.
    response = english.get(reverse("monitor:estimates"), {"niveau": "buurt"})
    assert b'data-testid="no-estimates"' in response.content


def test_small_cells_are_suppressed_publicly(english, published, settings):
    settings.MONITOR_MIN_N = 10_000
    response = english.get(reverse("monitor:estimates"))
    assert b"too few" in response.content
    api = english.get("/api/v1/monitor/estimates?level=gemeente").json()
    assert all(item["respondents"] is None for item in api["items"] if not item["synthetic_only"])


def test_manage_pages_need_the_capability(client, survey):
    url = reverse("monitor:model_manage")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    run = ModelRun.objects.create(kind="explanatory", dataset=survey)
    assert client.get(reverse("monitor:model_run", args=[run.pk])).status_code == 403
    assert client.post(reverse("monitor:model_run_explanatory")).status_code == 403
    assert client.post(reverse("monitor:model_run_publish", args=[run.pk])).status_code == 403


def test_analyst_runs_publishes_and_views_a_model(
    english, analyst, survey, django_capture_on_commit_callbacks
):
    english.force_login(analyst)
    response = english.get(reverse("monitor:model_manage"))
    assert response.status_code == 200
    assert f'data-dataset="{survey.pk}"'.encode() in response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("monitor:model_run_explanatory"),
            {"explanatory-dataset": survey.pk},
        )
    run = ModelRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:model_run", args=[run.pk])
    detail = english.get(response["Location"])
    assert b'data-status="finished"' in detail.content
    assert b'data-published="false"' in detail.content
    english.post(reverse("monitor:model_run_publish", args=[run.pk]), {"published": "1"})
    run.refresh_from_db()
    assert run.published
    with django_capture_on_commit_callbacks(execute=True):
        response = english.post(
            reverse("monitor:model_run_small_area"),
            {"small_area-dataset": survey.pk, "small_area-level": "gemeente"},
        )
    small = ModelRun.objects.get(kind="small_area")
    assert small.status == "finished"
    detail = english.get(reverse("monitor:model_run", args=[small.pk]))
    assert b'data-testid="estimates-table"' in detail.content


def test_refused_run_shows_the_form_again(english, analyst, survey):
    english.force_login(analyst)
    response = english.post(
        reverse("monitor:model_run_small_area"),
        {"small_area-dataset": survey.pk, "small_area-level": "buurt"},
    )
    assert response.status_code == 400
    assert b'data-testid="form-errors"' in response.content
    assert not ModelRun.objects.exists()


def test_analyst_uploads_survey_data(english, analyst, survey):
    english.force_login(analyst)
    content = survey.file.open("rb").read()
    response = english.post(
        reverse("monitor:survey_upload"),
        {
            "upload-name": "Enquête 2025",
            "upload-year": 2025,
            "upload-file": SimpleUploadedFile("enquete.csv", content, "text/csv"),
        },
    )
    assert response.status_code == 302
    added = SurveyDataset.objects.get(name="Enquête 2025")
    assert added.rows == survey.rows and not added.synthetic
    response = english.post(
        reverse("monitor:survey_upload"),
        {
            "upload-name": "Kapot",
            "upload-year": 2025,
            "upload-file": SimpleUploadedFile("kapot.csv", b"a;b\n1;2\n", "text/csv"),
        },
    )
    assert response.status_code == 400
    assert not SurveyDataset.objects.filter(name="Kapot").exists()


def test_api_model_and_estimates(client, published, province):
    explanatory, _small = published
    data = client.get("/api/v1/monitor/model").json()
    assert data["run"] == explanatory.pk
    assert data["dataset"]["synthetic"] is True
    assert data["top"] == explanatory.results["top"]
    assert [e["rank"] for e in data["effects"]] == list(range(1, len(FACTORS) + 1))
    first = data["effects"][0]
    assert first["ci"]["low"] < first["beta"] < first["ci"]["high"]
    estimates = client.get("/api/v1/monitor/estimates?level=gemeente").json()
    assert estimates["level"] == "gemeente" and estimates["interval"] == 0.9
    codes = {item["code"] for item in estimates["items"]}
    assert codes == {*province, "GM9199"}
    item = estimates["items"][0]
    assert item["interval"]["low"] < item["estimate"] < item["interval"]["high"]


def test_api_404_without_published_runs(client, survey):
    assert client.get("/api/v1/monitor/model").status_code == 404
    assert client.get("/api/v1/monitor/estimates?level=buurt").status_code == 404
    assert client.get("/api/v1/monitor/estimates?level=provincie").status_code == 422


def test_openapi_lists_the_model_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/monitor/model", "/api/v1/monitor/estimates"):
        assert paths[path]["get"]["tags"] == ["Monitor"]
