"""The initiatives app's part in AVG (GDPR) export and erasure.

Personal data here are an initiative's contact details (`Initiative.PERSONAL_FIELDS`)
and the links to the accounts of its initiator and of its contact person in the team
(`owner`).

- Export: every initiative the person is linked to (initiator, owner) or whose
  contact e-mail address is theirs, with their role; contact details only where they
  are the person's own (the contact e-mail address is theirs), never someone else's.
- Erasure: for initiatives whose initiator is the person, or whose contact address is
  theirs, the contact details are blanked when they are the person's own, and
  `contact_public` is switched off. The initiative itself, its timeline and the
  decisions about it stay. Each change leaves a timeline entry and an audit record.

`core.services.people.user_anonymise` calls erasers inside its transaction. When it
has already replaced the account's e-mail address by the time the eraser runs, the
person's own address can no longer be compared; the eraser then treats the contact
details of initiatives the person initiated as theirs (erasing rather than keeping).
"""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from veerkracht.core import personal_data
from veerkracht.core.services.audit import audit_record

from .models import Initiative, TimelineEvent

ANONYMISED_EMAIL_PREFIX = "verwijderd-"


def _own_email(user: Any) -> str:
    """The person's e-mail address, or "" when the account has already been blanked."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if getattr(user, "anonymised_at", None) is not None and email.startswith(
        ANONYMISED_EMAIL_PREFIX
    ):
        return ""
    return email


def _linked(user: Any, email: str):
    condition = Q(initiator=user) | Q(owner=user)
    if email:
        condition |= Q(contact_email__iexact=email)
    return (
        Initiative.objects.filter(condition)
        .select_related("municipality")
        .defer("municipality__boundary")
        .order_by("pk")
    )


def initiatives_export(user: Any) -> list[dict[str, Any]]:
    """The initiatives linked to the person, with their role and their own contact details."""
    email = _own_email(user)
    rows = []
    for initiative in _linked(user, email):
        roles = []
        if initiative.initiator_id == user.pk:
            roles.append("initiator")
        if initiative.owner_id == user.pk:
            roles.append("owner")
        own_contact = bool(email) and initiative.contact_email.lower() == email
        if own_contact:
            roles.append("contact_person")
        row: dict[str, Any] = {
            "id": initiative.pk,
            "name": initiative.name,
            "municipality": initiative.municipality.name if initiative.municipality else "",
            "roles": roles,
            "created_at": initiative.created_at.isoformat(),
        }
        if own_contact:
            row["contact"] = {
                "name": initiative.contact_name,
                "email": initiative.contact_email,
                "phone": initiative.contact_phone,
                "public": initiative.contact_public,
                "consent_at": (
                    initiative.contact_consent_at.isoformat()
                    if initiative.contact_consent_at
                    else None
                ),
                "email_confirmed_at": (
                    initiative.email_confirmed_at.isoformat()
                    if initiative.email_confirmed_at
                    else None
                ),
            }
        rows.append(row)
    return rows


def initiatives_erase(user: Any) -> None:
    """Blank the person's own contact details on their initiatives; keep the initiatives."""
    email = _own_email(user)
    condition = Q(initiator=user)
    if email:
        condition |= Q(contact_email__iexact=email)
    for initiative in Initiative.objects.select_for_update().filter(condition).order_by("pk"):
        own = initiative.contact_email.lower() == email if email else True
        if not own or not any(
            (
                initiative.contact_name,
                initiative.contact_email,
                initiative.contact_phone,
                initiative.contact_public,
            )
        ):
            continue
        initiative.contact_name = ""
        initiative.contact_email = ""
        initiative.contact_phone = ""
        initiative.contact_public = False
        initiative.contact_consent_at = None
        initiative.confirmation_token = ""
        initiative.save(
            update_fields=[
                "contact_name",
                "contact_email",
                "contact_phone",
                "contact_public",
                "contact_consent_at",
                "confirmation_token",
                "updated_at",
            ]
        )
        TimelineEvent.objects.create(
            initiative=initiative,
            kind=TimelineEvent.Kind.NOTE,
            title=_("Contact details erased at the person's request"),
            at=timezone.now(),
        )
        audit_record(
            actor=None,
            action="initiative.contact_erase",
            obj=initiative,
            after={"contact_public": False, "contact_fields": "erased"},
        )


personal_data.register("initiatives", exporter=initiatives_export, eraser=initiatives_erase)
