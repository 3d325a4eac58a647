"""Survey data and statistical model runs: the explanatory model ("top 10 hulpbronnen")
and small-area estimates (Fay–Herriot).

`model_run_explanatory` and `model_run_small_area` store a run as "running" with its
settings and enqueue the fit after commit (`monitor.tasks.model_run_fit`); the task calls
`model_run_execute`, which stores the results (or the error) on the run. Every change is
audited; each service checks `monitor.analyse` (adding survey data: `monitor.import`);
`actor=None` is the system (management commands, demo data).
"""

from __future__ import annotations

import io
import logging
import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.core.models import AreaStatistics, Municipality, Neighbourhood, ResilienceFactor
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record, audit_snapshot

from ..models import ModelRun, SurveyDataset
from ..stats import ExplanatoryError, fay_herriot, fit_explanatory
from ..stats.small_area import direct_estimates

logger = logging.getLogger(__name__)

OUTCOME = "veerkracht"
MUNICIPALITY_COLUMN = "gemeente"
NEIGHBOURHOOD_COLUMN = "buurt"
BACKGROUND_COLUMNS = ("leeftijd", "geslacht", "opleiding", "huishouden")
LEVEL_COLUMNS = {
    AreaLevel.MUNICIPALITY: MUNICIPALITY_COLUMN,
    AreaLevel.NEIGHBOURHOOD: NEIGHBOURHOOD_COLUMN,
}
# Area covariates of the Fay–Herriot model, read from core.AreaStatistics.
AREA_COVARIATES = ("log_density", "urbanity", "log_population")
MAX_SURVEY_BYTES = 200 * 1024 * 1024


class ModelRunError(ValidationError):
    """Survey data or settings that cannot be used."""


# --- survey data ---------------------------------------------------------------------------


def survey_read(dataset: SurveyDataset) -> pd.DataFrame:
    """The respondents of a dataset as a DataFrame (area codes as text)."""
    with dataset.file.open("rb") as handle:
        return pd.read_csv(
            handle,
            dtype={MUNICIPALITY_COLUMN: str, NEIGHBOURHOOD_COLUMN: str},
            keep_default_na=True,
        )


def survey_factor_columns(columns: Sequence[str]) -> list[str]:
    """The columns that are resilience factor scores (named by factor slug)."""
    slugs = list(
        ResilienceFactor.objects.order_by("position", "slug").values_list("slug", flat=True)
    )
    present = set(columns)
    return [slug for slug in slugs if slug in present]


