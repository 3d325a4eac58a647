"""The matching engine: hard filters first, then the transparent score of `scoring`."""

from dataclasses import dataclass, field

import numpy as np

from veerkracht.core.text import stem

from . import reasons, scoring
from .index import PHASES, OfferIndex, offer_index
from .lexicon import query_terms

# The longest question text the engine reads. The API and the matching page refuse longer
# texts (422, form error); a longer stored question is read up to this length (its
# title comes first), so no caller can make a query cost more than this.
MAX_TEXT_CHARS = 2000


@dataclass
class MatchQuery:
    """What an initiative asks: free text, theme and factor slugs, where, and its phase.

    Themes and factors are de-duplicated (order kept); the text is cut at MAX_TEXT_CHARS.
    """

    text: str = ""
    themes: list[str] = field(default_factory=list)
    factors: list[str] = field(default_factory=list)
    municipality: str | None = None
    phase: str | None = None
    exclude_offer_ids: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        self.text = self.text[:MAX_TEXT_CHARS]
        self.themes = list(dict.fromkeys(self.themes))
        self.factors = list(dict.fromkeys(self.factors))


@dataclass
class OfferMatch:
    offer_id: int
    slug: str
    title: str
    provider: str
    kind: str
    score: float
    components: dict[str, float]
    reason: str

    def as_api(self) -> dict:
        return {
            "offer": {
                "id": self.offer_id,
                "title": self.title,
                "provider": self.provider,
                "kind": self.kind,
            },
            "score": self.score,
            "components": self.components,
            "reason": self.reason,
        }


def _overlap(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    wanted = float(vector.sum())
    if not wanted or not matrix.shape[1]:
        return np.zeros(matrix.shape[0], dtype=np.float32)
    return (matrix @ vector) / np.float32(wanted)


def component_arrays(index: OfferIndex, query: MatchQuery) -> tuple[dict, dict, np.ndarray]:
    """Every component for every offer, the query terms with their origin, and the raw BM25."""
    terms, origin = query_terms(query.text, index.known)
    raw = index.text.scores(terms)
    if query.phase in PHASES:
        column = index.phase_matrix[:, PHASES.index(query.phase)]
        phase = np.where(column, 1.0, np.where(index.phase_any, scoring.PHASE_ANY, 0.0))
    else:
        phase = np.full(index.size, scoring.PHASE_UNKNOWN)
    components = {
        "text": raw,  # normalised by the caller, over the offers that pass the filters
        "themes": _overlap(index.theme_matrix, index.themes.vector(query.themes)),
        "factors": _overlap(index.factor_matrix, index.factors.vector(query.factors)),
        "phase": phase.astype(np.float32),
        "distance": index.distance(query.municipality),
        "capacity": index.capacity_left,
        "track_record": index.track_record,
    }
    return components, {"terms": terms, "origin": origin}, raw


def match_offers(
    query: MatchQuery,
    *,
    limit: int = 10,
    index: OfferIndex | None = None,
    weights: dict[str, float] | None = None,
    with_reasons: bool = True,
) -> list[OfferMatch]:
    """The best offers for a query, best first: score, components and a one-line reason."""
    index = index or offer_index()
    if not index.size:
        return []
    weights = weights or scoring.WEIGHTS
    components, info, raw = component_arrays(index, query)
    candidates = index.available(query.municipality)
    if query.exclude_offer_ids:
        candidates &= ~np.isin(index.ids, list(query.exclude_offer_ids))
    relevant = (raw > 0) | (components["themes"] > 0) | (components["factors"] > 0)
    candidates &= relevant
    if not candidates.any():
        return []
    best_text = float(raw[candidates].max())
    components["text"] = raw / np.float32(best_text) if best_text > 0 else np.zeros_like(raw)
    total = np.zeros(index.size, dtype=np.float32)
    for name, weight in weights.items():
        if weight:
            total += np.float32(weight) * components[name]
    total = np.where(candidates, total, -np.inf)
    count = min(limit, int(candidates.sum()))
    top = (
        np.argpartition(-total, count - 1)[:count] if count < index.size else np.arange(index.size)
    )
    top = top[np.lexsort((index.ids[top], -total[top]))][:count]
    return [
        _result(index, int(i), components, info, float(total[i]), query, with_reasons) for i in top
    ]


def _result(
    index: OfferIndex,
    i: int,
    components: dict,
    info: dict,
    score: float,
    query: MatchQuery,
    with_reasons: bool,
) -> OfferMatch:
    parts = {name: round(float(values[i]), 4) for name, values in components.items()}
    reason = ""
    if with_reasons:
        matched = index.text.matched(i, info["terms"])
        shown = list(
            dict.fromkeys(
                info["origin"][t] if stem(info["origin"][t]) == t else index.surface.get(t, t)
                for t in matched
            )
        )
        theme_names = [
            index.themes.label(s)
            for s in query.themes
            if s in index.themes.position and index.theme_matrix[i, index.themes.position[s]]
        ]
        factor_names = [
            index.factors.label(s)
            for s in query.factors
            if s in index.factors.position and index.factor_matrix[i, index.factors.position[s]]
        ]
        reason = reasons.offer_reason(
            components=parts,
            matched_words=shown,
            theme_names=theme_names,
            factor_names=factor_names,
            successes=int(index.track_successes[i]),
            trials=int(index.track_trials[i]),
            province_wide=bool(index.province_wide[i]),
        )
    return OfferMatch(
        offer_id=int(index.ids[i]),
        slug=index.slugs[i],
        title=index.titles[i],
        provider=index.providers[i],
        kind=index.kinds[i],
        score=round(score, 4),
        components=parts,
        reason=reason,
    )
