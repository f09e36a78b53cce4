"""Background tasks (django-tasks). A worker runs them: ``manage.py db_worker``."""

from __future__ import annotations

from django_tasks import task


@task()
def score_run(run_id: int) -> str:
    """Carry out a queued scoring run (``actions.scoring.carry_out_scoring``)."""
    from .actions.scoring import carry_out_scoring

    return carry_out_scoring(run_id)
