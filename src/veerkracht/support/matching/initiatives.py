"""The reverse direction: for one offer, the initiatives that could use it.

Candidates are initiatives that are published or still in intake, with open
questions or learning questions, in an area the offer serves. They are ranked with
the same components as offers (text relevance of the offer's words to the
initiative's questions, theme and factor overlap, phase fit, distance).
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from django.utils.translation import ngettext

from veerkracht.initiatives.models import Initiative, IntakeState, SupportOffer

from ..models import Question
from . import scoring
from .lexicon import document_terms, known_words, query_terms
from .reasons import compose, matches_part
from .textindex import TextIndex

CLOSED_STATES = (IntakeState.CLOSED, IntakeState.STOPPED, IntakeState.DOES_NOT_FIT)


@dataclass
class InitiativeMatch:
    initiative_id: int
    slug: str
    name: str
    municipality: str | None
    score: float
    components: dict[str, float]
    reason: str


def match_initiatives(offer: SupportOffer, *, limit: int = 10) -> list[InitiativeMatch]:
    candidates = Initiative.objects.filter(
        Q(published=True) | ~Q(intake_state__in=CLOSED_STATES)
    ).filter(Q(questions__status=Question.Status.OPEN) | ~Q(learning_questions=""))
    if offer.service_area == SupportOffer.ServiceArea.MUNICIPALITIES:
        served = list(offer.municipalities.values_list("code", flat=True))
        candidates = candidates.filter(municipality_id__in=served)
    initiatives = list(
        candidates.distinct()
        .order_by("pk")
        .prefetch_related("themes", "factors")
        .only("pk", "slug", "name", "summary", "learning_questions", "municipality_id", "phase")
    )
    if not initiatives:
        return []
    questions: dict[int, list[str]] = {}
    for initiative_id, title, text in Question.objects.filter(
        initiative__in=initiatives, status=Question.Status.OPEN
    ).values_list("initiative_id", "title", "text"):
        questions.setdefault(initiative_id, []).append(f"{title} {text}")
    texts = [
        f"{i.learning_questions} {' '.join(questions.get(i.pk, []))} {i.summary}"
        for i in initiatives
    ]
    offer_text = f"{offer.title} {offer.summary} {offer.description}"
    known = known_words(texts)
    docs = []
    for text in texts:
        doc: Counter = Counter()
        for term, weight in document_terms(text, known):
            doc[term] += weight
        docs.append(doc)
    index = TextIndex(docs)
    query, origin = query_terms(offer_text, known)
    raw = index.scores(query)
    best = float(raw.max()) if len(raw) else 0.0
    relevance = raw / best if best > 0 else np.zeros_like(raw)
    offer_themes = set(offer.themes.values_list("slug", flat=True))
    offer_factors = set(offer.factors.values_list("slug", flat=True))
    results = []
    for i, initiative in enumerate(initiatives):
        themes = {t.slug for t in initiative.themes.all()}
        factors = {f.slug for f in initiative.factors.all()}
        components = {
            "text": float(relevance[i]),
            "themes": len(themes & offer_themes) / len(offer_themes) if offer_themes else 0.0,
            "factors": len(factors & offer_factors) / len(offer_factors) if offer_factors else 0.0,
            "phase": (
                scoring.PHASE_ANY
                if not offer.phases
                else (1.0 if initiative.phase in offer.phases else 0.0)
            ),
        }
        if not (components["text"] or components["themes"] or components["factors"]):
            continue
        score = sum(scoring.WEIGHTS[k] * v for k, v in components.items())
        matched = list(dict.fromkeys(origin[t] for t in index.matched(i, query)))[:3]
        parts = []
        if matched:
            parts.append((1.0, matches_part(matched)))
        shared = [t.name for t in initiative.themes.all() if t.slug in offer_themes]
        if shared:
            label = ngettext("same theme %(names)s", "same themes %(names)s", len(shared))
            parts.append((0.5, label % {"names": ", ".join(shared)}))
        results.append(
            InitiativeMatch(
                initiative_id=initiative.pk,
                slug=initiative.slug,
                name=initiative.name,
                municipality=initiative.municipality_id,
                score=round(score, 4),
                components={k: round(v, 4) for k, v in components.items()},
                reason=compose(parts),
            )
        )
    results.sort(key=lambda r: (-r.score, r.initiative_id))
    return results[:limit]
