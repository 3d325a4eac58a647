"""Output shared by the management commands."""

from collections.abc import Iterable

from django.core.management.base import BaseCommand

from veerkracht.core.services.demo import DemoAccount


def write_new_accounts(command: BaseCommand, accounts: Iterable[DemoAccount]) -> None:
    """Print demo accounts created just now with their one-time passwords (nothing when
    there are none)."""
    accounts = [a for a in accounts if a.password]
    if not accounts:
        return
    command.stdout.write(
        command.style.SUCCESS("Demo accounts created. Passwords are shown only this once:")
    )
    for account in accounts:
        command.stdout.write(f"  {account.role:<18} {account.email:<34} {account.password}")
