"""Initiatives: every use case that changes state, one function each.

Each service takes keyword-only arguments, checks who may do it, runs in one
transaction, writes the audit record and a timeline entry inside it, and enqueues
e-mail only after commit. A refused or invalid step raises `IntakeError` (a
`PermissionDenied` for a missing capability) and leaves nothing half-saved.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from veerkracht.core.geo import locate
from veerkracht.core.models import (
    District,
    Municipality,
    Organisation,
    PolicyAgenda,
    ResilienceFactor,
    Theme,
    User,
)
from veerkracht.core.permissions import check_capability, has_capability
from veerkracht.core.services.audit import audit_record, audit_snapshot
from veerkracht.core.slugs import unique_slug

from .models import (
    ContactMoment,
    Initiative,
    IntakeState,
    MatchDecision,
    MatchMeeting,
    Phase,
    Scope,
    Source,
    SupportNeed,
    SupportOffer,
    SupportTrajectory,
    TimelineEvent,
    TrajectoryState,
)
from .permissions import check_trajectory_manage
from .workflows import INTAKE, TRAJECTORY, Transition


class IntakeError(ValidationError):
    """A step that is not possible now (wrong state, missing information)."""


# --- helpers ------------------------------------------------------------------------------


def _timeline(
    *,
    initiative: Initiative,
    actor: User | None,
    kind: str,
    title: str,
    body: str = "",
    at: datetime | None = None,
    attachment: Any = None,
    trajectory: SupportTrajectory | None = None,
) -> TimelineEvent:
    event = TimelineEvent(
        initiative=initiative,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        title=title[:200],
        body=body,
        at=at or timezone.now(),
        trajectory=trajectory,
    )
    if attachment is not None:
        event.attachment = attachment
    event.save()
    return event


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    return unique_slug(Initiative.objects.all(), name, fallback="initiatief", exclude_pk=exclude_pk)


def _apply_transition(
    *,
    actor: User | None,
    initiative: Initiative,
    transition: Transition,
    note: str = "",
    at: datetime | None = None,
    check: bool = True,
) -> Initiative:
    if check:
        check_capability(actor, transition.capability)
    if initiative.intake_state not in transition.sources:
        raise IntakeError(
            _("“%(step)s” is not possible while the initiative is “%(state)s”.")
            % {"step": transition.label, "state": initiative.get_intake_state_display()}
        )
    if transition.needs_note and not note.strip():
        raise IntakeError(_("Please explain why (a note is required for this step)."))
    before = initiative.intake_state
    initiative.intake_state = transition.target
    initiative.save(update_fields=["intake_state", "updated_at"])
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.STATE,
        title=_("Intake: %(state)s") % {"state": initiative.get_intake_state_display()},
        body=note,
        at=at,
    )
    audit_record(
        actor=actor,
        action=f"initiative.{transition.name}",
        obj=initiative,
        before={"intake_state": before},
        after={"intake_state": initiative.intake_state},
        note=note,
    )
    return initiative


def _set_location(initiative: Initiative) -> None:
    """Derive municipality and district from the point, unless a municipality was given."""
    if initiative.latitude is None or initiative.longitude is None:
        return
    found = locate(initiative.latitude, initiative.longitude)
    if found is None:
        return
    if initiative.municipality_id is None:
        initiative.municipality_id = found.municipality_code
    if found.district_code and initiative.district_id is None:
        initiative.district = District.objects.filter(code=found.district_code).first()


@dataclass
class InitiativeData:
    """What a sign-up form or a scout provides about an initiative."""

    name: str
    summary: str
    description: str = ""
    goals: str = ""
    organiser_type: str = ""
    legal_form: str = ""
    start_year: int | None = None
    website: str = ""
    latitude: float | None = None
    longitude: float | None = None
    municipality: Municipality | None = None
    scope: str = Scope.LOCAL
    municipalities: tuple[Municipality, ...] = ()
    themes: tuple[Theme, ...] = ()
    factors: tuple[ResilienceFactor, ...] = ()
    policy_agendas: tuple[PolicyAgenda, ...] = ()
    learning_questions: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    contact_public: bool = False


def _create(
    *, actor: User | None, data: InitiativeData, state: str, source: str, **extra
) -> Initiative:
    initiative = Initiative(
        slug=_unique_slug(data.name),
        name=data.name.strip(),
        summary=data.summary.strip(),
        description=data.description,
        goals=data.goals,
        organiser_type=data.organiser_type,
        legal_form=data.legal_form,
        start_year=data.start_year,
        website=data.website,
        latitude=data.latitude,
        longitude=data.longitude,
        municipality=data.municipality,
        scope=data.scope,
        learning_questions=data.learning_questions,
        contact_name=data.contact_name,
        contact_email=data.contact_email.strip().lower(),
        contact_phone=data.contact_phone,
        contact_public=data.contact_public,
        contact_consent_at=timezone.now() if data.contact_public else None,
        intake_state=state,
        source=source,
        **extra,
    )
    _set_location(initiative)
    initiative.full_clean(exclude=["slug", "confirmation_token"])
    initiative.save()
    initiative.themes.set(data.themes)
    initiative.factors.set(data.factors)
    initiative.policy_agendas.set(data.policy_agendas)
    initiative.municipalities.set(data.municipalities)
    return initiative


# --- ways in ------------------------------------------------------------------------------


@transaction.atomic
def initiative_signup(*, data: InitiativeData, initiator: User | None = None) -> Initiative:
    """A public sign-up: lands in the contact team's queue; the e-mail is confirmed by link."""
    if not data.contact_email:
        raise IntakeError(_("An e-mail address is needed to confirm the sign-up."))
    initiative = _create(
        actor=initiator,
        data=data,
        state=IntakeState.SIGNED_UP,
        source=Source.SIGNUP,
        initiator=initiator,
        confirmation_token=Initiative.new_token(),
    )
    _timeline(
        initiative=initiative,
        actor=initiator,
        kind=TimelineEvent.Kind.CREATED,
        title=_("Signed up through the website"),
    )
    audit_record(
        actor=initiator,
        action="initiative.signup",
        obj=initiative,
        after=audit_snapshot(initiative, fields=["name", "municipality", "intake_state"]),
    )
    from .tasks import send_signup_confirmation

    token = initiative.confirmation_token
    transaction.on_commit(
        lambda: send_signup_confirmation.enqueue(initiative_id=initiative.pk, token=token)
    )
    return initiative


