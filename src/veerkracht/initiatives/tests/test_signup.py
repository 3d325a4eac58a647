"""The public sign-up: form, duplicate warning, e-mail confirmation, rate limit."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from veerkracht.core.geo import reset_locate_index
from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import (
    PolicyAgendaFactory,
    ResilienceFactorFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives import services
from veerkracht.initiatives.forms import ScoutingForm, SignupForm
from veerkracht.initiatives.models import (
    Initiative,
    IntakeState,
    Scope,
    ScoutingSource,
    Source,
    TimelineEvent,
)

from .factories import InitiativeFactory, served_areas

pytestmark = pytest.mark.django_db

SIGNUP_URL = "/aanmelden/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate-limit counters live in the cache
    reset_locate_index()
    yield
    cache.clear()
    reset_locate_index()


@pytest.fixture
def areas():
    return served_areas()


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def vocab():
    return {
        "theme": ThemeFactory(name="Verbinding", slug="verbinding"),
        "factor": ResilienceFactorFactory(name="Sociale contacten", slug="sociale-contacten"),
    }


def form_data(areas, **overrides):
    data = {
        "name": "Buurtkracht & Co",
        "summary": "Bewoners helpen elkaar met klussen en koffie.",
        "description": "Een wekelijkse ontmoeting in het buurthuis.",
        "goals": "Minder eenzaamheid in de wijk.",
        "organiser_type": "residents",
        "legal_form": "none",
        "start_year": "2018",
        "website": "buurtkracht.example.org",
        "municipality": areas.oss.code,
        "scope": Scope.LOCAL,
        "themes": ["verbinding"],
        "factors": ["sociale-contacten"],
        "learning_questions": "Hoe vinden we een vaste financier?",
        "contact_name": "Voorbeeld Aanmelder",
        "contact_email": "Aanmelder@Example.org",
        "contact_phone": "+31 6 0000 0000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def counts():
    return (Initiative.objects.count(), TimelineEvent.objects.count(), AuditRecord.objects.count())


# --- the form page --------------------------------------------------------------------------


def test_the_form_is_public_and_accessible(english, areas, vocab):
    response = english.get(SIGNUP_URL)

    assert response.status_code == 200
    html = response.content.decode()
    # Municipalities of the served province, a scope choice, checkbox groups in fieldsets.
    assert ">Oss</option>" in html and ">Tilburg</option>" in html
    assert '<fieldset class="utrecht-form-fieldset' in html
    assert "<legend" in html and "Themes" in html
    # The public-display consent is its own checkbox, unticked by default.
    consent = re.search(r'<input[^>]*name="contact_public"[^>]*>', html).group(0)
    assert 'type="checkbox"' in consent and "checked" not in consent
    assert "Privacy:" in html
    # Every visible input has a label.
    for match in re.finditer(r'<(?:input|select|textarea)[^>]*id="(id_[a-z_]+)"', html):
        assert f'for="{match.group(1)}"' in html or match.group(1).endswith(
            ("latitude", "longitude")
        )


# --- a sign-up and its confirmation ----------------------------------------------------------


def test_a_sign_up_lands_in_the_queue_and_sends_one_confirmation_email(
    client, areas, vocab, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP_URL, form_data(areas))

    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:signup_done")
    initiative = Initiative.objects.get()
    assert initiative.intake_state == IntakeState.SIGNED_UP
    assert initiative.source == Source.SIGNUP
    assert initiative.published is False
    assert initiative.contact_public is False
    assert initiative.contact_email == "aanmelder@example.org"
    assert initiative.municipality_id == areas.oss.code
    assert initiative.website == "https://buurtkracht.example.org"
    assert list(initiative.themes.values_list("slug", flat=True)) == ["verbinding"]
    assert initiative.timeline.filter(kind=TimelineEvent.Kind.CREATED).exists()
    assert AuditRecord.objects.filter(action="initiative.signup").count() == 1

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["aanmelder@example.org"]
    assert "Buurtkracht & Co" in message.body  # plain text: not HTML-escaped
    link = reverse("initiatives:signup_confirm", kwargs={"token": initiative.confirmation_token})
    assert link in message.body

    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Buurtkracht &amp; Co" in done.content.decode()

    # GET shows a button and changes nothing (mail scanners follow links).
    page = client.get(link)
    assert page.status_code == 200
    assert '<form method="post">' in page.content.decode()
    initiative.refresh_from_db()
    assert initiative.email_confirmed_at is None

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    initiative.refresh_from_db()
    assert initiative.email_confirmed_at is not None
    assert initiative.confirmation_token == ""
    assert initiative.intake_state == IntakeState.SIGNED_UP

    # The link works once.
    assert client.post(link).status_code == 404
    assert client.get(link).status_code == 404


def test_an_unknown_confirmation_token_gives_a_clear_404(english):
    url = reverse("initiatives:signup_confirm", kwargs={"token": "not-a-real-token"})

    for response in (english.get(url), english.post(url)):
        assert response.status_code == 404
        assert "This link is not valid (any more)" in response.content.decode()


def test_a_logged_in_initiator_becomes_the_initiator(client, areas, vocab):
    user = UserFactory(roles=[Role.Code.INITIATOR])
    client.force_login(user)

    client.post(SIGNUP_URL, form_data(areas, contact_email=user.email))

    assert Initiative.objects.get().initiator == user


# --- duplicates ----------------------------------------------------------------------------


def test_a_similar_initiative_in_the_same_municipality_gives_a_warning(english, areas, vocab):
    known = InitiativeFactory(name="Buurtkracht Oss", municipality=areas.oss, published=True)
    hidden = InitiativeFactory(name="Buurtkracht Oss-Oost", municipality=areas.oss, published=False)

    response = english.post(SIGNUP_URL, form_data(areas, name="Buurtkracht Oss"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Is your initiative already known to us?" in html
    assert reverse("initiatives:detail", kwargs={"slug": known.slug}) in html
    # Unpublished ones are named, not linked.
    assert hidden.name in html
    assert f"/{hidden.slug}/" not in html
    assert 'name="confirm_different"' in html
    assert Initiative.objects.count() == 2

    # Confirming that it is a different initiative signs it up.
    response = english.post(
        SIGNUP_URL, form_data(areas, name="Buurtkracht Oss", confirm_different="on")
    )

    assert response.status_code == 302
    assert Initiative.objects.count() == 3


def test_a_similar_name_elsewhere_gives_no_warning(client, areas, vocab):
    InitiativeFactory(name="Buurtkracht Tilburg", municipality=areas.tilburg)

    response = client.post(SIGNUP_URL, form_data(areas, name="Buurtkracht Oss"))

    assert response.status_code == 302


# --- errors --------------------------------------------------------------------------------


def test_errors_are_shown_linked_to_their_fields_and_nothing_is_saved(
    english, areas, vocab, mailoutbox
):
    before = counts()

    response = english.post(
        SIGNUP_URL,
        form_data(areas, name="", contact_email="geen-adres", themes=["bestaat-niet"]),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_name"' in html and 'href="#id_contact_email"' in html
    assert 'href="#id_themes_0"' in html  # a checkbox group links to its first box
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert 'aria-describedby="id_name_error"' in name_input
    assert 'id="id_name_error"' in html
    assert re.search(r'<fieldset[^>]*id="id_themes"[^>]*aria-describedby="id_themes_error"', html)
    # What was typed is kept.
    assert "Bewoners helpen elkaar" in html
    assert counts() == before
    assert mailoutbox == []


def test_several_municipalities_need_at_least_two(client, areas, vocab):
    response = client.post(
        SIGNUP_URL,
        form_data(areas, scope=Scope.MUNICIPALITIES, municipalities=[areas.oss.code]),
    )

    assert response.status_code == 200
    assert "id_municipalities_error" in response.content.decode()
    assert not Initiative.objects.exists()

    response = client.post(
        SIGNUP_URL,
        form_data(areas, scope=Scope.MUNICIPALITIES, municipalities=[areas.tilburg.code]),
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert initiative.scope == Scope.MUNICIPALITIES
    # The municipality where it is based is one of them.
    assert set(initiative.municipalities.values_list("code", flat=True)) == {
        areas.oss.code,
        areas.tilburg.code,
    }


def test_a_point_must_lie_in_the_chosen_municipality(client, areas, vocab):
    in_tilburg = {"latitude": "51.57", "longitude": "5.07"}

    response = client.post(SIGNUP_URL, form_data(areas, **in_tilburg))

    assert response.status_code == 200
    assert "id_municipality_error" in response.content.decode()
    assert not Initiative.objects.exists()

    response = client.post(SIGNUP_URL, form_data(areas, latitude="51.77", longitude="5.55"))

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (51.77, 5.55)


def test_a_failing_service_leaves_nothing_half_saved(client, areas, vocab, monkeypatch, mailoutbox):
    before = counts()

    def refuse(**kwargs):
        raise services.IntakeError("Het register is even niet beschikbaar.")

    # The service fails after it created the initiative and its timeline entry.
    monkeypatch.setattr(services, "audit_record", refuse)

    response = client.post(SIGNUP_URL, form_data(areas))

    assert response.status_code == 200
    assert "Het register is even niet beschikbaar." in response.content.decode()
    assert counts() == before
    assert mailoutbox == []


# --- rate limit ----------------------------------------------------------------------------


def test_sign_ups_are_limited_per_address(english, areas, vocab, settings):
    settings.VEERKRACHT_SIGNUP_LIMIT = 2

    for name in ("Repair Café", "Moestuin De Hoek"):
        response = english.post(SIGNUP_URL, form_data(areas, name=name))
        assert response.status_code == 302

    response = english.post(SIGNUP_URL, form_data(areas, name="Taalmaatjes"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many sign-ups at once" in response.content.decode()
    assert Initiative.objects.count() == 2
    # Another address may still sign up; the form itself stays readable.
    assert english.get(SIGNUP_URL).status_code == 200
    other = english.post(SIGNUP_URL, form_data(areas, name="Buurtbus"), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302


# --- the forms as the staff pages use them ----------------------------------------------------


def test_the_scouting_form_gives_the_services_input(areas, vocab):
    agenda = PolicyAgendaFactory(name="Energie", slug="energie")
    form = ScoutingForm(
        data=form_data(
            areas,
            contact_name="",
            contact_email="",
            scope=Scope.PROVINCE,
            policy_agendas=["energie"],
            scouting_source=ScoutingSource.SOCIAL_MEDIA,
            scouting_note="Gezien op LinkedIn.",
        )
    )

    assert form.is_valid(), form.errors
    data = form.to_data()
    assert isinstance(data, services.InitiativeData)
    assert data.municipality == areas.oss
    assert data.scope == Scope.PROVINCE and data.municipalities == ()
    assert data.policy_agendas == (agenda,)
    assert data.contact_email == ""
    assert form.scouting_kwargs() == {
        "scouting_source": ScoutingSource.SOCIAL_MEDIA,
        "scouting_note": "Gezien op LinkedIn.",
    }


def test_the_signup_form_requires_a_contact_person(areas, vocab):
    form = SignupForm(data=form_data(areas, contact_name="", contact_email=""))

    assert not form.is_valid()
    assert set(form.errors) == {"contact_name", "contact_email"}
