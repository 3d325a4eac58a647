"""manage.py generate_survey [--respondents 10000] [--seed 1] [--province PV30] [--fit]"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from veerkracht.monitor.models import ModelRun, SurveyDataset
from veerkracht.monitor.services.models import (
    ModelRunError,
    model_run_explanatory,
    model_run_publish,
    model_run_small_area,
    survey_dataset_add,
)
from veerkracht.monitor.synthetic_survey import generate_survey


class Command(BaseCommand):
    help = (
        "Invent a SYNTHETIC survey of resilience (demo data) over the municipalities of a "
        "province and store it as a survey dataset; with --fit also run (and queue) the "
        "explanatory model and the small-area estimates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--respondents", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--province", default="PV30")
        parser.add_argument("--fit", action="store_true", help="also fit both models")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="with --fit: publish the fits once finished (the embedded mode runs them at once)",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when this synthetic survey exists already (for make setup)",
        )

    def handle(self, *args, respondents: int, seed: int, province: str, fit: bool, **options):
        if respondents < 50:
            raise CommandError("Use at least 50 respondents.")
        name = f"Synthetische enquête veerkracht {province} (seed {seed})"
        if options["if_missing"] and SurveyDataset.objects.filter(name=name).exists():
            self.stdout.write(f"Survey “{name}” exists; nothing generated.")
            return
        try:
            survey = generate_survey(respondents=respondents, seed=seed, province=province)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        year = timezone.localdate().year
        try:
            dataset = survey_dataset_add(
                actor=None,
                name=name,
                description=(
                    "Synthetische demodata: verzonnen respondenten met bekende effecten, "
                    "geen echte personen."
                ),
                year=year,
                file=survey.to_csv(),
                file_name=f"synthetic-survey-{province}-seed{seed}.csv",
                synthetic=True,
            )
            self.stdout.write(
                self.style.SUCCESS(f"Stored synthetic survey #{dataset.pk}: {dataset.rows} rows.")
            )
            if fit:
                for run in (
                    model_run_explanatory(actor=None, dataset=dataset),
                    model_run_small_area(actor=None, dataset=dataset, province=province),
                ):
                    self.stdout.write(f"Queued {run.get_kind_display()} run #{run.pk}.")
                    run.refresh_from_db()
                    if options["publish"] and run.status == ModelRun.Status.FINISHED:
                        model_run_publish(actor=None, run=run)
                        self.stdout.write(f"Published run #{run.pk}.")
                    elif options["publish"]:
                        self.stdout.write(f"Run #{run.pk} is {run.status}; publish it when done.")
        except ModelRunError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
