"""Synthetic initiatives for scale tests of the Initiatievenkaart and the API.

    manage.py generate_initiatives --count 10000 --seed 1
    manage.py generate_initiatives --delete

Every generated initiative is clearly marked: `synthetic=True`, a name starting with
"[synthetisch]" and a slug starting with "synthetisch-". They are published (intake
"fits" or "in support"), with a random phase, themes, resilience factors and policy
agendas from the database, and a point inside a municipality of the served province:
municipalities are drawn in proportion to their inhabitants (latest CBS figures; equal
weights without figures) and points are drawn uniformly in the municipality's bounding
box, keeping those inside its boundary (shapely). The same seed on the same database
gives the same initiatives. `--delete` removes every synthetic initiative.
"""

import time
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from shapely.geometry import shape

from veerkracht.core.models import PolicyAgenda, ResilienceFactor, Theme
from veerkracht.core.selectors import municipality_list
from veerkracht.core.services.audit import audit_record

from ...map import forget_data_version
from ...models import Initiative, IntakeState, OrganiserType, Phase, Scope, Source

PREFIX = "[synthetisch]"
SLUG_PREFIX = "synthetisch-"
BATCH_SIZE = 5000
KINDS = [
    "Buurtmoestuin",
    "Repair Café",
    "Samen Koken",
    "Taalcafé",
    "Wijkbus",
    "Buurtkamer",
    "Energiecoöperatie",
    "Zorgcoöperatie",
    "Dorpsondersteuner",
    "Jongerenplek",
    "Voedselbank",
    "Kledingruil",
    "Wandelgroep",
    "Burenhulp",
    "Speeltuinvereniging",
    "Dorpshuis",
]


