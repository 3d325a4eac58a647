"""manage.py load_monitor_framework [--file PATH]"""

from django.core.management.base import BaseCommand, CommandParser

from veerkracht.monitor.services.framework import framework_load


class Command(BaseCommand):
    help = (
        "Create or update the monitor's domains and indicators from "
        "monitor/reference/framework.json (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=None, help="another framework JSON file")

    def handle(self, *args, file: str | None, **options) -> None:
        report = framework_load(actor=None, path=file)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        self.stdout.write(self.style.SUCCESS(report.summary()))
