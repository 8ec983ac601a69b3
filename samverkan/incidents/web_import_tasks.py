"""The web import's background task, run by django-tasks' database worker
(``samverkan worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_uploaded_file(job_id: int) -> int | None:
    """Import an uploaded, dry-run file (incidents.WebImport ``job_id``).

    See :func:`samverkan.incidents.web_import.run`; returns the number of rows imported,
    or None when the job is not queued (already run, or deleted).
    """
    from samverkan.incidents.web_import import run

    return run(job_id)
