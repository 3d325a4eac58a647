"""Match proposals and the team's feedback on them (which feeds the track record)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.core.models import User
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record, audit_snapshot
from veerkracht.initiatives.models import Initiative, MatchDecision

from ..matching import OfferMatch, match_offers
from ..matching.batch import PROPOSALS_PER_QUESTION, mark_queued, new_run_id
from ..matching.tasks import match_run
from ..models import MatchProposal, Question
from ..selectors.matching import initiative_match_query, question_match_query

FEEDBACK_FIELDS = ["taken_up", "helped", "feedback_note"]


def proposals_store(
    *,
    initiative: Initiative,
    question: Question | None,
    matches: list[OfferMatch],
    actor: User | None = None,
    decision: MatchDecision | None = None,
) -> list[MatchProposal]:
    """Store matches as proposals (frozen score, components, reason); existing ones are updated
    unless feedback was already recorded on them. No capability check: callers check."""
    stored = []
    for match in matches:
        proposal, created = MatchProposal.objects.get_or_create(
            initiative=initiative,
            question=question,
            offer_id=match.offer_id,
            defaults={
                "score": match.score,
                "components": match.components,
                "reason": match.reason[:400],
                "proposed_by": actor if getattr(actor, "is_authenticated", False) else None,
                "decision": decision,
            },
        )
        if not created and proposal.taken_up is None and proposal.helped is None:
            proposal.score = match.score
            proposal.components = match.components
            proposal.reason = match.reason[:400]
            proposal.save(update_fields=["score", "components", "reason"])
        stored.append(proposal)
    return stored


def match_proposals_create(
    *,
    actor: User,
    question: Question | None = None,
    initiative: Initiative | None = None,
    limit: int = 5,
    decision: MatchDecision | None = None,
) -> list[MatchProposal]:
    """Run the engine for a question (or an initiative's learning questions) and store the top N."""
    check_capability(actor, "matching.use")
    if question is None and initiative is None:
        raise ValidationError(_("Choose a question or an initiative."))
    initiative = question.initiative if question is not None else initiative
    query = (
        question_match_query(question)
        if question is not None
        else initiative_match_query(initiative)
    )
    matches = match_offers(query, limit=limit)
    with transaction.atomic():
        proposals = proposals_store(
            initiative=initiative,
            question=question,
            matches=matches,
            actor=actor,
            decision=decision,
        )
        audit_record(
            actor=actor,
            action="match_proposals_create",
            obj=question if question is not None else initiative,
            after={"offers": [m.slug for m in matches], "scores": [m.score for m in matches]},
        )
    return proposals


def match_feedback_record(
    *,
    actor: User,
    proposal: MatchProposal,
    taken_up: bool | None,
    helped: bool | None,
    note: str = "",
) -> MatchProposal:
    """Record whether a proposed match was taken up and whether it helped."""
    check_capability(actor, "matching.feedback")
    if helped is not None and taken_up is False:
        raise ValidationError(_("A match that was not taken up cannot have helped."))
    with transaction.atomic():
        proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
        before = audit_snapshot(proposal, fields=FEEDBACK_FIELDS)
        proposal.taken_up = taken_up
        proposal.helped = helped
        proposal.feedback_note = note
        proposal.feedback_by = actor
        proposal.feedback_at = timezone.now()
        proposal.save()
        audit_record(
            actor=actor,
            action="match_feedback_record",
            obj=proposal,
            before=before,
            after=audit_snapshot(proposal, fields=FEEDBACK_FIELDS),
        )
    return proposal


def match_run_start(*, actor: User, limit: int = PROPOSALS_PER_QUESTION) -> str:
    """Queue the batch run that matches every open question; returns the run id.

    The progress is in the cache (`matching.batch.run_progress(run_id)`); the task
    starts after the audit record is committed.
    """
    check_capability(actor, "matching.use")
    run_id = new_run_id()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="match_run_start",
            object_type="support.matchrun",
            object_id=run_id,
            after={"limit": limit},
        )
        mark_queued(run_id)
        transaction.on_commit(lambda: match_run.enqueue(run_id=run_id, limit=limit))
    return run_id
