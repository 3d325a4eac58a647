"""The vocabulary of indexed stems, kept in memory per process, for typo correction.

A query word whose stem occurs in no document is replaced by the nearest known stem
(optimal-string-alignment distance ≤ 1 for short words, ≤ 2 for longer ones; among
equally near stems the most frequent wins). The same on SQLite and PostgreSQL.
"""

import threading
import time

from django.core.cache import cache
from rapidfuzz import process
from rapidfuzz.distance import OSA

VERSION_KEY = "search:vocabulary:version"
MIN_LENGTH = 4  # shorter words are not corrected
MAX_AGE_SECONDS = 60  # reload at least this often (caches that are local to a process)


class _Vocabulary:
    def __init__(self) -> None:
        self.version: object = None
        self.loaded_at = 0.0
        self.documents: dict[str, int] = {}
        self.words: dict[str, str] = {}
        self.by_length: dict[int, list[str]] = {}


_lock = threading.Lock()
_current = _Vocabulary()


def changed() -> None:
    """Tell every process that the vocabulary changed (called after commit)."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def _load() -> _Vocabulary:
    global _current
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    if _current.version == version and time.monotonic() - _current.loaded_at < MAX_AGE_SECONDS:
        return _current
    from .models import SearchTerm

    with _lock:
        fresh = _Vocabulary()
        for term, word, documents in SearchTerm.objects.filter(documents__gt=0).values_list(
            "term", "word", "documents"
        ):
            fresh.documents[term] = documents
            fresh.words[term] = word
        for term in fresh.documents:
            fresh.by_length.setdefault(len(term), []).append(term)
        fresh.version = version
        fresh.loaded_at = time.monotonic()
        _current = fresh
    return fresh


def is_known(term: str) -> bool:
    """Whether the stem occurs in the index (the table decides when memory is unsure).

    A process's copy may lag behind one that just indexed a new word (a cache local to
    the process): a word missing from memory is looked up before it is "corrected".
    """
    if term in _load().documents:
        return True
    from .models import SearchTerm

    return SearchTerm.objects.filter(term=term, documents__gt=0).exists()


def correct(term: str) -> tuple[str, str] | None:
    """(stem, readable word) of the nearest known term, or None when none is near."""
    if len(term) < MIN_LENGTH or term.isdigit():
        return None
    vocabulary = _load()
    if term in vocabulary.documents:
        return None
    limit = 1 if len(term) <= 5 else 2
    # Only stems whose length is within the distance can be near enough.
    pool = [
        t
        for length in range(len(term) - limit, len(term) + limit + 1)
        for t in vocabulary.by_length.get(length, ())
    ]
    if not pool:
        return None
    candidates = process.extract(term, pool, scorer=OSA.distance, score_cutoff=limit, limit=None)
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c[1], -vocabulary.documents[c[0]], c[0]))
    return best[0], vocabulary.words[best[0]]
