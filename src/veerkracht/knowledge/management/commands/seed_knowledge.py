"""manage.py seed_knowledge — the knowledge base's demo articles."""

from django.core.management.base import BaseCommand

from veerkracht.core.management.output import write_new_accounts
from veerkracht.knowledge.demo import demo_articles_seed


class Command(BaseCommand):
    help = (
        "Create the published demo articles of the knowledge base (methods, lessons and "
        "cases from the programme documents), linked to the demo offers and initiatives "
        "when seed_initiatives has made them. Idempotent: a second run creates nothing."
    )

    def handle(self, *args, **options) -> None:
        report = demo_articles_seed()
        write_new_accounts(self, report.accounts)
        for warning in dict.fromkeys(report.warnings):
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        heading = (
            "Knowledge base seeded:"
            if report.created.get("articles")
            else "Knowledge base articles already present; nothing new created:"
        )
        self.stdout.write(self.style.SUCCESS(heading))
        for name, total in report.totals.items():
            self.stdout.write(
                f"  {name:<10} {report.created.get(name, 0):>5} new, {total:>5} in total"
            )
