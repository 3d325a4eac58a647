"""The in-memory index of published, active support offers, built once per process.

`offer_index()` returns the current index. It is rebuilt when something it depends on
changed: in this process a post_save/post_delete/m2m_changed signal on offers,
trajectories and match proposals marks it stale at once; changes made by other
processes are noticed through a cheap version stamp (counts and latest change times)
read at most every `stamp_seconds()` (setting MATCHING_STAMP_SECONDS, default 5 s;
the test settings use 0, because the test server answers requests in other threads
while a test's own transaction is not visible to them). It is also rebuilt when the
date changes (offer dates and capacity periods).
"""

import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from django.db.models import Count, Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from veerkracht.core.models import Municipality, ResilienceFactor, Theme
from veerkracht.core.text import words
from veerkracht.initiatives.models import Phase, SupportOffer, SupportTrajectory, TrajectoryState

from ..models import MatchProposal
from . import scoring
from .lexicon import document_terms, known_words
from .textindex import TextIndex

STAMP_SECONDS = 5.0


def stamp_seconds() -> float:
    """How long an index is trusted before its version stamp is read again."""
    from django.conf import settings

    return float(getattr(settings, "MATCHING_STAMP_SECONDS", STAMP_SECONDS))


TITLE_WEIGHT = 3.0
SUMMARY_WEIGHT = 2.0
PHASES = tuple(Phase.values)
NO_DATE_FROM = date.min.toordinal()
NO_DATE_UNTIL = date.max.toordinal()


@dataclass
class Vocabulary:
    """Themes or factors: slug order used by the index matrices, and their names."""

    slugs: list[str]
    names: dict[str, tuple[str, str]]  # slug -> (Dutch name, English name)
    position: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.position = {slug: i for i, slug in enumerate(self.slugs)}

    def label(self, slug: str) -> str:
        name, name_en = self.names[slug]
        language = translation.get_language() or "nl"
        return name_en if language.startswith("en") and name_en else name

    def vector(self, slugs: list[str]) -> np.ndarray:
        vec = np.zeros(len(self.slugs), dtype=np.float32)
        for slug in slugs:
            if slug in self.position:
                vec[self.position[slug]] = 1.0
        return vec


@dataclass
class OfferIndex:
    ids: np.ndarray
    slugs: list[str]
    titles: list[str]
    providers: list[str]
    kinds: list[str]
    text: TextIndex
    known: frozenset[str]
    surface: dict[str, str]
    themes: Vocabulary
    factors: Vocabulary
    theme_matrix: np.ndarray
    factor_matrix: np.ndarray
    phase_matrix: np.ndarray
    phase_any: np.ndarray
    province_wide: np.ndarray
    served: dict[str, np.ndarray]
    lat: np.ndarray
    lon: np.ndarray
    active_from: np.ndarray
    active_until: np.ndarray
    capacity_left: np.ndarray
    full: np.ndarray
    track_record: np.ndarray
    track_successes: np.ndarray
    track_trials: np.ndarray
    centroids: dict[str, tuple[float, float]]
    stamp: tuple
    built_on: date
    build_seconds: float = 0.0
    _area_masks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _distances: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.slugs)

    def position_of(self, offer_id: int) -> int | None:
        found = np.flatnonzero(self.ids == offer_id)
        return int(found[0]) if len(found) else None

    def available(self, municipality: str | None, today: date | None = None) -> np.ndarray:
        """Hard filters: serves the municipality, within its dates, capacity not reached."""
        ordinal = (today or timezone.localdate()).toordinal()
        mask = (self.active_from <= ordinal) & (self.active_until >= ordinal) & ~self.full
        if municipality:
            area = self._area_masks.get(municipality)
            if area is None:
                area = self.province_wide.copy()
                served = self.served.get(municipality)
                if served is not None:
                    area[served] = True
                self._area_masks[municipality] = area
            mask &= area
        return mask

    def distance(self, municipality: str | None) -> np.ndarray:
        """The distance component for an initiative in this municipality."""
        cached = self._distances.get(municipality or "")
        if cached is not None:
            return cached
        result = np.full(self.size, scoring.NEUTRAL, dtype=np.float32)
        centre = self.centroids.get(municipality or "")
        if centre is not None:
            known = ~np.isnan(self.lat) & ~self.province_wide
            lat0, lon0 = centre
            dy = (self.lat[known] - lat0) * 111.2
            dx = (self.lon[known] - lon0) * 111.2 * math.cos(math.radians(lat0))
            km = np.sqrt(dx * dx + dy * dy)
            result[known] = np.power(0.5, km / scoring.DISTANCE_HALF_KM)
        self._distances[municipality or ""] = result
        return result


