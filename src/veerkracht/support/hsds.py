"""The support catalogue as Open Referral HSDS 3.0 (Human Services Data Specification).

`catalogue_document()` returns one JSON-ready document: the providers as HSDS
`organization` objects, each with its published offers nested as HSDS `service` objects
(with `service_areas`, `contacts`, `cost_options` and `attributes` linking the offer to
taxonomy terms for its kind, themes, resilience factors and phases).

Identifiers are stable UUIDs: uuid5 of a fixed namespace and the slug (organisation,
offer, vocabulary term), so the same offer has the same id in every export. Only the
public catalogue is exported (published, active, within its dates); the contact details
are the ones the provider publishes on the offer's page.

The schemas are in data/standards/hsds/3.0/ (see data/standards/README.md).
"""

import uuid
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from veerkracht.core.models import Municipality, Province
from veerkracht.initiatives.models import Phase, SupportOffer

from .selectors.offers import OfferFilter, offer_list_public

HSDS_VERSION = "3.0"
# Fixed namespace for the export's uuid5 identifiers. Never change it: ids would change.
NAMESPACE = uuid.UUID("6f1c2a7e-3b9d-5c41-9e0a-8d2f4b6c1a30")

TAXONOMIES = {
    "kind": ("veerkracht-soort", "Soort ondersteuning", "Kind of support in the catalogue."),
    "theme": ("veerkracht-thema", "Thema", "Themes of the Sociale Veerkracht programme."),
    "factor": (
        "veerkracht-hulpbron",
        "Hulpbron voor sociale veerkracht",
        "Resilience factors (hulpbronnen) of the programme's model.",
    ),
    "phase": ("veerkracht-fase", "Fase van het initiatief", "Initiative phases the offer suits."),
}


