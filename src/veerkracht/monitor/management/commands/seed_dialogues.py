"""manage.py seed_dialogues — learning keys and twelve synthetic demo Veerkrachtdialogen."""

from django.core.management.base import BaseCommand, CommandError

from veerkracht.core.management.output import write_new_accounts
from veerkracht.monitor.demo_dialogues import DemoDialoguesError, dialogues_demo_seed


class Command(BaseCommand):
    help = (
        "Load the learning keys (leersleutels) and record twelve SYNTHETIC demo "
        "Veerkrachtdialogen in Brabant municipalities. Needs the CBS areas and the "
        "reference data. Idempotent."
    )

    def handle(self, *args, **options) -> None:
        try:
            report = dialogues_demo_seed()
        except DemoDialoguesError as error:
            raise CommandError(str(error)) from error
        write_new_accounts(self, report.accounts)
        self.stdout.write(
            f"Learning keys: {report.learning_keys_created} new. Synthetic dialogues: "
            f"{report.dialogues_created} new, {report.dialogues_total} in total."
        )
