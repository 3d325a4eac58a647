"""Evaluation of the matching engine: nDCG@5, recall@3 and MRR, engine against BM25.

Two labelled sets of realistic Dutch questions of initiatives, with the demo catalogue
offers that should come first (grade 2 = the right offer, 1 = also useful):

- tuning (benchmarks/matching_eval_set.json, 34 questions): the lexicon and the weights
  were chosen while looking at it; its figures are optimistic;
- held-out (benchmarks/matching_eval_heldout.json, 40 questions): written before its
  author read the lexicon or the tuning set, and never used to choose anything. CI
  compares the engine with the baseline on this set (support/tests/test_matching_eval.py).

The offers are the demo catalogue: the offers of initiatives/reference/demo_initiatives.json,
enriched by `seed_support` when that command exists (the eval runs with or without it).

- engine: `match_offers()` with text, themes, factors and the municipality;
- BM25 (the baseline): plain BM25 (k1 1.2, b 0.75; plain stems, no compound splitting,
  no concepts, no field weights) over each offer's title, summary, description and the
  names of its themes and factors; the query is the text plus the names of the question's
  themes and factors; only offers that pass the engine's hard filters for the question's
  municipality (area served, dates, capacity) are ranked. Same inputs as the engine;
- BM25 text only: the earlier baseline (title, summary, description; text only, no
  filters), for comparison with older figures.

nDCG@5 uses gains 2^grade - 1 and the ideal ordering of the labelled offers; recall@3 is
the share of grade-2 offers found in the top 3; MRR is 1 / the rank of the first grade-2
offer (0 when none in the top 10). Where a question has no grade-2 offer, every labelled
offer counts for recall and MRR. The difference engine - BM25 comes with a paired
bootstrap 95 % interval over questions (10,000 resamples, fixed seed) and the count of
questions the engine wins, ties and loses on nDCG@5.

    .venv/bin/python benchmarks/matching_eval.py                # both sets
    .venv/bin/python benchmarks/matching_eval.py --set heldout  # one set
    .venv/bin/python benchmarks/matching_eval.py --small -v     # the quick subsets, per question

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
HERE = Path(__file__).resolve().parent
SETS = {
    "tuning": HERE / "matching_eval_set.json",
    "heldout": HERE / "matching_eval_heldout.json",
}
EVAL_SET = SETS["tuning"]
PROVINCE = "PV30"
BOOTSTRAP_RESAMPLES = 10_000
SYSTEMS = ("engine", "bm25", "bm25_text")
METRICS = ("ndcg5", "recall3", "mrr")


def questions(*, small: bool = False, name: str = "tuning") -> list[dict]:
    items = json.loads(SETS[name].read_text(encoding="utf-8"))["questions"]
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


def best_offers(relevant: dict[str, int]) -> set[str]:
    return {slug for slug, grade in relevant.items() if grade >= 2} or set(relevant)


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 3) -> float:
    best = best_offers(relevant)
    return len(best & set(ranked[:k])) / len(best)


def reciprocal_rank(ranked: list[str], relevant: dict[str, int]) -> float:
    best = best_offers(relevant)
    return next((1.0 / (rank + 1) for rank, slug in enumerate(ranked) if slug in best), 0.0)


def _offer_texts(index) -> dict[int, str]:
    from veerkracht.initiatives.models import SupportOffer

    return {
        pk: f"{t} {s} {d}"
        for pk, t, s, d in SupportOffer.objects.filter(pk__in=index.ids.tolist()).values_list(
            "pk", "title", "summary", "description"
        )
    }


def _names(vocabulary, slugs) -> str:
    return " ".join(vocabulary.names[s][0] for s in slugs if s in vocabulary.names)


def plain_bm25(index, *, structured: bool = True):
    """The baseline index: plain BM25 over title, summary and description of the indexed
    offers, and (`structured`) the names of their themes and factors."""
    from collections import Counter

    from veerkracht.core.text import terms
    from veerkracht.support.matching.textindex import TextIndex

    texts = _offer_texts(index)
    docs = []
    for i, pk in enumerate(index.ids.tolist()):
        text = texts[pk]
        if structured:
            themes = [s for j, s in enumerate(index.themes.slugs) if index.theme_matrix[i, j]]
            factors = [s for j, s in enumerate(index.factors.slugs) if index.factor_matrix[i, j]]
            text += f" {_names(index.themes, themes)} {_names(index.factors, factors)}"
        docs.append(Counter(terms(text)))
    return TextIndex(docs)


def bm25_ranking(index, baseline, query, *, limit: int = 10, structured: bool = True):
    """The slugs the baseline ranks first. `structured`: the query's theme and factor names
    join its text, and only offers passing the engine's hard filters are ranked."""
    from collections import Counter

    import numpy as np

    from veerkracht.core.text import terms

    text = query.text
    candidates = np.ones(index.size, dtype=bool)
    if structured:
        names = f"{_names(index.themes, query.themes)} {_names(index.factors, query.factors)}"
        text = f"{text} {names}"
        candidates = index.available(query.municipality)
    scores = baseline.scores(Counter(terms(text)))
    scores = np.where(candidates, scores, 0.0)
    order = np.lexsort((index.ids, -scores))
    return [index.slugs[i] for i in order[:limit] if scores[i] > 0]


