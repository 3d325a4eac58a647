"""Benchmark: one Dutch search over 100,000 documents, `veerkracht.search.selectors.search()`.

Builds a throw-away database (SQLite in a temporary directory; with `--postgres` also a
temporary PostgreSQL database next to the one DATABASE_URL names, dropped afterwards),
migrates it and bulk-loads 100,000 synthetic Dutch documents of the five kinds. Their
words come from the shipped seed texts (demo initiatives, offers, articles and the
reference vocabularies), drawn with the seed texts' own word frequencies, plus compounds
of two seed words so that the vocabulary is the size of a real one. Then, on a warm
process, it times 250 queries of one to three words (common and rare words, a phrase,
misspelt words that the vocabulary corrects, accented forms) — each the full selector:
parse, correct, count per kind, rank, fetch the first 20 hits and make their snippets.

Prints load time, p50/p95/max per database and PASS/FAIL against p95 ≤ 100 ms; exits
non-zero on a FAIL.

    .venv/bin/python benchmarks/search_benchmark.py [--documents 100000] [--postgres]
"""

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _databases import DEFAULT_POSTGRES, run_child, temporary_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SEED = 20261
DOCUMENTS = 100_000
QUERIES = 250
WARM_UP = 20
P95_TARGET_MS = 100.0
SEED_FILES = (
    ROOT / "src/veerkracht/initiatives/reference/demo_initiatives.json",
    ROOT / "src/veerkracht/knowledge/reference/demo_articles.json",
    ROOT / "src/veerkracht/core/reference/vocabularies.json",
)
KINDS = ("initiative", "offer", "question", "thread", "article")


# --- synthetic text ----------------------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def seed_words() -> list[str]:
    """Every word of the seed texts, in order, as written (accents kept)."""
    import re

    words = []
    for path in SEED_FILES:
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if text.startswith("http"):
                continue
            words.extend(w.lower() for w in re.findall(r"[^\W\d_]{2,}", text))
    return words


class Generator:
    def __init__(self, rng: random.Random) -> None:
        from collections import Counter

        counts = Counter(seed_words())
        base = sorted(counts)
        long_words = [w for w in base if len(w) >= 5]
        # Compounds of two seed words ("buurthuis", "vrijwilligerscafé"): a real-sized
        # vocabulary with a long tail of rare words.
        compounds = {rng.choice(long_words) + rng.choice(long_words) for _ in range(30_000)}
        self.words = base + sorted(compounds)
        self.weights = [counts.get(w, 0) * 20 + 1 for w in base] + [0.2] * len(compounds)
        self.cumulative = list(itertools.accumulate(self.weights))
        self.rng = rng

    def text(self, low: int, high: int) -> str:
        n = self.rng.randint(low, high)
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=n))

    def documents(self, count: int):
        from veerkracht.search.sources import SourceDocument

        for n in range(count):
            kind = KINDS[n % len(KINDS)]
            yield SourceDocument(
                kind=kind,
                object_id=n + 1,
                title=self.text(3, 8).capitalize(),
                body=self.text(30, 90) + ". " + self.text(10, 40) + ".",
                url=f"/{kind}/{n + 1}/",
            )


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(("drop", "swap", "double"))
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _accented(word: str) -> str:
    for plain, accented in (("e", "é"), ("o", "ö"), ("i", "ï"), ("a", "á")):
        if plain in word[1:]:
            j = word.index(plain, 1)
            return word[:j] + accented + word[j + 1 :]
    return word


def queries(gen: Generator, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(label, query): mostly common words (the slow case: many matches), some rare ones."""
    common = [w for w, wt in zip(gen.words, gen.weights, strict=True) if wt > 20 and len(w) > 4]
    everything = [w for w in gen.words if len(w) > 4]
    made: list[tuple[str, str]] = []
    for n in range(count):
        pick = n % 10
        if pick in (0, 1, 2):
            made.append(("1 word", rng.choice(common)))
        elif pick in (3, 4):
            made.append(("2 words", f"{rng.choice(common)} {rng.choice(common)}"))
        elif pick == 5:
            made.append(("3 words", " ".join(rng.choice(common) for _ in range(3))))
        elif pick == 6:
            made.append(("rare word", rng.choice(everything)))
        elif pick == 7:
            made.append(("typo", _typo(rng.choice([w for w in common if len(w) > 6]), rng)))
        elif pick == 8:
            made.append(("accented", _accented(rng.choice(common))))
        else:
            made.append(("phrase", f'"{rng.choice(common)} {rng.choice(common)}"'))
    return made


# --- one database ------------------------------------------------------------------------


def run_one(count: int) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from veerkracht.search.selectors import search
    from veerkracht.search.services import search_documents_bulk_load

    vendor = connection.vendor
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"[{vendor}] migrate: {time.perf_counter() - started:.1f} s", flush=True)

    rng = random.Random(SEED)
    gen = Generator(rng)
    started = time.perf_counter()
    loaded = search_documents_bulk_load(gen.documents(count))
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    print(
        f"[{vendor}] loaded {loaded:,} documents in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    planned = queries(gen, random.Random(SEED + 1), QUERIES)
    for _, q in planned[:WARM_UP]:
        search(q)
    timings: dict[str, list[float]] = {}
    hits = corrected = 0
    for label, q in planned:
        t0 = time.perf_counter()
        result = search(q, limit=20)
        elapsed = (time.perf_counter() - t0) * 1000
        timings.setdefault(label, []).append(elapsed)
        hits += result.total > 0
        corrected += bool(result.suggestion)
    every = sorted(t for ts in timings.values() for t in ts)
    for label, ts in timings.items():
        ts.sort()
        print(
            f"[{vendor}]   {label:<10} n={len(ts):>3}  p50 {_pct(ts, 50):6.1f} ms"
            f"  p95 {_pct(ts, 95):6.1f} ms  max {ts[-1]:6.1f} ms"
        )
    p50, p95 = _pct(every, 50), _pct(every, 95)
    ok = p95 <= P95_TARGET_MS
    print(
        f"[{vendor}] {len(every)} queries ({hits} with hits, {corrected} corrected):"
        f" p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {every[-1]:.1f} ms"
        f" -> {'PASS' if ok else 'FAIL'} (target p95 <= {P95_TARGET_MS:.0f} ms)",
        flush=True,
    )
    return 0 if ok else 1


def _pct(sorted_values: list[float], pct: float) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(pct) - 1]


# --- orchestration -----------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS)
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also on PostgreSQL (server from DATABASE_URL, else a local default)",
    )
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.only:
        return run_one(args.documents)

    failed = 0
    base_env = dict(os.environ, VEERKRACHT_ENV="test", DJANGO_SETTINGS_MODULE="veerkracht.settings")
    base_env.pop("REDIS_URL", None)
    postgres_url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="veerkracht-search-bench-") as var_dir:
        env = dict(base_env, VEERKRACHT_VAR_DIR=var_dir)
        env.pop("DATABASE_URL", None)
        documents = ["--documents", str(args.documents)]
        failed |= run_child(__file__, ["--only", "sqlite", *documents], env)
        if args.postgres or postgres_url:
            with temporary_postgres(postgres_url or DEFAULT_POSTGRES, "vk_search_bench") as url:
                child_env = dict(env, DATABASE_URL=url)
                failed |= run_child(__file__, ["--only", "postgresql", *documents], child_env)
    print("PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
