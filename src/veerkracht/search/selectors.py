"""Reading the search index: `search()` for the page and the API."""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from veerkracht.core.text import terms

from . import backends
from .backends import Clause
from .models import Kind, SearchDocument, SearchTerm
from .query import ParsedQuery, parse

MAX_LIMIT = 100
SNIPPET_WORDS = 30
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    title_html: SafeString
    snippet: SafeString
    url: str
    score: float


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # every kind, whatever the filter
    total: int = 0  # hits of the chosen kinds
    suggestion: str = ""  # "Bedoelde u: …", when a word was corrected
    any_word: bool = False  # no item had every word: these hits have at least one
    limit: int = 20
    offset: int = 0


def _marked(text: str, stems: set[str]) -> str:
    """Escaped text with <mark> around the words whose stem is searched for."""
    out: list[str] = []
    last = 0
    for match in _WORD.finditer(text):
        out.append(escape(text[last : match.start()]))
        word = match.group(0)
        if stems and set(terms(word)) & stems:
            out.append(f"<mark>{escape(word)}</mark>")
        else:
            out.append(escape(word))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def highlight(text: str, stems: set[str]) -> SafeString:
    return mark_safe(_marked(text, stems))


def snippet(text: str, stems: set[str], *, size: int = SNIPPET_WORDS) -> SafeString:
    """About `size` words of `text` around its first searched word, escaped and marked."""
    matches = list(_WORD.finditer(text))
    if not matches:
        return mark_safe("")
    first = 0
    for n, match in enumerate(matches):
        if stems and set(terms(match.group(0))) & stems:
            first = n
            break
    start = max(0, first - size // 3)
    end = min(len(matches), start + size)
    begin = matches[start].start() if start else 0
    finish = matches[end - 1].end() if end < len(matches) else len(text)
    html = " ".join(_marked(text[begin:finish], stems).split())
    prefix = "… " if start else ""
    suffix = " …" if end < len(matches) else ""
    return mark_safe(prefix + html + suffix)


def search(
    query: str | ParsedQuery,
    kinds: Sequence[str] | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    prefix: bool = False,
) -> SearchResult:
    """Public items matching a Dutch query, best first, with counts per kind.

    `kinds` limits the hits (not the counts) to some of `Kind`'s values. A word found
    nowhere is corrected to the nearest indexed word; `suggestion` then holds the
    corrected query. When no item has every word, the hits are the items with any of
    them (`any_word`).
    """
    parsed = query if isinstance(query, ParsedQuery) else parse(query, prefix=prefix)
    limit = max(1, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    kinds = [k for k in (kinds or []) if k in Kind.values] or None
    result = SearchResult(
        query=parsed.text, suggestion=parsed.suggestion, limit=limit, offset=offset
    )
    if parsed.empty:
        return result
    known_counts = None
    if parsed.single_term is not None:
        known_counts = SearchTerm.objects.filter(term=parsed.single_term).values(
            *Kind.values
        ).first() or dict.fromkeys(Kind.values, 0)
    rows, counts = backends.run_query(
        parsed.clauses,
        parsed.excluded,
        kinds=kinds,
        limit=limit,
        offset=offset,
        counts=known_counts,
    )
    if not any(counts.values()) and len(parsed.clauses) > 1:
        # Nothing has every word: show what has any of them (most words first).
        either = Clause(alternatives=tuple(a for c in parsed.clauses for a in c.alternatives))
        rows, counts = backends.run_query(
            [either], parsed.excluded, kinds=kinds, limit=limit, offset=offset
        )
        result.any_word = any(counts.values())
    result.counts = {k: counts.get(k, 0) for k in Kind.values}
    result.total = sum(result.counts[k] for k in (kinds or Kind.values))
    if not rows:
        return result
    documents = SearchDocument.objects.only(
        "id", "kind", "object_id", "title", "body", "url"
    ).in_bulk([pk for pk, _ in rows])
    stems = parsed.stems
    for pk, score in rows:
        doc = documents.get(pk)
        if doc is None:
            continue
        result.hits.append(
            Hit(
                kind=doc.kind,
                object_id=doc.object_id,
                title=doc.title,
                title_html=highlight(doc.title, stems),
                snippet=snippet(doc.body, stems),
                url=doc.url,
                score=round(score, 6),
            )
        )
    return result
