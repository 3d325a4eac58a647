"""Seeding the reference vocabularies, organisations and area groups from the documents."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from ..models import (
    AreaGroup,
    Municipality,
    Organisation,
    OrganisationType,
    PolicyAgenda,
    ResilienceFactor,
    Theme,
)
from .audit import audit_record

REFERENCE_FILE = Path(__file__).resolve().parent.parent / "reference" / "vocabularies.json"


@dataclass
class ReferenceReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.existing
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@transaction.atomic
def reference_load(*, actor: Any = None, path: Path = REFERENCE_FILE) -> ReferenceReport:
    """Create the reference rows that are missing; never overwrite what an administrator edited.

    Municipalities of the served province also get an organisation of type
    "gemeente". Area groups get their members only when they are created.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    report = ReferenceReport()
    for kind, model in (
        ("themes", Theme),
        ("factors", ResilienceFactor),
        ("policy_agendas", PolicyAgenda),
        ("organisation_types", OrganisationType),
    ):
        for position, item in enumerate(data.get(kind, []), start=1):
            defaults = {k: v for k, v in item.items() if k != "slug"}
            defaults.setdefault("position", position)
            _, created = model.objects.get_or_create(slug=item["slug"], defaults=defaults)
            report.count(kind, created)

    types = {t.slug: t for t in OrganisationType.objects.all()}
    for item in data.get("organisations", []):
        defaults = {k: v for k, v in item.items() if k not in {"slug", "type"}}
        defaults["type"] = types[item["type"]]
        _, created = Organisation.objects.get_or_create(slug=item["slug"], defaults=defaults)
        report.count("organisations", created)

    known = set(Municipality.objects.values_list("code", flat=True))
    for item in data.get("area_groups", []):
        members = [code for code in item["municipalities"] if code in known]
        missing = sorted(set(item["municipalities"]) - known)
        if missing:
            report.warnings.append(
                f"Area group {item['slug']}: municipalities not loaded: {', '.join(missing)}"
            )
        group, created = AreaGroup.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "description": item.get("description", "")},
        )
        if created or not group.municipalities.exists():
            group.municipalities.set(members)
        report.count("area_groups", created)

    gemeente = types.get("gemeente")
    if gemeente is not None:
        for municipality in Municipality.objects.filter(province_id=settings.VEERKRACHT_PROVINCE):
            _, created = Organisation.objects.get_or_create(
                slug=f"gemeente-{municipality.code.lower()}",
                defaults={
                    "name": f"Gemeente {municipality.name}",
                    "type": gemeente,
                    "municipality": municipality,
                },
            )
            report.count("municipal_organisations", created)

    if report.total_created:
        audit_record(
            actor=actor,
            action="reference.load",
            object_type="core.reference",
            after={"created": report.created},
        )
    return report
