"""Batch matching: every open question of every initiative against every offer.

Runs as a background task (`tasks.match_run`); its progress lives in the cache under
`progress_key(run_id)` (there is no run model): state (queued, running, finished,
failed), done, total, proposals stored, seconds. The top PROPOSALS_PER_QUESTION
offers of each question are stored as MatchProposals; proposals that already exist
for the same initiative, question and offer are kept as they were (frozen, perhaps
with feedback).
"""

import time
import uuid
from collections import defaultdict

from django.core.cache import cache
from django.utils import timezone

from veerkracht.initiatives.models import Initiative, SupportTrajectory

from ..models import MatchProposal, Question
from .engine import MatchQuery, match_offers
from .index import offer_index

PROPOSALS_PER_QUESTION = 5
PROGRESS_EVERY = 250
PROGRESS_SECONDS = 24 * 3600
LATEST_KEY = "matching:run:latest"
WRITE_BATCH = 2000


def progress_key(run_id: str) -> str:
    return f"matching:run:{run_id}"


def new_run_id() -> str:
    return uuid.uuid4().hex


def run_progress(run_id: str) -> dict | None:
    return cache.get(progress_key(run_id))


def latest_run_id() -> str | None:
    return cache.get(LATEST_KEY)


def _progress(run_id: str, **values) -> dict:
    state = cache.get(progress_key(run_id)) or {"run_id": run_id}
    state.update(values)
    cache.set(progress_key(run_id), state, PROGRESS_SECONDS)
    return state


def mark_queued(run_id: str) -> None:
    _progress(run_id, state="queued", done=0, total=0, proposals=0, queued_at=timezone.now())
    cache.set(LATEST_KEY, run_id, PROGRESS_SECONDS)


def run_batch(*, run_id: str, limit: int = PROPOSALS_PER_QUESTION) -> dict:
    """Match all open questions and store the top `limit` proposals of each."""
    started = time.perf_counter()
    try:
        return _run(run_id=run_id, limit=limit, started=started)
    except Exception as exc:
        _progress(run_id, state="failed", error=str(exc)[:300])
        raise


def _run(*, run_id: str, limit: int, started: float) -> dict:
    index = offer_index()
    questions = list(
        Question.objects.filter(status=Question.Status.OPEN)
        .order_by("pk")
        .values_list("pk", "initiative_id", "title", "text")
    )
    total = len(questions)
    _progress(run_id, state="running", done=0, total=total, started_at=timezone.now())
    initiative_ids = {q[1] for q in questions}
    places: dict[int, str | None] = {}
    phases: dict[int, str] = {}
    for pk, municipality_id, phase in Initiative.objects.filter(pk__in=initiative_ids).values_list(
        "pk", "municipality_id", "phase"
    ):
        places[pk] = municipality_id
        phases[pk] = phase
    question_themes = _pairs(Question.themes.through, "question_id", "theme__slug")
    question_factors = _pairs(Question.factors.through, "question_id", "resiliencefactor__slug")
    initiative_themes = _pairs(Initiative.themes.through, "initiative_id", "theme__slug")
    used: dict[int, set[int]] = defaultdict(set)
    for initiative_id, offer_id in SupportTrajectory.objects.values_list(
        "initiative_id", "offer_id"
    ):
        used[initiative_id].add(offer_id)

    pending: list[MatchProposal] = []
    stored = 0
    write_seconds = 0.0
    prepared = time.perf_counter()
    now = timezone.now()
    for done, (question_id, initiative_id, title, text) in enumerate(questions, start=1):
        query = MatchQuery(
            text=f"{title} {text}",
            themes=question_themes.get(question_id) or initiative_themes.get(initiative_id, []),
            factors=question_factors.get(question_id, []),
            municipality=places.get(initiative_id),
            phase=phases.get(initiative_id) or None,
            exclude_offer_ids=frozenset(used.get(initiative_id, ())),
        )
        for match in match_offers(query, limit=limit, index=index):
            pending.append(
                MatchProposal(
                    initiative_id=initiative_id,
                    question_id=question_id,
                    offer_id=match.offer_id,
                    score=match.score,
                    components=match.components,
                    reason=match.reason[:400],
                    proposed_at=now,
                )
            )
        if len(pending) >= WRITE_BATCH:
            t0 = time.perf_counter()
            stored += _write(pending)
            write_seconds += time.perf_counter() - t0
            pending = []
        if done % PROGRESS_EVERY == 0:
            _progress(run_id, done=done, proposals=stored)
    t0 = time.perf_counter()
    stored += _write(pending)
    write_seconds += time.perf_counter() - t0
    seconds = time.perf_counter() - started
    return _progress(
        run_id,
        state="finished",
        done=total,
        total=total,
        proposals=stored,
        seconds=round(seconds, 2),
        prepare_seconds=round(prepared - started, 2),
        write_seconds=round(write_seconds, 2),
        finished_at=timezone.now(),
    )


def _pairs(through, owner: str, slug: str) -> dict[int, list[str]]:
    result: dict[int, list[str]] = defaultdict(list)
    for owner_id, value in through.objects.values_list(owner, slug):
        result[owner_id].append(value)
    return result


def _write(proposals: list[MatchProposal]) -> int:
    if not proposals:
        return 0
    MatchProposal.objects.bulk_create(proposals, batch_size=500, ignore_conflicts=True)
    return len(proposals)
