"""CBS areas (provincie, gemeente, wijk, buurt), keyed by their CBS codes.

Boundaries are stored as GeoJSON geometry objects (WGS84) so that the same schema
works on SQLite and PostgreSQL without a spatial extension; point-in-area lookups
use an in-memory spatial index (see `core.geo`).
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "provincie", _("province")
    MUNICIPALITY = "gemeente", _("municipality")
    DISTRICT = "wijk", _("district")
    NEIGHBOURHOOD = "buurt", _("neighbourhood")


class Area(models.Model):
    """Common fields of every CBS area."""

    name = models.CharField(_("name"), max_length=200)
    boundary = models.JSONField(_("boundary (GeoJSON geometry, WGS84)"), null=True, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    centroid_lon = models.FloatField(_("centroid longitude"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("boundary year"), null=True, blank=True, help_text=_("CBS year of the boundary.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    level: AreaLevel

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def centroid(self) -> tuple[float, float] | None:
        if self.centroid_lat is None or self.centroid_lon is None:
            return None
        return (self.centroid_lat, self.centroid_lon)


class Province(Area):
    level = AreaLevel.PROVINCE
    code = models.CharField(
        _("CBS code"),
        max_length=4,
        primary_key=True,
        validators=[RegexValidator(r"^PV\d{2}$", _("A province code looks like PV30."))],
    )

    class Meta(Area.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Municipality(Area):
    level = AreaLevel.MUNICIPALITY
    code = models.CharField(
        _("CBS code"),
        max_length=6,
        primary_key=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("A municipality code looks like GM0828."))],
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
    )

    class Meta(Area.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")


class District(Area):
    level = AreaLevel.DISTRICT
    code = models.CharField(
        _("CBS code"),
        max_length=8,
        primary_key=True,
        validators=[RegexValidator(r"^WK\d{6}$", _("A district code looks like WK082801."))],
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="districts",
    )

    class Meta(Area.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Neighbourhood(Area):
    level = AreaLevel.NEIGHBOURHOOD
    code = models.CharField(
        _("CBS code"),
        max_length=10,
        primary_key=True,
        validators=[RegexValidator(r"^BU\d{8}$", _("A neighbourhood code looks like BU08280100."))],
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
    )

    class Meta(Area.Meta):
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")


# The model of each CBS level, and the prefix its codes start with (PV30, GM0828, …).
AREA_MODELS: dict[str, type[Area]] = {
    AreaLevel.PROVINCE: Province,
    AreaLevel.MUNICIPALITY: Municipality,
    AreaLevel.DISTRICT: District,
    AreaLevel.NEIGHBOURHOOD: Neighbourhood,
}
AREA_CODE_PREFIXES = {"PV": Province, "GM": Municipality, "WK": District, "BU": Neighbourhood}


def area_model_for_code(code: str) -> type[Area] | None:
    """The area model a CBS code belongs to, from its prefix (None when unknown)."""
    return AREA_CODE_PREFIXES.get(code[:2].upper())


class AreaStatistics(models.Model):
    """CBS attributes of one area in one year ("Kerncijfers wijken en buurten").

    `values` keeps every attribute under its CBS name, with CBS's negative
    sentinels turned into null, so the monitor can turn them into observations.
    The most used figures are also columns, for querying and sorting.
    """

    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    area_code = models.CharField(_("CBS code"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    density = models.PositiveIntegerField(_("inhabitants per km²"), null=True, blank=True)
    urbanity = models.PositiveSmallIntegerField(
        _("urbanity (1 very urban – 5 not urban)"), null=True, blank=True
    )
    land_area_ha = models.PositiveIntegerField(_("land area (ha)"), null=True, blank=True)
    values = models.JSONField(_("CBS attributes"), default=dict)
    source = models.CharField(_("source"), max_length=200, default="CBS, Kadaster")

    class Meta:
        verbose_name = _("area statistics")
        verbose_name_plural = _("area statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "year"], name="core_areastatistics_unique_area_year"
            )
        ]
        indexes = [models.Index(fields=["level", "year"])]
        ordering = ["area_code", "-year"]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year}"


class AreaGroup(models.Model):
    """A named set of municipalities, such as the M7 cities or West-Brabant."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="area_groups"
    )

    class Meta:
        verbose_name = _("area group")
        verbose_name_plural = _("area groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
