"""Reading what someone typed into the search box, the way web search engines do.

- words are all required (AND); ``OR`` between two words makes either one enough;
- ``"two words"`` must occur together, in that order; ``-word`` must not occur;
- every word is folded, stop words are dropped and the rest stemmed
  (`veerkracht.core.text`), so "Coöperaties" finds "cooperatie";
- a word that occurs in no document is corrected to the nearest known one
  (`vocabulary.correct`): the query that is run and the suggestion shown both use it.
"""

import re
from dataclasses import dataclass, field

from veerkracht.core.text import terms

from . import vocabulary
from .backends import Clause

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
MAX_CLAUSES = 12


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause] = field(default_factory=list)
    excluded: list[Clause] = field(default_factory=list)
    suggestion: str = ""  # the query with corrected words, when any word was corrected

    @property
    def stems(self) -> set[str]:
        """The stems to highlight."""
        return {s for c in self.clauses for phrase in c.alternatives for s in phrase}

    @property
    def single_term(self) -> str | None:
        """The stem, when the query is one plain word (its counts come from the vocabulary)."""
        if len(self.clauses) != 1 or self.excluded:
            return None
        clause = self.clauses[0]
        if clause.prefix or len(clause.alternatives) != 1 or len(clause.alternatives[0]) != 1:
            return None
        return clause.alternatives[0][0]

    @property
    def empty(self) -> bool:
        return not self.clauses


def _fix(stems: list[str], raw: str, corrections: list[tuple[str, str]]) -> list[str]:
    """Correct unknown stems; remember (typed word, readable correction) pairs."""
    fixed = []
    for term in stems:
        if vocabulary.is_known(term):
            fixed.append(term)
            continue
        found = vocabulary.correct(term)
        if found is None:
            fixed.append(term)
        else:
            fixed.append(found[0])
            corrections.append((raw, found[1]))
    return fixed


def parse(text: str, *, prefix: bool = False) -> ParsedQuery:
    """The clauses of a query. With `prefix` the last word also matches as a prefix."""
    text = (text or "").strip()[:500]
    parsed = ParsedQuery(text=text)
    corrections: list[tuple[str, str]] = []
    pending_or = False
    tokens = list(_TOKEN.finditer(text))
    for index, match in enumerate(tokens):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word == "OR":
            pending_or = bool(parsed.clauses)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negated, word = "-", word[1:]
        raw = phrase if phrase is not None else word
        stems = terms(raw)
        if not stems:
            pending_or = False
            continue
        last = index == len(tokens) - 1 and phrase is None and not negated
        as_prefix = prefix and last and not text.endswith(" ")
        if not negated and not as_prefix:
            # (the word still being typed is matched as a prefix, not corrected)
            stems = _fix(stems, raw, corrections)
        clause = Clause(alternatives=(tuple(stems),), prefix=as_prefix)
        if negated:
            parsed.excluded.append(clause)
        elif pending_or and parsed.clauses:
            previous = parsed.clauses.pop()
            parsed.clauses.append(
                Clause(
                    alternatives=previous.alternatives + clause.alternatives,
                    prefix=previous.prefix or clause.prefix,
                )
            )
        else:
            parsed.clauses.append(clause)
        pending_or = False
    parsed.clauses = parsed.clauses[:MAX_CLAUSES]
    if corrections:
        suggestion = text
        for raw, word in corrections:
            suggestion = re.sub(rf"(?<!\w){re.escape(raw)}(?!\w)", word, suggestion, count=1)
        parsed.suggestion = suggestion
    return parsed
