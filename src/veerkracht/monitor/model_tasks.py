"""Background task of the statistical models (explanatory model, small-area estimates)."""

from django_tasks import task


@task()
def model_run_fit(*, run_id: int) -> None:
    """Fit a queued ModelRun and store its results (see services.models)."""
    from .services.models import model_run_execute

    model_run_execute(run_id=run_id)
