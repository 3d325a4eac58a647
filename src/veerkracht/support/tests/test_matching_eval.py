"""The evaluation (benchmarks/matching_eval.py) on the demo catalogue, and the "done when" case."""

import importlib.util
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from veerkracht.core.text import stem, words
from veerkracht.support.matching import MatchQuery, lexicon, match_offers, reset_index

pytestmark = pytest.mark.django_db

BENCHMARKS = Path(settings.BASE_DIR) / "benchmarks"
EVAL_PATH = BENCHMARKS / "matching_eval.py"
DONE_WHEN = (
    "Wij willen laten zien wat ons wijkleerbedrijf oplevert voor ouderen, "
    "zodat de gemeente wil meebetalen"
)


@pytest.fixture
def matching_eval():
    spec = importlib.util.spec_from_file_location("matching_eval", EVAL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.load_demo()
    reset_index()
    yield module
    reset_index()


def test_done_when_case_puts_impact_support_in_top_three(matching_eval):
    results = match_offers(MatchQuery(text=DONE_WHEN), limit=3)
    top = [r.slug for r in results]
    assert {"training-impactmonitoring", "impact-quick-scan"} & set(top), top
    assert all(r.reason for r in results)
    with translation.override("en"):
        hit = next(
            r
            for r in match_offers(MatchQuery(text=DONE_WHEN), limit=3)
            if r.slug in ("training-impactmonitoring", "impact-quick-scan")
        )
    assert "impact" in hit.reason.lower()


def test_small_evaluation_engine_beats_plain_bm25(matching_eval):
    items = matching_eval.questions(small=True)
    assert len(matching_eval.questions()) >= 30
    result = matching_eval.evaluate(items)
    out = StringIO()
    matching_eval.report(result, out=out)
    text = out.getvalue()
    assert "engine: nDCG@5" in text and "BM25:   nDCG@5" in text
    assert "recall@3" in text
    assert result["engine_ndcg5"] >= result["bm25_ndcg5"]
    assert result["questions"] == len(items)


def _source_stems() -> set[str]:
    """Stems of the texts the lexicon may learn from: the offers and the demo initiatives."""
    root = Path(settings.BASE_DIR) / "src" / "veerkracht"
    catalogue = json.loads((root / "support/reference/catalogue.json").read_text("utf-8"))
    demo = json.loads((root / "initiatives/reference/demo_initiatives.json").read_text("utf-8"))
    texts = [
        f"{o.get('title', '')} {o.get('summary', '')} {o.get('description', '')}"
        for o in catalogue["offers"] + catalogue["new_offers"] + demo["offers"]
    ]
    texts += [
        " ".join(
            str(i.get(k, "")) for k in ("summary", "description", "goals", "learning_questions")
        )
        for i in demo["initiatives"]
    ]
    return {stem(w) for text in texts for w in words(text)}


def test_lexicon_is_not_written_from_the_evaluation_questions():
    """A word an evaluation question uses may be taught to the engine (a concept trigger or
    a phrase) only when an offer or a programme document uses it as well."""
    eval_stems = set()
    for name in ("matching_eval_set.json", "matching_eval_heldout.json"):
        items = json.loads((BENCHMARKS / name).read_text("utf-8"))["questions"]
        eval_stems |= {stem(w) for q in items for w in words(q["text"])}
    sources = _source_stems()
    taught = [w for triggers, _targets in lexicon.CONCEPTS for w in words(triggers)]
    taught += [w for phrase in lexicon.PHRASES for w in words(phrase)]
    only_in_eval = sorted(w for w in taught if stem(w) in eval_stems and stem(w) not in sources)
    assert not only_in_eval, f"taught from evaluation questions only: {only_in_eval}"