@transaction.atomic
def initiative_confirm_email(*, token: str) -> Initiative:
    initiative = Initiative.objects.select_for_update().filter(confirmation_token=token).first()
    if not token or initiative is None:
        raise IntakeError(_("This confirmation link is not valid (any more)."))
    initiative.email_confirmed_at = timezone.now()
    initiative.confirmation_token = ""
    initiative.save(update_fields=["email_confirmed_at", "confirmation_token", "updated_at"])
    _timeline(
        initiative=initiative,
        actor=None,
        kind=TimelineEvent.Kind.NOTE,
        title=_("E-mail address confirmed"),
    )
    audit_record(actor=None, action="initiative.confirm_email", obj=initiative)
    return initiative


@transaction.atomic
def initiative_scout(
    *,
    actor: User,
    data: InitiativeData,
    scouting_source: str,
    scouting_note: str = "",
    owner: User | None = None,
) -> Initiative:
    """Staff register an initiative they found (social media, an administrator, own network)."""
    check_capability(actor, "initiative.scout")
    initiative = _create(
        actor=actor,
        data=data,
        state=IntakeState.SCOUTED,
        source=Source.SCOUTED,
        scouting_source=scouting_source,
        scouting_note=scouting_note,
        owner=owner or actor,
    )
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.CREATED,
        title=_("Scouted"),
        body=scouting_note,
    )
    audit_record(
        actor=actor,
        action="initiative.scout",
        obj=initiative,
        after=audit_snapshot(initiative, fields=["name", "municipality", "scouting_source"]),
    )
    return initiative


EDITABLE_FIELDS = (
    "name",
    "summary",
    "description",
    "goals",
    "organiser_type",
    "legal_form",
    "start_year",
    "website",
    "latitude",
    "longitude",
    "municipality",
    "scope",
    "learning_questions",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_public",
    "internal_notes",
    "owner",
    "published",
)


