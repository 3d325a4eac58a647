"""Benchmark: the matching engine against 10,000 support offers.

A throw-away embedded setup in a temporary directory (SQLite, local-memory cache):
migrate, import the served province's CBS municipalities, load the reference data,
generate 10,000 synthetic offers (Dutch-like text from a fixed word list, random
themes, factors, phases, areas served and capacities; fixed seed) and 10,000 synthetic
initiatives (`generate_initiatives`) each with one or two open questions.

Then, in this process:
- index build time (cold), and one warm-up query;
- per query, `match_offers()` with text, themes, factors and a municipality over at
  least 200 different questions: p50 and p95 (targets p50 <= 10 ms, p95 <= 30 ms);
- the batch: every open question of the 10,000 initiatives against all offers, top 5
  stored as proposals (`matching.batch.run_batch`): total seconds (target < 60 s).

Prints the figures and PASS/FAIL; exits non-zero on a FAIL.

    .venv/bin/python benchmarks/matching_benchmark.py [--offers 10000] [--initiatives 10000]
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PROVINCE = "PV30"
SEED = 20261123
QUERIES = 300
P50_MS = 10.0
P95_MS = 30.0
BATCH_SECONDS = 60.0

_WORD_LIST = """
buurt wijk dorp bewoners vrijwilligers ouderen jongeren gezinnen mantelzorgers eenzaamheid
ontmoeting verbinding vertrouwen gezondheid bewegen sport cultuur muziek taal armoede
schulden werk dagbesteding leerbedrijf stage opleiding training workshop coaching advies
begeleiding onderzoek monitoring impact meten meetplan verandertheorie resultaten
financiering fondsen subsidie lening investeerders verdienmodel businesscase ondernemers
coöperatie energie duurzaamheid zonnepanelen glasvezel digitalisering vaardigheden netwerk
partners gemeente provincie zorg welzijn wonen woonplek camping vakantiepark natuur groen
moestuin voedsel maaltijden koken repair café bibliotheek school kinderen opvoeding
veiligheid dialoog gesprek participatie democratie inwoners overheid samenspel regels
procedures vergunning bestemmingsplan locatie gebouw accommodatie vervoer mobiliteit
communicatie zichtbaarheid vlog website sociale media kennis leren netwerkdag pilot aanpak
methode spel toolkit
"""
WORDS = _WORD_LIST.split()
KINDS = ["advice", "training", "network", "financing", "research", "process", "workshop"]


def sentence(rng: random.Random, n: int) -> str:
    # Zipf-like: earlier words in the list are more common.
    return " ".join(
        WORDS[min(int(rng.paretovariate(1.1)) - 1, len(WORDS) - 1)]
        if rng.random() < 0.5
        else rng.choice(WORDS)
        for _ in range(n)
    )


def generate_offers(count: int, rng: random.Random) -> None:
    from veerkracht.core.models import (
        Municipality,
        Organisation,
        OrganisationType,
        ResilienceFactor,
        Theme,
    )
    from veerkracht.initiatives.models import Phase, SupportOffer

    kind = OrganisationType.objects.first()
    codes = list(Municipality.objects.filter(province_id=PROVINCE).values_list("code", flat=True))
    providers = Organisation.objects.bulk_create(
        [
            Organisation(
                slug=f"bench-aanbieder-{i}",
                name=f"Aanbieder {i}",
                type=kind,
                municipality_id=rng.choice(codes),
            )
            for i in range(500)
        ]
    )
    themes = list(Theme.objects.all())
    factors = list(ResilienceFactor.objects.all())
    phases = list(Phase.values)
    offers = SupportOffer.objects.bulk_create(
        [
            SupportOffer(
                slug=f"bench-aanbod-{i}",
                title=sentence(rng, rng.randint(2, 5)).capitalize(),
                provider=rng.choice(providers),
                kind=rng.choice(KINDS),
                summary=sentence(rng, rng.randint(8, 16)),
                description=sentence(rng, rng.randint(30, 80)),
                phases=rng.sample(phases, rng.randint(1, 2)) if rng.random() < 0.4 else [],
                service_area="municipalities" if rng.random() < 0.3 else "province",
                capacity=rng.randint(1, 20) if rng.random() < 0.2 else None,
                status=SupportOffer.Status.PUBLISHED,
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    through_t = SupportOffer.themes.through
    through_f = SupportOffer.factors.through
    through_m = SupportOffer.municipalities.through
    through_t.objects.bulk_create(
        [
            through_t(supportoffer_id=o.pk, theme_id=t.pk)
            for o in offers
            for t in rng.sample(themes, rng.randint(0, 2))
        ],
        batch_size=5000,
    )
    through_f.objects.bulk_create(
        [
            through_f(supportoffer_id=o.pk, resiliencefactor_id=f.pk)
            for o in offers
            for f in rng.sample(factors, rng.randint(0, 3))
        ],
        batch_size=5000,
    )
    through_m.objects.bulk_create(
        [
            through_m(supportoffer_id=o.pk, municipality_id=c)
            for o in offers
            if o.service_area == "municipalities"
            for c in rng.sample(codes, rng.randint(1, 6))
        ],
        batch_size=5000,
    )


def generate_questions(rng: random.Random) -> int:
    from veerkracht.initiatives.models import Initiative
    from veerkracht.support.models import Question

    questions = []
    for pk in Initiative.objects.values_list("pk", flat=True):
        for _ in range(1 if rng.random() < 0.7 else 2):
            questions.append(
                Question(
                    initiative_id=pk,
                    title=("Hoe " + sentence(rng, rng.randint(4, 9)) + "?").capitalize(),
                    text=sentence(rng, rng.randint(0, 25)),
                )
            )
    Question.objects.bulk_create(questions, batch_size=5000)
    return len(questions)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--initiatives", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="veerkracht-bench-") as var_dir:
        os.environ["VEERKRACHT_VAR_DIR"] = var_dir
        os.environ["VEERKRACHT_ENV"] = "test"
        os.environ["DJANGO_SETTINGS_MODULE"] = "veerkracht.settings"
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        # The test settings re-read the index's version stamp on every query (their live
        # server answers in other threads); measure with the production value instead.
        settings.MATCHING_STAMP_SECONDS = 5.0

        try:
            return run(args.offers, args.initiatives)
        finally:
            connections.close_all()


def run(offer_count: int, initiative_count: int) -> int:
    from django.core.management import call_command

    from veerkracht.core.models import Municipality, ResilienceFactor, Theme
    from veerkracht.core.services.geography import cbs_areas_import
    from veerkracht.core.services.reference import reference_load
    from veerkracht.initiatives.management.commands.generate_initiatives import generate
    from veerkracht.support.matching import MatchQuery, match_offers, reset_index
    from veerkracht.support.matching.batch import new_run_id, run_batch
    from veerkracht.support.matching.index import offer_index

    rng = random.Random(SEED)
    call_command("migrate", verbosity=0, interactive=False)
    data = json.loads((ROOT / "data" / "cbs-gemeenten-2023.geojson").read_text("utf-8"))
    data["features"] = [
        f for f in data["features"] if f["properties"].get("provinciecode") == PROVINCE
    ]
    cbs_areas_import(actor=None, path_or_data=data)
    reference_load(actor=None)
    started = time.perf_counter()
    generate_offers(offer_count, rng)
    generate(count=initiative_count, seed=SEED)
    question_count = generate_questions(rng)
    print(
        f"data: {offer_count:,} offers, {initiative_count:,} initiatives, "
        f"{question_count:,} open questions ({time.perf_counter() - started:.1f} s to generate)"
    )

    reset_index()
    started = time.perf_counter()
    index = offer_index()
    print(f"index build: {time.perf_counter() - started:.2f} s ({index.size:,} offers)")

    theme_slugs = list(Theme.objects.values_list("slug", flat=True))
    factor_slugs = list(ResilienceFactor.objects.values_list("slug", flat=True))
    codes = list(Municipality.objects.filter(province_id=PROVINCE).values_list("code", flat=True))
    queries = [
        MatchQuery(
            text="Hoe " + sentence(rng, rng.randint(4, 14)),
            themes=rng.sample(theme_slugs, rng.randint(0, 2)),
            factors=rng.sample(factor_slugs, rng.randint(0, 3)),
            municipality=rng.choice(codes),
        )
        for _ in range(QUERIES)
    ]
    for query in queries[:20]:  # warm-up
        match_offers(query, limit=10)
    timings = []
    for query in queries:
        t0 = time.perf_counter()
        match_offers(query, limit=10)
        timings.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
    print(
        f"{len(queries)} queries against {index.size:,} offers: p50 {p50:.2f} ms, "
        f"p95 {p95:.2f} ms, mean {statistics.fmean(timings):.2f} ms"
    )

    started = time.perf_counter()
    progress = run_batch(run_id=new_run_id())
    batch_seconds = time.perf_counter() - started
    print(
        f"batch: {progress['total']:,} open questions x {index.size:,} offers, "
        f"{progress['proposals']:,} proposals stored in {batch_seconds:.1f} s "
        f"(reading {progress['prepare_seconds']:.1f} s, writing {progress['write_seconds']:.1f} s)"
    )

    failures = []
    if p50 > P50_MS:
        failures.append(f"p50 {p50:.1f} ms > {P50_MS:.0f} ms")
    if p95 > P95_MS:
        failures.append(f"p95 {p95:.1f} ms > {P95_MS:.0f} ms")
    if batch_seconds >= BATCH_SECONDS:
        failures.append(f"batch {batch_seconds:.0f} s >= {BATCH_SECONDS:.0f} s")
    if failures:
        print("FAIL: " + "; ".join(failures), file=sys.stderr)
        return 1
    print(f"PASS: p50 <= {P50_MS:.0f} ms, p95 <= {P95_MS:.0f} ms, batch < {BATCH_SECONDS:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
