"""Writing the audit trail."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from ..models import AuditRecord

REDACTED = "[persoonsgegevens]"


def audit_snapshot(instance: models.Model, *, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model instance's concrete fields.

    Fields a model lists in `PERSONAL_FIELDS` are recorded as changed or not, never
    with their value, so that erasing a person leaves nothing of them in the trail.
    """
    personal = set(getattr(instance, "PERSONAL_FIELDS", ()))
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if name in {"password", "boundary"}:
            continue
        value = getattr(instance, name)
        if name in personal:
            data[name] = REDACTED if value else ""
            continue
        data[name] = value
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditRecord:
    """Append one record to the audit trail, inside the caller's transaction.

    Raises RuntimeError when called outside a transaction: a change and its audit
    record are stored together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record() must run inside the service's transaction.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
        object_repr = audit_object_repr(obj)
    else:
        object_repr = ""
    if not object_type:
        raise ValueError("audit_record() needs obj or object_type.")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditRecord.objects.create(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        object_repr=object_repr,
        before=_json_safe(before),
        after=_json_safe(after),
        note=note,
    )


def audit_object_repr(obj: models.Model) -> str:
    """How an object is named in the trail: never by a person's name or e-mail address.

    For models with `PERSONAL_FIELDS` (people) the name is "<model name> #<pk>", so
    that erasing the person leaves nothing of them behind in old records.
    """
    if getattr(obj, "PERSONAL_FIELDS", None):
        return f"{obj._meta.model_name} #{obj.pk}"
    return str(obj)[:200]


def audit_changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Reduce two snapshots to the fields that differ (both None when nothing changed)."""
    if before is None or after is None:
        return before, after
    changed = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    if not changed:
        return None, None
    return (
        {key: before.get(key) for key in changed},
        {key: after.get(key) for key in changed},
    )


def _json_safe(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
