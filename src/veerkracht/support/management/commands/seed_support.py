"""manage.py seed_support — the enriched support catalogue and demo questions."""

from django.core.management.base import BaseCommand, CommandError

from veerkracht.support.demo import DemoError, support_demo_seed

LABELS = {
    "offers_enriched": ("offers described", "with a description"),
    "offers_added": ("offers added", "offers in total"),
    "questions": ("questions", "questions in total"),
}


class Command(BaseCommand):
    help = (
        "Complete the documented support offers (summary, themes, factors, phases, area, "
        "cost, capacity, contact), add the missing ones and the demo questions of the "
        "initiatives. Run after seed_initiatives. Idempotent: a second run creates nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = support_demo_seed()
        except DemoError as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        heading = (
            "Support demo seeded:"
            if report.total_created
            else "Support demo already present; nothing new created:"
        )
        self.stdout.write(self.style.SUCCESS(heading))
        for name, (label, total_label) in LABELS.items():
            self.stdout.write(
                f"  {label:<18} {report.created.get(name, 0):>5} new, "
                f"{report.totals.get(name, 0):>5} {total_label}"
            )
