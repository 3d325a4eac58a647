"""Proposals, feedback (track record), the batch run and the matching pages."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import MunicipalityFactory, UserFactory
from veerkracht.initiatives.tests.factories import (
    InitiativeFactory,
    MatchDecisionFactory,
)
from veerkracht.support.matching import MatchQuery, match_offers, reset_index
from veerkracht.support.matching.batch import mark_queued, run_progress
from veerkracht.support.models import MatchProposal
from veerkracht.support.services.matching import (
    match_feedback_record,
    match_proposals_create,
    match_run_start,
)

from .factories import OfferFactory, QuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


@pytest.fixture
def match_team():
    return UserFactory(roles=[Role.Code.MATCH_TEAM])


@pytest.fixture
def offers():
    return [
        OfferFactory(slug="impact", title="Training impactmonitoring", summary="Impact meten."),
        OfferFactory(slug="geld", title="Fondsenwerving", summary="Advies over fondsen."),
    ]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_proposals_are_frozen_and_feedback_feeds_the_track_record(match_team, offers):
    question = QuestionFactory(title="Hoe meten we onze impact?", text="")
    proposals = match_proposals_create(actor=match_team, question=question)
    assert [p.offer.slug for p in proposals] == ["impact"]
    proposal = proposals[0]
    assert proposal.score > 0 and proposal.reason and "text" in proposal.components
    assert proposal.initiative == question.initiative
    before = match_offers(MatchQuery(text="impact"))[0].components["track_record"]

    match_feedback_record(
        actor=match_team, proposal=proposal, taken_up=True, helped=True, note="Goed"
    )
    proposal.refresh_from_db()
    assert (proposal.taken_up, proposal.helped, proposal.feedback_by) == (True, True, match_team)
    assert AuditRecord.objects.filter(action="match_feedback_record").exists()
    after = match_offers(MatchQuery(text="impact"))[0].components["track_record"]
    assert after > before

    with pytest.raises(ValidationError):
        match_feedback_record(actor=match_team, proposal=proposal, taken_up=False, helped=True)
    with pytest.raises(PermissionDenied):
        match_feedback_record(
            actor=UserFactory(roles=[Role.Code.ANALYST]),
            proposal=proposal,
            taken_up=True,
            helped=None,
        )
    with pytest.raises(PermissionDenied):
        match_proposals_create(actor=UserFactory(), question=question)


def test_batch_run_stores_top_proposals_with_progress(
    match_team, offers, django_capture_on_commit_callbacks
):
    QuestionFactory(title="Hoe meten we onze impact?", text="")
    QuestionFactory(title="Welke fondsen passen bij ons?", text="")
    QuestionFactory(title="Iets heel anders", text="", status="answered")
    with django_capture_on_commit_callbacks(execute=True):
        run_id = match_run_start(actor=match_team)
    progress = run_progress(run_id)
    assert progress["state"] == "finished"
    assert progress["total"] == 2 and progress["done"] == 2
    assert MatchProposal.objects.count() == 2
    assert AuditRecord.objects.filter(action="match_run_start", object_id=run_id).exists()


def test_try_page(client, match_team, offers, django_assert_max_num_queries):
    url = reverse("support:matching_try")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(roles=[Role.Code.INITIATOR]))
    assert client.get(url).status_code == 403
    client.force_login(match_team)
    english(client)
    response = client.get(url)
    assert response.status_code == 200
    client.get(url, {"text": "Hoe meten we onze impact?"})  # builds the indexes once
    with django_assert_max_num_queries(15):
        response = client.get(url, {"text": "Hoe meten we onze impact?"})
    html = response.content.decode()
    assert 'data-offer="impact"' in html and 'data-testid="components"' in html
    assert 'data-component="track_record"' in html
    response = client.get(url, {"text": ""})
    assert 'data-testid="form-errors"' in response.content.decode()


def test_meeting_page_shows_proposals_and_records_feedback(
    client, match_team, offers, django_assert_max_num_queries
):
    MunicipalityFactory(code="GM0772")
    initiative = InitiativeFactory(municipality_id="GM0772")
    question = QuestionFactory(initiative=initiative, title="Hoe meten we impact?", text="")
    item = MatchDecisionFactory(initiative=initiative)
    meeting_url = reverse("initiatives:staff_meeting", args=[item.meeting.pk])
    client.force_login(match_team)
    english(client)

    response = client.post(
        reverse("support:matching_proposals_create", args=[initiative.pk]),
        {"decision": item.pk, "next": meeting_url},
    )
    assert response.status_code == 302 and response.url == meeting_url
    proposal = MatchProposal.objects.get(question=question)
    assert proposal.decision == item

    for _ in range(3):
        QuestionFactory(initiative=MatchDecisionFactory(meeting=item.meeting).initiative)
    with django_assert_max_num_queries(60):
        html = client.get(meeting_url).content.decode()
    assert f'data-proposal="{proposal.pk}"' in html
    assert 'data-testid="feedback-form"' in html and 'data-component="text"' in html

    response = client.post(
        reverse("support:matching_feedback", args=[proposal.pk]),
        {"taken_up": "yes", "helped": "no", "note": "", "next": meeting_url},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.taken_up, proposal.helped) == (True, False)
    # Someone who may not give feedback cannot.
    client.force_login(UserFactory(roles=[Role.Code.ANALYST]))
    response = client.post(
        reverse("support:matching_feedback", args=[proposal.pk]), {"taken_up": "no"}
    )
    assert response.status_code == 403


def test_runs_page_and_progress_partial(
    client, match_team, offers, django_capture_on_commit_callbacks
):
    QuestionFactory(title="Hoe meten we onze impact?", text="")
    client.force_login(match_team)
    url = reverse("support:matching_runs")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    run_url = response.url
    html = client.get(run_url).content.decode()
    assert 'data-state="finished"' in html and "<progress" in html
    partial = client.get(run_url, headers={"HX-Request": "true"}).content.decode()
    assert partial.strip().startswith('<div id="run-progress"')
    assert "hx-trigger" not in partial  # finished: polling stops
    assert client.get(reverse("support:matching_run", args=["onbekend"])).status_code == 404
    mark_queued("wachtend")
    partial = client.get(
        reverse("support:matching_run", args=["wachtend"]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in partial and 'data-state="queued"' in partial
