"""Read queries for the support catalogue: the public catalogue, providers' and curators' lists."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from veerkracht.core.filters import QueryFilter
from veerkracht.core.models import Municipality, Organisation, ResilienceFactor, Theme
from veerkracht.initiatives.models import Phase, SupportOffer

Status = SupportOffer.Status


@dataclass(frozen=True)
class OfferFilter(QueryFilter):
    """The catalogue's filter, the same for the page and the API.

    URL parameters (Dutch on pages, English or Dutch in the API): soort, thema,
    hulpbron, gemeente, fase, q.
    """

    kind: str = ""
    theme: str = ""
    factor: str = ""
    municipality: str = ""
    phase: str = ""
    q: str = ""

    PARAMS = {
        "kind": "soort",
        "theme": "thema",
        "factor": "hulpbron",
        "municipality": "gemeente",
        "phase": "fase",
        "q": "q",
    }

    def validate(self) -> "OfferFilter":
        """Raise FilterError naming the parameter and value that match nothing."""
        if self.is_empty():
            return self
        self.check_choice("kind", SupportOffer.Kind.values)
        self.check_choice("phase", Phase.values)
        self.check_exists(
            [
                ("theme", Theme.objects.filter(slug=self.theme)),
                ("factor", ResilienceFactor.objects.filter(slug=self.factor)),
                ("municipality", Municipality.objects.filter(code=self.municipality)),
            ]
        )
        self.check_text()
        return self


def offers_current(qs: QuerySet[SupportOffer] | None = None) -> QuerySet[SupportOffer]:
    """Published, active offers available today (within active_from … active_until)."""
    today = timezone.localdate()
    qs = qs if qs is not None else SupportOffer.objects.all()
    return qs.filter(status=Status.PUBLISHED, active=True).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=today),
        Q(active_until__isnull=True) | Q(active_until__gte=today),
    )


def offers_filtered(flt: OfferFilter, qs: QuerySet[SupportOffer]) -> QuerySet[SupportOffer]:
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.theme:
        qs = qs.filter(
            pk__in=SupportOffer.themes.through.objects.filter(theme__slug=flt.theme).values(
                "supportoffer_id"
            )
        )
    if flt.factor:
        qs = qs.filter(
            pk__in=SupportOffer.factors.through.objects.filter(
                resiliencefactor__slug=flt.factor
            ).values("supportoffer_id")
        )
    if flt.municipality:
        listing = SupportOffer.municipalities.through.objects.filter(
            municipality_id=flt.municipality
        ).values("supportoffer_id")
        qs = qs.filter(Q(service_area=SupportOffer.ServiceArea.PROVINCE) | Q(pk__in=listing))
    if flt.phase:
        # An empty list means "every phase". JSON as text works the same on SQLite and
        # PostgreSQL; phase values are plain words, checked by validate().
        qs = qs.annotate(phases_text=Cast("phases", TextField())).filter(
            Q(phases_text__contains=f'"{flt.phase}"') | Q(phases_text="[]")
        )
    if flt.q:
        qs = qs.filter(
            Q(title__icontains=flt.q)
            | Q(summary__icontains=flt.q)
            | Q(description__icontains=flt.q)
        )
    return qs


def _with_relations(qs: QuerySet[SupportOffer]) -> QuerySet[SupportOffer]:
    return qs.select_related("provider").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "name")),
        Prefetch("factors", queryset=ResilienceFactor.objects.order_by("position", "name")),
    )


def offer_list_public(flt: OfferFilter | None = None) -> QuerySet[SupportOffer]:
    """The public catalogue: current offers matching the filter, by title."""
    qs = offers_filtered(flt or OfferFilter(), offers_current())
    return _with_relations(qs).order_by("title", "pk")


def offer_get_public(*, slug: str) -> SupportOffer | None:
    """One offer of the public catalogue, with everything its page shows."""
    return (
        _with_relations(offers_current().filter(slug=slug))
        .prefetch_related(
            Prefetch(
                "municipalities",
                queryset=Municipality.objects.order_by("name").only("code", "name"),
            ),
        )
        .first()
    )


def offer_articles(offer: SupportOffer) -> list[Any]:
    """Published knowledge articles linked to the offer, by title."""
    return list(
        offer.articles.filter(published=True).order_by("title").only("slug", "title", "summary")
    )


def offers_for_provider(organisation: Organisation | None) -> QuerySet[SupportOffer]:
    """Every offer of one provider organisation, any status, by title."""
    if organisation is None:
        return SupportOffer.objects.none()
    return SupportOffer.objects.filter(provider=organisation).order_by("title", "pk")


def offers_for_curation(*, status: str = Status.SUBMITTED) -> QuerySet[SupportOffer]:
    """Curators' list: by status (default: the offers waiting for approval), oldest change first."""
    qs = SupportOffer.objects.select_related("provider")
    if status:
        qs = qs.filter(status=status)
    return (
        qs.order_by("updated_at", "pk")
        if status == Status.SUBMITTED
        else qs.order_by("title", "pk")
    )


def offer_counts_by_status() -> dict[str, int]:
    rows = SupportOffer.objects.values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
