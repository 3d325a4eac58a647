"""Read queries of the matching engine: questions turned into queries, and their matches."""

from django.db.models import QuerySet

from veerkracht.initiatives.models import Initiative, SupportTrajectory

from ..matching import MatchQuery, OfferMatch, match_offers
from ..matching.related import RelatedMatch, match_articles, match_peers
from ..models import MatchProposal, Question


def question_match_query(question: Question) -> MatchQuery:
    """The engine query for a stored question: its words, themes and factors, and where."""
    initiative = question.initiative
    themes = [t.slug for t in question.themes.all()] or [t.slug for t in initiative.themes.all()]
    factors = [f.slug for f in question.factors.all()]
    used = frozenset(
        SupportTrajectory.objects.filter(initiative=initiative).values_list("offer_id", flat=True)
    )
    return MatchQuery(
        text=f"{question.title} {question.text}",
        themes=themes,
        factors=factors,
        municipality=initiative.municipality_id,
        phase=initiative.phase or None,
        exclude_offer_ids=used,
    )


def question_offer_matches(question: Question, *, limit: int = 10) -> list[OfferMatch]:
    return match_offers(question_match_query(question), limit=limit)


def initiative_match_query(initiative: Initiative) -> MatchQuery:
    """For an initiative without a stored question: its learning questions and summary."""
    return MatchQuery(
        text=f"{initiative.learning_questions} {initiative.summary}",
        themes=[t.slug for t in initiative.themes.all()],
        factors=[f.slug for f in initiative.factors.all()],
        municipality=initiative.municipality_id,
        phase=initiative.phase or None,
    )


def open_questions(initiative: Initiative) -> QuerySet[Question]:
    """Open questions, oldest first, with what `question_match_query` reads prefetched."""
    return (
        initiative.questions.filter(status=Question.Status.OPEN)
        .prefetch_related("themes", "factors")
        .order_by("created_at", "pk")
    )


def proposals_for_initiatives(initiative_ids: list[int]) -> dict[int, list[MatchProposal]]:
    """Proposals per initiative (best first), with offer and provider, in two queries."""
    result: dict[int, list[MatchProposal]] = {}
    for proposal in (
        MatchProposal.objects.filter(initiative_id__in=initiative_ids)
        .select_related("offer", "offer__provider", "question")
        .order_by("initiative_id", "question_id", "-score", "pk")
    ):
        result.setdefault(proposal.initiative_id, []).append(proposal)
    return result


def meeting_matching(initiatives: list[Initiative], *, per_question: int = 3) -> dict[int, dict]:
    """For the match team's agenda: per initiative its open questions with their top
    proposals, and the proposals made for its learning questions (no stored question).
    Two queries for the whole agenda."""
    ids = [i.pk for i in initiatives]
    questions: dict[int, list[Question]] = {}
    for question in Question.objects.filter(
        initiative_id__in=ids, status=Question.Status.OPEN
    ).order_by("created_at", "pk"):
        questions.setdefault(question.initiative_id, []).append(question)
    proposals = proposals_for_initiatives(ids)
    result = {}
    for initiative_id in ids:
        by_question: dict[int | None, list[MatchProposal]] = {}
        for proposal in proposals.get(initiative_id, []):
            by_question.setdefault(proposal.question_id, []).append(proposal)
        result[initiative_id] = {
            "questions": [
                {
                    "question": q,
                    "proposals": by_question.get(q.pk, [])[:per_question],
                    **question_related(q, limit=per_question),
                }
                for q in questions.get(initiative_id, [])
            ],
            "general": by_question.get(None, [])[:per_question],
        }
    return result


def question_related(question: Question, *, limit: int = 3) -> dict[str, list[RelatedMatch]]:
    """Peer initiatives with a similar question (not the asker) and knowledge articles."""
    text = f"{question.title} {question.text}"
    return {
        "peers": match_peers(text=text, exclude_initiative=question.initiative_id, limit=limit),
        "articles": match_articles(text=text, limit=limit),
    }
