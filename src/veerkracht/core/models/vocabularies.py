"""Reference vocabularies, editable by administrators, seeded from the documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NamedInTwoLanguages:
    """For models with a Dutch `name` and an optional English `name_en`."""

    name: str
    name_en: str

    def label(self, language: str | None = None) -> str:
        """The name in the given (or current) language, falling back to Dutch."""
        from django.utils.translation import get_language

        language = language or get_language() or "nl"
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Vocabulary(NamedInTwoLanguages, models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name (Dutch)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Theme(Vocabulary):
    """One of the programme's themes (verbinding, vertrouwen, gezondheid, sociaal ondernemen)."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ResilienceFactor(Vocabulary):
    """A hulpbron: a resource that strengthens social resilience."""

    class Domain(models.TextChoices):
        PERSONAL = "persoonlijk", _("personal")
        SOCIAL = "sociaal", _("social")
        ECONOMIC = "economisch", _("financial security and daily activity")
        ENVIRONMENT = "leefomgeving", _("living environment")

    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)

    class Meta(Vocabulary.Meta):
        verbose_name = _("resilience factor")
        verbose_name_plural = _("resilience factors")


class PolicyAgenda(Vocabulary):
    """Another provincial programme (opgave) an initiative can cross over with."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("policy agenda")
        verbose_name_plural = _("policy agendas")


class OrganisationType(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("organisation type")
        verbose_name_plural = _("organisation types")
