"""Evaluation of the matching engine: nDCG@5 and recall@3, engine against plain BM25.

The labelled set (benchmarks/matching_eval_set.json) holds realistic Dutch questions
of initiatives with the demo catalogue offers that should come first (grade 2 = the
right offer, 1 = also useful). The offers are the demo catalogue: the offers of
initiatives/reference/demo_initiatives.json, enriched with themes, factors and phases
by `seed_support` when that command exists (the eval runs with or without it).

- engine: `match_offers()` with text, themes, factors and the municipality;
- BM25: plain BM25 over each offer's title, summary and description, text only.

nDCG@5 uses gains 2^grade - 1 and the ideal ordering of the labelled offers;
recall@3 is the share of grade-2 offers found in the top 3.

    .venv/bin/python benchmarks/matching_eval.py          # the full set
    .venv/bin/python benchmarks/matching_eval.py --small  # the quick subset (CI)

Runs in a throw-away SQLite database in a temporary directory.
"""

import argparse
import json
import math
import os
import sys
import tempfile
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
EVAL_SET = Path(__file__).resolve().parent / "matching_eval_set.json"
PROVINCE = "PV30"


def questions(*, small: bool = False) -> list[dict]:
    items = json.loads(EVAL_SET.read_text(encoding="utf-8"))["questions"]
    return [q for q in items if q.get("small")] if small else items


def load_demo(*, catalogue: bool = True) -> None:
    """The served province, the vocabularies and the demo catalogue, in the current database.

    With `catalogue` (and when the command exists) `seed_support` enriches the offers.
    """
    from django.core.management import call_command, get_commands

    from veerkracht.core.geo import reset_locate_index
    from veerkracht.core.models import Municipality
    from veerkracht.core.services.geography import cbs_areas_import
    from veerkracht.core.services.reference import reference_load
    from veerkracht.initiatives.demo import demo_initiatives_seed

    if not Municipality.objects.filter(province_id=PROVINCE).exists():
        data = json.loads((ROOT / "data" / "cbs-gemeenten-2023.geojson").read_text("utf-8"))
        data["features"] = [
            f for f in data["features"] if f["properties"].get("provinciecode") == PROVINCE
        ]
        cbs_areas_import(actor=None, path_or_data=data)
        reset_locate_index()
    reference_load(actor=None)
    demo_initiatives_seed()
    if catalogue and "seed_support" in get_commands():
        call_command("seed_support", stdout=StringIO())


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(grades))


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 5) -> float:
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return dcg([relevant.get(slug, 0) for slug in ranked[:k]]) / ideal if ideal else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 3) -> float:
    best = {slug for slug, grade in relevant.items() if grade >= 2} or set(relevant)
    return len(best & set(ranked[:k])) / len(best)


def plain_bm25(index):
    """The baseline: plain BM25 over title, summary and description of the indexed offers."""
    from collections import Counter

    from veerkracht.core.text import terms
    from veerkracht.initiatives.models import SupportOffer
    from veerkracht.support.matching.textindex import TextIndex

    texts = {
        pk: f"{t} {s} {d}"
        for pk, t, s, d in SupportOffer.objects.filter(pk__in=index.ids.tolist()).values_list(
            "pk", "title", "summary", "description"
        )
    }
    return TextIndex(Counter(terms(texts[int(pk)])) for pk in index.ids)


def bm25_ranking(index, baseline, text: str, *, limit: int = 10) -> list[str]:
    """The slugs plain BM25 ranks first (no weights, no filters)."""
    from collections import Counter

    import numpy as np

    from veerkracht.core.text import terms

    scores = baseline.scores(Counter(terms(text)))
    order = np.lexsort((index.ids, -scores))
    return [index.slugs[i] for i in order[:limit] if scores[i] > 0]


def evaluate(items: list[dict]) -> dict:
    """Rank every question with both engines; the metrics and the rankings."""
    from veerkracht.support.matching import MatchQuery, match_offers, offer_index, reset_index

    reset_index()
    index = offer_index()
    baseline = plain_bm25(index)
    rows = []
    for q in items:
        query = MatchQuery(
            text=q["text"],
            themes=q.get("themes", []),
            factors=q.get("factors", []),
            municipality=q.get("municipality"),
        )
        results = match_offers(query, limit=10)
        engine = [r.slug for r in results]
        bm25 = bm25_ranking(index, baseline, query.text, limit=10)
        rows.append(
            {
                "id": q["id"],
                "engine": engine,
                "bm25": bm25,
                "reasons": [r.reason for r in results],
                "engine_ndcg5": ndcg_at(engine, q["relevant"]),
                "engine_recall3": recall_at(engine, q["relevant"]),
                "bm25_ndcg5": ndcg_at(bm25, q["relevant"]),
                "bm25_recall3": recall_at(bm25, q["relevant"]),
            }
        )
    n = len(rows) or 1
    summary = {
        key: sum(r[key] for r in rows) / n
        for key in ("engine_ndcg5", "engine_recall3", "bm25_ndcg5", "bm25_recall3")
    }
    return {"questions": len(rows), "rows": rows, **summary}


def report(result: dict, *, verbose: bool = False, out=None) -> None:
    out = out or sys.stdout
    if verbose:
        for r in result["rows"]:
            print(
                f"{r['id']:<28} engine nDCG@5 {r['engine_ndcg5']:.2f} top3 {r['engine'][:3]}"
                f" | bm25 {r['bm25_ndcg5']:.2f} top3 {r['bm25'][:3]}",
                file=out,
            )
    print(f"questions: {result['questions']}", file=out)
    print(
        f"engine: nDCG@5 {result['engine_ndcg5']:.3f}  recall@3 {result['engine_recall3']:.3f}",
        file=out,
    )
    print(
        f"BM25:   nDCG@5 {result['bm25_ndcg5']:.3f}  recall@3 {result['bm25_recall3']:.3f}",
        file=out,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the quick subset only")
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per question")
    parser.add_argument(
        "--no-catalogue", action="store_true", help="the bare demo offers, without seed_support"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veerkracht-eval-") as var_dir:
        os.environ["VEERKRACHT_VAR_DIR"] = var_dir
        os.environ["VEERKRACHT_ENV"] = "test"
        os.environ["DJANGO_SETTINGS_MODULE"] = "veerkracht.settings"
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        try:
            call_command("migrate", verbosity=0, interactive=False)
            load_demo(catalogue=not args.no_catalogue)
            result = evaluate(questions(small=args.small))
            report(result, verbose=args.verbose)
        finally:
            connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
