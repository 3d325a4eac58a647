"""Composite index runs: build (now or in the background) and publish.

The arithmetic lives in `monitor.composite` (pure numpy); this module reads the
observations, writes IndexRun and IndexResult, checks the capability `monitor.analyse`
(`actor=None` is the system: a management command or demo data) and writes the audit
trail.
"""

import json
import time
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.core.db import bulk_insert
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record

from ..composite import IndexSpec, monte_carlo, run_pipeline
from ..composite.pipeline import DEFAULTS
from ..composite.steps import (
    AGGREGATIONS,
    IMPUTATIONS,
    NORMALISATIONS,
    OUTLIERS,
    WEIGHTINGS,
    IndexBuildError,
)
from ..models import IndexResult, IndexRun
from ..selectors.index import (
    INDEX_LEVELS,
    area_groups,
    index_indicators,
    latest_explanatory_effects,
    observation_matrices,
)

MAX_REPLICATIONS = 10_000
PROGRESS_TIMEOUT = 60 * 60


class IndexRunError(ValidationError):
    """A run that cannot be built or published with these choices or data."""


def progress_key(run_id: int) -> str:
    return f"monitor:index-run:{run_id}:progress"


def index_run_progress(run_id: int) -> dict[str, Any] | None:
    return cache.get(progress_key(run_id))


def _set_progress(run_id: int, done: int, total: int, step: str) -> None:
    cache.set(progress_key(run_id), {"done": done, "total": total, "step": step}, PROGRESS_TIMEOUT)


def clean_parameters(parameters: dict[str, Any] | None) -> dict[str, Any]:
    """The full set of choices, defaults filled in, each checked."""
    p = {**DEFAULTS, **(parameters or {})}
    allowed = {
        "imputation": IMPUTATIONS,
        "outliers": OUTLIERS,
        "normalisation": NORMALISATIONS,
        "weighting": WEIGHTINGS,
        "aggregation": AGGREGATIONS,
    }
    for key, options in allowed.items():
        if p[key] not in options:
            raise IndexRunError(
                _("Unknown choice %(value)s for %(step)s.") % {"value": p[key], "step": key}
            )
    try:
        p["replications"] = int(p["replications"])
        p["seed"] = int(p["seed"])
        for key in ("winsorise_lower", "winsorise_upper", "cap_z", "weight_perturbation"):
            p[key] = float(p[key])
    except (TypeError, ValueError) as exc:
        raise IndexRunError(_("Replications and seed must be whole numbers.")) from exc
    if not 0 <= p["replications"] <= MAX_REPLICATIONS:
        raise IndexRunError(
            _("Replications must be between 0 and %(max)s.") % {"max": MAX_REPLICATIONS}
        )
    if not 0 <= p["weight_perturbation"] < 1:
        raise IndexRunError(_("The weight perturbation must be at least 0 and below 1."))
    return {key: p[key] for key in DEFAULTS}


RESULT_FIELDS = (
    "run",
    "area_code",
    "year",
    "score",
    "index_class",
    "band_low",
    "band_high",
    "contributions",
    "imputed",
)


def _json_rows(values: np.ndarray, keys: list[str]) -> list[str]:
    """Each row of `values` as a JSON object {key: value rounded to 4 decimals}; the
    same text json.dumps writes, made with one string format for all rows (a
    json.dumps per row costs more than the whole index pipeline on 180,000 areas).
    Values that are not finite become null."""
    if not len(values):
        return []
    rounded = np.round(values, 4)
    finite = np.isfinite(rounded).all(axis=1)
    fields = ", ".join(json.dumps(key).replace("%", "%%") + ": %r" for key in keys)
    template = "{" + fields + "}\n"
    text = (template * int(finite.sum())) % tuple(rounded[finite].ravel().tolist())
    out = text.split("\n")[:-1]
    if finite.all():
        return out
    rows: list[str] = []
    formatted = iter(out)
    for ok, row in zip(finite, rounded.tolist(), strict=True):
        if ok:
            rows.append(next(formatted))
        else:
            rows.append(
                json.dumps(
                    {k: v if np.isfinite(v) else None for k, v in zip(keys, row, strict=True)}
                )
            )
    return rows


def _imputed_json(imputed: np.ndarray, indicator_codes: list[str]) -> list[str]:
    """Per row of the (areas × indicators) flags, the imputed indicators' codes as a JSON
    list, written once per distinct pattern (rows packed to bytes as dictionary keys)."""
    k = imputed.shape[1]
    if k == 0:
        return ["[]"] * len(imputed)
    width = (k + 7) // 8
    packed = np.packbits(imputed, axis=1).tobytes()
    patterns: dict[bytes, str] = {}
    out: list[str] = []
    for start in range(0, len(packed), width):
        key = packed[start : start + width]
        text = patterns.get(key)
        if text is None:
            flags = np.unpackbits(np.frombuffer(key, dtype=np.uint8))[:k]
            text = patterns[key] = json.dumps([indicator_codes[j] for j in np.flatnonzero(flags)])
        out.append(text)
    return out