class Command(BaseCommand):
    help = (
        "Create clearly marked synthetic, published initiatives spread over the served "
        "province's municipalities (for scale tests), or delete them with --delete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=1000, help="How many to make.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (deterministic).")
        parser.add_argument(
            "--delete", action="store_true", help="Delete every synthetic initiative."
        )

    def handle(self, *args: Any, count: int, seed: int, delete: bool, **options: Any) -> None:
        started = time.perf_counter()
        if delete:
            deleted = delete_synthetic()
            self.stdout.write(
                f"Deleted {deleted} synthetic initiatives in {time.perf_counter() - started:.1f} s."
            )
            return
        if count < 1:
            raise CommandError("--count must be at least 1.")
        made = generate(count=count, seed=seed)
        forget_data_version()  # plain INSERTs send no signals
        self.stdout.write(
            f"Made {made} synthetic initiatives in {time.perf_counter() - started:.1f} s "
            f"(seed {seed})."
        )


def delete_synthetic() -> int:
    """Delete every synthetic initiative (and their theme, factor … links)."""
    with transaction.atomic():
        qs = Initiative.objects.filter(synthetic=True)
        ids = qs.values("pk")
        for field in ("themes", "factors", "policy_agendas", "municipalities"):
            getattr(Initiative, field).through.objects.filter(initiative_id__in=ids).delete()
        total = qs.count()
        # In chunks: the collector holds every object of a chunk in memory.
        while True:
            chunk = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not chunk:
                break
            Initiative.objects.filter(pk__in=chunk).delete()
        if total:
            audit_record(
                actor=None,
                action="initiative.delete_synthetic",
                object_type="initiatives.initiative",
                note=f"{total} synthetic initiatives deleted",
            )
    return total


def generate(*, count: int, seed: int) -> int:
    """Create `count` synthetic initiatives; returns how many were made."""
    province = settings.VEERKRACHT_PROVINCE
    municipalities = [
        m
        for m in municipality_list(province=province, with_boundary=True).order_by("code")
        if m.boundary
    ]
    if not municipalities:
        raise CommandError(
            f"No municipalities with a boundary in {province}: run import_cbs_areas first."
        )
    themes = list(Theme.objects.order_by("slug").values_list("pk", flat=True))
    factors = list(ResilienceFactor.objects.order_by("slug").values_list("pk", flat=True))
    agendas = list(PolicyAgenda.objects.order_by("slug").values_list("pk", flat=True))

    rng = np.random.default_rng(seed)
    weights = np.array([float(m.population or 0) for m in municipalities])
    if weights.sum() <= 0:
        weights = np.ones(len(municipalities))
    chosen = rng.choice(len(municipalities), size=count, p=weights / weights.sum())
    counts = np.bincount(chosen, minlength=len(municipalities))

    points: list[tuple[int, float, float]] = []  # (municipality index, lon, lat)
    for index, municipality in enumerate(municipalities):
        if counts[index]:
            lons, lats = _points_inside(shape(municipality.boundary), int(counts[index]), rng)
            points.extend((index, lon, lat) for lon, lat in zip(lons, lats, strict=True))
    order = rng.permutation(len(points))

    phases = list(Phase.values)
    states = [IntakeState.FITS.value, IntakeState.IN_SUPPORT.value]
    organisers = list(OrganiserType.values)
    phase_of = rng.integers(0, len(phases), size=count)
    state_of = rng.integers(0, len(states), size=count)
    organiser_of = rng.integers(0, len(organisers), size=count)
    kind_of = rng.integers(0, len(KINDS), size=count)
    year_of = rng.integers(1990, 2025, size=count)

    offset = Initiative.objects.filter(synthetic=True, slug__startswith=SLUG_PREFIX).count()
    links = [
        ("themes", themes, _choose(rng, count, len(themes), 1, 2)),
        ("factors", factors, _choose(rng, count, len(factors), 1, 3)),
        ("policy_agendas", agendas, _choose(rng, count, len(agendas), 0, 2)),
    ]

    # Plain INSERTs (executemany) instead of bulk_create: the ORM's per-object work
    # would dominate at 100,000 rows. Every column gets its model default, prepared for
    # this database once; the columns that vary are plain strings and numbers.
    template = Initiative(
        published=True,
        synthetic=True,
        scope=Scope.LOCAL,
        source=Source.SCOUTED,
        description="Gegenereerd met generate_initiatives; geen echt initiatief.",
    )
    varying = [
        "slug",
        "name",
        "summary",
        "organiser_type",
        "start_year",
        "latitude",
        "longitude",
        "municipality_id",
        "phase",
        "intake_state",
    ]
    fields = [f for f in Initiative._meta.concrete_fields if not f.primary_key]
    fixed = {}
    for field in fields:
        if field.attname not in varying:
            value = field.pre_save(template, add=True)
            fixed[field.attname] = field.get_db_prep_save(value, connection)
    columns = varying + list(fixed)
    quote = connection.ops.quote_name
    insert = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(Initiative._meta.db_table),
        ", ".join(quote(Initiative._meta.get_field(c).column) for c in _fields(columns)),
        ", ".join(["%s"] * len(columns)),
    )
    fixed_values = list(fixed.values())

    made = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, count, BATCH_SIZE):
            rows = []
            slugs = []
            for n in range(start, min(start + BATCH_SIZE, count)):
                index, lon, lat = points[order[n]]
                municipality = municipalities[index]
                number = offset + n + 1
                kind = KINDS[kind_of[n]]
                slug = f"{SLUG_PREFIX}{number}"
                slugs.append(slug)
                rows.append(
                    [
                        slug,
                        f"{PREFIX} {kind} {municipality.name} {number}",
                        f"Synthetisch initiatief voor schaaltests ({kind}).",
                        organisers[organiser_of[n]],
                        int(year_of[n]),
                        float(lat),
                        float(lon),
                        municipality.code,
                        phases[phase_of[n]],
                        states[state_of[n]],
                        *fixed_values,
                    ]
                )
            cursor.executemany(insert, rows)
            ids = dict(Initiative.objects.filter(slug__in=slugs).values_list("slug", "pk"))
            for name, pool, chosen_rows in links:
                through = getattr(Initiative, name).through
                target = _target_column(through)
                sql = "INSERT INTO {} ({}, {}) VALUES (%s, %s)".format(
                    quote(through._meta.db_table),
                    quote(through._meta.get_field("initiative").column),
                    quote(target),
                )
                pairs = [
                    (ids[slugs[n - start]], pool[j])
                    for n in range(start, start + len(slugs))
                    for j in chosen_rows[n]
                ]
                if pairs:
                    cursor.executemany(sql, pairs)
            made += len(slugs)
        audit_record(
            actor=None,
            action="initiative.generate_synthetic",
            object_type="initiatives.initiative",
            note=f"{made} synthetic initiatives generated (seed {seed})",
        )
    return made


def _fields(attnames: list[str]) -> list[str]:
    """Field names for attnames (municipality_id → municipality)."""
    by_attname = {f.attname: f.name for f in Initiative._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def _choose(
    rng: np.random.Generator, count: int, size: int, low: int, high: int
) -> list[list[int]]:
    """For each of `count` rows, between low and high distinct indices into a pool."""
    if size == 0:
        return [[] for _ in range(count)]
    k = rng.integers(low, min(high, size) + 1, size=count)
    ranked = np.argsort(rng.random((count, size)), axis=1)
    return [ranked[i, : k[i]].tolist() for i in range(count)]


def _target_column(model: Any) -> str:
    """The column of the through model's foreign key to the vocabulary."""
    for field in model._meta.get_fields():
        if getattr(field, "many_to_one", False) and field.related_model is not Initiative:
            return field.column
    raise LookupError(model)


def _points_inside(
    geometry: Any, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """`count` random points inside `geometry` (rejection sampling in its bounding box)."""
    shapely.prepare(geometry)
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    found = 0
    for _ in range(1000):
        size = max(64, (count - found) * 3)
        xs = rng.uniform(min_lon, max_lon, size)
        ys = rng.uniform(min_lat, max_lat, size)
        inside = shapely.contains_xy(geometry, xs, ys)
        lons.append(xs[inside])
        lats.append(ys[inside])
        found += int(inside.sum())
        if found >= count:
            break
    else:  # pragma: no cover - only for degenerate boundaries
        raise CommandError("Could not place points inside a municipality boundary.")
    return np.concatenate(lons)[:count], np.concatenate(lats)[:count]