def _period_start(period: str, now: datetime) -> datetime:
    local = timezone.localtime(now)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if period == SupportOffer.CapacityPeriod.YEAR:
        return start.replace(month=1)
    if period == SupportOffer.CapacityPeriod.QUARTER:
        return start.replace(month=3 * ((local.month - 1) // 3) + 1)
    return start


def current_stamp() -> tuple:
    """A cheap fingerprint of everything the index is built from."""
    offers = SupportOffer.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    trajectories = SupportTrajectory.objects.aggregate(n=Count("pk"), at=Max("created_at"))
    # Only proposals with feedback count for the track record; new proposals do not.
    proposals = MatchProposal.objects.filter(feedback_at__isnull=False).aggregate(
        n=Count("pk"), at=Max("feedback_at")
    )
    return (
        offers["n"],
        offers["at"],
        trajectories["n"],
        trajectories["at"],
        proposals["n"],
        proposals["at"],
    )


def build_offer_index(stamp: tuple) -> OfferIndex:
    """Read the published, active offers and build the index (about 1 s per 10,000 offers).

    `stamp`: `current_stamp()`, read just before.
    """
    started = time.perf_counter()
    now = timezone.now()
    offers = list(
        SupportOffer.objects.filter(status=SupportOffer.Status.PUBLISHED, active=True)
        .select_related("provider")
        .order_by("pk")
        .only(
            "pk",
            "slug",
            "title",
            "summary",
            "description",
            "kind",
            "phases",
            "service_area",
            "capacity",
            "capacity_period",
            "active_from",
            "active_until",
            "provider__name",
            "provider__municipality_id",
        )
    )
    ids = [o.pk for o in offers]
    position = {pk: i for i, pk in enumerate(ids)}
    n = len(offers)

    themes = Vocabulary(
        *_vocabulary(Theme.objects.order_by("position", "slug").values("slug", "name", "name_en"))
    )
    factors = Vocabulary(
        *_vocabulary(
            ResilienceFactor.objects.order_by("position", "slug").values("slug", "name", "name_en")
        )
    )
    theme_matrix = np.zeros((n, len(themes.slugs)), dtype=np.float32)
    factor_matrix = np.zeros((n, len(factors.slugs)), dtype=np.float32)
    offer_theme_names: dict[int, list[str]] = defaultdict(list)
    for offer_id, slug in SupportOffer.themes.through.objects.filter(
        supportoffer_id__in=position
    ).values_list("supportoffer_id", "theme__slug"):
        theme_matrix[position[offer_id], themes.position[slug]] = 1.0
        offer_theme_names[offer_id].append(themes.names[slug][0])
    for offer_id, slug in SupportOffer.factors.through.objects.filter(
        supportoffer_id__in=position
    ).values_list("supportoffer_id", "resiliencefactor__slug"):
        factor_matrix[position[offer_id], factors.position[slug]] = 1.0
        offer_theme_names[offer_id].append(factors.names[slug][0])

    served_lists: dict[str, list[int]] = defaultdict(list)
    offer_places: dict[int, list[str]] = defaultdict(list)
    for offer_id, code in SupportOffer.municipalities.through.objects.filter(
        supportoffer_id__in=position
    ).values_list("supportoffer_id", "municipality_id"):
        served_lists[code].append(position[offer_id])
        offer_places[offer_id].append(code)

    centroids = {
        code: (lat, lon)
        for code, lat, lon in Municipality.objects.filter(centroid_lat__isnull=False).values_list(
            "code", "centroid_lat", "centroid_lon"
        )
    }

    with translation.override("nl"):
        kind_labels = {value: str(label) for value, label in SupportOffer.Kind.choices}
    fields = [
        (
            (words(o.title), TITLE_WEIGHT),
            (words(o.summary), SUMMARY_WEIGHT),
            (words(o.description), 1.0),
            (words(kind_labels.get(o.kind, o.kind)), 1.0),
            (words(o.provider.name), 1.0),
            (words(" ".join(offer_theme_names.get(o.pk, ()))), 1.0),
        )
        for o in offers
    ]
    known = known_words(f[i][0] for f in fields for i in range(3))
    documents = []
    surface: dict[str, str] = {}
    memo: dict[str, list[tuple[str, float]]] = {}
    for offer_fields in fields:
        doc: Counter = Counter()
        for field_words, weight in offer_fields:
            for term, part_weight in document_terms(field_words, known, surface, memo):
                doc[term] += weight * part_weight
        documents.append(doc)

    phase_matrix = np.zeros((n, len(PHASES)), dtype=bool)
    phase_any = np.zeros(n, dtype=bool)
    lat = np.full(n, np.nan)
    lon = np.full(n, np.nan)
    active_from = np.full(n, NO_DATE_FROM, dtype=np.int64)
    active_until = np.full(n, NO_DATE_UNTIL, dtype=np.int64)
    capacity = np.full(n, np.inf)
    for i, o in enumerate(offers):
        chosen = [p for p in (o.phases or []) if p in PHASES]
        if chosen:
            for p in chosen:
                phase_matrix[i, PHASES.index(p)] = True
        else:
            phase_any[i] = True
        place = centroids.get(o.provider.municipality_id or "")
        if place is None and offer_places.get(o.pk):
            points = [centroids[c] for c in offer_places[o.pk] if c in centroids]
            if points:
                place = (
                    sum(p[0] for p in points) / len(points),
                    sum(p[1] for p in points) / len(points),
                )
        if place is not None:
            lat[i], lon[i] = place
        if o.active_from:
            active_from[i] = o.active_from.toordinal()
        if o.active_until:
            active_until[i] = o.active_until.toordinal()
        if o.capacity is not None:
            capacity[i] = o.capacity

    used = np.zeros(n)
    limited = {o.pk: o.capacity_period for o in offers if o.capacity is not None}
    if limited:
        earliest = min(_period_start(p, now) for p in set(limited.values()))
        for offer_id, created_at in (
            SupportTrajectory.objects.filter(offer_id__in=limited, created_at__gte=earliest)
            .exclude(state=TrajectoryState.BROKEN_OFF)
            .values_list("offer_id", "created_at")
        ):
            if created_at >= _period_start(limited[offer_id], now):
                used[position[offer_id]] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        left = np.where(np.isinf(capacity), 1.0, np.clip(1.0 - used / capacity, 0.0, 1.0))
    full = ~np.isinf(capacity) & (used >= capacity)

    successes = np.zeros(n)
    trials = np.zeros(n)
    for offer_id, state, rating in SupportTrajectory.objects.filter(
        offer_id__in=position
    ).values_list("offer_id", "state", "rating"):
        ended = state in (TrajectoryState.FINISHED, TrajectoryState.BROKEN_OFF)
        if rating is None and not ended:
            continue
        i = position[offer_id]
        trials[i] += 1
        if (rating is not None and rating >= scoring.SUCCESS_RATING) or (
            rating is None and state == TrajectoryState.FINISHED
        ):
            successes[i] += 1
    for offer_id, helped in MatchProposal.objects.filter(
        Q(offer_id__in=position), helped__isnull=False
    ).values_list("offer_id", "helped"):
        i = position[offer_id]
        trials[i] += 1
        successes[i] += 1 if helped else 0
    track = scoring.smoothed_rate(successes, trials)

    return OfferIndex(
        ids=np.array(ids, dtype=np.int64),
        slugs=[o.slug for o in offers],
        titles=[o.title for o in offers],
        providers=[o.provider.name for o in offers],
        kinds=[o.kind for o in offers],
        text=TextIndex(documents),
        known=known,
        surface=surface,
        themes=themes,
        factors=factors,
        theme_matrix=theme_matrix,
        factor_matrix=factor_matrix,
        phase_matrix=phase_matrix,
        phase_any=phase_any,
        province_wide=np.array(
            [o.service_area == SupportOffer.ServiceArea.PROVINCE for o in offers], dtype=bool
        ),
        served={code: np.array(rows, dtype=np.int64) for code, rows in served_lists.items()},
        lat=lat,
        lon=lon,
        active_from=active_from,
        active_until=active_until,
        capacity_left=left.astype(np.float32),
        full=full,
        track_record=track.astype(np.float32),
        track_successes=successes,
        track_trials=trials,
        centroids=centroids,
        stamp=stamp,
        built_on=timezone.localdate(),
        build_seconds=time.perf_counter() - started,
    )


def _vocabulary(rows) -> tuple[list[str], dict[str, tuple[str, str]]]:
    rows = list(rows)
    return [r["slug"] for r in rows], {r["slug"]: (r["name"], r["name_en"]) for r in rows}


# --- the process-wide index and its freshness ---------------------------------------------


class StampedCache:
    """A value built from the database, rebuilt when its version stamp changes.

    The stamp (`stamp_of()`) is read at most every `stamp_seconds()`; `mark_dirty()`
    (signals in this process) forces a rebuild on the next `get()`, and so does
    `fresh(value)` returning False. `build(stamp)` gets the stamp it was read at and
    returns a value with that `.stamp`.
    """

    def __init__(self, stamp_of, build, *, fresh=lambda value: True) -> None:
        self.stamp_of = stamp_of
        self.build = build
        self.fresh = fresh
        self.value = None
        self.dirty = True
        self.checked_at = 0.0
        self._lock = threading.Lock()

    def get(self):
        value = self.value
        if (
            value is not None
            and not self.dirty
            and time.monotonic() - self.checked_at < stamp_seconds()
            and self.fresh(value)
        ):
            return value
        with self._lock:
            value = self.value
            stamp = self.stamp_of()
            if value is None or self.dirty or stamp != value.stamp or not self.fresh(value):
                self.dirty = False
                value = self.value = self.build(stamp)
            self.checked_at = time.monotonic()
            return value

    def mark_dirty(self) -> None:
        self.dirty = True

    def reset(self) -> None:
        self.value = None
        self.dirty = True


_offers = StampedCache(
    current_stamp,
    build_offer_index,
    fresh=lambda index: index.built_on == timezone.localdate(),
)


def offer_index() -> OfferIndex:
    """The current offer index, rebuilt first when it is stale."""
    return _offers.get()


def reset_index() -> None:
    """Forget the index (tests, and after bulk changes that bypass signals)."""
    from .related import reset_related

    _offers.reset()
    reset_related()


def _mark_dirty(**kwargs) -> None:
    _offers.mark_dirty()


def _proposal_changed(instance: MatchProposal, **kwargs) -> None:
    # Storing proposals (hundreds at a time) does not change the index; feedback does.
    if instance.feedback_at is not None:
        _offers.mark_dirty()


post_save.connect(_proposal_changed, sender=MatchProposal, dispatch_uid="matching-proposal-save")
post_delete.connect(
    _proposal_changed, sender=MatchProposal, dispatch_uid="matching-proposal-delete"
)
for _model in (SupportOffer, SupportTrajectory):
    post_save.connect(_mark_dirty, sender=_model, dispatch_uid=f"matching-{_model.__name__}-save")
    post_delete.connect(
        _mark_dirty, sender=_model, dispatch_uid=f"matching-{_model.__name__}-delete"
    )
for _through in (
    SupportOffer.themes.through,
    SupportOffer.factors.through,
    SupportOffer.municipalities.through,
):
    m2m_changed.connect(_mark_dirty, sender=_through, dispatch_uid=f"matching-{_through.__name__}")
