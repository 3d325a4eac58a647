"""manage.py seed_forum — forum categories and Dutch demo threads (after seed_initiatives)."""

from django.core.management.base import BaseCommand

from veerkracht.support.demo_forum import demo_forum_seed


class Command(BaseCommand):
    help = (
        "Create the demo forum categories and threads about the demo initiatives, written "
        "by the demo accounts. Run after seed_initiatives. Idempotent: a second run "
        "creates nothing."
    )

    def handle(self, *args, **options) -> None:
        report = demo_forum_seed()
        if report.accounts:
            self.stdout.write(
                self.style.SUCCESS("Demo accounts created. Passwords are shown only this once:")
            )
            for account in report.accounts:
                self.stdout.write(f"  {account.role:<18} {account.email:<34} {account.password}")
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
