"""Demo articles for the knowledge base, from reference/demo_articles.json.

Written through the services (with the demo programme-staff account as the editor), so
each article has its first version and audit record. Idempotent: an article whose slug
exists is left as it is, edits included. Offers (by slug) and initiatives (by name) are
linked when they exist (seed_initiatives makes them); missing ones are reported.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from veerkracht.core.models import ResilienceFactor, Role, Theme, User
from veerkracht.core.services.demo import DemoAccount, demo_account
from veerkracht.initiatives.models import Initiative, SupportOffer

from . import services
from .models import Article, ArticleVersion, Tag

DEMO_FILE = Path(__file__).resolve().parent / "reference" / "demo_articles.json"
COUNTED = {"articles": Article, "versions": ArticleVersion, "tags": Tag}


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)


def _editor(report: DemoReport) -> User:
    editor, created = demo_account(Role.Code.PROGRAMME_STAFF)
    if created:
        report.accounts = created
    return editor


def _found(model: Any, key: str, wanted: list[str], what: str, report: DemoReport) -> list:
    objects = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": wanted})}
    missing = [value for value in wanted if value not in objects]
    if missing:
        report.warnings.append(f"{what} not found: {', '.join(missing)}")
    return [objects[value] for value in wanted if value in objects]


def demo_articles_seed(*, path: Path = DEMO_FILE) -> DemoReport:
    """Create the demo articles that are missing (published); report the counts."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = DemoReport()
    with transaction.atomic():
        before = {name: model.objects.count() for name, model in COUNTED.items()}
        editor = _editor(report)
        existing = set(Article.objects.values_list("slug", flat=True))
        for item in data["articles"]:
            if item["slug"] in existing:
                continue
            services.article_create(
                actor=editor,
                slug=item["slug"],
                title=item["title"],
                kind=item["kind"],
                summary=item["summary"],
                body="\n\n".join(item["body"]),
                tags=item["tags"],
                themes=_found(Theme, "slug", item["themes"], "Themes", report),
                factors=_found(
                    ResilienceFactor, "slug", item["factors"], "Resilience factors", report
                ),
                initiatives=_found(Initiative, "name", item["initiatives"], "Initiatives", report),
                offers=_found(SupportOffer, "slug", item["offers"], "Support offers", report),
                published=True,
            )
    report.totals = {name: model.objects.count() for name, model in COUNTED.items()}
    report.created = {name: report.totals[name] - before[name] for name in COUNTED}
    return report
