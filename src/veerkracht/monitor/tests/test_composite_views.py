"""Staff pages of the index: build, read, publish."""

import pytest
from django.conf import settings
from django.urls import reverse

from veerkracht.core.tests.factories import UserFactory
from veerkracht.monitor.models import IndexRun

from .test_composite_service import make_observations

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client):
    client.force_login(UserFactory(roles="analyst"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def build(client, **overrides):
    data = {
        "level": "gemeente",
        "years": "2022-2023",
        "province": "",
        "imputation": "mean",
        "outliers": "winsorise",
        "normalisation": "zscore",
        "weighting": "equal",
        "aggregation": "arithmetic",
        "replications": "30",
        "seed": "4",
        **overrides,
    }
    return client.post(reverse("monitor:index_runs"), data)


def test_pages_need_the_capability(client):
    url = reverse("monitor:index_runs")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_build_show_and_publish(analyst_client, django_assert_max_num_queries):
    make_observations(years=(2022, 2023))
    response = build(analyst_client)
    run = IndexRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("monitor:index_run", args=[run.pk])
    assert run.status == IndexRun.Status.FINISHED
    assert run.parameters["outliers"] == "winsorise"
    assert run.years == [2022, 2023]

    with django_assert_max_num_queries(12):
        page = analyst_client.get(reverse("monitor:index_run", args=[run.pk]), {"year": 2022})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-step="monte_carlo"' in html
    assert 'data-code="gezondheid"' in html
    assert html.count("data-area=") == 6
    assert "This run uses synthetic demo data" not in html

    response = analyst_client.post(reverse("monitor:index_run_publish", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.published
    with django_assert_max_num_queries(8):
        listing = analyst_client.get(reverse("monitor:index_runs"))
    assert f'data-run="{run.pk}"' in listing.content.decode()


def test_invalid_form_shows_errors_and_builds_nothing(analyst_client):
    response = build(analyst_client, years="twenty", province="X1")
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"years", "province"}
    assert not IndexRun.objects.exists()


def test_failed_run_shows_its_log(analyst_client):
    make_observations()
    response = build(analyst_client, years="2023", weighting="regression")
    run = IndexRun.objects.get()
    assert run.status == IndexRun.Status.FAILED
    page = analyst_client.get(response["Location"])
    assert 'data-step="error"' in page.content.decode()
    assert 'data-status="failed"' in page.content.decode()