@transaction.atomic
def survey_dataset_add(
    *,
    actor: Any,
    name: str,
    year: int,
    file: File | bytes,
    file_name: str = "survey.csv",
    description: str = "",
    synthetic: bool = False,
) -> SurveyDataset:
    """Store a survey CSV (one row per respondent) after checking its columns."""
    if actor is not None:  # None: the system (management commands, demo data)
        check_capability(actor, "monitor.import")
    content = file if isinstance(file, bytes) else file.read()
    if len(content) > MAX_SURVEY_BYTES:
        raise ModelRunError(_("The file is too large."))
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype={MUNICIPALITY_COLUMN: str})
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        raise ModelRunError(_("The file is not a readable CSV file.")) from error
    missing = [c for c in (OUTCOME, MUNICIPALITY_COLUMN) if c not in frame.columns]
    if missing:
        raise ModelRunError(
            _("Columns missing from the file: %(columns)s") % {"columns": ", ".join(missing)}
        )
    if not survey_factor_columns(frame.columns):
        raise ModelRunError(_("The file has no column named after a resilience factor."))
    if not pd.api.types.is_numeric_dtype(frame[OUTCOME]):
        raise ModelRunError(_("The column “veerkracht” must hold numbers."))
    dataset = SurveyDataset(
        name=name,
        description=description,
        year=year,
        columns=[str(c) for c in frame.columns],
        rows=len(frame),
        synthetic=synthetic,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    dataset.file.save(file_name, ContentFile(content), save=False)
    dataset.save()
    audit_record(
        actor=actor,
        action="monitor.survey_add",
        obj=dataset,
        after=audit_snapshot(dataset, fields=["name", "year", "rows", "synthetic"]),
    )
    return dataset


# --- model runs ----------------------------------------------------------------------------


def _create_run(*, actor: Any, kind: str, dataset: SurveyDataset, parameters: dict) -> ModelRun:
    run = ModelRun.objects.create(
        kind=kind,
        dataset=dataset,
        parameters=parameters,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=f"monitor.model_run_{kind}",
        obj=run,
        after={"dataset": dataset.pk, "parameters": parameters},
    )
    from ..model_tasks import model_run_fit

    run_id = run.pk
    transaction.on_commit(lambda: model_run_fit.enqueue(run_id=run_id))
    return run


@transaction.atomic
def model_run_explanatory(
    *,
    actor: Any,
    dataset: SurveyDataset,
    factors: Sequence[str] | None = None,
    covariates: Sequence[str] | None = None,
    random_intercept: bool = False,
) -> ModelRun:
    """Queue a fit of the explanatory model (OLS with HC3 errors, or with a random
    intercept per municipality). Without `factors`, every factor column is used; without
    `covariates`, the known background columns present in the data."""
    if actor is not None:  # None: the system (management commands, demo data)
        check_capability(actor, "monitor.analyse")
    available = survey_factor_columns(dataset.columns)
    factors = list(factors) if factors else available
    unknown = [f for f in factors if f not in available]
    if unknown or not factors:
        raise ModelRunError(
            _("Unknown factor columns: %(columns)s") % {"columns": ", ".join(unknown) or "-"}
        )
    if covariates is None:
        covariates = [c for c in BACKGROUND_COLUMNS if c in dataset.columns]
    unknown = [c for c in covariates if c not in dataset.columns]
    if unknown:
        raise ModelRunError(
            _("Unknown background columns: %(columns)s") % {"columns": ", ".join(unknown)}
        )
    parameters = {
        "outcome": OUTCOME,
        "factors": factors,
        "covariates": list(covariates),
        "random_intercept": bool(random_intercept),
        "group": MUNICIPALITY_COLUMN if random_intercept else None,
        "ci_level": 0.95,
    }
    return _create_run(
        actor=actor, kind=ModelRun.Kind.EXPLANATORY, dataset=dataset, parameters=parameters
    )


@transaction.atomic
def model_run_small_area(
    *,
    actor: Any,
    dataset: SurveyDataset,
    level: str = AreaLevel.MUNICIPALITY,
    province: str = "PV30",
) -> ModelRun:
    """Queue small-area estimates of the outcome per municipality or neighbourhood."""
    if actor is not None:  # None: the system (management commands, demo data)
        check_capability(actor, "monitor.analyse")
    if level not in LEVEL_COLUMNS:
        raise ModelRunError(_("Small-area estimates are made per municipality or neighbourhood."))
    if LEVEL_COLUMNS[level] not in dataset.columns:
        raise ModelRunError(_("The survey has no area codes of this level."))
    parameters = {
        "outcome": OUTCOME,
        "level": str(level),
        "province": province,
        "method": "fay_herriot",
        "covariates": list(AREA_COVARIATES),
        "interval": 0.90,
    }
    return _create_run(
        actor=actor, kind=ModelRun.Kind.SMALL_AREA, dataset=dataset, parameters=parameters
    )


@transaction.atomic
def model_run_publish(*, actor: Any, run: ModelRun, published: bool = True) -> ModelRun:
    """Publish a finished run (and withdraw the published run of the same kind and level)."""
    if actor is not None:  # None: the system (management commands, demo data)
        check_capability(actor, "monitor.analyse")
    run = ModelRun.objects.select_for_update().get(pk=run.pk)
    if published and run.status != ModelRun.Status.FINISHED:
        raise ModelRunError(_("Only a finished run can be published."))
    if published:
        others = ModelRun.objects.filter(kind=run.kind, published=True).exclude(pk=run.pk)
        if run.kind == ModelRun.Kind.SMALL_AREA:
            others = others.filter(parameters__level=run.parameters.get("level"))
        for other in others:
            other.published = False
            other.save(update_fields=["published"])
            audit_record(
                actor=actor,
                action="monitor.model_run_unpublish",
                obj=other,
                before={"published": True},
                after={"published": False},
            )
    before = run.published
    run.published = published
    run.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="monitor.model_run_publish" if published else "monitor.model_run_unpublish",
        obj=run,
        before={"published": before},
        after={"published": published},
    )
    return run


def model_run_execute(*, run_id: int) -> ModelRun:
    """Fit a queued run and store its results (the task's body; no capability check:
    the run was authorised when it was queued)."""
    run = ModelRun.objects.select_related("dataset").get(pk=run_id)
    if run.status != ModelRun.Status.RUNNING:
        return run
    started = time.perf_counter()
    try:
        frame = survey_read(run.dataset)
        if run.kind == ModelRun.Kind.EXPLANATORY:
            results = _explanatory(frame, run.parameters)
        else:
            results = _small_area(frame, run.parameters, year=run.dataset.year)
    except (ExplanatoryError, ModelRunError, ValueError, np.linalg.LinAlgError) as error:
        run.status = ModelRun.Status.FAILED
        run.error = "; ".join(getattr(error, "messages", None) or [str(error)])[:2000]
        run.results = {}
    except Exception as error:  # a task must not leave the run "running" for ever
        logger.exception("Model run %s failed", run.pk)
        run.status = ModelRun.Status.FAILED
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.results = {}
    else:
        run.status = ModelRun.Status.FINISHED
        run.results = results
        run.error = ""
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        run.save(update_fields=["status", "results", "error", "duration_ms"])
        audit_record(
            actor=None,
            action="monitor.model_run_finished",
            obj=run,
            after={"status": run.status, "duration_ms": run.duration_ms},
        )
    return run


def _explanatory(frame: pd.DataFrame, parameters: dict) -> dict[str, Any]:
    results = fit_explanatory(
        frame,
        outcome=parameters.get("outcome", OUTCOME),
        factors=parameters["factors"],
        covariates=parameters.get("covariates", []),
        group=parameters.get("group"),
        random_intercept=bool(parameters.get("random_intercept")),
        level=float(parameters.get("ci_level", 0.95)),
    )
    results["fitted_at"] = timezone.now().isoformat()
    return results


