"""Keeping the search index current: sync one item, rebuild everything, bulk load.

These are system operations (called from signals after commit, from
``manage.py rebuild_search_index`` and from the benchmark), not use cases of a person:
they take no actor, check no capability and write no audit record — the index holds
only copies of public text, and the change that caused a sync is audited where it is
made.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from veerkracht.core.text import content_words, stem

from . import backends, vocabulary
from .models import KIND_CODES, SearchDocument, SearchTerm, document_id
from .sources import SOURCES, SourceDocument

logger = logging.getLogger(__name__)

BODY_MAX_CHARS = 20_000  # text kept for snippets
INDEX_MAX_CHARS = 100_000  # text indexed per document
BATCH_SIZE = 2_000


@dataclass
class Prepared:
    source: SourceDocument
    title_words: list[str]
    body_words: list[str]

    @property
    def title_terms(self) -> str:
        return " ".join(stem(w) for w in self.title_words)

    @property
    def body_terms(self) -> str:
        return " ".join(stem(w) for w in self.body_words)

    def stems(self) -> dict[str, str]:
        """Each stem of the document with the shortest word it came from."""
        found: dict[str, str] = {}
        for word in (*self.title_words, *self.body_words):
            term = stem(word)
            known = found.get(term)
            if known is None or (len(word), word) < (len(known), known):
                found[term] = word
        return found

    def model(self) -> SearchDocument:
        src = self.source
        return SearchDocument(
            id=document_id(src.kind, src.object_id),
            kind=src.kind,
            object_id=src.object_id,
            title=src.title[:300],
            body=src.body[:BODY_MAX_CHARS],
            url=src.url,
            public=True,
            title_terms=self.title_terms,
            body_terms=self.body_terms,
            updated_at=timezone.now(),
        )


def index_words(text: str) -> list[str]:
    """The folded words that are indexed (`core.text.content_words`), stemmed later."""
    return content_words(text[:INDEX_MAX_CHARS])


def prepare(source: SourceDocument) -> Prepared:
    return Prepared(source, index_words(source.title), index_words(source.body))


def _vectors(pairs: Iterable[tuple[int, Prepared]]) -> None:
    backends.write_vectors((pk, " ".join(p.title_words), " ".join(p.body_words)) for pk, p in pairs)


def search_document_sync(*, kind: str, object_ids: Iterable[int]) -> None:
    """Bring the index in line with the current state of some items of one kind.

    Public items are (re)indexed; items that are gone or no longer public are removed.
    """
    ids = sorted({int(i) for i in object_ids})
    if not ids:
        return
    source = SOURCES[kind]
    with transaction.atomic():
        fresh = {d.object_id: prepare(d) for d in source.documents(ids)}
        existing = {
            d.object_id: d for d in SearchDocument.objects.filter(kind=kind, object_id__in=ids)
        }
        added: list[tuple[str, str]] = []  # (stem, word) per document that gained the stem
        removed: list[str] = []  # a stem per document that lost it
        stale = [d.pk for oid, d in existing.items() if oid not in fresh]
        for oid in set(existing) - set(fresh):
            gone = existing[oid]
            removed.extend(set(gone.title_terms.split() + gone.body_terms.split()))
        if stale:
            SearchDocument.objects.filter(pk__in=stale).delete()
        written: list[tuple[int, Prepared]] = []
        for oid, prepared in fresh.items():
            row = prepared.model()
            new_stems = prepared.stems()
            old = existing.get(oid)
            if old is not None:
                row.pk = old.pk
                old_stems = set(old.title_terms.split() + old.body_terms.split())
                removed.extend(old_stems - set(new_stems))
                added.extend((t, w) for t, w in new_stems.items() if t not in old_stems)
                row.save(force_update=True)
            else:
                added.extend(new_stems.items())
                row.save(force_insert=True)
            written.append((row.pk, prepared))
        _vectors(written)
        _vocabulary_change(kind, added, removed)


def _vocabulary_change(kind: str, added: list[tuple[str, str]], removed: list[str]) -> None:
    """Count documents of `kind` in (added) or out (removed) of each stem's frequency."""
    if not added and not removed:
        return
    words = dict(added)
    if words:
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t[:100], word=w[:100]) for t, w in words.items()],
            ignore_conflicts=True,
        )
    for sign, stems in ((1, [t for t, _ in added]), (-1, removed)):
        counts: dict[str, int] = defaultdict(int)
        for term in stems:
            counts[term] += 1
        by_count: dict[int, list[str]] = defaultdict(list)
        for term, n in counts.items():
            by_count[n].append(term)
        for n, terms in by_count.items():
            SearchTerm.objects.filter(term__in=terms).update(
                documents=F("documents") + sign * n, **{kind: F(kind) + sign * n}
            )
    if removed:
        SearchTerm.objects.filter(documents__lte=0).delete()
    transaction.on_commit(vocabulary.changed)


def search_documents_bulk_load(
    documents: Iterable[SourceDocument],
    *,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the whole index with these documents (rebuild, benchmark); returns the count.

    The vocabulary is recomputed from them.
    """
    loaded = 0
    kinds = list(KIND_CODES)
    with transaction.atomic():
        backends.sqlite_bulk_begin()
        SearchDocument.objects.all().delete()
        SearchTerm.objects.all().delete()
        frequency: dict[str, list[int]] = {}
        surface: dict[str, str] = {}
        for batch in _batches(documents, BATCH_SIZE):
            prepared = [prepare(d) for d in batch]
            rows = SearchDocument.objects.bulk_create([p.model() for p in prepared])
            if backends.vendor() == "postgresql":
                _vectors(zip((r.pk for r in rows), prepared, strict=True))
            for p in prepared:
                column = kinds.index(p.source.kind)
                for term, word in p.stems().items():
                    counts = frequency.get(term)
                    if counts is None:
                        counts = frequency[term] = [0] * len(kinds)
                    counts[column] += 1
                    known = surface.get(term)
                    if known is None or (len(word), word) < (len(known), known):
                        surface[term] = word
            loaded += len(batch)
            if progress:
                progress(loaded)
        backends.sqlite_bulk_end()
        SearchTerm.objects.bulk_create(
            [
                SearchTerm(
                    term=t[:100],
                    word=surface[t][:100],
                    documents=sum(counts),
                    **dict(zip(kinds, counts, strict=True)),
                )
                for t, counts in frequency.items()
            ],
            batch_size=5_000,
        )
        transaction.on_commit(vocabulary.changed)
    return loaded


def _batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def search_index_rebuild(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Index every public item of every kind from scratch; returns the count per kind."""
    counts: dict[str, int] = {}

    def every_document() -> Iterator[SourceDocument]:
        for kind, source in SOURCES.items():
            n = 0
            for document in source.documents():
                n += 1
                yield document
            counts[kind] = n
            if progress:
                progress(kind, n)

    search_documents_bulk_load(every_document())
    return counts
