"""The support demo: enriched catalogue and questions, through the services, idempotently."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from veerkracht.core.geo import reset_locate_index
from veerkracht.core.models import AuditRecord
from veerkracht.core.services.geography import cbs_areas_import
from veerkracht.core.services.reference import reference_load
from veerkracht.core.tests.geodata import shipped_gemeenten
from veerkracht.initiatives.demo import DEMO_FILE, demo_initiatives_seed
from veerkracht.initiatives.models import Phase, SupportOffer
from veerkracht.support.demo import REFERENCE, support_demo_seed
from veerkracht.support.models import Question
from veerkracht.support.selectors.offers import OfferFilter, offer_list_public
from veerkracht.support.services.offers import OfferData, validate_offer_data

pytestmark = pytest.mark.django_db

CATALOGUE = json.loads((REFERENCE / "catalogue.json").read_text(encoding="utf-8"))
QUESTIONS = json.loads((REFERENCE / "questions.json").read_text(encoding="utf-8"))
DOCUMENTED = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["offers"]


@pytest.fixture
def seeded_initiatives(mailoutbox):
    data = shipped_gemeenten()
    data["features"] = [
        f for f in data["features"] if f["properties"].get("provinciecode") == "PV30"
    ]
    cbs_areas_import(actor=None, path_or_data=data)
    reset_locate_index()
    reference_load(actor=None)
    demo_initiatives_seed()
    yield
    reset_locate_index()


def test_the_file_covers_every_documented_offer():
    assert sorted(i["slug"] for i in CATALOGUE["offers"]) == sorted(o["slug"] for o in DOCUMENTED)
    documented = {o["slug"] for o in DOCUMENTED}
    assert not documented & {i["slug"] for i in CATALOGUE["new_offers"]}
    for item in [*CATALOGUE["offers"], *CATALOGUE["new_offers"]]:
        assert item["summary"] and len(item["summary"]) <= 300, item["slug"]
        assert len(item["description"]) > 300, item["slug"]
        assert item["themes"] and item["factors"], item["slug"]
        assert set(item["phases"]) <= set(Phase.values), item["slug"]
        assert item["contact_email"].endswith("@example.org"), item["slug"]


def test_needs_seed_initiatives_first():
    with pytest.raises(CommandError):
        call_command("seed_support", stdout=StringIO())


def test_seed_enriches_adds_and_is_idempotent(seeded_initiatives):
    out = StringIO()
    call_command("seed_support", stdout=out)
    assert "Support demo seeded" in out.getvalue()
    total = len(DOCUMENTED) + len(CATALOGUE["new_offers"])
    assert SupportOffer.objects.count() == total
    # Every offer is complete, valid and in the public catalogue.
    assert offer_list_public().count() == total
    for offer in SupportOffer.objects.prefetch_related("themes", "factors", "municipalities"):
        assert offer.summary and offer.themes.exists() and offer.factors.exists(), offer.slug
        validate_offer_data(OfferData.from_offer(offer))
    assert Question.objects.count() == len(QUESTIONS["questions"])
    assert AuditRecord.objects.filter(action="support_offer.update").count() == len(DOCUMENTED)
    assert AuditRecord.objects.filter(action="support_offer.publish").count() == len(
        CATALOGUE["new_offers"]
    )

    before = (SupportOffer.objects.count(), Question.objects.count(), AuditRecord.objects.count())
    out = StringIO()
    call_command("seed_support", stdout=out)
    assert "nothing new created" in out.getvalue()
    after = (SupportOffer.objects.count(), Question.objects.count(), AuditRecord.objects.count())
    assert before == after


def test_demo_catalogue_answers_the_documents_questions(seeded_initiatives):
    support_demo_seed()
    impact = {o.slug for o in offer_list_public(OfferFilter(q="impact"))}
    assert {"training-impactmonitoring", "impact-quick-scan", "pilot-impactmonitoring"} <= impact
    financing = {o.slug for o in offer_list_public(OfferFilter(kind="financing"))}
    assert {"lening-ontwikkelbedrijf", "resultatenfonds"} <= financing
    # The Resultatenfonds serves the five municipalities with outcome contracts only.
    in_tilburg = {o.slug for o in offer_list_public(OfferFilter(municipality="GM0855"))}
    in_oss = {o.slug for o in offer_list_public(OfferFilter(municipality="GM0828"))}
    assert "resultatenfonds" in in_tilburg and "resultatenfonds" not in in_oss
    social = {o.slug for o in offer_list_public(OfferFilter(theme="sociaal-ondernemen"))}
    assert {"businesscase-ontwikkelen", "buy-social", "lidmaatschap-social-enterprise-nl"} <= social


def test_demo_questions(seeded_initiatives):
    support_demo_seed()
    lokaal = Question.objects.get(initiative__name="Lokaal Plus (wijkleerbedrijf)")
    assert lokaal.on_behalf and lokaal.public and lokaal.status == Question.Status.HELPING
    assert "impact" in lokaal.title.lower()
    flowkids = Question.objects.get(initiative__name="FlowKids")
    assert not flowkids.on_behalf  # asked by the initiator account
    slowcare = Question.objects.get(initiative__name="Slowcare")
    assert slowcare.status == Question.Status.ANSWERED and "Ontwikkelbedrijf" in slowcare.answer
    assert Question.objects.filter(status=Question.Status.CLOSED).count() == 1
