"""Staff pages (werkbak): who may see them, what their forms do, and their query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.permissions import has_capability
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ThemeFactory,
    UserFactory,
)
from veerkracht.initiatives import services
from veerkracht.initiatives.models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    Phase,
    Source,
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
    TrajectoryState,
)
from veerkracht.initiatives.permissions import trajectory_may_view
from veerkracht.initiatives.services import InitiativeData, OfferChoice
from veerkracht.initiatives.staff_forms import parse_decimal

pytestmark = pytest.mark.django_db

R = Role.Code
STAFF_ROLES = [R.CONTACT_TEAM, R.MATCH_TEAM, R.PROGRAMME_STAFF, R.ANALYST, R.ADMINISTRATOR]
OUTSIDERS = [R.INITIATOR, R.JUROR, R.INVESTOR, R.SUPPORT_PROVIDER, R.FUND_MANAGER]


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English text; Dutch is the default language of the pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, role: str):
    user = UserFactory(email=f"{role}@example.org", full_name=f"{role} person", roles=[role])
    client.force_login(user)
    return user


def make_initiative(state: str = IntakeState.SIGNED_UP, **extra) -> Initiative:
    n = Initiative.objects.count() + 1
    fields = {
        "slug": f"initiatief-{n}",
        "name": f"Buurtinitiatief {n}",
        "summary": "Bewoners helpen elkaar.",
        "intake_state": state,
        "source": Source.SIGNUP,
        **extra,
    }
    return Initiative.objects.create(**fields)


@pytest.fixture
def zet():
    return OrganisationFactory(name="ZET", slug="zet")


@pytest.fixture
def offers(zet):
    zorgbelang = OrganisationFactory(name="Zorgbelang Brabant", slug="zorgbelang")
    return [
        SupportOffer.objects.create(
            slug="impactmeting", title="Impactmeting-training", provider=zet, kind="training"
        ),
        SupportOffer.objects.create(
            slug="verbinden", title="Hulp bij verbinden", provider=zorgbelang, kind="network"
        ),
    ]


@pytest.fixture
def meeting():
    return MatchMeeting.objects.create(date=timezone.localdate() + timedelta(days=2))


@pytest.fixture
def world(meeting, offers):
    """One object of each kind, for the pages that show one."""
    initiative = make_initiative(IntakeState.ON_AGENDA)
    item = MatchDecision.objects.create(meeting=meeting, initiative=initiative, position=1)
    trajectory = SupportTrajectory.objects.create(initiative=initiative, offer=offers[0])
    SupportNeed.objects.create(initiative=initiative, decision=item, description="A coach.")
    return {"initiative": initiative, "meeting": meeting, "trajectory": trajectory}


def page_urls(world) -> list[str]:
    i, m, t = world["initiative"].pk, world["meeting"].pk, world["trajectory"].pk
    return [
        reverse("initiatives:dashboard"),
        reverse("initiatives:staff_initiative_list"),
        reverse("initiatives:staff_scout"),
        reverse("initiatives:staff_initiative", args=[i]),
        reverse("initiatives:staff_initiative_edit", args=[i]),
        reverse("initiatives:staff_trajectory", args=[t]),
        reverse("initiatives:staff_meetings"),
        reverse("initiatives:staff_meeting", args=[m]),
        reverse("initiatives:staff_meeting_minutes", args=[m]),
        reverse("initiatives:staff_support_needs"),
    ]


def expected_status(user, url: str) -> int:
    """200 when the user holds the page's capability (and the edit page's own check)."""
    capability = resolve(url).func.capability
    allowed = has_capability(user, capability)
    if resolve(url).url_name == "staff_initiative_edit":
        allowed = allowed and has_capability(user, "initiative.edit")
    if resolve(url).url_name == "staff_trajectory":
        # Object-level: support providers see only the trajectories they deliver.
        trajectory = SupportTrajectory.objects.get(pk=resolve(url).kwargs["pk"])
        allowed = allowed and trajectory_may_view(user, trajectory)
    return 200 if allowed else 403


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", STAFF_ROLES + OUTSIDERS)
def test_pages_answer_by_capability(client, world, role):
    user = login(client, role)
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == expected_status(user, url), (role, url)
        if response.status_code == 403:
            assert "You do not have access to this page" in response.content.decode()


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_can_see_the_work_queue(client, world, role):
    login(client, role)
    for name in ("dashboard", "staff_initiative_list", "staff_meetings"):
        assert client.get(reverse(f"initiatives:{name}")).status_code == 200


@pytest.mark.parametrize("role", [R.INITIATOR, R.JUROR, R.INVESTOR])
def test_outsiders_get_403(client, world, role):
    login(client, role)
    for url in page_urls(world):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_go_to_the_login_page(client, world):
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("core:login") + "?next=")


def test_posts_need_login_and_capability(client, world):
    initiative = world["initiative"]
    url = reverse("initiatives:staff_initiative_step", args=[initiative.pk])
    response = client.post(url, {"transition": "stop", "note": "x"})
    assert response.status_code == 302 and reverse("core:login") in response["Location"]
    login(client, R.INITIATOR)
    assert client.post(url, {"transition": "stop", "note": "x"}).status_code == 403
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.ON_AGENDA


def test_get_on_a_post_only_url_is_refused(client, world):
    login(client, R.CONTACT_TEAM)
    url = reverse("initiatives:staff_initiative_step", args=[world["initiative"].pk])
    assert client.get(url).status_code == 405


# --- dashboard and list -------------------------------------------------------------------


def test_dashboard_shows_mine_follow_ups_queue_and_pipeline(client):
    user = login(client, R.CONTACT_TEAM)
    mine = make_initiative(IntakeState.FIRST_CALL, owner=user, name="Mijn buurtmoestuin")
    old = make_initiative(IntakeState.VISITED, name="Vergeten wijkproject")
    Initiative.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=120))
    queued = make_initiative(IntakeState.SCOUTED, name="Gescout koor")
    make_initiative(IntakeState.SCOUTED)
    response = client.get(reverse("initiatives:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "My initiatives" in html and mine.name in html
    assert "Follow-ups due" in html and old.name in html
    assert "Intake queue of the contact team" in html and queued.name in html
    pipeline = {row["state"]: row for row in response.context["pipeline"]}
    assert pipeline[IntakeState.SCOUTED]["count"] == 2
    assert pipeline[IntakeState.SCOUTED]["percent"] == 100
    assert pipeline[IntakeState.VISITED]["count"] == 1
    assert pipeline[IntakeState.VISITED]["percent"] == 50
    assert 'data-state="scouted">2<' in html
    assert '<rect width="100%"' in html and '<rect width="50%"' in html
    assert "Median wait (days)" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _populate(n: int, user) -> None:
    theme = ThemeFactory(name="verbinding", slug="verbinding")
    gemeente = MunicipalityFactory(code="GM0855", name="Tilburg")
    states = list(IntakeState.values)
    for k in range(n):
        initiative = make_initiative(
            states[k % len(states)], owner=user if k % 2 else None, municipality=gemeente
        )
        initiative.themes.add(theme)
        ContactMoment.objects.create(initiative=initiative, kind="phone_call", by=user)
        TimelineEvent.objects.create(initiative=initiative, kind="state", title="Intake")


@pytest.mark.parametrize(
    "url",
    [
        reverse("initiatives:dashboard"),
        reverse("initiatives:staff_initiative_list"),
        reverse("initiatives:staff_initiative_list") + "?thema=verbinding&stap=scouted",
        reverse("initiatives:staff_meetings"),
    ],
)
def test_list_pages_use_a_fixed_number_of_queries(client, url):
    user = login(client, R.PROGRAMME_STAFF)
    _populate(3, user)
    client.get(url)  # warm up: session, content types
    few = _queries(client, url)
    _populate(27, user)
    for day in range(5):
        MatchMeeting.objects.create(date=timezone.localdate() + timedelta(days=day + 10))
    assert _queries(client, url) == few


def test_meeting_page_queries_do_not_grow_with_the_agenda(client, meeting, offers):
    login(client, R.MATCH_TEAM)
    url = reverse("initiatives:staff_meeting", args=[meeting.pk])
    for _ in range(2):
        MatchDecision.objects.create(meeting=meeting, initiative=make_initiative("on_agenda"))
    client.get(url)
    few = _queries(client, url)
    for _ in range(8):
        MatchDecision.objects.create(meeting=meeting, initiative=make_initiative("on_agenda"))
    assert _queries(client, url) == few


def test_internal_list_filters_and_paginates(client):
    login(client, R.ANALYST)
    theme = ThemeFactory(name="gezondheid", slug="gezondheid")
    for k in range(55):
        make_initiative(IntakeState.SCOUTED if k < 52 else IntakeState.FITS)
    healthy = make_initiative(IntakeState.VISITED, name="Gezond Oss")
    healthy.themes.add(theme)
    url = reverse("initiatives:staff_initiative_list")

    response = client.get(url)
    assert response.context["page"].paginator.count == 56
    assert len(response.context["initiatives"]) == 50
    assert "?pagina=2" in response.content.decode()
    assert len(client.get(url + "?pagina=2").context["initiatives"]) == 6

    response = client.get(url + "?stap=fits")
    assert response.context["page"].paginator.count == 3
    response = client.get(url + "?thema=gezondheid")
    assert [i.name for i in response.context["initiatives"]] == ["Gezond Oss"]
    response = client.get(url + "?q=gezond&stap=visited")
    assert [i.name for i in response.context["initiatives"]] == ["Gezond Oss"]
    response = client.get(url + "?thema=bestaat-niet")
    assert response.context["page"].paginator.count == 0
    assert "Select a valid choice" in response.content.decode()


def test_internal_list_links_to_the_exports_with_the_filter(client):
    login(client, R.ANALYST)
    make_initiative()
    html = client.get(reverse("initiatives:staff_initiative_list") + "?stap=scouted").content
    html = html.decode()
    try:
        csv_url = reverse("initiatives:export_csv")
    except Exception:  # the export pages are not there yet
        assert "Download as CSV" not in html
    else:
        assert f'href="{csv_url}?stap=scouted"' in html


# --- one initiative: the intake -------------------------------------------------------------


def test_initiative_page_shows_public_and_internal_fields_and_the_timeline(client, settings):
    login(client, R.CONTACT_TEAM)
    initiative = make_initiative(
        IntakeState.FIRST_CALL,
        internal_notes="Let op: de voorzitter stopt.",
        contact_email="anna@example.org",
        learning_questions="Hoe vinden we vrijwilligers?",
    )
    admin = UserFactory(full_name="Ada Admin")
    TimelineEvent.objects.create(
        initiative=initiative, kind="note", title="Gebeld met de wethouder", actor=admin
    )
    TimelineEvent.objects.create(
        initiative=initiative,
        kind="created",
        title="Aangemeld",
        at=timezone.now() - timedelta(days=3),
    )
    response = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk]))
    html = response.content.decode()
    assert "Let op: de voorzitter stopt." in html
    assert "anna@example.org" in html
    assert "Hoe vinden we vrijwilligers?" in html
    assert html.index("Gebeld met de wethouder") < html.index("Aangemeld")
    assert "Ada Admin" in html
    # The manual steps offered from "first call": plan a visit, stop.
    assert [f.step.name for f in response.context["transition_forms"]] == ["plan_visit", "stop"]
    assert 'name="transition" value="plan_visit"' in html


def test_record_the_first_call_and_the_visit(client, settings):
    user = login(client, R.CONTACT_TEAM)
    initiative = make_initiative()
    url = reverse("initiatives:staff_contact", args=[initiative.pk])
    at = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=2)
    response = client.post(
        url, {"kind": "phone_call", "at": at.strftime("%Y-%m-%dT%H:%M"), "summary": "Hello"}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.FIRST_CALL
    assert initiative.owner == user and initiative.last_contact_at == at

    client.post(
        reverse("initiatives:staff_initiative_step", args=[initiative.pk]),
        {"transition": "plan_visit", "note": "Tuesday"},
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISIT_PLANNED

    # A visit without its report is refused: the form comes back with the message.
    response = client.post(url, {"kind": "visit", "at": at.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "A visit report says how the initiative contributes" in html
    assert 'role="alert"' in html
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISIT_PLANNED
    assert not initiative.contact_moments.filter(kind="visit").exists()

    response = client.post(
        url,
        {
            "kind": "visit",
            "at": at.strftime("%Y-%m-%dT%H:%M"),
            "summary": "At the café",
            "contribution": "Builds trust.",
            "learning_questions": "How to grow?",
        },
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISITED
    assert initiative.learning_questions == "How to grow?"


def test_a_refused_transition_shows_the_message_and_changes_nothing(client):
    login(client, R.CONTACT_TEAM)
    initiative = make_initiative(IntakeState.SIGNED_UP)
    before = (AuditRecord.objects.count(), TimelineEvent.objects.count())
    url = reverse("initiatives:staff_initiative_step", args=[initiative.pk])

    response = client.post(url, {"transition": "close", "note": "Done"})
    assert response.status_code == 200
    assert "is not possible while the initiative is" in response.content.decode()

    response = client.post(url, {"transition": "stop", "note": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "a note is required for this step" in html
    assert 'id="step-stop-note"' in html

    response = client.post(url, {"transition": "record_visit"})
    assert "This step is taken through its own form." in response.content.decode()
    response = client.post(url, {"transition": "fly_to_the_moon"})
    assert "Unknown step." in response.content.decode()

    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.SIGNED_UP
    assert (AuditRecord.objects.count(), TimelineEvent.objects.count()) == before


def test_a_step_without_the_capability_is_403(client):
    login(client, R.ANALYST)
    initiative = make_initiative(IntakeState.FIRST_CALL)
    response = client.post(
        reverse("initiatives:staff_initiative_step", args=[initiative.pk]),
        {"transition": "plan_visit"},
    )
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.FIRST_CALL
    html = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).content
    assert b'value="plan_visit"' not in html
    assert b"Record a contact moment" not in html


def test_stop_with_a_reason(client):
    login(client, R.MATCH_TEAM)
    initiative = make_initiative(IntakeState.FITS, published=True, phase=Phase.SHORT_SUPPORT)
    response = client.post(
        reverse("initiatives:staff_initiative_step", args=[initiative.pk]),
        {"transition": "stop", "note": "No volunteers left."},
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.STOPPED
    assert initiative.phase == Phase.STOPPED and initiative.published is False


def test_notes_and_files(client):
    login(client, R.PROGRAMME_STAFF)
    initiative = make_initiative()
    url = reverse("initiatives:staff_note", args=[initiative.pk])
    response = client.post(url, {"title": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()

    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(url, {"title": "Plan van aanpak", "body": "v1", "attachment": upload})
    assert response.status_code == 302
    event = initiative.timeline.get(kind=TimelineEvent.Kind.FILE)
    detail = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk]))
    download = reverse("initiatives:staff_attachment", args=[event.pk])
    assert download in detail.content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    assert "attachment" in response["Content-Disposition"]

    client.logout()
    login(client, R.INITIATOR)
    assert client.get(download).status_code == 403


def test_put_on_the_agenda_from_the_initiative_page(client, meeting):
    login(client, R.CONTACT_TEAM)
    initiative = make_initiative(IntakeState.VISITED)
    html = client.get(reverse("initiatives:staff_initiative", args=[initiative.pk])).content
    assert b"Put on the match team agenda" in html
    response = client.post(
        reverse("initiatives:staff_agenda_add", args=[initiative.pk]), {"meeting": meeting.pk}
    )
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.ON_AGENDA
    assert meeting.items.filter(initiative=initiative).exists()


def test_edit_the_initiative(client):
    user = login(client, R.CONTACT_TEAM)
    initiative = make_initiative(name="Oude naam", internal_notes="")
    url = reverse("initiatives:staff_initiative_edit", args=[initiative.pk])
    form = client.get(url).context["form"]
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(
        {
            "name": "Nieuwe naam",
            "internal_notes": "Bel na de zomer.",
            "owner": user.pk,
            "scope": "local",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    initiative.refresh_from_db()
    assert initiative.name == "Nieuwe naam" and initiative.slug == "nieuwe-naam"
    assert initiative.internal_notes == "Bel na de zomer."
    record = AuditRecord.objects.get(action="initiative.update")
    assert record.actor == user

    client.logout()
    login(client, R.ANALYST)
    assert client.post(url, data).status_code == 403


def test_scouting_warns_about_similar_names(client):
    gemeente = MunicipalityFactory(code="GM0828", name="Oss")
    make_initiative(name="Slowcare Oss", municipality=gemeente)
    user = login(client, R.CONTACT_TEAM)
    url = reverse("initiatives:staff_scout")
    data = {
        "name": "Slowcare Oss Noord",
        "summary": "Zorg op een eigen manier.",
        "municipality": gemeente.pk,
        "scope": "local",
        "scouting_source": "own_network",
        "scouting_note": "Heard about it at a network day.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Slowcare Oss" in response.content.decode()
    assert [i.name for i in response.context["similar"]] == ["Slowcare Oss"]
    assert Initiative.objects.count() == 1

    response = client.post(url, {**data, "confirm_duplicate": "1"})
    assert response.status_code == 302
    scouted = Initiative.objects.get(name="Slowcare Oss Noord")
    assert scouted.intake_state == IntakeState.SCOUTED
    assert scouted.owner == user and scouted.scouting_source == "own_network"


# --- the match team ---------------------------------------------------------------------------


def test_plan_a_meeting(client):
    login(client, R.MATCH_TEAM)
    url = reverse("initiatives:staff_meetings")
    day = timezone.localdate() + timedelta(days=7)
    response = client.post(url, {"date": day.isoformat()})
    meeting = MatchMeeting.objects.get()
    assert response.status_code == 302 and meeting.date == day
    response = client.post(url, {"date": day.isoformat()})
    assert response.status_code == 200
    assert "There is already a meeting on that date." in response.content.decode()

    client.logout()
    login(client, R.CONTACT_TEAM)
    assert b"Plan the meeting" not in client.get(url).content
    assert client.post(url, {"date": (day + timedelta(1)).isoformat()}).status_code == 403


def test_build_the_agenda_and_add_candidates(client, meeting):
    login(client, R.CONTACT_TEAM)
    ready = [make_initiative(IntakeState.VISITED), make_initiative(IntakeState.MORE_INFORMATION)]
    make_initiative(IntakeState.SIGNED_UP)
    url = reverse("initiatives:staff_meeting", args=[meeting.pk])
    response = client.get(url)
    assert [c.pk for c in response.context["candidates"]] == [i.pk for i in ready]

    response = client.post(
        reverse("initiatives:staff_meeting_add", args=[meeting.pk]), {"initiative": ready[0].pk}
    )
    assert response.status_code == 302
    response = client.post(reverse("initiatives:staff_meeting_build", args=[meeting.pk]))
    assert response.status_code == 302
    assert set(meeting.items.values_list("initiative_id", flat=True)) == {i.pk for i in ready}

    # A second add of the same initiative is refused with the service's message.
    response = client.post(
        reverse("initiatives:staff_meeting_add", args=[meeting.pk]), {"initiative": ready[0].pk}
    )
    assert response.status_code == 200
    assert "already on this meeting" in response.content.decode()


def _decision_data(item, **values) -> dict:
    prefix = f"item{item.pk}"
    return {f"{prefix}-{key}": value for key, value in values.items()}


def test_decide_fits_with_offers_and_new_support(client, meeting, offers):
    user = login(client, R.MATCH_TEAM)
    ggd = OrganisationFactory(name="GGD", slug="ggd")
    initiative = make_initiative(IntakeState.ON_AGENDA)
    item = MatchDecision.objects.create(meeting=meeting, initiative=initiative, position=1)
    page = client.get(reverse("initiatives:staff_meeting", args=[meeting.pk]))
    html = page.content.decode()
    assert "Decision on" in html
    assert f'name="item{item.pk}-offer_{offers[0].pk}"' in html
    # The delivering organisation defaults to the offer's provider.
    assert f'<option value="{offers[0].provider_id}" selected>' in html

    url = reverse("initiatives:staff_meeting_decision", args=[meeting.pk, item.pk])
    response = client.post(url, _decision_data(item, outcome="fits", notes="Nope"))
    assert response.status_code == 200
    assert "Choose at least one support offer" in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == ""

    data = _decision_data(
        item,
        outcome="fits",
        notes="Strong on trust.",
        phase=Phase.INTENSIVE_SUPPORT,
        new_support_needed="on",
        support_need_description="A fundraising coach.",
        **{
            f"offer_{offers[0].pk}": "on",
            f"provider_{offers[0].pk}": offers[0].provider_id,
            f"offer_{offers[1].pk}": "on",
            f"provider_{offers[1].pk}": ggd.pk,
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302
    item.refresh_from_db()
    initiative.refresh_from_db()
    assert item.outcome == "fits" and item.decided_by == user
    assert initiative.intake_state == IntakeState.FITS and initiative.published
    assert initiative.phase == Phase.INTENSIVE_SUPPORT
    delivered = {t.offer_id: t.delivered_by_id for t in initiative.trajectories.all()}
    assert delivered == {offers[0].pk: offers[0].provider_id, offers[1].pk: ggd.pk}
    assert initiative.support_needs.get().description == "A fundraising coach."

    # Deciding twice: the form is gone, and a second POST is refused.
    response = client.post(url, _decision_data(item, outcome="does_not_fit"))
    assert "already recorded" in response.content.decode()
    item.refresh_from_db()
    assert item.outcome == "fits"


def test_only_the_match_team_decides(client, meeting, offers):
    login(client, R.CONTACT_TEAM)
    item = MatchDecision.objects.create(meeting=meeting, initiative=make_initiative("on_agenda"))
    assert (
        b"Record the decision"
        not in client.get(reverse("initiatives:staff_meeting", args=[meeting.pk])).content
    )
    url = reverse("initiatives:staff_meeting_decision", args=[meeting.pk, item.pk])
    assert client.post(url, _decision_data(item, outcome="does_not_fit")).status_code == 403


def test_close_the_meeting_and_print_the_minutes(client, meeting, offers):
    user = login(client, R.MATCH_TEAM)
    first = MatchDecision.objects.create(meeting=meeting, initiative=make_initiative("on_agenda"))
    second = MatchDecision.objects.create(
        meeting=meeting, initiative=make_initiative("on_agenda"), position=2
    )
    close = reverse("initiatives:staff_meeting_close", args=[meeting.pk])
    services.match_decision_record(
        actor=user,
        decision=first,
        outcome="fits",
        offers=(OfferChoice(offer=offers[1]),),
        new_support_needed=True,
        support_need_description="Legal advice on the cooperative.",
    )
    response = client.post(close, {"notes": ""})
    assert response.status_code == 200
    assert "1 agenda item(s) still need a decision." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MatchMeeting.Status.PLANNED

    services.match_decision_record(actor=user, decision=second, outcome="does_not_fit")
    response = client.post(close, {"notes": "A good meeting."})
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:staff_meeting_minutes", args=[meeting.pk])
    meeting.refresh_from_db()
    assert meeting.status == MatchMeeting.Status.HELD

    html = client.get(response["Location"]).content.decode()
    assert "Minutes of the match team" in html
    assert first.initiative.name in html and second.initiative.name in html
    assert "Hulp bij verbinden" in html and "Zorgbelang Brabant" in html
    assert "Legal advice on the cooperative." in html
    assert "does not fit" in html
    assert user.full_name in html
    assert "A good meeting." in html


# --- support needs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.250,50", Decimal("1250.50")),
        ("1250,5", Decimal("1250.5")),
        ("€ 1.250", Decimal("1250")),
        ("1250.50", Decimal("1250.50")),
        ("1,250.50", Decimal("1250.50")),
        ("12.5", Decimal("12.5")),
        ("0,01", Decimal("0.01")),
    ],
)
def test_amounts_are_read_the_dutch_way(text, amount):
    assert parse_decimal(text) == amount


@pytest.mark.parametrize("text", ["", "twaalf", "1,2,3", "1.2.3,4,5", "--5"])
def test_unreadable_amounts(text):
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_programme_staff_approve_and_decline_support_needs(client, world):
    user = login(client, R.PROGRAMME_STAFF)
    need = SupportNeed.objects.get()
    url = reverse("initiatives:staff_support_need_decide", args=[need.pk])
    listing = client.get(reverse("initiatives:staff_support_needs")).content.decode()
    assert "A coach." in listing

    for data, message in [
        ({"decision": "approve", "amount": ""}, "Give the amount the programme finances."),
        ({"decision": "approve", "amount": "12,345"}, "Use at most two decimals."),
        ({"decision": "approve", "amount": "veel"}, "Enter a number"),
        ({"decision": "decline", "note": ""}, "Explain why"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode(), data
        need.refresh_from_db()
        assert need.status == SupportNeed.Status.OPEN

    response = client.post(url, {"decision": "approve", "amount": "1.250,50", "note": "OK"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == SupportNeed.Status.APPROVED
    assert need.amount == Decimal("1250.50") and need.decided_by == user
    listing = client.get(reverse("initiatives:staff_support_needs")).content.decode()
    assert "€ 1.250,50" in listing or "€ 1,250.50" in listing

    other = SupportNeed.objects.create(initiative=world["initiative"], description="Legal advice")
    url = reverse("initiatives:staff_support_need_decide", args=[other.pk])
    client.post(url, {"decision": "decline", "note": "Ask the municipality."})
    other.refresh_from_db()
    assert other.status == SupportNeed.Status.DECLINED and other.amount is None


def test_the_match_team_does_not_decide_on_money(client, world):
    login(client, R.MATCH_TEAM)
    need = SupportNeed.objects.get()
    url = reverse("initiatives:staff_support_need_decide", args=[need.pk])
    assert client.post(url, {"decision": "approve", "amount": "10"}).status_code == 403


# --- trajectories -----------------------------------------------------------------------------


def test_start_finish_and_rate_a_trajectory(client, world):
    login(client, R.CONTACT_TEAM)
    trajectory = world["trajectory"]
    initiative = world["initiative"]
    Initiative.objects.filter(pk=initiative.pk).update(intake_state=IntakeState.FITS)
    step = reverse("initiatives:staff_trajectory_step", args=[trajectory.pk])
    back = reverse("initiatives:staff_initiative", args=[initiative.pk])
    start = timezone.localdate() - timedelta(days=20)

    html = client.get(back).content.decode()
    assert f'action="{step}"' in html and 'value="start"' in html

    response = client.post(step, {"transition": "start", "on": start.isoformat(), "next": back})
    assert response.status_code == 302 and response["Location"] == back
    trajectory.refresh_from_db()
    initiative.refresh_from_db()
    assert trajectory.state == TrajectoryState.STARTED and trajectory.start_date == start
    assert initiative.intake_state == IntakeState.IN_SUPPORT

    response = client.post(
        step,
        {
            "transition": "finish",
            "on": (start - timedelta(days=1)).isoformat(),
            "hours": "16,5",
            "costs": "1.200",
        },
    )
    assert response.status_code == 200
    assert "The end date lies before the start date." in response.content.decode()
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.STARTED

    response = client.post(
        step,
        {
            "transition": "finish",
            "on": timezone.localdate().isoformat(),
            "hours": "16,5",
            "costs": "1.200,00",
            "outcome": "Two trained volunteers.",
            "next": "https://evil.example.com/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:staff_trajectory", args=[trajectory.pk])
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.FINISHED
    assert trajectory.hours == Decimal("16.50") and trajectory.costs == Decimal("1200.00")

    rate = reverse("initiatives:staff_trajectory_rating", args=[trajectory.pk])
    response = client.post(rate, {"rating": "9"})
    assert response.status_code == 200
    response = client.post(rate, {"rating": "4", "comment": "Useful."})
    assert response.status_code == 302
    trajectory.refresh_from_db()
    assert (trajectory.rating, trajectory.rating_comment) == (4, "Useful.")
    page = client.get(reverse("initiatives:staff_trajectory", args=[trajectory.pk]))
    assert "4 out of 5" in page.content.decode()
    assert "€ 1.200,00" in page.content.decode() or "€ 1,200.00" in page.content.decode()


def test_break_off_needs_a_reason(client, world):
    login(client, R.PROGRAMME_STAFF)
    trajectory = world["trajectory"]
    step = reverse("initiatives:staff_trajectory_step", args=[trajectory.pk])
    response = client.post(step, {"transition": "break_off", "note": ""})
    assert response.status_code == 200
    assert "a note is required" in response.content.decode()
    client.post(step, {"transition": "break_off", "note": "Initiative stopped."})
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.BROKEN_OFF


def test_propose_a_trajectory_from_the_initiative_page(client, world, offers):
    login(client, R.MATCH_TEAM)
    initiative = world["initiative"]
    response = client.post(
        reverse("initiatives:staff_trajectory_propose", args=[initiative.pk]),
        {"offer": offers[1].pk},
    )
    assert response.status_code == 302
    proposed = initiative.trajectories.get(offer=offers[1])
    assert proposed.state == TrajectoryState.PROPOSED
    assert proposed.delivered_by == offers[1].provider


def test_analysts_see_trajectories_but_take_no_steps(client, world):
    login(client, R.ANALYST)
    trajectory = world["trajectory"]
    html = client.get(reverse("initiatives:staff_trajectory", args=[trajectory.pk])).content
    assert b'value="start"' not in html
    step = reverse("initiatives:staff_trajectory_step", args=[trajectory.pk])
    assert client.post(step, {"transition": "start"}).status_code == 403


def test_initiative_data_signup_lands_in_the_queue(client):
    """A sign-up shows up in the contact team's queue on the dashboard."""
    initiative = services.initiative_signup(
        data=InitiativeData(name="Eensamen Roosendaal", summary="Samen tegen eenzaamheid.",
                            contact_email="info@eensamen.example.org")
    )  # fmt: skip
    login(client, R.CONTACT_TEAM)
    response = client.get(reverse("initiatives:dashboard"))
    assert initiative in response.context["queue"]
