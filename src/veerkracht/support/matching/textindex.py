"""A small, vectorised BM25 index (plain Python + numpy), shared by every matcher.

Documents are given as weighted term counts (a field-weighted "BM25F-lite": a title
word counts more than a description word). The per-posting BM25 contribution
``idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen))`` is computed once at
build time, so a query is one ``scores[docs] += weight * contribution`` per query term.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

K1 = 1.2
B = 0.75


class TextIndex:
    """BM25 over a fixed list of documents (index = position in the list)."""

    def __init__(self, documents: Iterable[Mapping[str, float]], *, k1: float = K1, b: float = B):
        docs = [dict(d) for d in documents]
        self.size = len(docs)
        self.k1 = k1
        self.b = b
        lengths = np.array([sum(d.values()) for d in docs], dtype=np.float64)
        self.average_length = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * (1.0 - b + b * lengths / self.average_length) if self.size else lengths
        collected: dict[str, tuple[list[int], list[float]]] = {}
        for position, doc in enumerate(docs):
            for term, tf in doc.items():
                entry = collected.setdefault(term, ([], []))
                entry[0].append(position)
                entry[1].append(tf)
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.idf: dict[str, float] = {}
        for term, (positions, tfs) in collected.items():
            df = len(positions)
            idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
            idx = np.array(positions, dtype=np.int32)
            tf = np.array(tfs, dtype=np.float64)
            contribution = idf * tf * (k1 + 1.0) / (tf + norm[idx])
            self.postings[term] = (idx, contribution.astype(np.float32))
            self.idf[term] = idf
        self.doc_terms: list[frozenset[str]] = [frozenset(d) for d in docs]

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for weighted query terms (0 where nothing matches)."""
        found = [(self.postings[t], w) for t, w in query.items() if t in self.postings]
        if not found:
            return np.zeros(self.size, dtype=np.float32)
        if len(found) == 1:
            (positions, contribution), weight = found[0]
            result = np.zeros(self.size, dtype=np.float32)
            result[positions] = np.float32(weight) * contribution
            return result
        # One bincount over all postings is much faster than a += per term.
        positions = np.concatenate([p[0] for p, _w in found])
        contributions = np.concatenate([p[1] * np.float32(w) for p, w in found])
        return np.bincount(positions, weights=contributions, minlength=self.size).astype(np.float32)

    def matched(self, position: int, query: Mapping[str, float]) -> list[str]:
        """The query terms found in one document, most informative (highest idf) first."""
        found = [t for t in query if t in self.doc_terms[position]]
        return sorted(found, key=lambda t: (-self.idf.get(t, 0.0) * query[t], t))


def weighted_terms(fields: Iterable[tuple[list[str], float]]) -> Counter:
    """Merge the terms of several fields, each counted with its field weight."""
    counts: Counter = Counter()
    for field_terms, weight in fields:
        for term in field_terms:
            counts[term] += weight
    return counts