def stable_id(*parts: str) -> str:
    """A stable UUID (version 5) for the given parts, e.g. ("service", slug)."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def _absolute(path: str) -> str:
    return settings.VEERKRACHT_SITE_URL.rstrip("/") + path


def _taxonomy(key: str) -> dict[str, Any]:
    code, name, description = TAXONOMIES[key]
    return {"id": stable_id("taxonomy", code), "name": name, "description": description}


def _term(key: str, code: str, name: str, description: str = "") -> dict[str, Any]:
    taxonomy = _taxonomy(key)
    return {
        "id": stable_id("term", TAXONOMIES[key][0], code),
        "code": code,
        "name": name,
        "description": description or name,
        "taxonomy": TAXONOMIES[key][0],
        "taxonomy_id": taxonomy["id"],
        "taxonomy_detail": taxonomy,
        "language": "nl",
    }


def _attribute(service_id: str, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": stable_id("attribute", service_id, term["id"]),
        "link_id": service_id,
        "link_type": term["taxonomy"],
        "link_entity": "service",
        "taxonomy_term_id": term["id"],
        "value": term["code"],
        "taxonomy_term": term,
    }


def _service_areas(offer: SupportOffer, service_id: str, province: str) -> list[dict[str, Any]]:
    if offer.service_area == SupportOffer.ServiceArea.MUNICIPALITIES:
        return [
            {
                "id": stable_id("service_area", offer.slug, m.code),
                "service_id": service_id,
                "name": m.name,
                "description": f"Gemeente {m.name} (CBS-code {m.code})",
                "extent_type": "cbs_gemeentecode",
                "extent": m.code,
            }
            for m in offer.municipalities.all()
        ]
    return [
        {
            "id": stable_id("service_area", offer.slug, "province"),
            "service_id": service_id,
            "name": province,
            "description": f"De hele provincie {province}",
            "extent_type": "cbs_provinciecode",
            "extent": settings.VEERKRACHT_PROVINCE,
        }
    ]


def _contacts(offer: SupportOffer, service_id: str) -> list[dict[str, Any]]:
    if not (offer.contact_name or offer.contact_email or offer.contact_phone):
        return []
    contact_id = stable_id("contact", offer.slug)
    contact: dict[str, Any] = {"id": contact_id, "service_id": service_id}
    if offer.contact_name:
        contact["name"] = offer.contact_name
    if offer.contact_email:
        contact["email"] = offer.contact_email
    if offer.contact_phone:
        contact["phones"] = [
            {
                "id": stable_id("phone", offer.slug),
                "contact_id": contact_id,
                "service_id": service_id,
                "number": offer.contact_phone,
            }
        ]
    return [contact]


def _cost_options(offer: SupportOffer, service_id: str) -> list[dict[str, Any]]:
    option: dict[str, Any] = {
        "id": stable_id("cost_option", offer.slug),
        "service_id": service_id,
        "option": str(SupportOffer.Cost(offer.cost).label),
        "currency": "EUR",
    }
    if offer.cost == SupportOffer.Cost.FREE:
        option["amount"] = 0
    elif offer.cost_amount is not None:
        option["amount"] = float(offer.cost_amount)
    if offer.cost_note:
        option["amount_description"] = offer.cost_note
    if offer.active_from:
        option["valid_from"] = offer.active_from.isoformat()
    if offer.active_until:
        option["valid_to"] = offer.active_until.isoformat()
    return [option]


def _fees_description(offer: SupportOffer) -> str:
    text = str(SupportOffer.Cost(offer.cost).label)
    if offer.cost_amount is not None and offer.cost != SupportOffer.Cost.FREE:
        text += f": € {offer.cost_amount}"
    if offer.cost_note:
        text += f" ({offer.cost_note})"
    return text


def service_data(offer: SupportOffer, *, organization_id: str, province: str) -> dict[str, Any]:
    """One offer as an HSDS `service`."""
    service_id = stable_id("service", offer.slug)
    terms = [
        _term("kind", offer.kind, str(SupportOffer.Kind(offer.kind).label)),
        *(_term("theme", t.slug, t.name, t.description) for t in offer.themes.all()),
        *(_term("factor", f.slug, f.name, f.description) for f in offer.factors.all()),
        *(_term("phase", p, str(Phase(p).label)) for p in offer.phases if p in Phase.values),
    ]
    description = "\n\n".join(part for part in (offer.summary, offer.description) if part)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization_id,
        "name": offer.title,
        "description": description,
        "url": offer.website or _absolute(reverse("support:offer_detail", args=[offer.slug])),
        "status": "active",
        "fees_description": _fees_description(offer),
        "last_modified": offer.updated_at.isoformat(),
        "service_areas": _service_areas(offer, service_id, province),
        "contacts": _contacts(offer, service_id),
        "cost_options": _cost_options(offer, service_id),
        "attributes": [_attribute(service_id, term) for term in terms],
    }
    if offer.contact_email:
        service["email"] = offer.contact_email
    if offer.capacity:
        period = str(SupportOffer.CapacityPeriod(offer.capacity_period).label)
        service["wait_time"] = f"Capaciteit: {offer.capacity} initiatieven {period}"
    return service


def catalogue_document(flt: OfferFilter | None = None) -> dict[str, Any]:
    """The public catalogue as HSDS: organizations with their services nested."""
    offers = offer_list_public(flt).prefetch_related(
        Prefetch(
            "municipalities", queryset=Municipality.objects.order_by("name").only("code", "name")
        )
    )
    province_obj = Province.objects.filter(code=settings.VEERKRACHT_PROVINCE).only("name").first()
    province = province_obj.name if province_obj else settings.VEERKRACHT_PROVINCE
    organizations: dict[int, dict[str, Any]] = {}
    for offer in offers:
        provider = offer.provider
        org = organizations.get(provider.pk)
        if org is None:
            org = {
                "id": stable_id("organization", provider.slug),
                "name": provider.name,
                "description": provider.description
                or f"Aanbieder van ondersteuning: {provider.name}",
                "services": [],
            }
            if provider.website:
                org["website"] = provider.website
            organizations[provider.pk] = org
        org["services"].append(service_data(offer, organization_id=org["id"], province=province))
    return {
        "hsds_version": HSDS_VERSION,
        "generated_at": timezone.now().isoformat(),
        "publisher": "Veerkracht — Versterken Sociale Veerkracht Noord-Brabant",
        "source": _absolute(reverse("support:offer_list")),
        "organizations": sorted(organizations.values(), key=lambda o: o["name"].lower()),
    }
