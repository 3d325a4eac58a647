"""What turns a question's words into the terms the engine looks for.

Two small, explainable additions to plain stemming (`veerkracht.core.text`):

- compound splitting: Dutch glues words together ("impactmonitoring",
  "wijkleerbedrijf"); a long word that starts or ends with a known word also yields
  that word and the rest, so "impact" finds "impactmonitoring";
- a short concept list: words people use for a need ("laten zien wat het oplevert",
  "meebetalen") point, at a lower weight, at the words offers use for it ("impact",
  "meten", "financiering"). Edit CONCEPTS to teach the engine a new word.
"""

from collections.abc import Iterable

from veerkracht.core.text import STOP_WORDS, stem, terms, words

# Weight of a term found only by compound splitting or through a concept.
PART_WEIGHT = 0.7
CONCEPT_WEIGHT = 0.6
MIN_PART = 4

# Words that say little in a question about support (on top of the shared stop words).
QUESTION_STOP_WORDS = frozenset(
    [
        "laten",
        "zodat",
        "gaan",
        "komen",
        "krijgen",
        "welke",
        "waar",
        "wanneer",
        "kunnen",
        "zoeken",
        "vinden",
        "helpen",
    ]
)
# Where the phrases and concepts come from (docs/matching.md, "Evaluation"): the words
# the offers' own texts and the programme documents (the initiatives' learning questions
# and support needs, shared/seeds; in the repository as the demo initiatives' texts) use
# for a need. Never from the evaluation questions: a word an evaluation question uses may
# be taught here only when an offer or a document uses it too (a test checks this), and
# the held-out set (benchmarks/matching_eval_heldout.json) is never read to choose one.
# Removed on 5 December 2026 as written for tuning questions: "meebetalen" (only in the
# question "done-when") and the phrase "op eigen benen" -> "verdienmodel" (only in
# "eigen-benen"); the line "camping vakantiepark woonplek" -> "campings vakantieparken
# bewoning" (the stemmer already joins those forms).

# Phrases that mean one thing, read as that word (the impact learning questions of the
# documents: "zichtbaar maken van de impact", "impact ... in kaart brengen").
PHRASES = {
    "laten zien": "aantonen",
    "zichtbaar maken": "aantonen",
    "in kaart brengen": "aantonen",
}

# (words a question may use, words an offer uses for the same need); the need each line
# stands for is one the documents name (Uitvoeringsagenda 2019: "behoefte aan erkenning,
# impactmonitoring en financiering"; the dilemmas of Uitvoeringsagenda 2017-2020). The
# comments quote the documents (D) or the offers' texts (O) that use the words.
CONCEPTS: list[tuple[str, str]] = [
    (  # D "zichtbaar maken impact", "aantonen van mogelijke overheidsbesparingen"; O "baten"
        "oplevert opleveren opbrengst opbrengsten waarde resultaat resultaten effect effecten "
        "zichtbaar aantonen bewijzen meten meetbaar verantwoorden verantwoording besparingen "
        "baten monitoren betekenis cijfers",
        "impact meten",
    ),
    (  # D "moeilijk (start- en doorgroei) financiering", "nieuwe partners, ... financiers"
        "betalen financiering financieren geld subsidie investeren investering "
        "bekostiging financiers startkapitaal",
        "financiering fondsen",
    ),
    (  # D "een passend verdienmodel", "een volhoudbare businesscase"
        "verdienmodel businesscase volhoudbaar inkomsten zelfstandig",
        "verdienmodel businesscase",
    ),
    (  # D "loopt vast in de gesprekken", "belemmeringen in regels, procedures"
        "vastgelopen vastlopen vlot belemmeringen regels procedures bestemmingsplan vergunning",
        "vastloopt vlottrekken overheden instanties",
    ),
    (  # D "hoe vinden initiatiefnemers ... elkaar", "nieuwe partners"
        "partners partner netwerk samenwerking samenwerken",
        "verbindingen partners netwerken",
    ),
    ("gesprek gesprekken praten", "dialoog gesprek"),  # D "met elkaar in gesprek", "in dialoog"
    (  # D "behoefte aan erkenning en zichtbaarheid"
        "bekendheid vlog video publiciteit zichtbaarheid",
        "zichtbaar vlog",
    ),
    # The stemmer keeps "ondernem-" (ondernemen, onderneming) apart from "ondernemer",
    # and "inkop-" apart from "inkoper"; these two lines join them.
    ("ondernemer ondernemen onderneming ondernemers", "ondernemerschap ondernemers"),
    ("inkopen inkoop inkopers aanbesteding", "inkopen inkopers"),
    ("onderbouwen onderbouwing wetenschappelijk", "onderzoek onderbouwt"),
    ("coordinatie regie projectleiding", "projectleider coordineert regie"),
]


