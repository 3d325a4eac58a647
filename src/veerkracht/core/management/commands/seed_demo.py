from django.core.management.base import BaseCommand

from veerkracht.core.management.output import write_new_accounts
from veerkracht.core.services.demo import demo_accounts_create


class Command(BaseCommand):
    help = "Create the demo accounts (one per role); prints new passwords once. Idempotent."

    def handle(self, *args, **options):
        accounts = demo_accounts_create()
        new = [a for a in accounts if a.password]
        write_new_accounts(self, new)
        existing = len(accounts) - len(new)
        if existing:
            self.stdout.write(
                f"{existing} demo account(s) already existed; their passwords are unchanged "
                "(use the password-reset page, or `manage.py changepassword EMAIL`)."
            )