def _areas(level: str, province: str) -> list[tuple[str, str]]:
    if level == AreaLevel.MUNICIPALITY:
        qs = Municipality.objects.all()
        if province:
            qs = qs.filter(province_id=province)
    else:
        qs = Neighbourhood.objects.all()
        if province:
            qs = qs.filter(district__municipality__province_id=province)
    return list(qs.order_by("code").values_list("code", "name"))


def _area_covariates(codes: list[str], level: str, year: int) -> tuple[np.ndarray, list[str]]:
    """Intercept plus standardised CBS covariates (latest year up to the survey year;
    a missing value gets the mean). Covariates without variation are left out."""
    latest: dict[str, AreaStatistics] = {}
    stats = (
        AreaStatistics.objects.filter(level=level, area_code__in=codes, year__lte=year)
        .order_by("area_code", "-year")
        .only("area_code", "year", "density", "urbanity", "population")
    )
    for item in stats:
        latest.setdefault(item.area_code, item)
    if len(latest) < len(codes):
        for item in (
            AreaStatistics.objects.filter(level=level, area_code__in=codes)
            .exclude(area_code__in=list(latest))
            .order_by("area_code", "year")
            .only("area_code", "year", "density", "urbanity", "population")
        ):
            latest.setdefault(item.area_code, item)

    def log_or_nan(value: int | None) -> float:
        return math.log(value + 1) if value is not None else math.nan

    raw = {
        "log_density": [log_or_nan(getattr(latest.get(c), "density", None)) for c in codes],
        "urbanity": [
            float(latest[c].urbanity)
            if c in latest and latest[c].urbanity is not None
            else math.nan
            for c in codes
        ],
        "log_population": [log_or_nan(getattr(latest.get(c), "population", None)) for c in codes],
    }
    columns = [np.ones(len(codes))]
    used = []
    for name in AREA_COVARIATES:
        values = np.asarray(raw[name], dtype=float)
        known = ~np.isnan(values)
        if known.sum() < 3:
            continue
        values[~known] = values[known].mean()
        sd = values.std()
        if sd == 0:
            continue
        columns.append((values - values.mean()) / sd)
        used.append(name)
    return np.column_stack(columns), used


def _small_area(frame: pd.DataFrame, parameters: dict, *, year: int) -> dict[str, Any]:
    level = parameters["level"]
    column = LEVEL_COLUMNS.get(level)
    outcome = parameters.get("outcome", OUTCOME)
    if column not in frame.columns:
        raise ModelRunError(_("The survey has no area codes of this level."))
    data = frame[[column, outcome]].dropna()
    data = data[data[column].astype(str).str.len() > 0]
    areas = _areas(level, parameters.get("province", ""))
    if not areas:
        raise ModelRunError(_("No areas of this level are loaded."))
    codes = [code for code, _name in areas]
    index = {code: i for i, code in enumerate(codes)}
    data = data[data[column].isin(index)]
    found, means, variances, counts = direct_estimates(
        data[column].to_numpy(), data[outcome].to_numpy()
    )
    m = len(codes)
    direct = np.full(m, np.nan)
    variance = np.ones(m)
    n = np.zeros(m, dtype=int)
    for code, mean, var, count in zip(found, means, variances, counts, strict=True):
        i = index[code]
        direct[i], variance[i], n[i] = mean, var, count
    sampled = n > 0
    design, used = _area_covariates(codes, level, year)
    while design.shape[1] >= int(sampled.sum()) and design.shape[1] > 1:
        design, used = design[:, :-1], used[:-1]
    fit = fay_herriot(
        direct=np.where(sampled, direct, 0.0),
        variance=variance,
        covariates=design,
        sampled=sampled,
        level=float(parameters.get("interval", 0.90)),
    )
    names = dict(areas)
    items = []
    for i, code in enumerate(codes):
        items.append(
            {
                "code": code,
                "name": names[code],
                "n": int(n[i]),
                "direct": round(float(direct[i]), 4) if sampled[i] else None,
                "direct_se": round(math.sqrt(variance[i]), 4) if sampled[i] else None,
                "estimate": round(float(fit["estimate"][i]), 4),
                "low": round(float(fit["low"][i]), 4),
                "high": round(float(fit["high"][i]), 4),
                "se": round(math.sqrt(float(fit["mse"][i])), 4),
                "shrinkage": round(float(fit["gamma"][i]), 4),
                "synthetic_only": not bool(sampled[i]),
            }
        )
    return {
        "method": "fay_herriot",
        "level": level,
        "outcome": outcome,
        "interval": fit["level"],
        "n": int(n.sum()),
        "areas": m,
        "areas_sampled": fit["areas_sampled"],
        "covariates": used,
        "beta": [round(float(b), 6) for b in fit["beta"]],
        "area_variance": round(float(fit["area_variance"]), 6),
        "estimates": items,
        "fitted_at": timezone.now().isoformat(),
    }