EXPANSIONS: dict[str, tuple[str, ...]] = {}
for _triggers, _targets in CONCEPTS:
    for _trigger in terms(_triggers):
        EXPANSIONS[_trigger] = tuple(
            dict.fromkeys(EXPANSIONS.get(_trigger, ()) + tuple(terms(_targets)))
        )
CONCEPT_WORDS = frozenset(w for pair in CONCEPTS for part in pair for w in words(part))


def compound_parts(word: str, known: frozenset[str] | set[str]) -> list[str]:
    """A known word a long word starts or ends with, and the rest: ['impact', 'monitoring'].

    Of all cuts, the one that explains most of the word wins: both parts known first, then
    the longest known part; between equals the latest cut, as before ("dorps" + "raad",
    not "dorp" + "sraad"). (Taking the first cut that hits a known word, from the end, let
    a short word elsewhere in the corpus, "ring", split "impactmonitoring" into
    "impactmonito" + "ring" and hide "impact".)
    """
    if len(word) < 2 * MIN_PART:
        return []
    best: tuple[tuple[bool, int], int] | None = None
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head_known, tail_known = word[:cut] in known, word[cut:] in known
        if not (head_known or tail_known):
            continue
        longest = max(cut if head_known else 0, len(word) - cut if tail_known else 0)
        key = (head_known and tail_known, longest)
        if best is None or key >= best[0]:
            best = (key, cut)
    if best is None:
        return []
    return [word[: best[1]], word[best[1] :]]


def document_terms(
    text: str | list[str],
    known: frozenset[str] | set[str],
    surface: dict[str, str] | None = None,
    memo: dict[str, list[tuple[str, float]]] | None = None,
) -> list[tuple[str, float]]:
    """(term, weight) pairs of a document text: every stem, plus compound parts at a lower weight.

    `text` may be given as its words already. `surface`, when given, collects a readable
    word for each term (for reasons); `memo` keeps each word's terms over many documents.
    """
    memo = {} if memo is None else memo
    result: list[tuple[str, float]] = []
    for word in words(text) if isinstance(text, str) else text:
        found = memo.get(word)
        if found is None:
            found = []
            if word not in STOP_WORDS and len(word) > 1:
                term = stem(word)
                found.append((term, 1.0))
                for part in compound_parts(word, known):
                    if part not in STOP_WORDS:
                        found.append((stem(part), PART_WEIGHT))
                if surface is not None and term not in surface:
                    surface[term] = word
            memo[word] = found
        result.extend(found)
    return result


def query_terms(text: str, known: frozenset[str] | set[str]) -> tuple[dict[str, float], dict]:
    """Weighted query terms and, for each term, the question's word it came from."""
    weights: dict[str, float] = {}
    origin: dict[str, str] = {}
    concept: dict[str, float] = {}
    concept_origin: dict[str, str] = {}

    def add(term: str, weight: float, word: str) -> None:
        if weight > weights.get(term, 0.0):
            weights[term] = weight
            origin[term] = word

    folded = " ".join(words(text))
    for phrase, meaning in PHRASES.items():
        folded = folded.replace(phrase, meaning)
    for word in folded.split():
        if word in STOP_WORDS or word in QUESTION_STOP_WORDS or len(word) < 2:
            continue
        term = stem(word)
        add(term, 1.0, word)
        # A word the documents use as it is needs no splitting; otherwise its parts count.
        for part in () if word in known else compound_parts(word, known):
            if part not in STOP_WORDS:
                add(stem(part), PART_WEIGHT, word)
        for target in EXPANSIONS.get(term, ()):
            concept[target] = concept.get(target, 0.0) + CONCEPT_WEIGHT
            concept_origin.setdefault(target, word)
    # Several words pointing at the same need strengthen it (up to a word of its own).
    for target, weight in concept.items():
        add(target, min(1.0, weight), concept_origin[target])
    return weights, origin


def known_words(texts: Iterable[str | list[str]]) -> frozenset[str]:
    """The folded words (4+ letters) compound splitting may use: the corpus and the concepts."""
    found = {
        w
        for text in texts
        for w in (words(text) if isinstance(text, str) else text)
        if len(w) >= MIN_PART
    }
    return frozenset((found | CONCEPT_WORDS) - STOP_WORDS)