def paired_bootstrap(a: list[float], b: list[float], *, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of mean(a - b) over questions resampled with replacement."""
    import numpy as np

    diff = np.asarray(a) - np.asarray(b)
    if not len(diff):
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(diff), size=(BOOTSTRAP_RESAMPLES, len(diff)))
    means = diff[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def evaluate(items: list[dict]) -> dict:
    """Rank every question with the engine and both baselines; metrics and rankings."""
    import statistics

    from veerkracht.support.matching import MatchQuery, match_offers, offer_index, reset_index

    reset_index()
    index = offer_index()
    baseline = plain_bm25(index)
    text_only = plain_bm25(index, structured=False)
    rows = []
    for q in items:
        query = MatchQuery(
            text=q["text"],
            themes=q.get("themes", []),
            factors=q.get("factors", []),
            municipality=q.get("municipality") or None,
        )
        results = match_offers(query, limit=10)
        ranked = {
            "engine": [r.slug for r in results],
            "bm25": bm25_ranking(index, baseline, query),
            "bm25_text": bm25_ranking(index, text_only, query, structured=False),
        }
        row = {"id": q["id"], "reasons": [r.reason for r in results], **ranked}
        for system, ranking in ranked.items():
            row[f"{system}_ndcg5"] = ndcg_at(ranking, q["relevant"])
            row[f"{system}_recall3"] = recall_at(ranking, q["relevant"])
            row[f"{system}_mrr"] = reciprocal_rank(ranking, q["relevant"])
        rows.append(row)
    n = len(rows) or 1
    summary = {}
    for system in SYSTEMS:
        for metric in METRICS:
            values = [r[f"{system}_{metric}"] for r in rows]
            summary[f"{system}_{metric}"] = sum(values) / n
            summary[f"{system}_{metric}_sd"] = statistics.pstdev(values) if values else 0.0
    engine = [r["engine_ndcg5"] for r in rows]
    bm25 = [r["bm25_ndcg5"] for r in rows]
    summary["diff_ndcg5"] = summary["engine_ndcg5"] - summary["bm25_ndcg5"]
    summary["diff_ndcg5_ci"] = paired_bootstrap(engine, bm25)
    summary["wins"] = sum(e > b + 1e-9 for e, b in zip(engine, bm25, strict=True))
    summary["losses"] = sum(e < b - 1e-9 for e, b in zip(engine, bm25, strict=True))
    summary["ties"] = len(rows) - summary["wins"] - summary["losses"]
    return {"questions": len(rows), "rows": rows, **summary}


LABELS = {"engine": "engine", "bm25": "BM25", "bm25_text": "BM25 text only"}


def report(result: dict, *, verbose: bool = False, out=None, title: str = "") -> None:
    out = out or sys.stdout
    if title:
        print(f"== {title}", file=out)
    if verbose:
        for r in result["rows"]:
            print(
                f"{r['id']:<28} engine nDCG@5 {r['engine_ndcg5']:.2f} top3 {r['engine'][:3]}"
                f" | bm25 {r['bm25_ndcg5']:.2f} top3 {r['bm25'][:3]}",
                file=out,
            )
    print(f"questions: {result['questions']}", file=out)
    for system in SYSTEMS:
        cells = [
            f"{name} {result[f'{system}_{key}']:.3f} (sd {result[f'{system}_{key}_sd']:.2f})"
            for name, key in (("nDCG@5", "ndcg5"), ("recall@3", "recall3"), ("MRR", "mrr"))
        ]
        print(f"{(LABELS[system] + ':'):<16}" + "  ".join(cells), file=out)
    low, high = result["diff_ndcg5_ci"]
    print(
        f"engine - BM25 nDCG@5: {result['diff_ndcg5']:+.3f} (95 % bootstrap {low:+.3f} .. "
        f"{high:+.3f}); engine better on {result['wins']}, equal on {result['ties']}, "
        f"worse on {result['losses']} questions",
        file=out,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set", choices=("tuning", "heldout", "both"), default="both", help="which set"
    )
    parser.add_argument("--small", action="store_true", help="the quick subsets only")
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per question")
    parser.add_argument(
        "--no-catalogue", action="store_true", help="the bare demo offers, without seed_support"
    )
    args = parser.parse_args()
    names = ("tuning", "heldout") if args.set == "both" else (args.set,)
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
            for name in names:
                result = evaluate(questions(small=args.small, name=name))
                report(result, verbose=args.verbose, title=f"{name} set")
        finally:
            connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
