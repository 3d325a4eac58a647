"""manage.py import_cbs_areas FILE [--level gemeente|wijk|buurt] [--year Y]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from veerkracht.core.services.geography import LEVELS, CbsImportError, cbs_areas_import


class Command(BaseCommand):
    help = (
        "Import CBS 'Wijken en Buurten' areas and figures from a GeoJSON layer in WGS84 "
        "(gemeenten, wijken or buurten, any year). Nothing is written when the file has "
        "an error; importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="GeoJSON FeatureCollection (EPSG:4326)")
        parser.add_argument(
            "--level", choices=list(LEVELS), default="gemeente", help="CBS layer of the file"
        )
        parser.add_argument(
            "--year", type=int, default=None, help="year for features without 'jaar'"
        )

    def handle(self, *args, file: str, level: str, year: int | None, **options) -> None:
        try:
            report = cbs_areas_import(actor=None, path_or_data=Path(file), level=level, year=year)
        except CbsImportError as exc:
            raise CommandError(str(exc)) from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(report.summary()))