@transaction.atomic
def initiative_update(*, actor: User, initiative: Initiative, **changes: Any) -> Initiative:
    """Change an initiative's fields (and its themes, factors, agendas, municipalities)."""
    check_capability(actor, "initiative.edit")
    relations = {
        key: changes.pop(key)
        for key in ("themes", "factors", "policy_agendas", "municipalities")
        if key in changes
    }
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise IntakeError(f"Not editable: {', '.join(sorted(unknown))}")
    # Work on a fresh, locked row and write only what changes, so an edit made from a
    # page loaded earlier never undoes an intake step taken in the meantime.
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    before = audit_snapshot(initiative)
    moved = any(k in changes for k in ("latitude", "longitude"))
    for key, value in changes.items():
        setattr(initiative, key, value)
    written = set(changes)
    if changes.get("contact_public"):
        initiative.contact_consent_at = initiative.contact_consent_at or timezone.now()
        written.add("contact_consent_at")
    if moved and "municipality" not in changes:
        initiative.municipality = None
        initiative.district = None
        _set_location(initiative)
        written |= {"municipality", "district"}
    if "name" in changes:
        initiative.slug = _unique_slug(initiative.name, exclude_pk=initiative.pk)
        written.add("slug")
    initiative.full_clean(exclude=["confirmation_token"])
    initiative.save(update_fields=[*sorted(written), "updated_at"])
    for key, values in relations.items():
        getattr(initiative, key).set(values)
    audit_record(
        actor=actor,
        action="initiative.update",
        obj=initiative,
        before=before,
        after=audit_snapshot(initiative),
    )
    return initiative


@transaction.atomic
def initiative_transition(
    *, actor: User, initiative: Initiative, transition: str, note: str = ""
) -> Initiative:
    """Take one of the manual intake steps (plan a visit, close, stop, reopen)."""
    step = INTAKE.get(transition)
    if not step.manual:
        raise IntakeError(_("This step is taken through its own form."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    _apply_transition(actor=actor, initiative=initiative, transition=step, note=note)
    if step.name == "stop":
        _phase_set(actor=actor, initiative=initiative, phase=Phase.STOPPED, reason=note)
        initiative.published = False
        initiative.save(update_fields=["published", "updated_at"])
    elif step.name == "close":
        _phase_set(actor=actor, initiative=initiative, phase=Phase.COMPLETED, reason=note)
    elif step.name == "reopen":
        _phase_set(actor=actor, initiative=initiative, phase=Phase.EXPLORATION, reason=note)
    return initiative


def _phase_set(*, actor: User | None, initiative: Initiative, phase: str, reason: str = "") -> None:
    if initiative.phase == phase:
        return
    before = initiative.phase
    initiative.phase = phase
    initiative.phase_reason = reason if phase == Phase.STOPPED else initiative.phase_reason
    initiative.save(update_fields=["phase", "phase_reason", "updated_at"])
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.PHASE,
        title=_("Phase: %(phase)s") % {"phase": initiative.get_phase_display()},
        body=reason,
    )
    audit_record(
        actor=actor,
        action="initiative.phase_set",
        obj=initiative,
        before={"phase": before},
        after={"phase": phase},
        note=reason,
    )


# --- contact team -------------------------------------------------------------------------


@transaction.atomic
def contact_moment_record(
    *,
    actor: User,
    initiative: Initiative,
    kind: str,
    summary: str,
    at: datetime | None = None,
    contribution: str = "",
    learning_questions: str = "",
    factors: tuple[ResilienceFactor, ...] = (),
) -> ContactMoment:
    """Record a call, visit or other contact; the first call and the visit move the intake."""
    check_capability(actor, "intake.contact")
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    at = at or timezone.now()
    if kind == ContactMoment.Kind.VISIT and not contribution.strip():
        raise IntakeError(
            _("A visit report says how the initiative contributes to social resilience.")
        )
    moment = ContactMoment.objects.create(
        initiative=initiative,
        kind=kind,
        at=at,
        by=actor,
        summary=summary,
        contribution=contribution,
        learning_questions=learning_questions,
    )
    moment.factors.set(factors)
    title = _("%(kind)s by %(name)s") % {
        "kind": moment.get_kind_display().capitalize(),
        "name": actor.get_short_name(),
    }
    body = "\n\n".join(part for part in (summary, contribution, learning_questions) if part)
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.CONTACT,
        title=title,
        body=body,
        at=at,
    )
    if (
        kind == ContactMoment.Kind.PHONE_CALL
        and initiative.intake_state in INTAKE.get("record_first_call").sources
    ):
        _apply_transition(
            actor=actor, initiative=initiative, transition=INTAKE.get("record_first_call"), at=at
        )
    if kind == ContactMoment.Kind.VISIT:
        if initiative.intake_state in INTAKE.get("record_visit").sources:
            _apply_transition(
                actor=actor, initiative=initiative, transition=INTAKE.get("record_visit"), at=at
            )
        if learning_questions:
            initiative.learning_questions = learning_questions
        if factors:
            initiative.factors.add(*factors)
    if initiative.owner_id is None:
        initiative.owner = actor
    if initiative.last_contact_at is None or at > initiative.last_contact_at:
        initiative.last_contact_at = at
    initiative.save()
    audit_record(
        actor=actor,
        action="contact_moment.record",
        obj=moment,
        after=audit_snapshot(moment, fields=["initiative", "kind", "at"]),
    )
    return moment


