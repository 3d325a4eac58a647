"""manage.py import_cbs_observations [--year Y ...] [--level L ...]"""

from django.core.management.base import BaseCommand, CommandParser

from veerkracht.core.models.geography import AreaLevel
from veerkracht.monitor.services.framework import cbs_observations_import


class Command(BaseCommand):
    help = (
        "Turn imported CBS area attributes (core AreaStatistics) into monitor observations "
        "for every indicator with a CBS attribute (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", dest="years")
        parser.add_argument(
            "--level", action="append", dest="levels", choices=[c.value for c in AreaLevel]
        )

    def handle(self, *args, years: list[int] | None, levels: list[str] | None, **options):
        report = cbs_observations_import(actor=None, years=years, levels=levels)
        self.stdout.write(self.style.SUCCESS(report.summary()))
