"""Background work of the incidents app, run by django-tasks' database worker
(``samverkan worker``)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django_tasks import task

from samverkan.incidents.area_links import invalidate_area_index


@task()
def link_own_area(job_id: int) -> int | None:
    """Link the incidents inside a drawn or changed own area (core.AreaLinkJob ``job_id``).

    See :func:`samverkan.incidents.area_jobs.run_link_job`; returns the number of
    incidents in the area, or None when the job was superseded or its area deleted.
    """
    from samverkan.incidents.area_jobs import run_link_job

    return run_link_job(job_id)


def on_area_links_requested(sender, job_id, **kwargs) -> None:
    """Receiver of ``area_links_requested``: queue the job once the area is committed.

    Queued on commit so the worker never looks for an area (or a border) that a rolled
    back save never wrote.
    """
    # Ingestion's per-process area index must see the new border from the next batch on
    # (saving the area renews the stamp too; this does not rely on that signal alone).
    invalidate_area_index()
    transaction.on_commit(partial(link_own_area.enqueue, job_id))
