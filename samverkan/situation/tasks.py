"""Background work of the lägesbild, run by django-tasks' database worker
(``samverkan db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_scheduled_report(schedule_id: int, period_label: str | None = None) -> int | None:
    """Build a schedule's draft for ``period_label`` and e-mail the coordinators.

    Arguments are JSON (a task is stored in the database), hence the period as its label
    (``2025-03``, ``2025-W10``). Returns the new report's id, or None when that period was
    built already. See :func:`samverkan.situation.scheduling.run_schedule`.
    """
    from samverkan.situation.scheduling import run_schedule

    return run_schedule(schedule_id, period_label)
