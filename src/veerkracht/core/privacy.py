"""Pseudonymisation of residents' contact details: one rule, used by every page, export
and API answer that shows them (see docs/privacy.md, "Pseudonymisation for analysts").

The rule: a resident's name, e-mail address and phone number (the contact person of an
initiative, an initiator's account) are shown to people whose work needs them, and to
nobody else in clear:

- holders of `contact_details.view` (contact team, match team, programme staff and
  administrators) see them, because they call, visit and support initiatives;
- the organisation that delivers a support trajectory sees the contact person of that
  initiative (the caller passes `allowed=True` after its object-level check);
- contact details the person agreed to publish (`contact_public`) are public anyway;
- everyone else with access to internal pages, which today means analysts, sees a
  stable pseudonym instead: "Contactpersoon 3f9a2c". The same person (the same e-mail
  address, or name when there is none) gets the same pseudonym on every page and in
  every export, so analysts can still count and follow people without knowing who
  they are. The pseudonym is a keyed hash (HMAC with the site's SECRET_KEY); without
  the key it cannot be turned back into the address.

Colleagues (people with a staff role) are never pseudonymised: their names say who did
what in the programme's records.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .permissions import has_capability, has_staff_role

CAPABILITY = "contact_details.view"
PSEUDONYM_LENGTH = 6


def sees_contact_details(viewer: Any) -> bool:
    return has_capability(viewer, CAPABILITY)


def pseudonym(identity: str) -> str:
    """A stable, non-reversible label for one person ("Contactpersoon 3f9a2c")."""
    key = salted_hmac("veerkracht.core.privacy.pseudonym", identity.strip().lower())
    return _("Contact person %(code)s") % {"code": key.hexdigest()[:PSEUDONYM_LENGTH]}


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str
    pseudonymised: bool = False

    def __bool__(self) -> bool:
        return bool(self.name or self.email or self.phone)


def contact_for(
    viewer: Any, *, name: str, email: str, phone: str, allowed: bool = False
) -> Contact:
    """The contact details as this viewer may see them: in clear, or as a pseudonym."""
    if allowed or sees_contact_details(viewer):
        return Contact(name=name, email=email, phone=phone)
    if not (name or email or phone):
        return Contact(name="", email="", phone="")
    return Contact(name=pseudonym(email or name or phone), email="", phone="", pseudonymised=True)


def person_label(viewer: Any, person: Any) -> str:
    """How a person (an account) is named to this viewer."""
    if person is None:
        return _("System")
    if getattr(person, "anonymised_at", None):
        return _("Deleted person #%(number)s") % {"number": person.pk}
    name = person.full_name or person.email
    if (
        sees_contact_details(viewer)
        or getattr(viewer, "pk", None) == person.pk
        or has_staff_role(person)
    ):
        return name
    return pseudonym(person.email or name)
