"""Background tasks of the monitor (Django Tasks API; RQ in production)."""

from django_tasks import task


@task()
def build_index_run(*, run_id: int) -> None:
    """Compute a recorded composite index run (queued by `index_run_build`)."""
    from .models import IndexRun
    from .services.index import index_run_compute

    run = IndexRun.objects.filter(pk=run_id, status=IndexRun.Status.RUNNING).first()
    if run is None:
        return
    index_run_compute(run=run)
