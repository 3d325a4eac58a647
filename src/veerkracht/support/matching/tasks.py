"""Background tasks of the matching engine (Django Tasks API; RQ in production)."""

from django_tasks import task


@task()
def match_run(*, run_id: str, limit: int = 5) -> None:
    """Match every open question against every offer; progress in the cache (see batch)."""
    from .batch import run_batch

    run_batch(run_id=run_id, limit=limit)
