"""manage.py import_observations FILE [--dry-run]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veerkracht.monitor.models import ObservationImport
from veerkracht.monitor.services.imports import observations_import


class Command(BaseCommand):
    help = (
        "Import observations from a CSV file with the columns area_code, year, indicator, "
        "value and optionally n (';' or ',' delimited, UTF-8). Nothing is stored when the "
        "file has any error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="only check the file")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            record = observations_import(actor=None, file=file, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        if record.status == ObservationImport.Status.INVALID:
            for error in record.errors:
                where = f"line {error['line']}" if error["line"] else "file"
                column = f" [{error['column']}]" if error["column"] else ""
                self.stderr.write(f"{where}{column}: {error['message']}")
            raise CommandError(f"{record.error_count} error(s); nothing was stored.")
        if record.status == ObservationImport.Status.VALID:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {record.rows} rows, no errors."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Stored {record.rows} rows: {record.created} created, "
                    f"{record.updated} updated."
                )
            )
