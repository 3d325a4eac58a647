"""Demo accounts for the embedded mode: one invented person per role."""

import secrets
from dataclasses import dataclass

from django.db import transaction

from ..models import Organisation, Role, User
from .people import user_create

# role -> (invented example name, organisation slug or None)
DEMO_PEOPLE: dict[str, tuple[str, str | None]] = {
    Role.Code.INITIATOR: ("Voorbeeld Initiatiefnemer", None),
    Role.Code.SUPPORT_PROVIDER: ("Voorbeeld Ondersteuner", "avance-impact"),
    Role.Code.CONTACT_TEAM: ("Voorbeeld Contactteam", "zet"),
    Role.Code.MATCH_TEAM: ("Voorbeeld Matchteam", "zorgbelang-brabant"),
    Role.Code.PROGRAMME_STAFF: ("Voorbeeld Programmateam", "provincie-noord-brabant"),
    Role.Code.ANALYST: ("Voorbeeld Analist", "pon"),
    Role.Code.FUND_MANAGER: ("Voorbeeld Fondsbeheerder", "provincie-noord-brabant"),
    Role.Code.JUROR: ("Voorbeeld Jurylid", None),
    Role.Code.INVESTOR: ("Voorbeeld Investeerder", "social-finance-nl"),
    Role.Code.ADMINISTRATOR: ("Voorbeeld Beheerder", "provincie-noord-brabant"),
}


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str | None  # only set when the account was created just now


def demo_email(role: str) -> str:
    return f"{role.replace('_', '-')}@example.org"


@transaction.atomic
def demo_accounts_create() -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet, each with a fresh random password.

    Passwords are returned once and stored nowhere but as argon2 hashes.
    """
    accounts = []
    for role, (name, organisation_slug) in DEMO_PEOPLE.items():
        email = demo_email(role)
        if User.objects.filter(email=email).exists():
            accounts.append(DemoAccount(role=role, email=email, password=None))
            continue
        password = secrets.token_urlsafe(12)
        organisation = (
            Organisation.objects.filter(slug=organisation_slug).first()
            if organisation_slug
            else None
        )
        user_create(
            actor=None,
            email=email,
            full_name=name,
            password=password,
            organisation=organisation,
            roles=[role],
        )
        accounts.append(DemoAccount(role=role, email=email, password=password))
    return accounts


def demo_account(role: str) -> tuple[User, list[DemoAccount]]:
    """The active demo account of a role, creating the demo accounts first when it is
    missing; with the accounts created just now (their one-time passwords to print)."""
    email = demo_email(role)
    created: list[DemoAccount] = []
    if not User.objects.filter(email=email, is_active=True).exists():
        created = [account for account in demo_accounts_create() if account.password]
    return User.objects.get(email=email), created
