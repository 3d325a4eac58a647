"""The support catalogue's use cases: providers enter offers, curators publish them.

Who may do what:

- A support provider (role ``support_provider`` with an ``organisation``) creates
  drafts for their own organisation, edits them and submits them for curation. Editing
  an offer that is already published sends it back to curation (status ``submitted``),
  so the public catalogue only shows what a curator approved.
- Staff with ``support_offer.curate`` create and edit any offer, publish and withdraw.

Every change is audited inside its transaction. Invalid input raises ``OfferError``
(a ``ValidationError`` whose ``message_dict`` names the fields), a missing right
``PermissionDenied``.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.core.models import Municipality, Organisation, ResilienceFactor, Theme, User
from veerkracht.core.permissions import check_capability, has_capability
from veerkracht.core.services.audit import audit_changes, audit_record, audit_snapshot
from veerkracht.core.slugs import unique_slug
from veerkracht.initiatives.models import Phase, SupportOffer

Status = SupportOffer.Status


class OfferError(ValidationError):
    """Offer data that is incomplete or inconsistent, or a step not possible now."""


@dataclass
class OfferData:
    """What a provider or curator enters about an offer."""

    title: str
    kind: str
    summary: str = ""
    description: str = ""
    themes: tuple[Theme, ...] = ()
    factors: tuple[ResilienceFactor, ...] = ()
    phases: tuple[str, ...] = ()
    service_area: str = SupportOffer.ServiceArea.PROVINCE
    municipalities: tuple[Municipality, ...] = ()
    cost: str = SupportOffer.Cost.FREE
    cost_amount: Decimal | None = None
    cost_note: str = ""
    capacity: int | None = None
    capacity_period: str = SupportOffer.CapacityPeriod.QUARTER
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    active_from: date | None = None
    active_until: date | None = None

    SCALAR_FIELDS = (
        "title",
        "kind",
        "summary",
        "description",
        "service_area",
        "cost",
        "cost_amount",
        "cost_note",
        "capacity",
        "capacity_period",
        "contact_name",
        "contact_email",
        "contact_phone",
        "website",
        "active_from",
        "active_until",
    )

    @classmethod
    def from_offer(cls, offer: SupportOffer) -> "OfferData":
        return cls(
            **{name: getattr(offer, name) for name in cls.SCALAR_FIELDS},
            phases=tuple(offer.phases or ()),
            themes=tuple(offer.themes.all()),
            factors=tuple(offer.factors.all()),
            municipalities=tuple(offer.municipalities.all()),
        )


# --- rights ---------------------------------------------------------------------------------


def can_curate(actor: Any) -> bool:
    return has_capability(actor, "support_offer.curate")


def can_manage_offer(actor: Any, offer: SupportOffer) -> bool:
    """Curators manage every offer; providers only their own organisation's."""
    if can_curate(actor):
        return True
    return (
        has_capability(actor, "support_offer.manage")
        and actor.organisation_id is not None
        and actor.organisation_id == offer.provider_id
    )


def _check_manage(actor: Any, offer: SupportOffer) -> None:
    if not can_curate(actor):
        check_capability(actor, "support_offer.manage")
    if not can_manage_offer(actor, offer):
        raise PermissionDenied(_("You can only manage your own organisation's offers."))


# --- validation -----------------------------------------------------------------------------


def validate_offer_data(data: OfferData) -> None:
    """Raise OfferError naming every field that is wrong."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.title.strip():
        add("title", _("Give the offer a title."))
    if data.kind not in SupportOffer.Kind.values:
        add("kind", _("Choose what kind of support this is."))
    if data.service_area not in SupportOffer.ServiceArea.values:
        add("service_area", _("Choose the area served."))
    elif data.service_area == SupportOffer.ServiceArea.MUNICIPALITIES and not data.municipalities:
        add("municipalities", _("Choose the municipalities served."))
    if data.cost not in SupportOffer.Cost.values:
        add("cost", _("Choose what the support costs the initiative."))
    elif (
        data.cost in (SupportOffer.Cost.PAID, SupportOffer.Cost.CONTRIBUTION)
        and data.cost_amount is None
    ):
        add("cost_amount", _("Give the amount the initiative pays."))
    if data.cost_amount is not None and data.cost_amount < 0:
        add("cost_amount", _("The amount cannot be negative."))
    unknown = [p for p in data.phases if p not in Phase.values]
    if unknown:
        add(
            "phases",
            _("Unknown phase: %(phases)s.") % {"phases": ", ".join(map(str, unknown))},
        )
    if data.capacity_period not in SupportOffer.CapacityPeriod.values:
        add("capacity_period", _("Choose a capacity period."))
    if data.active_from and data.active_until and data.active_until < data.active_from:
        add("active_until", _("The end date must not be before the start date."))
    if errors:
        raise OfferError(errors)


# First path segments under /ondersteuning/ that are pages, never an offer's slug.
RESERVED_SLUGS = ("mijn-aanbod", "beheer", "vragen")


def offer_snapshot(offer: SupportOffer) -> dict[str, Any]:
    """The offer's fields and its vocabulary links, for the audit trail."""
    data = audit_snapshot(offer)
    data.pop("updated_at", None)
    data["themes"] = sorted(offer.themes.values_list("slug", flat=True))
    data["factors"] = sorted(offer.factors.values_list("slug", flat=True))
    data["municipalities"] = sorted(offer.municipalities.values_list("code", flat=True))
    return data