def _result_rows(
    *,
    run_id: int,
    year: int,
    codes: np.ndarray,
    score: np.ndarray,
    classes: tuple[np.ndarray, np.ndarray, np.ndarray],
    contributions: np.ndarray,
    domains: list[str],
    imputed: np.ndarray,
    indicator_codes: list[str],
) -> list[tuple]:
    """One year's IndexResult rows as tuples in the order of RESULT_FIELDS, values in
    their database form (JSON as text), built column by column."""
    if not len(codes):
        return []
    cls, low, high = classes
    return list(
        zip(
            repeat(run_id),
            codes.tolist(),
            repeat(year),
            np.round(score, 6).tolist(),
            cls.tolist(),
            low.tolist(),
            high.tolist(),
            _json_rows(contributions, domains),
            _imputed_json(imputed, indicator_codes),
            strict=False,  # repeat() is endless; the other columns have one value per area
        )
    )


def build_spec(indicators: list, *, weighting: str) -> IndexSpec:
    domains: list[str] = []
    domain_index: dict[int, int] = {}
    domain_expert: list[float] = []
    for ind in indicators:
        if ind.domain_id not in domain_index:
            domain_index[ind.domain_id] = len(domains)
            domains.append(ind.domain.slug)
            domain_expert.append(ind.domain.expert_weight)
    regression = None
    effects = latest_explanatory_effects()
    if effects:
        known = [
            abs(effects[i.factor.slug]) for i in indicators if i.factor and i.factor.slug in effects
        ]
        if known:
            fallback = float(np.mean(known))
            regression = np.array(
                [
                    abs(effects[i.factor.slug])
                    if i.factor and i.factor.slug in effects
                    else fallback
                    for i in indicators
                ]
            )
    if weighting == "regression" and regression is None:
        raise IndexRunError(
            _(
                "Regression weights need a published explanatory model run whose "
                "standardised effects cover the factors of these indicators. Publish one "
                "first or choose equal or expert weights."
            )
        )

    def floats(attr: str) -> np.ndarray:
        return np.array(
            [np.nan if getattr(i, attr) is None else getattr(i, attr) for i in indicators],
            dtype=float,
        )

    return IndexSpec(
        codes=[i.code for i in indicators],
        domain_of=np.array([domain_index[i.domain_id] for i in indicators], dtype=np.intp),
        domains=domains,
        directions=np.array([-1.0 if i.direction == "down" else 1.0 for i in indicators]),
        goalpost_low=floats("goalpost_low"),
        goalpost_high=floats("goalpost_high"),
        indicator_expert=np.array([i.expert_weight for i in indicators], dtype=float),
        domain_expert=np.array(domain_expert, dtype=float),
        regression=regression,
    )


@transaction.atomic
def index_run_create(
    *,
    actor: Any,
    level: str,
    years: list[int],
    province: str = "",
    parameters: dict[str, Any] | None = None,
) -> IndexRun:
    """Record a new run (status running) with its checked choices."""
    if actor is not None:  # None: the system (management command, demo data)
        check_capability(actor, "monitor.analyse")
    if level not in INDEX_LEVELS:
        raise IndexRunError(
            _("The index is built for municipalities, districts or neighbourhoods.")
        )
    years = sorted({int(y) for y in years})
    if not years:
        raise IndexRunError(_("Choose at least one year."))
    params = clean_parameters(parameters)
    run = IndexRun.objects.create(
        level=level,
        province=province or "",
        years=years,
        parameters=params,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="monitor.index_run.create",
        obj=run,
        after={"level": level, "province": province, "years": years, "parameters": params},
    )
    return run


