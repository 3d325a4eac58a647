"""Monitor Sociale Veerkracht: indicators, observations, composite index runs, survey
model runs and Veerkrachtdialogen.

Areas are referred to by CBS level and code (`core.AreaLevel`, `GM0772`, `WK…`, `BU…`),
as `core.AreaStatistics` does, so one table holds observations of every level.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import ResilienceFactor
from veerkracht.core.models.geography import AreaLevel
from veerkracht.core.models.vocabularies import NamedInTwoLanguages


class Domain(NamedInTwoLanguages, models.Model):
    """A group of indicators: personal, social, financial and daily activity, living
    environment — or context variables, which are shown but never enter the index."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    in_index = models.BooleanField(
        _("part of the index"),
        default=True,
        help_text=_("Context domains (age, household, density …) are shown but not indexed."),
    )
    expert_weight = models.FloatField(
        _("expert weight"), default=1.0, validators=[MinValueValidator(0.0)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Indicator(NamedInTwoLanguages, models.Model):
    class Direction(models.TextChoices):
        HIGHER_BETTER = "up", _("higher is better")
        HIGHER_WORSE = "down", _("higher is worse")
        NEUTRAL = "neutral", _("neither (context)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    domain = models.ForeignKey(
        Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="indicators"
    )
    definition = models.TextField(_("definition"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, help_text=_("For example %, per 1,000, €."))
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER_BETTER
    )
    factor = models.ForeignKey(
        ResilienceFactor,
        verbose_name=_("resilience factor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    levels = models.JSONField(
        _("area levels"), default=list, help_text=_("CBS levels with data: gemeente, wijk, buurt.")
    )
    min_value = models.FloatField(_("lowest valid value"), null=True, blank=True)
    max_value = models.FloatField(_("highest valid value"), null=True, blank=True)
    goalpost_low = models.FloatField(
        _("lower goalpost"),
        null=True,
        blank=True,
        help_text=_("Fixed goalposts keep normalised values comparable between years."),
    )
    goalpost_high = models.FloatField(_("upper goalpost"), null=True, blank=True)
    expert_weight = models.FloatField(
        _("expert weight within the domain"), default=1.0, validators=[MinValueValidator(0.0)]
    )
    cbs_attribute = models.CharField(
        _("CBS attribute"),
        max_length=60,
        blank=True,
        help_text=_("Key in the CBS area attributes this indicator is read from, if any."),
    )
    synthetic = models.BooleanField(
        _("synthetic demo data"),
        default=False,
        help_text=_("Marks indicators whose observations are invented for demonstration."),
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["domain__position", "position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def in_index(self) -> bool:
        return self.domain.in_index and self.direction != self.Direction.NEUTRAL


class ObservationImport(models.Model):
    """One CSV import (or dry run) of observations, with its error report."""

    class Status(models.TextChoices):
        VALID = "valid", _("checked, no errors (dry run)")
        INVALID = "invalid", _("refused: errors found")
        STORED = "stored", _("stored")

    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("observations created"), default=0)
    updated = models.PositiveIntegerField(_("observations updated"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("observation import")
        verbose_name_plural = _("observation imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class Observation(models.Model):
    """The value of one indicator for one area and year (with its sample size)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    area_code = models.CharField(_("CBS code"), max_length=10)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    value = models.FloatField(_("value"))
    n = models.PositiveIntegerField(
        _("number of respondents or cases"),
        null=True,
        blank=True,
        help_text=_("Below the small-cell threshold the value is never shown publicly."),
    )
    source_import = models.ForeignKey(
        ObservationImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area_code", "year"], name="monitor_observation_unique"
            )
        ]
        indexes = [
            # Covering index for building the index: one level's areas in group order
            # with every value, so neither database sorts or visits the table
            # (`selectors.index.observation_matrices`).
            models.Index(
                fields=["level", "area_code", "year", "indicator", "value"],
                name="monitor_obs_cube_idx",
            ),
            models.Index(fields=["area_code", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area_code} {self.year}: {self.value}"


class IndexRun(models.Model):
    """One reproducible build of the composite index: its choices, log and results."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    province = models.CharField(
        _("province (CBS code)"), max_length=4, blank=True, help_text=_("Empty: every province.")
    )
    years = models.JSONField(_("years"), default=list)
    parameters = models.JSONField(
        _("choices"),
        default=dict,
        help_text=_(
            "Imputation, outliers, normalisation, weighting, aggregation, replications, seed."
        ),
    )
    effective_weights = models.JSONField(_("effective weights"), default=dict, blank=True)
    log = models.JSONField(_("log of steps"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("The published run per level and year is what public pages and the API show."),
    )
    synthetic = models.BooleanField(_("uses synthetic data"), default=False)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("built at"), default=timezone.now)

    class Meta:
        verbose_name = _("index run")
        verbose_name_plural = _("index runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["level", "published"])]

    def __str__(self) -> str:
        return f"{_('Index')} {self.get_level_display()} {self.years} #{self.pk}"


class IndexResult(models.Model):
    """One area's index in one run and year: score, class 1–9 with its 5–95% band, and
    each domain's contribution."""

    # No separate index on run: the unique constraint below starts with it. No
    # foreign-key constraint in the database either: results are written only by
    # `services.index` for the run it has just created, in one COPY or multi-row insert
    # of up to 180,000 rows, where PostgreSQL's per-row check would cost a second;
    # deleting a run still deletes its results (Django's cascade).
    run = models.ForeignKey(
        IndexRun,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        db_constraint=False,
    )
    area_code = models.CharField(_("CBS code"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.FloatField(_("score"))
    index_class = models.PositiveSmallIntegerField(
        _("class"),
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("1 = least, 9 = most resilient."),
    )
    band_low = models.PositiveSmallIntegerField(
        _("class, 5th percentile"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    band_high = models.PositiveSmallIntegerField(
        _("class, 95th percentile"), validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    contributions = models.JSONField(_("contributions per domain"), default=dict)
    imputed = models.JSONField(_("imputed indicators"), default=list, blank=True)

    class Meta:
        verbose_name = _("index result")
        verbose_name_plural = _("index results")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "area_code", "year"], name="monitor_index_result_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}: {self.index_class}"


class SurveyDataset(models.Model):
    """Survey microdata (one row per respondent) for the explanatory and small-area models."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("data file (CSV)"), upload_to="monitor/surveys/%Y/")
    columns = models.JSONField(_("columns"), default=list)
    rows = models.PositiveIntegerField(_("respondents"), default=0)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey dataset")
        verbose_name_plural = _("survey datasets")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class ModelRun(models.Model):
    """One fit of the explanatory model or of small-area estimates, stored with its data,
    settings and results."""

    class Kind(models.TextChoices):
        EXPLANATORY = "explanatory", _("explanatory model")
        SMALL_AREA = "small_area", _("small-area estimates")

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    dataset = models.ForeignKey(
        SurveyDataset, verbose_name=_("survey data"), on_delete=models.PROTECT, related_name="runs"
    )
    parameters = models.JSONField(_("settings"), default=dict)
    results = models.JSONField(_("results"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    error = models.TextField(_("error"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("run at"), default=timezone.now)

    class Meta:
        verbose_name = _("model run")
        verbose_name_plural = _("model runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class LearningKey(models.Model):
    """A *leersleutel*: a learning key that maps what people say to a resilience factor."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    factor = models.ForeignKey(
        ResilienceFactor,
        verbose_name=_("resilience factor"),
        on_delete=models.PROTECT,
        related_name="learning_keys",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("learning key")
        verbose_name_plural = _("learning keys")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Dialogue(models.Model):
    """A Veerkrachtdialoog session held in an area."""

    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    level = models.CharField(
        _("area level"), max_length=10, choices=AreaLevel.choices, default=AreaLevel.MUNICIPALITY
    )
    area_code = models.CharField(_("CBS code of the area"), max_length=10, db_index=True)
    participants = models.PositiveIntegerField(_("number of participants"))
    facilitator = models.CharField(
        _("facilitator"),
        max_length=200,
        help_text=_("Organisation or role; a person's name only with their consent."),
    )
    summary = models.TextField(_("summary"), blank=True)
    synthetic = models.BooleanField(_("synthetic demo data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Veerkrachtdialoog")
        verbose_name_plural = _("Veerkrachtdialogen")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.place} {self.date:%d-%m-%Y}"


class DialogueStatement(models.Model):
    """Something that came up in a dialogue, coded with a learning key."""

    class Tone(models.TextChoices):
        STRENGTH = "strength", _("strength")
        CONCERN = "concern", _("concern")
        NEUTRAL = "neutral", _("neutral")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField(_("what came up"))
    learning_key = models.ForeignKey(
        LearningKey,
        verbose_name=_("learning key"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    tone = models.CharField(_("tone"), max_length=10, choices=Tone.choices, default=Tone.NEUTRAL)
    mentions = models.PositiveSmallIntegerField(
        _("times mentioned"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("dialogue statement")
        verbose_name_plural = _("dialogue statements")
        ordering = ["dialogue", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class DialogueAction(models.Model):
    """An action the participants proposed."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        STARTED = "started", _("started")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action"))
    learning_key = models.ForeignKey(
        LearningKey,
        verbose_name=_("learning key"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )

    class Meta:
        verbose_name = _("proposed action")
        verbose_name_plural = _("proposed actions")
        ordering = ["dialogue", "pk"]

    def __str__(self) -> str:
        return self.description[:60]
