"""The Stérk Brabant process in a real browser, from a resident's sign-up to the map.

A resident signs up and confirms the e-mail address; the contact team calls and visits;
the match team plans a meeting, puts the initiative on the agenda and decides it fits
with a support offer; the trajectory starts and finishes; the initiative then appears on
the Initiatievenkaart, whose public page shows public fields only. Every page visited
passes axe-core (no serious or critical issues).

Selectors use ids, names and form actions rather than text, so the test holds in Dutch
and in English.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from veerkracht.core.models import Organisation, Role
from veerkracht.core.tests.factories import UserFactory
from veerkracht.initiatives.models import (
    Initiative,
    IntakeState,
    MatchMeeting,
    SupportOffer,
    TrajectoryState,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
NAME = "Repair Café Reeshof"
INTERNAL_NOTE = "Vertrouwelijk: de penningmeester stopt binnenkort."
CONTRIBUTION = "Buren ontmoeten elkaar en bouwen vertrouwen op."
CONTACT_EMAIL = "anna.devries@repaircafe-reeshof.example.org"


@pytest.fixture
def offer(reference_data):
    provider = Organisation.objects.get(slug="zet")  # shipped reference data
    return SupportOffer.objects.create(
        slug="impactmeting-training",
        title="Impactmeting-training",
        provider=provider,
        kind=SupportOffer.Kind.TRAINING,
    )


def log_in(page, axe, role: str) -> None:
    page.context.clear_cookies()
    user = UserFactory(email=f"{role}@example.org", full_name=f"Team {role}", roles=[role])
    page.goto(reverse("core:login"))
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/inloggen/"))


def submit(page, action: str) -> None:
    """Press the submit button of the form that posts to `action`."""
    page.locator(f'form[action^="{action}"] button[type=submit]').first.click()
    page.wait_for_load_state()


def test_from_sign_up_to_the_map(page, axe, offer, settings):
    # --- a resident signs up --------------------------------------------------------------
    page.goto(reverse("initiatives:signup"))
    axe(page)
    page.fill("#id_name", NAME)
    page.fill("#id_summary", "Samen spullen repareren in de Reeshof.")
    page.fill("#id_description", "Elke zaterdag repareren vrijwilligers spullen van buren.")
    page.select_option("#id_municipality", label="Tilburg")
    page.fill("#id_learning_questions", "Hoe houden we onze vrijwilligers vast?")
    page.fill("#id_contact_name", "Anna de Vries")
    page.fill("#id_contact_email", CONTACT_EMAIL)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(reverse("initiatives:signup_done") + "$"))
    axe(page)
    initiative = Initiative.objects.get(name=NAME)
    assert initiative.intake_state == IntakeState.SIGNED_UP
    assert initiative.published is False

    # --- the resident confirms the e-mail address ------------------------------------------
    assert mail.outbox, "the sign-up sends a confirmation e-mail"
    message = mail.outbox[-1]
    assert message.to == [CONTACT_EMAIL]
    link = re.search(r"/aanmelden/bevestigen/[^/\s]+/", message.body)
    assert link, message.body
    page.goto(link.group(0))
    axe(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    axe(page)
    initiative.refresh_from_db()
    assert initiative.email_confirmed_at is not None

    # --- the contact team: first call, visit, an internal note ---------------------------
    log_in(page, axe, Role.Code.CONTACT_TEAM)
    page.goto(reverse("initiatives:dashboard"))
    axe(page)
    queue = page.get_by_test_id("intake-queue")
    queue.get_by_role("link", name=NAME).click()
    detail = reverse("initiatives:staff_initiative", args=[initiative.pk])
    expect(page).to_have_url(re.compile(detail + "$"))
    axe(page)

    contact = reverse("initiatives:staff_contact", args=[initiative.pk])
    page.select_option("#contact-kind", "phone_call")
    page.fill("#contact-summary", "Kennismaking aan de telefoon.")
    submit(page, contact)
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.FIRST_CALL
    axe(page)

    step = reverse("initiatives:staff_initiative_step", args=[initiative.pk])
    plan = page.locator(f'form[action^="{step}"]').filter(
        has=page.locator('input[name="transition"][value="plan_visit"]')
    )
    plan.locator("textarea").fill("Zaterdag om 10 uur in het buurthuis.")
    plan.locator("button[type=submit]").click()
    page.wait_for_load_state()
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISIT_PLANNED

    # A visit without its report is refused, and the page says why.
    page.select_option("#contact-kind", "visit")
    page.fill("#contact-summary", "Bezoek in het buurthuis.")
    submit(page, contact)
    expect(page.locator("#contact-form [role=alert]")).to_be_visible()
    axe(page)
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISIT_PLANNED

    page.select_option("#contact-kind", "visit")
    page.fill("#contact-contribution", CONTRIBUTION)
    page.fill("#contact-learning_questions", "Hoe houden we onze vrijwilligers vast?")
    page.locator("#contact-factors_0").check()
    submit(page, contact)
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISITED

    note = reverse("initiatives:staff_note", args=[initiative.pk])
    page.fill("#note-title", "Gesprek met de wethouder")
    page.fill("#note-body", INTERNAL_NOTE)
    submit(page, note)
    expect(page.get_by_test_id("timeline")).to_contain_text(INTERNAL_NOTE)
    axe(page)

    # --- the match team: a meeting, the agenda, the decision ------------------------------
    log_in(page, axe, Role.Code.MATCH_TEAM)
    page.goto(reverse("initiatives:staff_meetings"))
    axe(page)
    day = timezone.localdate() + timedelta(days=2)
    page.fill("#meeting-date", day.isoformat())
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    meeting = MatchMeeting.objects.get(date=day)
    expect(page).to_have_url(
        re.compile(reverse("initiatives:staff_meeting", args=[meeting.pk]) + "$")
    )
    axe(page)

    add = reverse("initiatives:staff_meeting_add", args=[meeting.pk])
    page.locator(f'form[action="{add}"]').filter(
        has=page.locator(f'input[name="initiative"][value="{initiative.pk}"]')
    ).locator("button").click()
    page.wait_for_load_state()
    item = meeting.items.get(initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.ON_AGENDA
    expect(page.get_by_test_id("agenda-item")).to_contain_text(CONTRIBUTION)
    axe(page)

    prefix = f"item{item.pk}"
    page.locator(f'input[name="{prefix}-outcome"][value="fits"]').check()
    page.fill(f"#id_{prefix}-notes", "Sterke bijdrage aan vertrouwen in de wijk.")
    page.locator(f"#id_{prefix}-offer_{offer.pk}").check()
    expect(page.locator(f"#id_{prefix}-provider_{offer.pk}")).to_have_value(str(offer.provider_id))
    page.locator(f'input[name="{prefix}-phase"][value="intensief"]').check()
    submit(page, reverse("initiatives:staff_meeting_decision", args=[meeting.pk, item.pk]))
    item.refresh_from_db()
    initiative.refresh_from_db()
    assert item.outcome == "fits"
    assert initiative.intake_state == IntakeState.FITS
    assert initiative.published is True
    axe(page)

    submit(page, reverse("initiatives:staff_meeting_close", args=[meeting.pk]))
    expect(page).to_have_url(
        re.compile(reverse("initiatives:staff_meeting_minutes", args=[meeting.pk]) + "$")
    )
    expect(page.get_by_test_id("minutes")).to_contain_text(offer.title)
    axe(page)
    # Printed, the minutes stand alone: no header, navigation or buttons.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".vk-staff-nav")).to_be_hidden()
    expect(page.get_by_test_id("minutes").locator("button")).to_be_hidden()
    expect(page.get_by_test_id("minutes")).to_be_visible()
    page.emulate_media(media="screen")

    # --- the trajectory starts and finishes -------------------------------------------------
    trajectory = initiative.trajectories.get()
    page.goto(detail)
    trajectory_step = reverse("initiatives:staff_trajectory_step", args=[trajectory.pk])
    start = page.locator(f'form[action="{trajectory_step}"]').filter(
        has=page.locator('input[name="transition"][value="start"]')
    )
    start.locator("input[type=date]").fill((timezone.localdate() - timedelta(days=30)).isoformat())
    start.locator("button[type=submit]").click()
    page.wait_for_load_state()
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.IN_SUPPORT

    page.goto(reverse("initiatives:staff_trajectory", args=[trajectory.pk]))
    axe(page)
    finish = page.locator(f'form[action="{trajectory_step}"]').filter(
        has=page.locator('input[name="transition"][value="finish"]')
    )
    finish.locator(f"#t{trajectory.pk}-finish-hours").fill("16,5")
    finish.locator(f"#t{trajectory.pk}-finish-costs").fill("1.200,00")
    finish.locator(f"#t{trajectory.pk}-finish-outcome").fill("Twee vrijwilligers getraind.")
    finish.locator("button[type=submit]").click()
    page.wait_for_load_state()
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.FINISHED
    assert str(trajectory.costs) == "1200.00" and str(trajectory.hours) == "16.50"
    axe(page)

    # --- the public sees it on the map, with public fields only -------------------------
    page.context.clear_cookies()
    page.goto(reverse("initiatives:map"))
    listing = page.get_by_test_id("initiative-list")
    expect(listing).to_contain_text(NAME)
    axe(page)
    listing.get_by_role("link", name=NAME).click()
    expect(page).to_have_url(
        re.compile(reverse("initiatives:detail", args=[initiative.slug]) + "$")
    )
    main = page.locator("main")
    expect(main).to_contain_text(NAME)
    expect(main).to_contain_text("Samen spullen repareren in de Reeshof.")
    html = page.content()
    for secret in (INTERNAL_NOTE, CONTRIBUTION, CONTACT_EMAIL, "Anna de Vries"):
        assert secret not in html, secret
    axe(page)