@transaction.atomic
def timeline_note_add(
    *, actor: User, initiative: Initiative, title: str, body: str = "", attachment: Any = None
) -> TimelineEvent:
    check_capability(actor, "initiative.edit")
    if not title.strip():
        raise IntakeError(_("A note needs a title."))
    event = _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.FILE if attachment else TimelineEvent.Kind.NOTE,
        title=title,
        body=body,
        attachment=attachment,
    )
    audit_record(actor=actor, action="timeline.note_add", obj=event, object_id=event.pk)
    return event


# --- match team ---------------------------------------------------------------------------


READY_FOR_AGENDA = INTAKE.get("put_on_agenda").sources
TRAJECTORY_NOTE_MAX_LENGTH = 5000


@transaction.atomic
def match_meeting_create(*, actor: User, meeting_date: date) -> MatchMeeting:
    check_capability(actor, "match.manage")
    if MatchMeeting.objects.filter(date=meeting_date).exists():
        raise IntakeError(_("There is already a meeting on that date."))
    meeting = MatchMeeting.objects.create(date=meeting_date, created_by=actor)
    audit_record(actor=actor, action="match_meeting.create", obj=meeting)
    return meeting


@transaction.atomic
def match_agenda_add(
    *, actor: User, meeting: MatchMeeting, initiative: Initiative
) -> MatchDecision:
    """Put one initiative on a meeting's agenda."""
    check_capability(actor, "agenda.add")
    if meeting.status != MatchMeeting.Status.PLANNED:
        raise IntakeError(_("This meeting has already been held."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if meeting.items.filter(initiative=initiative).exists():
        raise IntakeError(_("This initiative is already on this meeting's agenda."))
    _apply_transition(
        actor=actor,
        initiative=initiative,
        transition=INTAKE.get("put_on_agenda"),
        note=str(meeting),
    )
    position = (meeting.items.aggregate(m=Max("position"))["m"] or 0) + 1
    item = MatchDecision.objects.create(meeting=meeting, initiative=initiative, position=position)
    audit_record(actor=actor, action="match_agenda.add", obj=item)
    return item


@transaction.atomic
def match_agenda_build(*, actor: User, meeting: MatchMeeting) -> list[MatchDecision]:
    """Add every initiative whose intake is ready (visited, or waiting for more information)."""
    check_capability(actor, "agenda.add")
    if meeting.status != MatchMeeting.Status.PLANNED:
        raise IntakeError(_("This meeting has already been held."))
    ready = (
        Initiative.objects.filter(
            intake_state__in=[IntakeState.VISITED, IntakeState.MORE_INFORMATION]
        )
        .exclude(match_decisions__meeting=meeting)
        .order_by("updated_at")
    )
    return [match_agenda_add(actor=actor, meeting=meeting, initiative=i) for i in ready]


@dataclass(frozen=True)
class OfferChoice:
    offer: SupportOffer
    delivered_by: Organisation | None = None


OUTCOME_TRANSITIONS = {
    MatchDecision.Outcome.FITS: "decide_fits",
    MatchDecision.Outcome.DOES_NOT_FIT: "decide_does_not_fit",
    MatchDecision.Outcome.MORE_INFORMATION: "decide_more_information",
}


@transaction.atomic
def match_decision_record(
    *,
    actor: User,
    decision: MatchDecision,
    outcome: str,
    notes: str = "",
    offers: tuple[OfferChoice, ...] = (),
    new_support_needed: bool = False,
    support_need_description: str = "",
    phase: str | None = None,
) -> MatchDecision:
    """The match team decides: fits or not, which support, and whether new support is needed."""
    check_capability(actor, "match.decide")
    decision = MatchDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.outcome:
        raise IntakeError(_("A decision was already recorded for this agenda item."))
    if outcome not in OUTCOME_TRANSITIONS:
        raise IntakeError(_("Choose fits, does not fit or more information needed."))
    if outcome != MatchDecision.Outcome.FITS and (offers or new_support_needed):
        raise IntakeError(_("Support is only offered to initiatives that fit."))
    if new_support_needed and not support_need_description.strip():
        raise IntakeError(_("Describe the new support that is needed."))
    if outcome == MatchDecision.Outcome.FITS and not (offers or new_support_needed):
        raise IntakeError(_("Choose at least one support offer, or describe new support needed."))
    if phase is not None and phase not in (Phase.SHORT_SUPPORT, Phase.INTENSIVE_SUPPORT):
        raise IntakeError(_("Choose short or intensive support."))
    initiative = Initiative.objects.select_for_update().get(pk=decision.initiative_id)
    _apply_transition(
        actor=actor,
        initiative=initiative,
        transition=INTAKE.get(OUTCOME_TRANSITIONS[outcome]),
        note=notes,
    )
    decision.outcome = outcome
    decision.notes = notes
    decision.new_support_needed = new_support_needed
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    decision.save()
    lines = [str(MatchDecision.Outcome(outcome).label)]
    for choice in offers:
        SupportTrajectory.objects.create(
            initiative=initiative,
            offer=choice.offer,
            delivered_by=choice.delivered_by or choice.offer.provider,
            decision=decision,
        )
        provider = choice.delivered_by or choice.offer.provider
        lines.append(f"• {choice.offer.title} ({provider})")
    if new_support_needed:
        SupportNeed.objects.create(
            initiative=initiative, decision=decision, description=support_need_description
        )
        lines.append(_("New support needed: %(text)s") % {"text": support_need_description})
    if outcome == MatchDecision.Outcome.FITS:
        initiative.published = True
        initiative.save(update_fields=["published", "updated_at"])
        _phase_set(
            actor=actor, initiative=initiative, phase=phase or Phase.SHORT_SUPPORT, reason=notes
        )
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.DECISION,
        title=_("Match team %(date)s: %(outcome)s")
        % {"date": decision.meeting.date.strftime("%d-%m-%Y"), "outcome": lines[0]},
        body="\n".join(lines[1:] + ([notes] if notes else [])),
    )
    audit_record(
        actor=actor,
        action="match_decision.record",
        obj=decision,
        after={
            "outcome": outcome,
            "offers": [c.offer.pk for c in offers],
            "new_support_needed": new_support_needed,
        },
        note=notes,
    )
    return decision


@transaction.atomic
def match_meeting_close(*, actor: User, meeting: MatchMeeting, notes: str = "") -> MatchMeeting:
    check_capability(actor, "match.manage")
    meeting = MatchMeeting.objects.select_for_update().get(pk=meeting.pk)
    open_items = meeting.items.filter(outcome="")
    if open_items.exists():
        raise IntakeError(
            _("%(count)d agenda item(s) still need a decision.") % {"count": open_items.count()}
        )
    meeting.status = MatchMeeting.Status.HELD
    meeting.notes = notes or meeting.notes
    meeting.save()
    audit_record(actor=actor, action="match_meeting.close", obj=meeting)
    return meeting


@transaction.atomic
def support_need_decide(
    *,
    actor: User,
    need: SupportNeed,
    approve: bool,
    amount: Decimal | None = None,
    note: str = "",
) -> SupportNeed:
    """Programme staff decide whether the programme organises and finances new support."""
    check_capability(actor, "support_need.decide")
    need = SupportNeed.objects.select_for_update().get(pk=need.pk)
    if need.status != SupportNeed.Status.OPEN:
        raise IntakeError(_("This support need has already been decided."))
    if approve and (amount is None or amount <= 0):
        raise IntakeError(_("Give the amount the programme finances."))
    if not approve and not note.strip():
        raise IntakeError(_("Explain why the programme does not organise this support."))
    need.status = SupportNeed.Status.APPROVED if approve else SupportNeed.Status.DECLINED
    need.amount = amount.quantize(Decimal("0.01")) if approve and amount is not None else None
    need.decided_by = actor
    need.decided_at = timezone.now()
    need.decision_note = note
    need.save()
    _timeline(
        initiative=need.initiative,
        actor=actor,
        kind=TimelineEvent.Kind.SUPPORT_NEED,
        title=(
            _("New support approved: € %(amount)s")
            % {"amount": number_format(need.amount, decimal_pos=2, use_l10n=True)}
            if approve
            else _("New support declined")
        ),
        body="\n".join(part for part in (need.description, note) if part),
    )
    audit_record(
        actor=actor,
        action="support_need.approve" if approve else "support_need.decline",
        obj=need,
        after={"status": need.status, "amount": need.amount},
        note=note,
    )
    return need


# --- trajectories -------------------------------------------------------------------------


@transaction.atomic
def trajectory_propose(
    *,
    actor: User,
    initiative: Initiative,
    offer: SupportOffer,
    delivered_by: Organisation | None = None,
) -> SupportTrajectory:
    check_capability(actor, "trajectory.manage")
    trajectory = SupportTrajectory.objects.create(
        initiative=initiative, offer=offer, delivered_by=delivered_by or offer.provider
    )
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.TRAJECTORY,
        title=_("Support proposed: %(offer)s") % {"offer": offer.title},
        trajectory=trajectory,
    )
    audit_record(actor=actor, action="trajectory.propose", obj=trajectory)
    return trajectory


