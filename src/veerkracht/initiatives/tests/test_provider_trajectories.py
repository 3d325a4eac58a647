"""Support providers deliver their own trajectories, and no others (object-level check);
analysts see residents' contact details only as a pseudonym (core.privacy)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from veerkracht.core.models import AuditRecord
from veerkracht.core.privacy import pseudonym
from veerkracht.core.tests.factories import OrganisationFactory, UserFactory
from veerkracht.initiatives import services
from veerkracht.initiatives.models import TimelineEvent, TrajectoryState
from veerkracht.initiatives.tests.factories import (
    InitiativeFactory,
    SupportOfferFactory,
    SupportTrajectoryFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def world():
    ours = OrganisationFactory(name="Zorgbelang", slug="zorgbelang")
    theirs = OrganisationFactory(name="ZET", slug="zet")
    initiative = InitiativeFactory(
        name="Repair Café Reeshof",
        contact_name="Anna de Vries",
        contact_email="anna@example.org",
        contact_phone="06-11112222",
    )
    other = InitiativeFactory(name="Buurtmoestuin", contact_email="bert@example.org")
    return {
        "ours": ours,
        "mine": SupportTrajectoryFactory(
            initiative=initiative, offer=SupportOfferFactory(provider=ours)
        ),
        "partner": SupportTrajectoryFactory(
            initiative=other, offer=SupportOfferFactory(provider=theirs), delivered_by=ours
        ),
        "not_mine": SupportTrajectoryFactory(
            initiative=other, offer=SupportOfferFactory(provider=theirs), delivered_by=theirs
        ),
    }


@pytest.fixture
def provider(client, world):
    user = UserFactory(roles=["support_provider"], organisation=world["ours"])
    client.force_login(user)
    return user


def url(name: str, trajectory) -> str:
    return reverse(f"initiatives:{name}", args=[trajectory.pk])


def test_a_provider_opens_the_trajectories_it_delivers(client, world, provider):
    page = client.get(url("staff_trajectory", world["mine"]))
    assert page.status_code == 200
    html = page.content.decode()
    # The provider needs the contact person to deliver the support.
    assert "Anna de Vries" in html and "anna@example.org" in html and "06-11112222" in html
    # No links into the staff work queue, which it may not open.
    assert f'href="{reverse("initiatives:dashboard")}"' not in html
    assert client.get(url("staff_trajectory", world["partner"])).status_code == 200


def test_a_provider_cannot_open_other_trajectories_or_the_initiative(client, world, provider):
    assert client.get(url("staff_trajectory", world["not_mine"])).status_code == 403
    initiative = world["mine"].initiative
    assert (
        client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).status_code == 403
    )


def test_a_provider_lists_its_trajectories(client, world, provider):
    page = client.get(reverse("initiatives:provider_trajectories"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Repair Café Reeshof" in html
    assert url("staff_trajectory", world["partner"]) in html
    assert url("staff_trajectory", world["not_mine"]) not in html


def test_a_provider_starts_and_finishes_with_hours_and_outcome(client, world, provider):
    mine = world["mine"]
    response = client.post(url("staff_trajectory_step", mine), {"transition": "start"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == TrajectoryState.STARTED
    page = client.get(url("staff_trajectory", mine)).content.decode()
    assert 'name="hours"' in page and 'name="outcome"' in page
    assert 'name="costs"' not in page  # costs are the programme's
    response = client.post(
        url("staff_trajectory_step", mine),
        {"transition": "finish", "hours": "12,5", "outcome": "Businessplan klaar"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.state == TrajectoryState.FINISHED
    assert mine.hours == Decimal("12.5")
    assert mine.outcome == "Businessplan klaar"
    assert mine.costs is None
    record = AuditRecord.objects.get(action="trajectory.finish", object_id=str(mine.pk))
    assert record.actor == provider


def test_a_provider_adds_progress_notes(client, world, provider):
    mine = world["mine"]
    response = client.post(url("staff_trajectory_note", mine), {"text": "Tweede sessie gehad."})
    assert response.status_code == 302
    event = TimelineEvent.objects.get(trajectory=mine)
    assert event.body == "Tweede sessie gehad." and event.actor == provider
    assert event.initiative == mine.initiative
    assert "Tweede sessie gehad." in client.get(url("staff_trajectory", mine)).content.decode()
    assert client.post(url("staff_trajectory_note", mine), {"text": " "}).status_code == 200
    assert TimelineEvent.objects.filter(trajectory=mine).count() == 1


def test_a_provider_cannot_touch_other_trajectories(client, world, provider):
    other = world["not_mine"]
    assert (
        client.post(url("staff_trajectory_step", other), {"transition": "start"}).status_code == 403
    )
    assert client.post(url("staff_trajectory_note", other), {"text": "x"}).status_code == 403
    other.refresh_from_db()
    assert other.state == TrajectoryState.PROPOSED
    assert not TimelineEvent.objects.filter(initiative=other.initiative).exists()


def test_what_manage_does_not_cover_for_a_provider(client, world, provider):
    mine = world["mine"]
    mine.state = TrajectoryState.FINISHED
    mine.save()
    # Rating is the initiative's judgement of the support: not the provider's to record.
    response = client.post(url("staff_trajectory_rating", mine), {"rating": "5"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.rating is None
    with pytest.raises(PermissionDenied):
        services.trajectory_propose(actor=provider, initiative=mine.initiative, offer=mine.offer)
    started = SupportTrajectoryFactory(
        initiative=mine.initiative, offer=mine.offer, state=TrajectoryState.STARTED
    )
    with pytest.raises(PermissionDenied):
        services.trajectory_transition(
            actor=provider, trajectory=started, transition="finish", costs=Decimal("900")
        )


def test_a_provider_without_an_organisation_sees_nothing(client, world):
    client.force_login(UserFactory(roles=["support_provider"]))
    assert client.get(url("staff_trajectory", world["mine"])).status_code == 403
    page = client.get(reverse("initiatives:provider_trajectories"))
    assert page.status_code == 200
    assert "not linked to an organisation" in page.content.decode()


def test_staff_still_manage_every_trajectory(client, world):
    client.force_login(UserFactory(roles=["contact_team"]))
    other = world["not_mine"]
    assert client.get(url("staff_trajectory", other)).status_code == 200
    client.post(url("staff_trajectory_step", other), {"transition": "start"})
    other.refresh_from_db()
    assert other.state == TrajectoryState.STARTED


# --- pseudonymised contact details for analysts -------------------------------------------


def test_analysts_see_a_pseudonym_instead_of_the_contact_details(client, world):
    client.force_login(UserFactory(roles=["analyst"]))
    initiative = world["mine"].initiative
    for page_url in (
        reverse("initiatives:staff_initiative", args=[initiative.pk]),
        url("staff_trajectory", world["mine"]),
    ):
        html = client.get(page_url).content.decode()
        assert "Anna de Vries" not in html, page_url
        assert "anna@example.org" not in html, page_url
        assert "06-11112222" not in html, page_url
        assert pseudonym("anna@example.org") in html, page_url
        assert 'data-pseudonymised="true"' in html


def test_the_pseudonym_is_stable_per_person(client, world):
    second = InitiativeFactory(contact_name="A. de Vries", contact_email="Anna@Example.org")
    client.force_login(UserFactory(roles=["analyst"]))
    first = client.get(
        reverse("initiatives:staff_initiative", args=[world["mine"].initiative.pk])
    ).content.decode()
    other = client.get(reverse("initiatives:staff_initiative", args=[second.pk])).content.decode()
    label = pseudonym("anna@example.org")
    assert label in first and label in other
    assert label.startswith("Contact person ") and len(label.split()[-1]) == 6
    assert pseudonym("bert@example.org") != label


@pytest.mark.parametrize("role", ["contact_team", "match_team", "programme_staff", "administrator"])
def test_the_team_sees_the_contact_details(client, world, role):
    client.force_login(UserFactory(roles=[role]))
    html = client.get(
        reverse("initiatives:staff_initiative", args=[world["mine"].initiative.pk])
    ).content.decode()
    assert "Anna de Vries" in html and "anna@example.org" in html and "06-11112222" in html


def test_published_contact_details_are_not_hidden(client, world):
    initiative = world["mine"].initiative
    initiative.contact_public = True
    initiative.save()
    client.force_login(UserFactory(roles=["analyst"]))
    html = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).content
    assert "anna@example.org" in html.decode()


def test_initiator_accounts_are_pseudonymised_but_colleagues_are_not(client, world):
    initiator = UserFactory(full_name="Anna de Vries", email="anna@example.org")
    colleague = UserFactory(full_name="Carla Contactteam", roles=["contact_team"])
    initiative = world["mine"].initiative
    initiative.initiator = initiator
    initiative.owner = colleague
    initiative.save()
    services.timeline_note_add(actor=colleague, initiative=initiative, title="Gebeld.")
    client.force_login(UserFactory(roles=["analyst"]))
    html = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).content
    html = html.decode()
    assert "Anna de Vries" not in html
    assert pseudonym("anna@example.org") in html
    assert "Carla Contactteam" in html
