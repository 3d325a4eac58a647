"""Veerkrachtdialogen: record a dialogue, what came up (coded by learning key) and the
actions people proposed. Every change needs `dialogue.record` and is audited.

Also `learning_keys_load`, which loads the reference learning keys (no user: reference
data, like core's `load_reference`).
"""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veerkracht.core import selectors as core_selectors
from veerkracht.core.models import ResilienceFactor
from veerkracht.core.models.geography import AreaLevel, area_model_for_code
from veerkracht.core.permissions import check_capability
from veerkracht.core.services.audit import audit_record, audit_snapshot

from ..models import Dialogue, DialogueAction, DialogueStatement, LearningKey

LEARNING_KEYS_FILE = Path(__file__).resolve().parent.parent / "reference" / "learning_keys.json"
DIALOGUE_FIELDS = [
    "date",
    "place",
    "level",
    "area_code",
    "participants",
    "facilitator",
    "summary",
    "synthetic",
]


def _checked_area(level: str, area_code: str) -> str:
    code = (area_code or "").strip().upper()
    if level not in AreaLevel.values:
        raise ValidationError({"level": _("Choose an area level.")})
    model = area_model_for_code(code)
    if model is None or model.level != level or not core_selectors.area_exists(code=code):
        raise ValidationError(
            {"area_code": _("There is no area of this level with this CBS code.")}
        )
    return code


def _check_dialogue_values(values: dict[str, Any]) -> None:
    if values.get("participants") is not None and int(values["participants"]) < 1:
        raise ValidationError({"participants": _("A dialogue has at least one participant.")})
    if not (values.get("place") or "").strip():
        raise ValidationError({"place": _("Enter the place.")})


@transaction.atomic
def dialogue_record(
    *,
    actor: Any,
    date: date,
    place: str,
    level: str,
    area_code: str,
    participants: int,
    facilitator: str,
    summary: str = "",
    synthetic: bool = False,
) -> Dialogue:
    check_capability(actor, "dialogue.record")
    values = {"place": place, "participants": participants}
    _check_dialogue_values(values)
    dialogue = Dialogue.objects.create(
        date=date,
        place=place.strip(),
        level=level,
        area_code=_checked_area(level, area_code),
        participants=participants,
        facilitator=facilitator.strip(),
        summary=summary.strip(),
        synthetic=synthetic,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="dialogue.record",
        obj=dialogue,
        after=audit_snapshot(dialogue, fields=DIALOGUE_FIELDS),
    )
    return dialogue


@transaction.atomic
def dialogue_update(*, actor: Any, dialogue: Dialogue, **changes: Any) -> Dialogue:
    check_capability(actor, "dialogue.record")
    unknown = set(changes) - set(DIALOGUE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown dialogue fields: {sorted(unknown)}")
    dialogue = Dialogue.objects.select_for_update().get(pk=dialogue.pk)
    before = audit_snapshot(dialogue, fields=DIALOGUE_FIELDS)
    values = {"place": dialogue.place, "participants": dialogue.participants, **changes}
    _check_dialogue_values(values)
    level = changes.get("level", dialogue.level)
    if "area_code" in changes or "level" in changes:
        changes["area_code"] = _checked_area(level, changes.get("area_code", dialogue.area_code))
    for name, value in changes.items():
        if isinstance(value, str) and name != "level":
            value = value.strip()
        setattr(dialogue, name, value)
    dialogue.save()
    audit_record(
        actor=actor,
        action="dialogue.update",
        obj=dialogue,
        before=before,
        after=audit_snapshot(dialogue, fields=DIALOGUE_FIELDS),
    )
    return dialogue


@transaction.atomic
def statement_add(
    *,
    actor: Any,
    dialogue: Dialogue,
    text: str,
    learning_key: LearningKey,
    tone: str = DialogueStatement.Tone.NEUTRAL,
    mentions: int = 1,
) -> DialogueStatement:
    check_capability(actor, "dialogue.record")
    if not text.strip():
        raise ValidationError({"text": _("Describe what came up.")})
    if tone not in DialogueStatement.Tone.values:
        raise ValidationError({"tone": _("Choose a tone.")})
    if mentions < 1:
        raise ValidationError({"mentions": _("Mentioned at least once.")})
    statement = DialogueStatement.objects.create(
        dialogue=dialogue,
        text=text.strip(),
        learning_key=learning_key,
        tone=tone,
        mentions=mentions,
    )
    audit_record(
        actor=actor,
        action="dialogue.statement_add",
        obj=statement,
        after=audit_snapshot(
            statement, fields=["dialogue", "text", "learning_key", "tone", "mentions"]
        ),
    )
    return statement


@transaction.atomic
def action_add(
    *,
    actor: Any,
    dialogue: Dialogue,
    description: str,
    learning_key: LearningKey | None = None,
) -> DialogueAction:
    check_capability(actor, "dialogue.record")
    if not description.strip():
        raise ValidationError({"description": _("Describe the proposed action.")})
    action = DialogueAction.objects.create(
        dialogue=dialogue, description=description.strip(), learning_key=learning_key
    )
    audit_record(
        actor=actor,
        action="dialogue.action_add",
        obj=action,
        after=audit_snapshot(action, fields=["dialogue", "description", "learning_key", "status"]),
    )
    return action


@transaction.atomic
def action_status_set(*, actor: Any, action: DialogueAction, status: str) -> DialogueAction:
    check_capability(actor, "dialogue.record")
    if status not in DialogueAction.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    action = DialogueAction.objects.select_for_update().get(pk=action.pk)
    before = audit_snapshot(action, fields=["status"])
    action.status = status
    action.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="dialogue.action_status_set",
        obj=action,
        before=before,
        after=audit_snapshot(action, fields=["status"]),
    )
    return action


@transaction.atomic
def learning_keys_load(*, path: Path | None = None) -> tuple[int, int]:
    """Create or update the learning keys from the reference JSON: (created, updated)."""
    data = json.loads((path or LEARNING_KEYS_FILE).read_text(encoding="utf-8"))
    factors = {factor.slug: factor for factor in ResilienceFactor.objects.all()}
    created = updated = 0
    for position, item in enumerate(data["learning_keys"], start=1):
        factor = factors.get(item["factor"])
        if factor is None:
            raise ValidationError(
                f"Learning key {item['code']}: unknown resilience factor {item['factor']!r}; "
                "run `load_reference` first."
            )
        _, was_created = LearningKey.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "description": item.get("description", ""),
                "factor": factor,
                "position": position,
            },
        )
        created += was_created
        updated += not was_created
    return created, updated