@transaction.atomic
def trajectory_transition(
    *,
    actor: User,
    trajectory: SupportTrajectory,
    transition: str,
    on: date | None = None,
    note: str = "",
    hours: Decimal | None = None,
    costs: Decimal | None = None,
    outcome: str = "",
) -> SupportTrajectory:
    """Start, finish or break off a trajectory; starting the first one starts the support."""
    step = TRAJECTORY.get(transition)
    trajectory = (
        SupportTrajectory.objects.select_for_update().select_related("offer").get(pk=trajectory.pk)
    )
    # Staff take any trajectory's steps; a support provider only those of the
    # trajectories its organisation delivers, and without recording costs (money records
    # are kept by the programme team).
    check_trajectory_manage(actor, trajectory)
    if costs is not None and not has_capability(actor, "trajectory.manage"):
        raise PermissionDenied(_("Costs are recorded by the programme team."))
    if trajectory.state not in step.sources:
        raise IntakeError(
            _("“%(step)s” is not possible while the trajectory is “%(state)s”.")
            % {"step": step.label, "state": trajectory.get_state_display()}
        )
    if step.needs_note and not note.strip():
        raise IntakeError(_("Please explain why (a note is required for this step)."))
    if (hours is not None and hours < 0) or (costs is not None and costs < 0):
        raise IntakeError(_("Hours and costs cannot be negative."))
    before = audit_snapshot(trajectory)
    on = on or timezone.localdate()
    trajectory.state = step.target
    if step.name == "start":
        trajectory.start_date = on
    else:
        if trajectory.start_date and on < trajectory.start_date:
            raise IntakeError(_("The end date lies before the start date."))
        trajectory.end_date = on
    if hours is not None:
        trajectory.hours = hours
    if costs is not None:
        trajectory.costs = costs.quantize(Decimal("0.01"))
    if outcome or note:
        trajectory.outcome = outcome or note
    trajectory.save()
    initiative = Initiative.objects.select_for_update().get(pk=trajectory.initiative_id)
    _timeline(
        initiative=initiative,
        actor=actor,
        kind=TimelineEvent.Kind.TRAJECTORY,
        title=f"{trajectory.offer.title}: {trajectory.get_state_display()}",
        body="\n".join(part for part in (outcome, note) if part),
        trajectory=trajectory,
    )
    if step.name == "start" and initiative.intake_state in INTAKE.get("start_support").sources:
        _apply_transition(
            actor=actor,
            initiative=initiative,
            transition=INTAKE.get("start_support"),
            check=False,
        )
    audit_record(
        actor=actor,
        action=f"trajectory.{step.name}",
        obj=trajectory,
        before=before,
        after=audit_snapshot(trajectory),
        note=note,
    )
    return trajectory


