"""The knowledge base's demo articles: content rules and an idempotent seed."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from veerkracht.core.models import AuditRecord
from veerkracht.core.services.reference import reference_load
from veerkracht.initiatives.demo import DEMO_FILE as INITIATIVES_FILE
from veerkracht.initiatives.tests.factories import InitiativeFactory, SupportOfferFactory
from veerkracht.knowledge.demo import DEMO_FILE, demo_articles_seed
from veerkracht.knowledge.models import Article, ArticleVersion

DEMO = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["articles"]
INITIATIVES = json.loads(INITIATIVES_FILE.read_text(encoding="utf-8"))
VOCABULARIES_FILE = INITIATIVES_FILE.parents[2] / "core" / "reference" / "vocabularies.json"
VOCABULARIES = json.loads(VOCABULARIES_FILE.read_text(encoding="utf-8"))


def test_demo_articles_follow_the_rules():
    assert len(DEMO) >= 8
    assert len({a["slug"] for a in DEMO}) == len(DEMO)
    offers = {o["slug"] for o in INITIATIVES["offers"]}
    initiatives = {i["name"] for i in INITIATIVES["initiatives"]}
    themes = {t["slug"] for t in VOCABULARIES["themes"]}
    factors = {f["slug"] for f in VOCABULARIES["factors"]}
    for article in DEMO:
        words = len(" ".join(article["body"]).split())
        assert 150 <= words <= 400, (article["slug"], words)
        assert article["kind"] in Article.Kind.values
        assert article["tags"] and article["themes"] and article["factors"] and article["offers"]
        assert set(article["themes"]) <= themes, article["slug"]
        assert set(article["factors"]) <= factors, article["slug"]
        assert set(article["offers"]) <= offers, article["slug"]
        assert set(article["initiatives"]) <= initiatives, article["slug"]
    for slug in (
        "veerkrachtdialoog",
        "veerkrachtvlogger",
        "workshop-camping-kafka",
        "training-impactmonitoring",
        "impact-quick-scan",
        "impactspel",
    ):
        assert any(slug in article["offers"] for article in DEMO), slug
    assert {a["kind"] for a in DEMO} >= {"method", "howto", "case", "lesson"}


@pytest.mark.django_db
def test_seed_creates_published_linked_articles_once():
    reference_load(actor=None)
    offer = SupportOfferFactory(title="Veerkrachtdialoog", slug="veerkrachtdialoog")
    slowcare = InitiativeFactory(name="Slowcare")
    out = StringIO()
    call_command("seed_knowledge", stdout=out, stderr=StringIO())
    assert "Knowledge base seeded" in out.getvalue()
    assert Article.objects.filter(published=True).count() == len(DEMO)
    assert ArticleVersion.objects.count() == len(DEMO)
    dialogue = Article.objects.get(slug="veerkrachtdialoog")
    assert list(dialogue.offers.all()) == [offer]
    assert dialogue.themes.count() == 2
    assert dialogue.factors.count() == 4
    assert "leersleutels" in dialogue.tags.values_list("slug", flat=True)
    assert "\n\n" in dialogue.body
    assert list(Article.objects.get(slug="slowcare-lening-ontwikkelbedrijf").initiatives.all()) == [
        slowcare
    ]
    assert AuditRecord.objects.filter(action="knowledge.article_create").count() == len(DEMO)

    report = demo_articles_seed()
    assert report.created == {"articles": 0, "versions": 0, "tags": 0}
    assert report.totals["articles"] == len(DEMO)
    assert report.warnings == []  # every article existed: nothing was looked up


@pytest.mark.django_db
def test_seed_warns_about_missing_links():
    reference_load(actor=None)
    report = demo_articles_seed()
    assert report.created["articles"] == len(DEMO)
    assert any(w.startswith("Support offers not found") for w in report.warnings)
    assert report.accounts  # the demo accounts were created to act as editor
