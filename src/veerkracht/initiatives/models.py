"""Initiatives and the Stérk Brabant process around them.

An initiative is found (sign-up or scouting), taken in by the contact team (first
call, visit), decided on by the weekly match team, supported through trajectories
and followed in its timeline (volgsysteem). The intake's states and transitions are
declared once in `workflows.py`.

Fields are public or internal: `Initiative.PUBLIC_FIELDS` lists what public pages
and the public API may show; everything else is for staff only.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import (
    District,
    Municipality,
    Organisation,
    PolicyAgenda,
    ResilienceFactor,
    Theme,
)


class OrganiserType(models.TextChoices):
    RESIDENTS = "residents", _("residents")
    SOCIAL_ENTREPRENEUR = "social_entrepreneur", _("social entrepreneur")
    ASSOCIATION = "association", _("association")
    COOPERATIVE = "cooperative", _("cooperative")
    ORGANISATION = "organisation", _("organisation")


class LegalForm(models.TextChoices):
    NONE = "none", _("no legal entity")
    FOUNDATION = "stichting", _("foundation (stichting)")
    ASSOCIATION = "vereniging", _("association (vereniging)")
    COOPERATIVE = "cooperatie", _("cooperative (coöperatie)")
    COMPANY = "bv", _("private company (bv)")
    GOVERNMENT = "overheid", _("public body")
    OTHER = "other", _("other")


class Phase(models.TextChoices):
    EXPLORATION = "verkenning", _("exploration")
    SHORT_SUPPORT = "kort", _("short support")
    INTENSIVE_SUPPORT = "intensief", _("intensive support")
    COMPLETED = "afgerond", _("completed")
    STOPPED = "gestopt", _("stopped")


class Scope(models.TextChoices):
    LOCAL = "local", _("one municipality")
    MUNICIPALITIES = "municipalities", _("several municipalities")
    PROVINCE = "province", _("province-wide")


class Source(models.TextChoices):
    SIGNUP = "signup", _("signed up")
    SCOUTED = "scouted", _("scouted")


class ScoutingSource(models.TextChoices):
    SOCIAL_MEDIA = "social_media", _("social media")
    ADMINISTRATOR = "administrator", _("an administrator (bestuurder)")
    OWN_NETWORK = "own_network", _("own network")
    OTHER = "other", _("other")


class IntakeState(models.TextChoices):
    SIGNED_UP = "signed_up", _("signed up")
    SCOUTED = "scouted", _("scouted")
    FIRST_CALL = "first_call", _("first call held")
    VISIT_PLANNED = "visit_planned", _("visit planned")
    VISITED = "visited", _("visited")
    ON_AGENDA = "on_agenda", _("on the match team agenda")
    MORE_INFORMATION = "more_information", _("more information needed")
    FITS = "fits", _("fits: support agreed")
    DOES_NOT_FIT = "does_not_fit", _("does not fit")
    IN_SUPPORT = "in_support", _("in support")
    CLOSED = "closed", _("closed")
    STOPPED = "stopped", _("stopped")


class Initiative(models.Model):
    """A citizen or social-enterprise initiative."""

    # What public pages, the map and the public API may show. Contact details are
    # shown only when `contact_public` is set.
    PUBLIC_FIELDS = (
        "slug",
        "name",
        "summary",
        "description",
        "goals",
        "organiser_type",
        "legal_form",
        "start_year",
        "website",
        "latitude",
        "longitude",
        "municipality",
        "district",
        "scope",
        "municipalities",
        "themes",
        "factors",
        "policy_agendas",
        "phase",
        "learning_questions",
    )
    PUBLIC_CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
    PERSONAL_FIELDS = ("contact_name", "contact_email", "contact_phone")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.CharField(_("short description"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    organiser_type = models.CharField(
        _("organised by"), max_length=30, choices=OrganiserType.choices, blank=True
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm.choices, blank=True
    )
    start_year = models.PositiveSmallIntegerField(
        _("start year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    website = models.URLField(_("website"), blank=True)

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.LOCAL)
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities covered"),
        blank=True,
        related_name="covering_initiatives",
    )

    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    factors = models.ManyToManyField(
        ResilienceFactor, verbose_name=_("resilience factors"), blank=True
    )
    policy_agendas = models.ManyToManyField(
        PolicyAgenda, verbose_name=_("policy agendas"), blank=True
    )

    phase = models.CharField(
        _("phase"), max_length=12, choices=Phase.choices, default=Phase.EXPLORATION
    )
    phase_reason = models.TextField(_("reason (when stopped)"), blank=True)
    learning_questions = models.TextField(_("learning questions"), blank=True)

    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_public = models.BooleanField(
        _("contact details may be shown publicly"),
        default=False,
        help_text=_("Only with the contact person's explicit consent."),
    )
    contact_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    # Internal: the intake and who follows the initiative.
    intake_state = models.CharField(
        _("intake state"), max_length=20, choices=IntakeState.choices, db_index=True
    )
    source = models.CharField(_("found through"), max_length=10, choices=Source.choices)
    scouting_source = models.CharField(
        _("scouted through"), max_length=20, choices=ScoutingSource.choices, blank=True
    )
    scouting_note = models.TextField(_("scouting note"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person in the team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_initiatives",
    )
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("initiator account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
    )
    internal_notes = models.TextField(_("internal notes"), blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    confirmation_token = models.CharField(max_length=64, blank=True, editable=False)
    published = models.BooleanField(
        _("shown on the Initiatievenkaart"),
        default=False,
        help_text=_("Set when the match team decides the initiative fits."),
    )
    synthetic = models.BooleanField(
        _("synthetic (generated for tests)"), default=False, db_index=True
    )
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["published", "latitude", "longitude"]),
            models.Index(fields=["municipality", "published"]),
            models.Index(fields=["phase"]),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class ContactMoment(models.Model):
    """A phone call, visit or other contact of the contact team with an initiative."""

    class Kind(models.TextChoices):
        PHONE_CALL = "phone_call", _("phone call")
        VISIT = "visit", _("visit")
        EMAIL = "email", _("e-mail")
        MEETING = "meeting", _("meeting")
        OTHER = "other", _("other")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="contact_moments"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    # Visit report: how the initiative contributes to social resilience.
    contribution = models.TextField(_("contribution to social resilience"), blank=True)
    learning_questions = models.TextField(_("learning questions"), blank=True)
    factors = models.ManyToManyField(
        ResilienceFactor, verbose_name=_("resilience factors"), blank=True
    )

    class Meta:
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class SupportOffer(models.Model):
    """A kind of support a provider offers: one entry of the support catalogue.

    The catalogue's use cases (provider self-service, curation, HSDS export, matching)
    live in the `support` app; the model stays here because trajectories refer to it.
    """

    class Kind(models.TextChoices):
        ADVICE = "advice", _("advice")
        TRAINING = "training", _("training")
        NETWORK = "network", _("network and connections")
        FINANCING = "financing", _("financing")
        VISIBILITY = "visibility", _("visibility and publicity")
        RESEARCH = "research", _("research")
        PROCESS = "process", _("process guidance")
        WORKSHOP = "workshop", _("workshop")
        METHOD = "method", _("game or method")
        COACHING = "coaching", _("coaching")

    class ServiceArea(models.TextChoices):
        PROVINCE = "province", _("the whole province")
        MUNICIPALITIES = "municipalities", _("selected municipalities")

    class Cost(models.TextChoices):
        FREE = "free", _("free of charge")
        CONTRIBUTION = "contribution", _("own contribution")
        PAID = "paid", _("paid")

    class CapacityPeriod(models.TextChoices):
        MONTH = "month", _("per month")
        QUARTER = "quarter", _("per quarter")
        YEAR = "year", _("per year")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("awaiting curation")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="offers"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    summary = models.CharField(_("short description"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="offers"
    )
    factors = models.ManyToManyField(
        ResilienceFactor, verbose_name=_("resilience factors"), blank=True, related_name="offers"
    )
    phases = models.JSONField(
        _("phases it suits"),
        default=list,
        blank=True,
        help_text=_("Initiative phases this support suits; empty means every phase."),
    )
    service_area = models.CharField(
        _("area served"), max_length=16, choices=ServiceArea.choices, default=ServiceArea.PROVINCE
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="offers",
    )
    cost = models.CharField(
        _("cost to the initiative"), max_length=12, choices=Cost.choices, default=Cost.FREE
    )
    cost_amount = models.DecimalField(
        _("amount (euro)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    cost_note = models.CharField(_("about the cost"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("How many initiatives can be helped per period; empty means no limit."),
    )
    capacity_period = models.CharField(
        _("capacity period"),
        max_length=8,
        choices=CapacityPeriod.choices,
        default=CapacityPeriod.QUARTER,
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    active_from = models.DateField(_("available from"), null=True, blank=True)
    active_until = models.DateField(_("available until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("support offer")
        verbose_name_plural = _("support offers")
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "active"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_until__isnull=True)
                | models.Q(active_from__isnull=True)
                | models.Q(active_until__gte=models.F("active_from")),
                name="support_offer_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class MatchMeeting(models.Model):
    """The weekly meeting of the match team."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")

    date = models.DateField(_("date"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("match team meeting")
        verbose_name_plural = _("match team meetings")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{_('Match team')} {self.date:%d-%m-%Y}"


class MatchDecision(models.Model):
    """One initiative on a meeting's agenda, and what the team decided about it."""

    class Outcome(models.TextChoices):
        FITS = "fits", _("fits")
        DOES_NOT_FIT = "does_not_fit", _("does not fit")
        MORE_INFORMATION = "more_information", _("more information needed")

    meeting = models.ForeignKey(MatchMeeting, on_delete=models.CASCADE, related_name="items")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="match_decisions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("considerations"), blank=True)
    new_support_needed = models.BooleanField(_("new support needed"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "initiative"], name="initiatives_one_item_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.initiative}"


class SupportNeed(models.Model):
    """Support the match team found missing; programme staff decide whether to organise it."""

    class Status(models.TextChoices):
        OPEN = "open", _("awaiting a decision")
        APPROVED = "approved", _("organised and financed by the programme")
        DECLINED = "declined", _("declined")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="support_needs"
    )
    decision = models.ForeignKey(
        MatchDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_needs",
    )
    description = models.TextField(_("what support is needed"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("support need")
        verbose_name_plural = _("support needs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.initiative}: {self.description[:60]}"


class TrajectoryState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    STARTED = "started", _("started")
    FINISHED = "finished", _("finished")
    BROKEN_OFF = "broken_off", _("broken off")


class SupportTrajectory(models.Model):
    """One support offer delivered to one initiative."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.PROTECT, related_name="trajectories"
    )
    offer = models.ForeignKey(
        SupportOffer,
        verbose_name=_("support offer"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    delivered_by = models.ForeignKey(
        Organisation,
        verbose_name=_("delivered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    decision = models.ForeignKey(
        MatchDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=TrajectoryState.choices,
        default=TrajectoryState.PROPOSED,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2, null=True, blank=True)
    costs = models.DecimalField(
        _("costs (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating by the initiative (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment by the initiative"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("support trajectory")
        verbose_name_plural = _("support trajectories")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.offer} → {self.initiative}"


class TimelineEvent(models.Model):
    """One entry in an initiative's timeline (volgsysteem). Internal."""

    class Kind(models.TextChoices):
        CREATED = "created", _("registered")
        CONTACT = "contact", _("contact")
        STATE = "state", _("intake step")
        DECISION = "decision", _("match team decision")
        SUPPORT_NEED = "support_need", _("support need")
        TRAJECTORY = "trajectory", _("support trajectory")
        PHASE = "phase", _("phase")
        NOTE = "note", _("note")
        FILE = "file", _("file")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    attachment = models.FileField(
        _("file"), upload_to="initiatives/%Y/%m/", blank=True, max_length=255
    )
    # The support trajectory an entry is about (its steps, rating and progress notes).
    trajectory = models.ForeignKey(
        "SupportTrajectory",
        verbose_name=_("support trajectory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="timeline",
    )

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["initiative", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.title}"
