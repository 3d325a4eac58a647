"""manage.py seed_forum — forum categories and Dutch demo threads (after seed_initiatives)."""

from django.core.management.base import BaseCommand

from veerkracht.core.management.output import write_new_accounts
from veerkracht.support.demo_forum import demo_forum_seed


class Command(BaseCommand):
    help = (
        "Create the demo forum categories and threads about the demo initiatives, written "
        "by the demo accounts. Run after seed_initiatives. Idempotent: a second run "
        "creates nothing."
    )

    def handle(self, *args, **options) -> None:
        report = demo_forum_seed()
        write_new_accounts(self, report.accounts)
        heading = (
            "Demo forum seeded:"
            if report.threads or report.categories
            else "Demo forum already present; nothing new created:"
        )
        self.stdout.write(self.style.SUCCESS(heading))
        self.stdout.write(
            f"  categories {report.categories:>4} new\n"
            f"  threads    {report.threads:>4} new\n"
            f"  posts      {report.posts:>4} new"
        )
