"""The evaluation (benchmarks/matching_eval.py) on the demo catalogue, and the "done when" case."""

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from veerkracht.support.matching import MatchQuery, match_offers, reset_index

pytestmark = pytest.mark.django_db

EVAL_PATH = Path(settings.BASE_DIR) / "benchmarks" / "matching_eval.py"
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
