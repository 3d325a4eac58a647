"""The declared intake and trajectory workflows, walked through the services.

For every transition, every role and every state, the service that takes the step must
allow it exactly when the role holds the transition's capability and the state is one of
its sources, and refuse it otherwise without leaving a trace. The expectations come from
the declarations in `workflows.py` and the capability table; only *how* to take each
step (which service, with which arguments) is written down here.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from veerkracht.core.models import AuditRecord, Role
from veerkracht.core.permissions import has_capability
from veerkracht.core.tests.factories import OrganisationFactory, UserFactory
from veerkracht.initiatives import services
from veerkracht.initiatives.models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    Source,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
    TrajectoryState,
)
from veerkracht.initiatives.services import IntakeError, OfferChoice
from veerkracht.initiatives.workflows import INTAKE, TRAJECTORY, Transition

pytestmark = pytest.mark.django_db

ROLES = list(Role.Code.values)
NOTE = "Checked with the initiator by phone."
REFUSED = (PermissionDenied, IntakeError)


# --- test data ------------------------------------------------------------------------------


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


def make_offer(title: str = "Impactmeting-training") -> SupportOffer:
    provider = OrganisationFactory(name="ZET", slug="zet")
    return SupportOffer.objects.get_or_create(
        slug=title.lower().replace(" ", "-"),
        defaults={"title": title, "provider": provider, "kind": SupportOffer.Kind.TRAINING},
    )[0]


def planned_meeting() -> MatchMeeting:
    day = timezone.localdate() + timedelta(days=7)
    return MatchMeeting.objects.get_or_create(date=day)[0]


def user_with(role: str):
    return UserFactory(email=f"{role}@example.org", roles=[role])


# --- how each intake step is taken --------------------------------------------------------


def _manual(name: str) -> Callable:
    def drive(actor, initiative: Initiative, note: str) -> None:
        services.initiative_transition(
            actor=actor, initiative=initiative, transition=name, note=note
        )

    return drive


def _contact(kind: str) -> Callable:
    def drive(actor, initiative: Initiative, note: str) -> None:
        services.contact_moment_record(
            actor=actor,
            initiative=initiative,
            kind=kind,
            summary=note,
            contribution="Brings neighbours together." if kind == ContactMoment.Kind.VISIT else "",
        )

    return drive


def _agenda(actor, initiative: Initiative, note: str) -> None:
    services.match_agenda_add(actor=actor, meeting=planned_meeting(), initiative=initiative)


def _decide(outcome: str) -> Callable:
    def prepare(initiative: Initiative) -> dict:
        item = MatchDecision.objects.create(meeting=planned_meeting(), initiative=initiative)
        return {"item": item, "offer": make_offer()}

    def drive(actor, initiative: Initiative, note: str, item, offer) -> None:
        fits = outcome == MatchDecision.Outcome.FITS
        services.match_decision_record(
            actor=actor,
            decision=item,
            outcome=outcome,
            notes=note,
            offers=(OfferChoice(offer=offer),) if fits else (),
        )

    drive.prepare = prepare
    return drive


def _start_support() -> Callable:
    def prepare(initiative: Initiative) -> dict:
        return {
            "trajectory": SupportTrajectory.objects.create(
                initiative=initiative, offer=make_offer()
            )
        }

    def drive(actor, initiative: Initiative, note: str, trajectory) -> None:
        services.trajectory_transition(actor=actor, trajectory=trajectory, transition="start")

    drive.prepare = prepare
    return drive


# Steps that are part of another use case. That use case still happens in other states
# (a second phone call, a later visit, a second trajectory); it only moves the intake
# when the intake is in one of the step's source states.
PART_OF_ANOTHER_USE_CASE = {
    "record_first_call": _contact(ContactMoment.Kind.PHONE_CALL),
    "record_visit": _contact(ContactMoment.Kind.VISIT),
    "start_support": _start_support(),
}
OWN_USE_CASE = {
    "put_on_agenda": _agenda,
    "decide_fits": _decide(MatchDecision.Outcome.FITS),
    "decide_does_not_fit": _decide(MatchDecision.Outcome.DOES_NOT_FIT),
    "decide_more_information": _decide(MatchDecision.Outcome.MORE_INFORMATION),
}


def intake_driver(transition: Transition) -> Callable:
    if transition.manual:
        return _manual(transition.name)
    return {**PART_OF_ANOTHER_USE_CASE, **OWN_USE_CASE}[transition.name]


def test_every_intake_step_has_a_way_to_take_it():
    for transition in INTAKE.transitions:
        assert intake_driver(transition) is not None
        if not transition.manual:
            assert transition.name in PART_OF_ANOTHER_USE_CASE | OWN_USE_CASE


# --- the walk -----------------------------------------------------------------------------


def _traces(initiative: Initiative) -> tuple:
    return (
        TimelineEvent.objects.filter(initiative=initiative).count(),
        AuditRecord.objects.count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", INTAKE.transitions, ids=lambda t: t.name)
def test_intake_step_is_allowed_exactly_by_capability_and_source_state(transition, role):
    user = user_with(role)
    drive = intake_driver(transition)
    capable = has_capability(user, transition.capability)
    for state in IntakeState.values:
        initiative = make_initiative(state)
        extra = drive.prepare(initiative) if hasattr(drive, "prepare") else {}
        before = _traces(initiative)
        started = timezone.now()
        allowed = capable and state in transition.sources
        label = f"{transition.name} by {role} from {state}"

        if allowed:
            drive(user, initiative, NOTE, **extra)
            initiative.refresh_from_db()
            assert initiative.intake_state == transition.target, label
            event = (
                TimelineEvent.objects.filter(initiative=initiative, kind=TimelineEvent.Kind.STATE)
                .order_by("-id")
                .first()
            )
            assert event is not None, label
            assert str(IntakeState(transition.target).label) in event.title, label
            assert event.actor == user, label
            assert started - timedelta(seconds=1) <= event.at <= timezone.now(), label
            if transition.manual or transition.name.startswith("decide_"):
                assert event.body == NOTE, label
            record = AuditRecord.objects.filter(
                action=f"initiative.{transition.name}", object_id=str(initiative.pk)
            ).get()
            assert record.actor == user, label
            assert record.after == {"intake_state": transition.target}, label
        elif capable and transition.name in PART_OF_ANOTHER_USE_CASE:
            drive(user, initiative, NOTE, **extra)
            initiative.refresh_from_db()
            assert initiative.intake_state == state, label
            assert not TimelineEvent.objects.filter(
                initiative=initiative, kind=TimelineEvent.Kind.STATE
            ).exists(), label
            assert not AuditRecord.objects.filter(
                action=f"initiative.{transition.name}", object_id=str(initiative.pk)
            ).exists(), label
        else:
            with pytest.raises(REFUSED):
                drive(user, initiative, NOTE, **extra)
            initiative.refresh_from_db()
            assert initiative.intake_state == state, label
            assert _traces(initiative) == before, label


@pytest.mark.parametrize(
    "transition", [t for t in INTAKE.transitions if t.needs_note], ids=lambda t: t.name
)
def test_intake_steps_that_need_a_note_refuse_without_one(transition):
    user = UserFactory(roles=[Role.Code.ADMINISTRATOR])
    state = sorted(transition.sources)[0]
    initiative = make_initiative(state)
    before = _traces(initiative)
    with pytest.raises(IntakeError):
        intake_driver(transition)(user, initiative, "   ")
    initiative.refresh_from_db()
    assert initiative.intake_state == state
    assert _traces(initiative) == before


def test_automatic_steps_are_not_offered_as_buttons_nor_taken_by_hand():
    admin = UserFactory(roles=[Role.Code.ADMINISTRATOR])
    for transition in INTAKE.transitions:
        for state in transition.sources:
            offered = [t.name for t in INTAKE.available(state, admin)]
            assert (transition.name in offered) == transition.manual
        if not transition.manual:
            initiative = make_initiative(sorted(transition.sources)[0])
            with pytest.raises(IntakeError):
                services.initiative_transition(
                    actor=admin, initiative=initiative, transition=transition.name, note=NOTE
                )


@pytest.mark.parametrize("role", ROLES)
def test_buttons_offered_follow_the_declaration(role):
    user = user_with(role)
    for state in IntakeState.values:
        expected = {
            t.name
            for t in INTAKE.transitions
            if t.manual and state in t.sources and has_capability(user, t.capability)
        }
        assert {t.name for t in INTAKE.available(state, user)} == expected


# --- trajectories -------------------------------------------------------------------------


def make_trajectory(state: str) -> SupportTrajectory:
    initiative = make_initiative(IntakeState.IN_SUPPORT)
    start = timezone.localdate() - timedelta(days=30)
    return SupportTrajectory.objects.create(
        initiative=initiative,
        offer=make_offer(),
        state=state,
        start_date=start if state != TrajectoryState.PROPOSED else None,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", TRAJECTORY.transitions, ids=lambda t: t.name)
def test_trajectory_step_is_allowed_exactly_by_capability_and_source_state(transition, role):
    user = user_with(role)
    capable = has_capability(user, transition.capability)
    for state in TrajectoryState.values:
        trajectory = make_trajectory(state)
        before = _traces(trajectory.initiative)
        started = timezone.now()
        label = f"{transition.name} by {role} from {state}"
        kwargs = {
            "actor": user,
            "trajectory": trajectory,
            "transition": transition.name,
            "note": NOTE,
            "hours": Decimal("12.5"),
            "costs": Decimal("950"),
        }
        if capable and state in transition.sources:
            services.trajectory_transition(**kwargs)
            trajectory.refresh_from_db()
            assert trajectory.state == transition.target, label
            event = (
                TimelineEvent.objects.filter(
                    initiative=trajectory.initiative, kind=TimelineEvent.Kind.TRAJECTORY
                )
                .order_by("-id")
                .first()
            )
            assert event is not None and event.actor == user, label
            assert started - timedelta(seconds=1) <= event.at <= timezone.now(), label
            assert NOTE in event.body, label
            record = AuditRecord.objects.filter(
                action=f"trajectory.{transition.name}", object_id=str(trajectory.pk)
            ).get()
            assert record.actor == user, label
        else:
            with pytest.raises(REFUSED):
                services.trajectory_transition(**kwargs)
            trajectory.refresh_from_db()
            assert trajectory.state == state, label
            assert _traces(trajectory.initiative) == before, label


@pytest.mark.parametrize("role", ROLES)
def test_trajectory_buttons_follow_the_declaration(role):
    user = user_with(role)
    for state in TrajectoryState.values:
        expected = {
            t.name
            for t in TRAJECTORY.transitions
            if state in t.sources and has_capability(user, t.capability)
        }
        assert {t.name for t in TRAJECTORY.available(state, user)} == expected


# --- a full happy path, as the timeline tells it -------------------------------------------


def test_timeline_of_a_full_happy_path():
    contact = UserFactory(full_name="Carla Contact", roles=[Role.Code.CONTACT_TEAM])
    matcher = UserFactory(full_name="Mats Match", roles=[Role.Code.MATCH_TEAM])
    offer = make_offer()
    initiative = services.initiative_signup(
        data=services.InitiativeData(
            name="Repair Café Tilburg-Noord",
            summary="Samen spullen repareren.",
            contact_email="info@repaircafe.example.org",
        )
    )
    services.contact_moment_record(
        actor=contact, initiative=initiative, kind="phone_call", summary="First call."
    )
    services.initiative_transition(
        actor=contact, initiative=initiative, transition="plan_visit", note="Tuesday 10:00."
    )
    services.contact_moment_record(
        actor=contact,
        initiative=initiative,
        kind="visit",
        summary="Visited the café.",
        contribution="Neighbours meet and help each other.",
        learning_questions="How do we find volunteers?",
    )
    item = services.match_agenda_add(
        actor=contact, meeting=planned_meeting(), initiative=initiative
    )
    services.match_decision_record(
        actor=matcher,
        decision=item,
        outcome="fits",
        notes="A clear fit.",
        offers=(OfferChoice(offer=offer),),
    )
    trajectory = initiative.trajectories.get()
    services.trajectory_transition(actor=contact, trajectory=trajectory, transition="start")
    services.trajectory_transition(
        actor=contact,
        trajectory=trajectory,
        transition="finish",
        hours=Decimal("8"),
        costs=Decimal("400"),
        outcome="Trained two volunteers.",
    )
    services.trajectory_rate(actor=contact, trajectory=trajectory, rating=5, comment="Great.")

    events = list(initiative.timeline.order_by("at", "id"))
    K = TimelineEvent.Kind
    assert [(e.kind, e.actor) for e in events] == [
        (K.CREATED, None),
        (K.CONTACT, contact),
        (K.STATE, contact),  # first call
        (K.STATE, contact),  # visit planned
        (K.CONTACT, contact),
        (K.STATE, contact),  # visited
        (K.STATE, contact),  # on the agenda
        (K.STATE, matcher),  # fits
        (K.PHASE, matcher),
        (K.DECISION, matcher),
        (K.TRAJECTORY, contact),  # started
        (K.STATE, contact),  # in support
        (K.TRAJECTORY, contact),  # finished
        (K.TRAJECTORY, contact),  # rated
    ]
    steps = (
        "record_first_call",
        "plan_visit",
        "record_visit",
        "put_on_agenda",
        "decide_fits",
        "start_support",
    )
    titles = [e.title for e in events if e.kind == K.STATE]
    assert len(titles) == len(steps)
    for title, step in zip(titles, steps, strict=True):
        assert str(IntakeState(INTAKE.get(step).target).label) in title
    assert [e.at for e in events] == sorted(e.at for e in events)
    decision = next(e for e in events if e.kind == K.DECISION)
    assert "A clear fit." in decision.body and offer.title in decision.body
    assert (
        next(e for e in events if str(IntakeState.VISIT_PLANNED.label) in e.title).body
        == "Tuesday 10:00."
    )
    initiative.refresh_from_db()
    assert initiative.intake_state == IntakeState.IN_SUPPORT
    assert initiative.published is True
