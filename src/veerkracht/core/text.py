"""Dutch text handling shared by the search and the matching engine.

One definition of what a "term" is, so that a word found by the search is the same
word the matching engine scores: lower case, accents removed (``coöperatie`` and
``cooperatie`` are one word), split on anything that is not a letter or digit,
Dutch stop words dropped, then stemmed with Snowball's original Dutch (Porter-style)
stemmer. That is the algorithm PostgreSQL 15's ``dutch`` text-search configuration
uses; snowballstemmer 3 calls it ``dutch_porter`` (its newer ``dutch`` stemmer also
strips the ``ge-`` prefix, turning "gemeente" into "meen"), so a term stemmed here
equals the lexeme PostgreSQL makes of the same folded word.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9a-z]+")
_stemmer = snowballstemmer.stemmer("dutch_porter")

# Snowball's Dutch stop-word list (accents removed), plus a few words that carry no
# meaning in questions about support ("willen", "graag", "hoe").
_STOP_WORDS_TEXT = """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen
    door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij
    hoe hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet
    na naar niet niets nog nu of om omdat onder ons ook op over reeds te tegen toch toen
    tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze
    zelf zich zij zijn zo zonder zou willen graag wij we onze jullie
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def fold(text: str) -> str:
    """Lower case with accents removed: 'Coöperatie Één' -> 'cooperatie een'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included."""
    if text.isascii():  # nothing to fold but the case: skip the slower Unicode pass
        return _WORD.findall(text.lower())
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Dutch stem of one folded word."""
    return _stemmer.stemWord(word)


def content_words(text: str) -> list[str]:
    """The folded words of a text that carry meaning: no stop words, no single letters."""
    return [w for w in words(text) if w not in STOP_WORDS and len(w) > 1]


def terms(text: str) -> list[str]:
    """The stemmed terms of a text, without stop words, in order (duplicates kept)."""
    return [stem(w) for w in content_words(text)]
