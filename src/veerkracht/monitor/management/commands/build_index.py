"""Build (and optionally publish) a composite index run from the command line.

manage.py build_index --level gemeente --years 2023 --province PV30 --publish
"""

from django.core.management.base import BaseCommand, CommandError

from veerkracht.monitor.composite.pipeline import DEFAULTS
from veerkracht.monitor.models import IndexRun
from veerkracht.monitor.services.index import IndexRunError, index_run_build, index_run_publish


class Command(BaseCommand):
    help = "Build a composite index run (Monte Carlo included) and optionally publish it."

    def add_arguments(self, parser):
        parser.add_argument("--level", default="gemeente", help="gemeente, wijk or buurt")
        parser.add_argument("--years", type=int, nargs="+", required=True)
        parser.add_argument("--province", default="", help="CBS code, e.g. PV30")
        for key in ("imputation", "outliers", "normalisation", "weighting", "aggregation"):
            parser.add_argument(f"--{key}", default=DEFAULTS[key])
        parser.add_argument("--replications", type=int, default=DEFAULTS["replications"])
        parser.add_argument("--seed", type=int, default=DEFAULTS["seed"])
        parser.add_argument("--publish", action="store_true")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when a published run exists for this level (for make setup).",
        )

    def handle(self, *args, **options):
        if (
            options["if_missing"]
            and IndexRun.objects.filter(level=options["level"], published=True).exists()
        ):
            self.stdout.write(f"A published {options['level']} index run exists; nothing built.")
            return
        keys = ("imputation", "outliers", "normalisation", "weighting", "aggregation")
        parameters = {key: options[key] for key in keys}
        parameters.update(replications=options["replications"], seed=options["seed"])
        try:
            run = index_run_build(
                actor=None,
                level=options["level"],
                years=options["years"],
                province=options["province"],
                parameters=parameters,
            )
        except IndexRunError as error:
            raise CommandError("; ".join(error.messages)) from error
        if run.status != IndexRun.Status.FINISHED:
            raise CommandError(f"Index run {run.pk} failed: {run.log[-1] if run.log else ''}")
        if options["publish"]:
            index_run_publish(actor=None, run=run)
        self.stdout.write(
            f"Index run {run.pk}: {run.results.count()} results in {run.duration_ms} ms"
            + (", published" if options["publish"] else "")
        )
