from django.core.management.base import BaseCommand

from veerkracht.core.services.reference import reference_load


class Command(BaseCommand):
    help = (
        "Create the reference vocabularies, organisations and area groups that are missing "
        "(idempotent; never overwrites edits). Run after import_cbs_areas."
    )

    def handle(self, *args, **options):
        report = reference_load(actor=None)
        for kind in sorted(set(report.created) | set(report.existing)):
            self.stdout.write(
                f"{kind}: created {report.created.get(kind, 0)}, "
                f"already present {report.existing.get(kind, 0)}"
            )
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
