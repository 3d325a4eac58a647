"""The evaluation (benchmarks/matching_eval.py) on the demo catalogue, and the "done when" case."""

import hashlib
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


# The CI gate, on the held-out set (docs/matching.md, "Evaluation"). Measured on 5 December
# 2026, the engine's nDCG@5 was 0.718 against 0.705 for BM25 with the same inputs: +0.013,
# paired bootstrap 95 % interval -0.049 .. +0.075 over the 40 questions. The engine does
# not beat the baseline by a margin this set can show, so the gate only asks that it is not
# worse than either BM25 by more than what the set can resolve (about 0.05).
HELDOUT_MARGIN = 0.05
# The held-out set is the measure; changing it changes what the gate means. If an offer is
# renamed, fix the slugs in a commit of its own and update this hash; never to fit results.
HELDOUT_SHA256 = "e182c7a6ba6786ca1e891e31eb02314830c817591bf95bd5ea11ce4f39b5986e"


def test_heldout_set_is_the_one_written_before_tuning():
    data = (BENCHMARKS / "matching_eval_heldout.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == HELDOUT_SHA256
    assert len(json.loads(data)["questions"]) >= 30


def test_heldout_engine_is_not_worse_than_bm25_with_the_same_inputs(matching_eval):
    items = matching_eval.questions(name="heldout")
    result = matching_eval.evaluate(items)
    assert result["questions"] == len(items) >= 30
    out = StringIO()
    matching_eval.report(result, out=out, title="held-out set")
    print(out.getvalue())
    assert result["engine_ndcg5"] >= result["bm25_ndcg5"] - HELDOUT_MARGIN, out.getvalue()
    assert result["engine_ndcg5"] >= result["bm25_text_ndcg5"] - HELDOUT_MARGIN, out.getvalue()


def test_baseline_gets_the_structured_inputs_and_hard_filters(matching_eval):
    """The baseline ranks only offers the engine could return, and reads themes and factors:
    the Resultatenfonds serves five municipalities, so outside them neither may rank it."""
    from veerkracht.support.matching import offer_index

    index = offer_index()
    baseline = matching_eval.plain_bm25(index)
    text = "Financiering op basis van resultaten met investeerders"
    inside = MatchQuery(text=text, municipality="GM0772")  # Eindhoven
    outside = MatchQuery(text=text, municipality="GM0828")  # Oss
    assert "resultatenfonds" in matching_eval.bm25_ranking(index, baseline, inside)
    assert "resultatenfonds" not in matching_eval.bm25_ranking(index, baseline, outside)
    assert "resultatenfonds" not in {r.slug for r in match_offers(outside, limit=50)}
    by_factor = MatchQuery(text="", factors=["digitale-contacten"])
    assert matching_eval.bm25_ranking(index, baseline, by_factor)[0] == "social-design-tue"


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
