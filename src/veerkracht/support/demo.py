"""Demo data of the support app: the enriched catalogue and questions of the demo initiatives.

`reference/catalogue.json` completes the 22 offers that `seed_initiatives` creates as
minimal entries (summary, themes, resilience factors, phases, area served, cost,
capacity and an organisation contact address) and adds offers the documents name that
were missing. `reference/questions.json` holds questions derived from the initiatives'
learning questions.

Everything goes through the services, as the demo accounts of `core` (programme staff
curates the catalogue, the contact team enters questions on the initiatives' behalf,
the initiator account asks FlowKids' question), so the audit trail is real.

Idempotent: an offer that already has a summary is left alone (it was enriched or
edited before), a new offer is created only when its slug is free, and a question only
when its initiative has no question with that title.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from veerkracht.core.models import Municipality, Organisation, ResilienceFactor, Role, Theme, User
from veerkracht.core.services.demo import demo_email
from veerkracht.initiatives.models import Initiative, SupportOffer

from .models import Question
from .services.offers import OfferData, offer_create, offer_publish, offer_update
from .services.questions import QuestionData, question_create, question_status_set

REFERENCE = Path(__file__).parent / "reference"

# The status steps from "open" to each target status.
STATUS_PATHS = {
    Question.Status.OPEN: (),
    Question.Status.HELPING: (Question.Status.HELPING,),
    Question.Status.ANSWERED: (Question.Status.HELPING, Question.Status.ANSWERED),
    Question.Status.CLOSED: (Question.Status.CLOSED,),
}


class DemoError(Exception):
    """The demo cannot be built (seed_initiatives not run, reference data missing)."""


@dataclass
class SupportDemoReport:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, name: str, n: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + n

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _load(name: str) -> dict[str, Any]:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def _user(role: str) -> User:
    user = User.objects.filter(email=demo_email(role), is_active=True).first()
    if user is None:
        raise DemoError(
            f"The demo account {demo_email(role)} is missing: run manage.py seed_initiatives first."
        )
    return user


class _Vocabularies:
    def __init__(self) -> None:
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.factors = {f.slug: f for f in ResilienceFactor.objects.all()}
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.providers = {o.slug: o for o in Organisation.objects.all()}

    def pick(self, table: dict[str, Any], keys: list[str], what: str) -> tuple[Any, ...]:
        missing = [k for k in keys if k not in table]
        if missing:
            raise DemoError(
                f"Unknown {what}: {', '.join(missing)}. Load the reference data and the CBS "
                "areas first (manage.py load_reference, manage.py import_cbs_areas)."
            )
        return tuple(table[k] for k in keys)


def _offer_data(item: dict[str, Any], base: OfferData, voc: _Vocabularies) -> OfferData:
    amount = item.get("cost_amount")
    return OfferData(
        title=item.get("title", base.title),
        kind=item.get("kind", base.kind),
        summary=item.get("summary", base.summary),
        description=item.get("description", base.description),
        themes=voc.pick(voc.themes, item.get("themes", []), "themes"),
        factors=voc.pick(voc.factors, item.get("factors", []), "resilience factors"),
        phases=tuple(item.get("phases", [])),
        service_area=item.get("service_area", SupportOffer.ServiceArea.PROVINCE),
        municipalities=voc.pick(
            voc.municipalities, item.get("municipalities", []), "municipalities"
        ),
        cost=item.get("cost", SupportOffer.Cost.FREE),
        cost_amount=Decimal(str(amount)) if amount is not None else None,
        cost_note=item.get("cost_note", ""),
        capacity=item.get("capacity"),
        capacity_period=item.get("capacity_period", SupportOffer.CapacityPeriod.QUARTER),
        contact_name=item.get("contact_name", ""),
        contact_email=item.get("contact_email", ""),
        contact_phone=item.get("contact_phone", ""),
        website=item.get("website", base.website),
        active_from=base.active_from,
        active_until=base.active_until,
    )


def _catalogue(curator: User, voc: _Vocabularies, report: SupportDemoReport) -> None:
    data = _load("catalogue.json")
    known = {
        o.slug: o for o in SupportOffer.objects.filter(slug__in=[i["slug"] for i in data["offers"]])
    }
    missing = [i["slug"] for i in data["offers"] if i["slug"] not in known]
    if missing:
        raise DemoError(
            "The documented offers are missing (" + ", ".join(missing) + "): run manage.py "
            "seed_initiatives first."
        )
    for item in data["offers"]:
        offer = known[item["slug"]]
        if offer.summary.strip():
            continue  # enriched or edited before: keep it
        offer_update(
            actor=curator, offer=offer, data=_offer_data(item, OfferData.from_offer(offer), voc)
        )
        report.add("offers_enriched")
    for item in data["new_offers"]:
        if SupportOffer.objects.filter(slug=item["slug"]).exists():
            continue
        (provider,) = voc.pick(voc.providers, [item["provider"]], "organisations")
        base = OfferData(title=item["title"], kind=item["kind"])
        offer = offer_create(actor=curator, data=_offer_data(item, base, voc), provider=provider)
        if offer.slug != item["slug"]:
            SupportOffer.objects.filter(pk=offer.pk).update(slug=item["slug"])
            offer.slug = item["slug"]
        offer_publish(actor=curator, offer=offer, note="Demo catalogue")
        report.add("offers_added")


def _questions(voc: _Vocabularies, report: SupportDemoReport) -> None:
    contact = _user(Role.Code.CONTACT_TEAM)
    data = _load("questions.json")
    initiatives = {
        i.name: i
        for i in Initiative.objects.filter(name__in=[q["initiative"] for q in data["questions"]])
    }
    for item in data["questions"]:
        initiative = initiatives.get(item["initiative"])
        if initiative is None:
            report.warnings.append(f"No initiative '{item['initiative']}': question skipped.")
            continue
        if Question.objects.filter(initiative=initiative, title=item["title"]).exists():
            continue
        by_initiator = item.get("by_initiator") and initiative.initiator_id
        actor = initiative.initiator if by_initiator else contact
        question = question_create(
            actor=actor,
            initiative=initiative,
            data=QuestionData(
                title=item["title"],
                text=item.get("text", ""),
                kind=item.get("kind", Question.Kind.HELP),
                urgency=item.get("urgency", Question.Urgency.NORMAL),
                public=item.get("public", False),
                themes=voc.pick(voc.themes, item.get("themes", []), "themes"),
                factors=voc.pick(voc.factors, item.get("factors", []), "resilience factors"),
            ),
        )
        steps = STATUS_PATHS[item.get("status", Question.Status.OPEN)]
        for n, status in enumerate(steps):
            last = n == len(steps) - 1
            question = question_status_set(
                actor=contact,
                question=question,
                status=status,
                answer=item.get("answer", "") if last else None,
            )
        report.add("questions")


def support_demo_seed() -> SupportDemoReport:
    """Enrich the documented offers, add the missing ones and the demo questions."""
    report = SupportDemoReport()
    with transaction.atomic():
        curator = _user(Role.Code.PROGRAMME_STAFF)
        voc = _Vocabularies()
        _catalogue(curator, voc, report)
        _questions(voc, report)
    report.totals = {
        "offers_enriched": SupportOffer.objects.exclude(summary="").count(),
        "offers_added": SupportOffer.objects.count(),
        "questions": Question.objects.count(),
    }
    return report