def index_run_compute(*, run: IndexRun) -> IndexRun:
    """Compute a recorded run: the pipeline per year, the Monte Carlo when replications
    > 0, and the results. A failure is stored in the run's status and log."""
    started = time.perf_counter()
    p = run.parameters
    log: list[dict[str, Any]] = []
    try:
        indicators = index_indicators()
        if not indicators:
            raise IndexRunError(_("There are no indicators in the index yet."))
        spec = build_spec(indicators, weighting=p["weighting"])
        codes, matrices = observation_matrices(
            level=run.level, years=run.years, indicators=indicators, province=run.province
        )
        if not codes:
            raise IndexRunError(_("There are no observations for this level and these years."))
        groups = area_groups(level=run.level, codes=codes)
        results: list[tuple] = []
        effective: dict[str, dict[str, float]] = {}
        total = len(run.years)
        for t, year in enumerate(run.years):
            _set_progress(run.pk, t, total, f"{year}")
            X = matrices[year]
            has_data = ~np.isnan(X).all(axis=1)
            X, year_codes, year_groups = X[has_data], np.array(codes)[has_data], groups[has_data]
            if not len(year_codes):
                log.append({"step": "year", "year": year, "areas": 0})
                continue
            year_spec = spec
            with_data = ~np.isnan(X).all(axis=0)
            if not with_data.all():
                year_spec = spec.subset(with_data)
                X = X[:, with_data]
                log.append(
                    {
                        "year": year,
                        "step": "indicators",
                        "without_data": [spec.codes[j] for j in np.flatnonzero(~with_data)],
                    }
                )
            base = run_pipeline(X, year_spec, p, groups=year_groups)
            for entry in base.log:
                log.append({"year": year, **entry})
            eff_dom = np.bincount(year_spec.domain_of, weights=base.effective_weights)
            effective[str(year)] = {
                **{
                    c: round(float(w), 4)
                    for c, w in zip(year_spec.codes, base.effective_weights, strict=True)
                },
                **{
                    f"domain:{d}": round(float(w), 4)
                    for d, w in zip(year_spec.domains, eff_dom, strict=True)
                },
            }
            ok = np.isfinite(base.scores)
            sd = float(np.nanstd(base.scores)) or 1.0
            contrib = (base.contributions - np.nanmean(base.contributions, axis=0)) / sd
            score = contrib.sum(axis=1)
            cls, low, high = base.classes, base.classes, base.classes
            if p["replications"] > 0:
                mc = monte_carlo(
                    X,
                    year_spec,
                    replications=p["replications"],
                    seed=p["seed"] + year,
                    groups=year_groups,
                    outliers=p["outliers"],
                    weight_perturbation=p["weight_perturbation"],
                    params=p,
                )
                cls, low, high = mc.median_class, mc.band_low, mc.band_high
                contrib = mc.mean_contributions
                score = contrib.sum(axis=1)
                log.append(
                    {
                        "year": year,
                        "step": "monte_carlo",
                        "replications": mc.replications,
                        "seed": p["seed"] + year,
                        "choices": mc.choices,
                        "mean_band_width": round(float(np.mean(high - low)), 3),
                    }
                )
            keep = np.flatnonzero(ok & (cls > 0))
            results.extend(
                _result_rows(
                    run_id=run.pk,
                    year=year,
                    codes=year_codes[keep],
                    score=score[keep],
                    classes=(cls[keep], low[keep], high[keep]),
                    contributions=contrib[keep],
                    domains=year_spec.domains,
                    imputed=base.imputed[keep],
                    indicator_codes=year_spec.codes,
                )
            )
        _set_progress(run.pk, total, total, "saving")
        # area by area, each area's years together: the order of the unique index, so
        # the database appends to it instead of splitting pages all over
        results.sort(key=itemgetter(1, 2))
        with transaction.atomic():
            bulk_insert(IndexResult, RESULT_FIELDS, results)
            run.log = log
            run.effective_weights = effective
            run.synthetic = any(i.synthetic for i in indicators)
            run.status = IndexRun.Status.FINISHED
            run.duration_ms = int((time.perf_counter() - started) * 1000)
            run.save(
                update_fields=["log", "effective_weights", "synthetic", "status", "duration_ms"]
            )
    except (IndexRunError, IndexBuildError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        log.append({"step": "error", "message": message})
        run.log = log
        run.status = IndexRun.Status.FAILED
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["log", "status", "duration_ms"])
    _set_progress(run.pk, len(run.years), len(run.years), run.status)
    return run


def index_run_build(
    *,
    actor: Any,
    level: str,
    years: list[int],
    province: str = "",
    parameters: dict[str, Any] | None = None,
    background: bool = False,
) -> IndexRun:
    """Build a run now, or record it and build it in the background after commit (the
    task keeps its progress in the cache, see `index_run_progress`)."""
    run = index_run_create(
        actor=actor, level=level, years=years, province=province, parameters=parameters
    )
    if background:
        from ..tasks import build_index_run

        _set_progress(run.pk, 0, len(run.years), "queued")
        transaction.on_commit(lambda: build_index_run.enqueue(run_id=run.pk))
        return run
    return index_run_compute(run=run)


@transaction.atomic
def index_run_publish(*, actor: Any, run: IndexRun, published: bool = True) -> IndexRun:
    """Publish a finished run: it becomes what public pages and the API show for its
    level and years; a published run of the same level and province that shares a year
    is withdrawn."""
    if actor is not None:  # None: the system (management command, demo data)
        check_capability(actor, "monitor.analyse")
    run = IndexRun.objects.select_for_update().get(pk=run.pk)
    if published and run.status != IndexRun.Status.FINISHED:
        raise IndexRunError(_("Only a finished run can be published."))
    withdrawn: list[int] = []
    if published:
        for other in IndexRun.objects.filter(
            level=run.level, province=run.province, published=True
        ).exclude(pk=run.pk):
            if set(other.years or []) & set(run.years):
                other.published = False
                other.save(update_fields=["published"])
                withdrawn.append(other.pk)
    before = {"published": run.published}
    run.published = published
    run.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="monitor.index_run.publish" if published else "monitor.index_run.withdraw",
        obj=run,
        before=before,
        after={"published": published, "withdrawn": withdrawn},
    )
    return run
