"""Questions of initiatives, match proposals with their track record, and the forum.

The support catalogue itself is `initiatives.SupportOffer` (trajectories refer to it);
its use cases live in this app's services and selectors.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veerkracht.core.models import ResilienceFactor, Theme
from veerkracht.initiatives.models import Initiative, MatchDecision, SupportOffer


class Question(models.Model):
    """A learning or help question of an initiative (leervraag / hulpvraag)."""

    class Kind(models.TextChoices):
        LEARNING = "learning", _("learning question")
        HELP = "help", _("help question")

    class Urgency(models.TextChoices):
        LOW = "low", _("can wait")
        NORMAL = "normal", _("normal")
        HIGH = "high", _("urgent")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HELPING = "helping", _("being helped")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HELP)
    title = models.CharField(_("question in one line"), max_length=200)
    text = models.TextField(_("explanation"), blank=True)
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="questions"
    )
    factors = models.ManyToManyField(
        ResilienceFactor,
        verbose_name=_("resilience factors"),
        blank=True,
        related_name="questions",
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    public = models.BooleanField(
        _("may be shown publicly"),
        default=False,
        help_text=_("Public questions can be found by other initiatives and providers."),
    )
    on_behalf = models.BooleanField(
        _("entered by the contact team on the initiative's behalf"), default=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer or outcome"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.title


class MatchProposal(models.Model):
    """A support offer the matching engine (or a person) proposed for an initiative.

    The score, its components and the reason are frozen at proposal time; the team
    records afterwards whether the match was taken up and whether it helped, which
    feeds the offer's track record.
    """

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="match_proposals",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
    )
    offer = models.ForeignKey(
        SupportOffer,
        verbose_name=_("support offer"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    decision = models.ForeignKey(
        MatchDecision,
        verbose_name=_("match team agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    score = models.FloatField(_("score"), default=0.0)
    components = models.JSONField(_("score components"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=400, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    taken_up = models.BooleanField(_("taken up"), null=True, blank=True)
    helped = models.BooleanField(_("helped"), null=True, blank=True)
    feedback_note = models.TextField(_("feedback"), blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("feedback recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback_at = models.DateTimeField(_("feedback recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "question", "offer"], name="support_proposal_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} → {self.initiative}"


class ForumCategory(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    premoderated = models.BooleanField(
        _("pre-moderation"),
        default=False,
        help_text=_("New threads and replies appear only after a moderator approved them."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    PUBLISHED = "published", _("published")
    PENDING = "pending", _("awaiting moderation")
    HIDDEN = "hidden", _("hidden by a moderator")


class Thread(models.Model):
    """A forum thread: a question someone asks or an offer someone makes."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("question")
        OFFER = "offer", _("offer")

    category = models.ForeignKey(
        ForumCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="threads",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_threads",
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("on behalf of initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_threads",
    )
    offer = models.ForeignKey(
        SupportOffer,
        verbose_name=_("about support offer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum_threads",
    )
    question = models.OneToOneField(
        Question,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="thread",
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="forum_threads"
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PUBLISHED,
        db_index=True,
    )
    closed = models.BooleanField(_("closed"), default=False)
    accepted_post = models.ForeignKey(
        "Post",
        verbose_name=_("accepted answer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("forum thread")
        verbose_name_plural = _("forum threads")
        ordering = ["-last_activity_at", "-pk"]
        indexes = [models.Index(fields=["visibility", "last_activity_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    """A message in a thread; the first post of a thread is its opening text."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
    )
    body = models.TextField(_("message"))
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED
    )
    moderation_note = models.CharField(_("moderation note"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("forum post")
        verbose_name_plural = _("forum posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["author", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"


class Follow(models.Model):
    """Someone who wants an e-mail when a thread gets a new reply."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_follows"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="support_follow_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.thread}"


class Report(models.Model):
    """A report of a post that breaks the forum's rules, handled by a moderator."""

    class Resolution(models.TextChoices):
        HIDDEN = "hidden", _("post hidden")
        DISMISSED = "dismissed", _("report dismissed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "reporter"], name="support_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"
