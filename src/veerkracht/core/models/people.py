"""Organisations, people (accounts) and their roles."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .geography import Municipality
from .vocabularies import OrganisationType


class Organisation(models.Model):
    slug = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.ForeignKey(
        OrganisationType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("For a municipality as organisation, or where the organisation is based."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role a person can have; what a role may do is declared in `core.permissions`."""

    class Code(models.TextChoices):
        INITIATOR = "initiator", _("initiator")
        SUPPORT_PROVIDER = "support_provider", _("support provider")
        CONTACT_TEAM = "contact_team", _("contact team")
        MATCH_TEAM = "match_team", _("match team")
        PROGRAMME_STAFF = "programme_staff", _("programme staff")
        ANALYST = "analyst", _("analyst")
        FUND_MANAGER = "fund_manager", _("fund manager")
        JUROR = "juror", _("juror")
        INVESTOR = "investor", _("investor")
        ADMINISTRATOR = "administrator", _("administrator")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.Code(self.code).label)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Logs in with e-mail address and password."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="users")
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("nl", "Nederlands"), ("en", "English")],
        default="nl",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may use the admin site"),
        default=False,
        help_text=_("Set automatically for administrators."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    # Fields that hold personal data: exported on request, blanked on erasure and
    # never written into the audit trail in clear.
    PERSONAL_FIELDS = ("email", "full_name", "phone")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class ErasureRequest(models.Model):
    """A person's request to have their personal data erased (AVG art. 17)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("carried out")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="erasure_requests"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    handled_by = models.ForeignKey(
        User,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"
