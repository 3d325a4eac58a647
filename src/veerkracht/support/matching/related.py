"""For a question: peer initiatives that dealt with a similar question, and knowledge articles.

- peers: other published initiatives, as documents made of their learning questions,
  their questions (any status: answered ones were dealt with) and the titles of the
  support they received (trajectories); ranked by BM25 (normalised) plus theme overlap;
- articles: published knowledge articles, BM25 over title (3x), summary (2x) and body,
  plus theme overlap.

Both indexes are built on first use and rebuilt when their cheap version stamp changes
(checked at most every `stamp_seconds()`): the offer index's `StampedCache`.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from veerkracht.core.text import words
from veerkracht.initiatives.models import Initiative, SupportTrajectory

from ..models import Question
from . import reasons
from .index import StampedCache
from .lexicon import document_terms, known_words, query_terms
from .textindex import TextIndex

TEXT_WEIGHT = 0.8
THEME_WEIGHT = 0.2


@dataclass
class RelatedMatch:
    kind: str  # "initiative" or "article"
    id: int
    slug: str
    title: str
    score: float
    reason: str
    support: list[str]  # peers: the support they received


@dataclass
class _Index:
    ids: list[int]
    slugs: list[str]
    titles: list[str]
    themes: list[frozenset[str]]
    support: list[list[str]]
    text: TextIndex
    known: frozenset[str]
    stamp: tuple


def _build(stamp, ids, slugs, titles, themes, support, fields) -> _Index:
    known = known_words(words for doc in fields for words, _weight in doc)
    memo: dict = {}
    documents = []
    for doc_fields in fields:
        doc: Counter = Counter()
        for field_words, weight in doc_fields:
            for term, part in document_terms(field_words, known, None, memo):
                doc[term] += weight * part
        documents.append(doc)
    return _Index(ids, slugs, titles, themes, support, TextIndex(documents), known, stamp)


def _peer_stamp() -> tuple:
    i = Initiative.objects.filter(published=True).aggregate(n=Count("pk"), at=Max("updated_at"))
    q = Question.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    t = SupportTrajectory.objects.aggregate(n=Count("pk"))
    return (i["n"], i["at"], q["n"], q["at"], t["n"])


def _build_peers(stamp) -> _Index:
    initiatives = list(
        Initiative.objects.filter(published=True)
        .order_by("pk")
        .values_list("pk", "slug", "name", "learning_questions")
    )
    questions: dict[int, list[str]] = defaultdict(list)
    for initiative_id, title, text in Question.objects.filter(
        initiative__published=True
    ).values_list("initiative_id", "title", "text"):
        questions[initiative_id].append(f"{title} {text}")
    support: dict[int, list[str]] = defaultdict(list)
    for initiative_id, title in SupportTrajectory.objects.values_list(
        "initiative_id", "offer__title"
    ):
        if title not in support[initiative_id]:
            support[initiative_id].append(title)
    themes: dict[int, set[str]] = defaultdict(set)
    for initiative_id, slug in Initiative.themes.through.objects.values_list(
        "initiative_id", "theme__slug"
    ):
        themes[initiative_id].add(slug)
    fields = [
        [
            (words(lq), 2.0),
            (words(" ".join(questions[pk])), 2.0),
            (words(" ".join(support[pk])), 1.0),
        ]
        for pk, _slug, _name, lq in initiatives
    ]
    return _build(
        stamp,
        [i[0] for i in initiatives],
        [i[1] for i in initiatives],
        [i[2] for i in initiatives],
        [frozenset(themes[i[0]]) for i in initiatives],
        [support[i[0]] for i in initiatives],
        fields,
    )


def _article_stamp() -> tuple:
    from veerkracht.knowledge.models import Article

    a = Article.objects.filter(published=True).aggregate(n=Count("pk"), at=Max("updated_at"))
    return (a["n"], a["at"])


def _build_articles(stamp) -> _Index:
    from veerkracht.knowledge.models import Article

    articles = list(
        Article.objects.filter(published=True)
        .order_by("pk")
        .values_list("pk", "slug", "title", "summary", "body")
    )
    themes: dict[int, set[str]] = defaultdict(set)
    for article_id, slug in Article.themes.through.objects.values_list("article_id", "theme__slug"):
        themes[article_id].add(slug)
    fields = [
        [(words(title), 3.0), (words(summary), 2.0), (words(body), 1.0)]
        for _pk, _slug, title, summary, body in articles
    ]
    return _build(
        stamp,
        [a[0] for a in articles],
        [a[1] for a in articles],
        [a[2] for a in articles],
        [frozenset(themes[a[0]]) for a in articles],
        [[] for _ in articles],
        fields,
    )


_peers = StampedCache(_peer_stamp, _build_peers)
_articles = StampedCache(_article_stamp, _build_articles)


def reset_related() -> None:
    _peers.reset()
    _articles.reset()


def _rank(
    index: _Index, kind: str, text: str, themes: list[str], limit: int, exclude: int | None
) -> list[RelatedMatch]:
    if not index.ids:
        return []
    terms, origin = query_terms(text, index.known)
    raw = index.text.scores(terms)
    best = float(raw.max())
    text_part = raw / best if best > 0 else np.zeros_like(raw)
    wanted = set(themes)
    theme_part = np.array([len(t & wanted) / len(wanted) if wanted else 0.0 for t in index.themes])
    score = TEXT_WEIGHT * text_part + THEME_WEIGHT * theme_part
    # Without some text match a peer or article is not "similar".
    score = np.where(raw > 0, score, -1.0)
    order = np.lexsort((np.array(index.ids), -score))
    results = []
    for i in order:
        if score[i] <= 0 or len(results) >= limit:
            break
        if exclude is not None and index.ids[i] == exclude:
            continue
        matched = list(dict.fromkeys(origin[t] for t in index.text.matched(int(i), terms)))
        matched = matched[: reasons.MAX_WORDS]
        reason = reasons.compose([(1.0, reasons.matches_part(matched))] if matched else [])
        results.append(
            RelatedMatch(
                kind=kind,
                id=index.ids[i],
                slug=index.slugs[i],
                title=index.titles[i],
                score=round(float(score[i]), 4),
                reason=reason,
                support=index.support[i],
            )
        )
    return results


def match_peers(
    *, text: str, themes: list[str] | None = None, exclude_initiative: int | None = None, limit=5
) -> list[RelatedMatch]:
    """Published initiatives that dealt with a similar question, with the support they got."""
    index = _peers.get()
    return _rank(index, "initiative", text, themes or [], limit, exclude_initiative)


def match_articles(*, text: str, themes: list[str] | None = None, limit=5) -> list[RelatedMatch]:
    """Published knowledge articles about a similar question."""
    index = _articles.get()
    return _rank(index, "article", text, themes or [], limit, None)
