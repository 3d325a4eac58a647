"""The Stérk Brabant process through its services: from sign-up to a rated trajectory.

Each service checks who may act, runs in one transaction and writes the audit trail and
the timeline; a refused step raises and leaves nothing behind.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.tests.factories import (
    MunicipalityFactory,
    OrganisationFactory,
    ResilienceFactorFactory,
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
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
    TrajectoryState,
)
from veerkracht.initiatives.services import InitiativeData, IntakeError, OfferChoice

pytestmark = pytest.mark.django_db

R = Role.Code


@pytest.fixture
def contact():
    return UserFactory(full_name="Carla Contact", roles=[R.CONTACT_TEAM])


@pytest.fixture
def matcher():
    return UserFactory(full_name="Mats Match", roles=[R.MATCH_TEAM])


@pytest.fixture
def programme():
    return UserFactory(full_name="Pim Programma", roles=[R.PROGRAMME_STAFF])


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
def meeting(matcher):
    return services.match_meeting_create(
        actor=matcher, meeting_date=timezone.localdate() + timedelta(days=3)
    )


def signup(name: str = "Repair Café Tilburg-Noord") -> Initiative:
    return services.initiative_signup(
        data=InitiativeData(
            name=name,
            summary="Samen spullen repareren en buren leren kennen.",
            municipality=MunicipalityFactory(code="GM0855", name="Tilburg"),
            contact_name="Anna de Vries",
            contact_email="Anna@RepairCafe.example.org",
        )
    )


def visited(contact, name: str = "Repair Café Tilburg-Noord") -> Initiative:
    initiative = signup(name)
    services.contact_moment_record(
        actor=contact, initiative=initiative, kind="phone_call", summary="First call."
    )
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="plan_visit", note="Next Tuesday."
    )
    services.contact_moment_record(
        actor=contact,
        initiative=initiative,
        kind="visit",
        summary="Visit at the café.",
        contribution="Neighbours meet, help each other and build trust.",
        learning_questions="How do we keep volunteers?",
    )
    initiative.refresh_from_db()
    return initiative


def on_agenda(contact, meeting, name: str = "Repair Café Tilburg-Noord") -> MatchDecision:
    return services.match_agenda_add(
        actor=contact, meeting=meeting, initiative=visited(contact, name)
    )


def audit_count() -> int:
    return AuditRecord.objects.count()


# --- the whole way --------------------------------------------------------------------------


def test_from_signup_to_a_rated_trajectory(contact, matcher, programme, offers, meeting):
    trust = ResilienceFactorFactory(name="vertrouwen", slug="vertrouwen")
    initiative = signup()
    assert initiative.intake_state == IntakeState.SIGNED_UP
    assert initiative.contact_email == "anna@repaircafe.example.org"
    assert initiative.published is False
    assert initiative.confirmation_token

    call = services.contact_moment_record(
        actor=contact, initiative=initiative, kind="phone_call", summary="Nice first call."
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.FIRST_CALL
    assert initiative.owner == contact
    assert initiative.last_contact_at == call.at

    services.initiative_transition(
        actor=contact, initiative=initiative, transition="plan_visit", note="Tuesday."
    )
    with pytest.raises(IntakeError):
        services.contact_moment_record(
            actor=contact, initiative=initiative, kind="visit", summary="No report."
        )
    assert not initiative.contact_moments.filter(kind="visit").exists()
    services.contact_moment_record(
        actor=contact,
        initiative=initiative,
        kind="visit",
        summary="Visited.",
        contribution="Builds trust between neighbours.",
        learning_questions="How do we keep volunteers?",
        factors=(trust,),
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISITED
    assert initiative.learning_questions == "How do we keep volunteers?"
    assert list(initiative.factors.all()) == [trust]
    assert initiative.published is False

    item = services.match_agenda_add(actor=contact, meeting=meeting, initiative=initiative)
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.ON_AGENDA
    assert initiative.published is False

    ggd = OrganisationFactory(name="GGD Hart voor Brabant", slug="ggd")
    services.match_decision_record(
        actor=matcher,
        decision=item,
        outcome=MatchDecision.Outcome.FITS,
        notes="Clear contribution to trust.",
        offers=(OfferChoice(offer=offers[0]), OfferChoice(offer=offers[1], delivered_by=ggd)),
        new_support_needed=True,
        support_need_description="A volunteer coordinator for six months.",
        phase=Phase.INTENSIVE_SUPPORT,
    )
    initiative.refresh_from_db()
    item.refresh_from_db()
    assert initiative.intake_state == IntakeState.FITS
    assert initiative.published is True
    assert initiative.phase == Phase.INTENSIVE_SUPPORT
    assert item.outcome == MatchDecision.Outcome.FITS
    assert item.decided_by == matcher and item.decided_at is not None
    trajectories = {t.offer: t for t in initiative.trajectories.all()}
    assert trajectories[offers[0]].delivered_by == offers[0].provider
    assert trajectories[offers[1]].delivered_by == ggd
    assert {t.state for t in trajectories.values()} == {TrajectoryState.PROPOSED}
    need = initiative.support_needs.get()
    assert need.status == SupportNeed.Status.OPEN and need.decision == item

    with pytest.raises(PermissionDenied):
        services.support_need_decide(actor=matcher, need=need, approve=True, amount=Decimal(1))
    services.support_need_decide(
        actor=programme, need=need, approve=True, amount=Decimal("4250.5"), note="Six months."
    )
    need.refresh_from_db()
    assert need.status == SupportNeed.Status.APPROVED
    assert need.amount == Decimal("4250.50")
    assert isinstance(need.amount, Decimal) and need.amount.as_tuple().exponent == -2
    assert need.decided_by == programme

    trajectory = trajectories[offers[0]]
    services.trajectory_transition(
        actor=contact,
        trajectory=trajectory,
        transition="start",
        on=timezone.localdate() - timedelta(days=60),
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.IN_SUPPORT
    # Starting a second trajectory leaves the intake where it is.
    services.trajectory_transition(
        actor=contact, trajectory=trajectories[offers[1]], transition="start"
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.IN_SUPPORT

    services.trajectory_transition(
        actor=contact,
        trajectory=trajectory,
        transition="finish",
        hours=Decimal("16.5"),
        costs=Decimal("1200"),
        outcome="Two trained volunteers.",
    )
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.FINISHED
    assert trajectory.end_date == timezone.localdate()
    assert trajectory.hours == Decimal("16.50")
    assert trajectory.costs == Decimal("1200.00")
    assert trajectory.costs.as_tuple().exponent == -2
    assert trajectory.outcome == "Two trained volunteers."

    services.trajectory_rate(actor=contact, trajectory=trajectory, rating=4, comment="Useful.")
    trajectory.refresh_from_db()
    assert (trajectory.rating, trajectory.rating_comment) == (4, "Useful.")

    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "initiative.signup",
        "contact_moment.record",
        "initiative.record_first_call",
        "initiative.plan_visit",
        "initiative.record_visit",
        "initiative.put_on_agenda",
        "initiative.decide_fits",
        "match_decision.record",
        "support_need.approve",
        "trajectory.start",
        "initiative.start_support",
        "trajectory.finish",
        "trajectory.rate",
    } <= actions


# --- publication ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome", [MatchDecision.Outcome.DOES_NOT_FIT, MatchDecision.Outcome.MORE_INFORMATION]
)
def test_only_fits_publishes(contact, matcher, meeting, outcome):
    item = on_agenda(contact, meeting)
    services.match_decision_record(actor=matcher, decision=item, outcome=outcome, notes="Why.")
    item.initiative.refresh_from_db()
    assert item.initiative.published is False
    assert item.initiative.phase == Phase.EXPLORATION
    assert item.initiative.intake_state == outcome


def test_stop_needs_a_note_sets_the_phase_with_its_reason_and_unpublishes(
    contact, matcher, offers, meeting
):
    item = on_agenda(contact, meeting)
    services.match_decision_record(
        actor=matcher, decision=item, outcome="fits", offers=(OfferChoice(offer=offers[0]),)
    )
    initiative = Initiative.objects.get(pk=item.initiative_id)
    assert initiative.published is True
    before = (audit_count(), initiative.timeline.count())

    with pytest.raises(IntakeError):
        services.initiative_transition(
            actor=contact, initiative=initiative, transition="stop", note="  "
        )
    initiative.refresh_from_db()
    assert (initiative.intake_state, initiative.phase, initiative.published) == (
        IntakeState.FITS,
        Phase.SHORT_SUPPORT,
        True,
    )
    assert (audit_count(), initiative.timeline.count()) == before

    services.initiative_transition(
        actor=contact, initiative=initiative, transition="stop", note="The volunteers left."
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.STOPPED
    assert initiative.phase == Phase.STOPPED
    assert initiative.phase_reason == "The volunteers left."
    assert initiative.published is False
    assert initiative.timeline.filter(kind=TimelineEvent.Kind.PHASE, body__contains="left").exists()


def test_close_completes_the_phase(contact, matcher, offers, meeting):
    item = on_agenda(contact, meeting)
    services.match_decision_record(
        actor=matcher, decision=item, outcome="fits", offers=(OfferChoice(offer=offers[0]),)
    )
    initiative = Initiative.objects.get(pk=item.initiative_id)
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="close", note="Support done."
    )
    initiative.refresh_from_db()
    assert (initiative.intake_state, initiative.phase) == (IntakeState.CLOSED, Phase.COMPLETED)
    assert initiative.published is True


# --- the match team ---------------------------------------------------------------------------


def test_deciding_twice_is_refused(contact, matcher, offers, meeting):
    item = on_agenda(contact, meeting)
    services.match_decision_record(actor=matcher, decision=item, outcome="does_not_fit")
    before = (audit_count(), TimelineEvent.objects.count(), SupportTrajectory.objects.count())
    with pytest.raises(IntakeError):
        services.match_decision_record(
            actor=matcher, decision=item, outcome="fits", offers=(OfferChoice(offer=offers[0]),)
        )
    item.refresh_from_db()
    assert item.outcome == MatchDecision.Outcome.DOES_NOT_FIT
    assert (audit_count(), TimelineEvent.objects.count(), SupportTrajectory.objects.count()) == (
        before
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": "fits"}, "support offer"),
        ({"outcome": "maybe"}, "Choose"),
        ({"outcome": "fits", "new_support_needed": True}, "Describe"),
        ({"outcome": "does_not_fit", "offers": "one"}, "only offered"),
        ({"outcome": "fits", "offers": "one", "phase": Phase.COMPLETED}, "short or intensive"),
    ],
)
def test_invalid_decisions_are_refused_and_change_nothing(
    contact, matcher, offers, meeting, kwargs, message
):
    item = on_agenda(contact, meeting)
    if kwargs.get("offers") == "one":
        kwargs["offers"] = (OfferChoice(offer=offers[0]),)
    before = (audit_count(), TimelineEvent.objects.count())
    with translation.override("en"), pytest.raises(IntakeError) as refused:
        services.match_decision_record(actor=matcher, decision=item, **kwargs)
    assert message in " ".join(refused.value.messages)
    item.refresh_from_db()
    item.initiative.refresh_from_db()
    assert item.outcome == ""
    assert item.initiative.intake_state == IntakeState.ON_AGENDA
    assert (audit_count(), TimelineEvent.objects.count()) == before
    assert not SupportTrajectory.objects.exists() and not SupportNeed.objects.exists()


def test_only_the_match_team_decides(contact, programme, offers, meeting):
    item = on_agenda(contact, meeting)
    for actor in (contact, programme):
        with pytest.raises(PermissionDenied):
            services.match_decision_record(
                actor=actor, decision=item, outcome="fits", offers=(OfferChoice(offer=offers[0]),)
            )


def test_closing_a_meeting_with_open_items_is_refused(contact, matcher, meeting):
    item = on_agenda(contact, meeting)
    on_agenda(contact, meeting, name="Dementievriendelijk Oss")
    services.match_decision_record(actor=matcher, decision=item, outcome="more_information")
    before = audit_count()
    with pytest.raises(IntakeError):
        services.match_meeting_close(actor=matcher, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MatchMeeting.Status.PLANNED
    assert audit_count() == before

    services.match_decision_record(
        actor=matcher, decision=meeting.items.get(outcome=""), outcome="does_not_fit"
    )
    services.match_meeting_close(actor=matcher, meeting=meeting, notes="Two items.")
    meeting.refresh_from_db()
    assert meeting.status == MatchMeeting.Status.HELD and meeting.notes == "Two items."
    with pytest.raises(IntakeError):
        services.match_agenda_add(
            actor=contact, meeting=meeting, initiative=visited(contact, "Sociale Stad Helmond")
        )


def test_meeting_dates_are_unique_and_need_the_match_team(matcher, contact, meeting):
    with pytest.raises(IntakeError):
        services.match_meeting_create(actor=matcher, meeting_date=meeting.date)
    with pytest.raises(PermissionDenied):
        services.match_meeting_create(actor=contact, meeting_date=meeting.date + timedelta(1))


def test_agenda_build_adds_the_ready_intakes(contact, matcher, meeting):
    ready = [visited(contact, "Dorpsmolen"), visited(contact, "Verspild Talent Veghel")]
    waiting = signup("Lokaal Plus Bladel")
    items = services.match_agenda_build(actor=contact, meeting=meeting)
    assert {i.initiative_id for i in items} == {i.pk for i in ready}
    assert [i.position for i in meeting.items.order_by("position")] == [1, 2]
    waiting.refresh_from_db()
    assert waiting.intake_state == IntakeState.SIGNED_UP


def test_agenda_build_needs_the_capability_even_when_nothing_is_ready(meeting):
    analyst = UserFactory(roles=[R.ANALYST])
    with pytest.raises(PermissionDenied):
        services.match_agenda_build(actor=analyst, meeting=meeting)


def test_adding_an_initiative_twice_to_one_meeting_is_refused(contact, matcher, meeting):
    item = on_agenda(contact, meeting)
    services.match_decision_record(actor=matcher, decision=item, outcome="more_information")
    with pytest.raises(IntakeError):
        services.match_agenda_add(actor=contact, meeting=meeting, initiative=item.initiative)


# --- support needs and money ----------------------------------------------------------------


@pytest.fixture
def need(contact, matcher, meeting):
    item = on_agenda(contact, meeting)
    services.match_decision_record(
        actor=matcher,
        decision=item,
        outcome="fits",
        new_support_needed=True,
        support_need_description="A fundraising coach.",
    )
    return SupportNeed.objects.get()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"approve": True},
        {"approve": True, "amount": Decimal("0")},
        {"approve": True, "amount": Decimal("-5")},
        {"approve": False},
        {"approve": False, "note": "  "},
    ],
)
def test_support_need_decisions_need_an_amount_or_a_reason(need, programme, kwargs):
    before = audit_count()
    with pytest.raises(IntakeError):
        services.support_need_decide(actor=programme, need=need, **kwargs)
    need.refresh_from_db()
    assert need.status == SupportNeed.Status.OPEN and need.amount is None
    assert audit_count() == before


def test_declining_a_support_need_and_deciding_only_once(need, programme):
    services.support_need_decide(actor=programme, need=need, approve=False, note="No budget.")
    need.refresh_from_db()
    assert need.status == SupportNeed.Status.DECLINED
    assert need.amount is None and need.decision_note == "No budget."
    with pytest.raises(IntakeError):
        services.support_need_decide(
            actor=programme, need=need, approve=True, amount=Decimal("100")
        )


@pytest.mark.parametrize(
    ("amount", "stored"),
    [
        (Decimal("1250"), "1250.00"),
        (Decimal("1250.5"), "1250.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("99999.99"), "99999.99"),
    ],
)
def test_money_is_decimal_with_two_places(need, programme, amount, stored):
    returned = services.support_need_decide(actor=programme, need=need, approve=True, amount=amount)
    assert str(returned.amount) == stored
    need.refresh_from_db()
    assert isinstance(need.amount, Decimal) and str(need.amount) == stored


# --- trajectories ---------------------------------------------------------------------------


@pytest.fixture
def trajectory(contact, matcher, offers, meeting):
    item = on_agenda(contact, meeting)
    services.match_decision_record(
        actor=matcher, decision=item, outcome="fits", offers=(OfferChoice(offer=offers[0]),)
    )
    return SupportTrajectory.objects.get()


def test_trajectory_money_and_dates(contact, trajectory):
    start = timezone.localdate() - timedelta(days=10)
    services.trajectory_transition(
        actor=contact, trajectory=trajectory, transition="start", on=start
    )
    for kwargs in (
        {"hours": Decimal("-1")},
        {"costs": Decimal("-0.01")},
        {"on": start - timedelta(days=1)},
    ):
        with pytest.raises(IntakeError):
            services.trajectory_transition(
                actor=contact, trajectory=trajectory, transition="finish", **kwargs
            )
        trajectory.refresh_from_db()
        assert trajectory.state == TrajectoryState.STARTED and trajectory.end_date is None
    services.trajectory_transition(
        actor=contact,
        trajectory=trajectory,
        transition="finish",
        costs=Decimal("333.333"),
        hours=Decimal("3"),
    )
    trajectory.refresh_from_db()
    assert str(trajectory.costs) == "333.33"
    assert str(trajectory.hours) == "3.00"


def test_breaking_off_needs_a_reason_and_rating_waits_for_the_end(contact, trajectory):
    with pytest.raises(IntakeError):
        services.trajectory_rate(actor=contact, trajectory=trajectory, rating=3)
    with pytest.raises(IntakeError):
        services.trajectory_transition(actor=contact, trajectory=trajectory, transition="break_off")
    services.trajectory_transition(
        actor=contact, trajectory=trajectory, transition="break_off", note="No time."
    )
    trajectory.refresh_from_db()
    assert trajectory.state == TrajectoryState.BROKEN_OFF
    assert trajectory.outcome == "No time."
    for rating in (0, 6):
        with pytest.raises(IntakeError):
            services.trajectory_rate(actor=contact, trajectory=trajectory, rating=rating)
    services.trajectory_rate(actor=contact, trajectory=trajectory, rating=2)


def test_the_initiator_may_rate_but_not_manage(contact, trajectory):
    initiator = UserFactory(roles=[R.INITIATOR])
    Initiative.objects.filter(pk=trajectory.initiative_id).update(initiator=initiator)
    trajectory.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.trajectory_transition(actor=initiator, trajectory=trajectory, transition="start")
    services.trajectory_transition(actor=contact, trajectory=trajectory, transition="start")
    services.trajectory_transition(actor=contact, trajectory=trajectory, transition="finish")
    services.trajectory_rate(actor=initiator, trajectory=trajectory, rating=5, comment="Top!")
    trajectory.refresh_from_db()
    assert trajectory.rating == 5
    stranger = UserFactory(roles=[R.INITIATOR])
    with pytest.raises(PermissionDenied):
        services.trajectory_rate(actor=stranger, trajectory=trajectory, rating=1)


def test_propose_a_trajectory(contact, trajectory, offers):
    analyst = UserFactory(roles=[R.ANALYST])
    with pytest.raises(PermissionDenied):
        services.trajectory_propose(
            actor=analyst, initiative=trajectory.initiative, offer=offers[1]
        )
    proposed = services.trajectory_propose(
        actor=contact, initiative=trajectory.initiative, offer=offers[1]
    )
    assert proposed.state == TrajectoryState.PROPOSED
    assert proposed.delivered_by == offers[1].provider
    assert AuditRecord.objects.filter(action="trajectory.propose").count() == 1


# --- scouting, editing and the timeline -------------------------------------------------------


def test_scouting_needs_staff_and_starts_in_the_queue(contact):
    data = InitiativeData(name="Digitale Agenda Midden-Brabant", summary="Glasvezel coöperatie.")
    with pytest.raises(PermissionDenied):
        services.initiative_scout(
            actor=UserFactory(roles=[R.INITIATOR]), data=data, scouting_source="social_media"
        )
    initiative = services.initiative_scout(
        actor=contact, data=data, scouting_source="social_media", scouting_note="Seen on X."
    )
    assert initiative.intake_state == IntakeState.SCOUTED
    assert initiative.owner == contact
    assert initiative.timeline.get().kind == TimelineEvent.Kind.CREATED


def test_update_audits_and_refuses_unknown_fields(contact):
    initiative = signup()
    services.initiative_update(
        actor=contact, initiative=initiative, name="Repair Café Reeshof", internal_notes="VIP"
    )
    initiative.refresh_from_db()
    assert initiative.slug == "repair-cafe-reeshof"
    assert initiative.internal_notes == "VIP"
    record = AuditRecord.objects.filter(action="initiative.update").get()
    assert record.actor == contact
    with pytest.raises(IntakeError):
        services.initiative_update(actor=contact, initiative=initiative, intake_state="fits")
    with pytest.raises(PermissionDenied):
        services.initiative_update(
            actor=UserFactory(roles=[R.ANALYST]), initiative=initiative, name="X"
        )


def test_notes_and_files_in_the_timeline(contact, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    initiative = signup()
    with pytest.raises(IntakeError):
        services.timeline_note_add(actor=contact, initiative=initiative, title=" ")
    note = services.timeline_note_add(
        actor=contact, initiative=initiative, title="Phoned the alderman", body="Positive."
    )
    assert note.kind == TimelineEvent.Kind.NOTE and note.actor == contact
    upload = SimpleUploadedFile("bezoekverslag.pdf", b"%PDF-1.4 report", "application/pdf")
    event = services.timeline_note_add(
        actor=contact, initiative=initiative, title="Visit report", attachment=upload
    )
    assert event.kind == TimelineEvent.Kind.FILE
    assert event.attachment.name.endswith(".pdf")
    assert (tmp_path / event.attachment.name).read_bytes() == b"%PDF-1.4 report"
    assert AuditRecord.objects.filter(action="timeline.note_add").count() == 2


def test_a_visit_without_report_leaves_nothing(contact):
    initiative = signup()
    services.contact_moment_record(
        actor=contact, initiative=initiative, kind="phone_call", summary="Call."
    )
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="plan_visit", note="Monday."
    )
    before = (audit_count(), TimelineEvent.objects.count(), ContactMoment.objects.count())
    with pytest.raises(IntakeError):
        services.contact_moment_record(
            actor=contact, initiative=initiative, kind="visit", summary="Visit.", contribution=" "
        )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.VISIT_PLANNED
    assert (audit_count(), TimelineEvent.objects.count(), ContactMoment.objects.count()) == before


def test_reopening_returns_the_initiative_to_exploration(contact, matcher, meeting):
    item = on_agenda(contact, meeting)
    initiative = item.initiative
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="stop", note="geen capaciteit"
    )
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="reopen", note="nieuwe trekker"
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.FIRST_CALL
    assert initiative.phase == "verkenning"
