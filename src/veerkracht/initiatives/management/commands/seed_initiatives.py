"""manage.py seed_initiatives — the support offers and initiatives of the documents."""

from django.core.management.base import BaseCommand, CommandError

from veerkracht.core.management.output import write_new_accounts
from veerkracht.initiatives.demo import DemoError, demo_initiatives_seed

LABELS = {
    "offers": "support offers",
    "initiatives": "initiatives",
    "contact_moments": "contact moments",
    "match_meetings": "match team meetings",
    "match_decisions": "match decisions",
    "support_needs": "support needs",
    "trajectories": "support trajectories",
    "timeline_events": "timeline entries",
}


class Command(BaseCommand):
    help = (
        "Create the demo support offers and the initiatives named in the programme "
        "documents, with their histories replayed through the services. Needs the CBS "
        "areas and the reference data. Idempotent: a second run creates nothing."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = demo_initiatives_seed()
        except DemoError as error:
            raise CommandError(str(error)) from error
        write_new_accounts(self, report.accounts)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        lines = [
            f"  {LABELS[name]:<22} {report.created.get(name, 0):>5} new, {total:>5} in total"
            for name, total in report.totals.items()
        ]
        heading = (
            "Demo initiatives seeded:"
            if report.total_created
            else "Demo initiatives already present; nothing new created:"
        )
        self.stdout.write(self.style.SUCCESS(heading))
        self.stdout.write("\n".join(lines))