def _apply(offer: SupportOffer, data: OfferData) -> None:
    for name in OfferData.SCALAR_FIELDS:
        setattr(offer, name, getattr(data, name))
    offer.title = data.title.strip()
    offer.contact_email = data.contact_email.strip().lower()
    offer.phases = [p for p in Phase.values if p in set(data.phases)]
    if offer.cost == SupportOffer.Cost.FREE:
        offer.cost_amount = None


def _set_links(offer: SupportOffer, data: OfferData) -> None:
    offer.themes.set(data.themes)
    offer.factors.set(data.factors)
    if data.service_area == SupportOffer.ServiceArea.MUNICIPALITIES:
        offer.municipalities.set(data.municipalities)
    else:
        offer.municipalities.clear()


# --- services -------------------------------------------------------------------------------


def offer_create(
    *, actor: User, data: OfferData, provider: Organisation | None = None
) -> SupportOffer:
    """Create a draft offer. Providers create for their own organisation only."""
    if can_curate(actor):
        provider = provider or actor.organisation
        if provider is None:
            raise OfferError({"provider": [_("Choose the organisation that offers this.")]})
    else:
        check_capability(actor, "support_offer.manage")
        if actor.organisation_id is None:
            raise PermissionDenied(_("Your account is not linked to an organisation."))
        if provider is not None and provider.pk != actor.organisation_id:
            raise PermissionDenied(_("You can only manage your own organisation's offers."))
        provider = actor.organisation
    validate_offer_data(data)
    with transaction.atomic():
        offer = SupportOffer(provider=provider, status=Status.DRAFT, active=True)
        _apply(offer, data)
        offer.slug = unique_slug(
            SupportOffer.objects.all(), offer.title, fallback="aanbod", reserved=RESERVED_SLUGS
        )
        offer.save()
        _set_links(offer, data)
        audit_record(
            actor=actor, action="support_offer.create", obj=offer, after=offer_snapshot(offer)
        )
    return offer


def offer_update(
    *, actor: User, offer: SupportOffer, data: OfferData, provider: Organisation | None = None
) -> SupportOffer:
    """Change an offer. A provider's change to a published offer goes back to curation."""
    _check_manage(actor, offer)
    validate_offer_data(data)
    with transaction.atomic():
        offer = SupportOffer.objects.select_for_update().get(pk=offer.pk)
        before = offer_snapshot(offer)
        _apply(offer, data)
        if provider is not None and can_curate(actor):
            offer.provider = provider
        if not can_curate(actor) and offer.status == Status.PUBLISHED:
            offer.status = Status.SUBMITTED
        offer.save()
        _set_links(offer, data)
        old, new = audit_changes(before, offer_snapshot(offer))
        if new is not None:
            audit_record(
                actor=actor, action="support_offer.update", obj=offer, before=old, after=new
            )
    return offer


def _set_status(
    *,
    actor: User,
    offer: SupportOffer,
    target: str,
    sources: tuple[str, ...],
    action: str,
    note: str = "",
) -> SupportOffer:
    with transaction.atomic():
        offer = SupportOffer.objects.select_for_update().get(pk=offer.pk)
        if offer.status not in sources:
            raise OfferError(
                _("This is not possible while the offer is “%(status)s”.")
                % {"status": offer.get_status_display()}
            )
        before = {"status": offer.status, "active": offer.active}
        offer.status = target
        if target == Status.PUBLISHED:
            offer.active = True
        offer.save(update_fields=["status", "active", "updated_at"])
        audit_record(
            actor=actor,
            action=action,
            obj=offer,
            before=before,
            after={"status": offer.status, "active": offer.active},
            note=note,
        )
    return offer


def offer_submit(*, actor: User, offer: SupportOffer) -> SupportOffer:
    """Offer a draft (or a withdrawn offer) for curation."""
    _check_manage(actor, offer)
    if not offer.summary.strip() and not offer.description.strip():
        raise OfferError(_("Describe the offer before submitting it."))
    return _set_status(
        actor=actor,
        offer=offer,
        target=Status.SUBMITTED,
        sources=(Status.DRAFT, Status.WITHDRAWN),
        action="support_offer.submit",
    )


def offer_publish(*, actor: User, offer: SupportOffer, note: str = "") -> SupportOffer:
    """Approve an offer: it appears in the public catalogue (within its dates)."""
    check_capability(actor, "support_offer.curate")
    return _set_status(
        actor=actor,
        offer=offer,
        target=Status.PUBLISHED,
        sources=(Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN),
        action="support_offer.publish",
        note=note,
    )


def offer_withdraw(*, actor: User, offer: SupportOffer, note: str = "") -> SupportOffer:
    """Take an offer out of the catalogue (it stays, for trajectories that refer to it)."""
    check_capability(actor, "support_offer.curate")
    return _set_status(
        actor=actor,
        offer=offer,
        target=Status.WITHDRAWN,
        sources=(Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED),
        action="support_offer.withdraw",
        note=note,
    )