@transaction.atomic
def trajectory_rate(
    *, actor: User, trajectory: SupportTrajectory, rating: int, comment: str = ""
) -> SupportTrajectory:
    """The initiative's own rating of the support it received (1–5)."""
    trajectory = SupportTrajectory.objects.select_for_update().get(pk=trajectory.pk)
    is_initiator = trajectory.initiative.initiator_id == getattr(actor, "pk", None)
    if not is_initiator:
        check_capability(actor, "trajectory.manage")
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise IntakeError(_("A rating is a whole number from 1 to 5."))
    if trajectory.state not in (TrajectoryState.FINISHED, TrajectoryState.BROKEN_OFF):
        raise IntakeError(_("Support can be rated once it has ended."))
    trajectory.rating = rating
    trajectory.rating_comment = comment
    trajectory.save(update_fields=["rating", "rating_comment"])
    _timeline(
        initiative=trajectory.initiative,
        actor=actor,
        kind=TimelineEvent.Kind.TRAJECTORY,
        title=_("%(offer)s rated %(rating)s/5")
        % {"offer": trajectory.offer.title, "rating": rating},
        body=comment,
        trajectory=trajectory,
    )
    audit_record(
        actor=actor,
        action="trajectory.rate",
        obj=trajectory,
        after={"rating": trajectory.rating},
    )
    return trajectory


@transaction.atomic
def trajectory_note_add(*, actor: User, trajectory: SupportTrajectory, text: str) -> TimelineEvent:
    """A progress note on a trajectory, in the initiative's timeline (staff and the
    organisation that delivers the trajectory)."""
    check_trajectory_manage(actor, trajectory)
    text = text.strip()
    if not text:
        raise IntakeError(_("Write the progress note first."))
    if len(text) > TRAJECTORY_NOTE_MAX_LENGTH:
        raise IntakeError(
            _("A progress note has at most %(max)d characters.")
            % {"max": TRAJECTORY_NOTE_MAX_LENGTH}
        )
    event = _timeline(
        initiative=trajectory.initiative,
        actor=actor,
        kind=TimelineEvent.Kind.TRAJECTORY,
        title=_("Progress: %(offer)s") % {"offer": trajectory.offer.title},
        body=text,
        trajectory=trajectory,
    )
    audit_record(
        actor=actor,
        action="trajectory.note",
        obj=trajectory,
        after={"timeline_event": event.pk},
    )
    return event


# --- privacy ------------------------------------------------------------------------------


def initiative_refuse_access(user: User, initiative: Initiative) -> None:
    """Raise PermissionDenied unless the user may see the initiative's internal record."""
    if initiative.initiator_id and initiative.initiator_id == getattr(user, "pk", None):
        return
    check_capability(user, "initiative.view_internal")


__all__ = [
    "InitiativeData",
    "IntakeError",
    "OfferChoice",
    "PermissionDenied",
    "contact_moment_record",
    "initiative_confirm_email",
    "initiative_scout",
    "initiative_signup",
    "initiative_transition",
    "initiative_update",
    "match_agenda_add",
    "match_agenda_build",
    "match_decision_record",
    "match_meeting_close",
    "match_meeting_create",
    "support_need_decide",
    "timeline_note_add",
    "trajectory_note_add",
    "trajectory_propose",
    "trajectory_rate",
    "trajectory_transition",
]
