"""Background work of follow-up, run by django-tasks' database worker (``samverkan db_worker``)."""

from __future__ import annotations

import zlib

from django.db import connection, transaction
from django_tasks import task

# The PostgreSQL advisory lock that makes "is a recount waiting? else queue one" one step.
_QUEUE_LOCK = zlib.crc32(b"samverkan.followup.refresh_incident_indicators")


@task()
def refresh_incident_indicators(partnership_id: int | None = None) -> int:
    """Recount the incident indicators and their goals' status after new incidents came in.

    Queued on commit of every ingest (reports, the police feed, imports) by
    :mod:`samverkan.followup.signals` through :func:`queue_refresh`, so nobody waits for it
    and nobody has to press a button. Returns the number of indicators recounted.
    """
    from samverkan.followup.services import refresh_incident_indicators as refresh

    return refresh(partnership_id)


def _waiting(alias: str) -> bool:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(
        task_path=refresh_incident_indicators.module_path,
        backend_name=alias,
        queue_name=refresh_incident_indicators.queue_name,
        status=TaskResultStatus.READY,
    ).values_list("args_kwargs", flat=True)
    return any(not a.get("args") and not a.get("kwargs") for a in queued[:20])


def queue_refresh() -> bool:
    """Queue a recount of all incident indicators unless one is already waiting to start.

    Every report post ends in an ingest; under load that queued one full recount per
    report, and the worker fell ever further behind (issue 15, item 8). A recount that has
    not started yet will read every incident committed before it starts, so a second one
    queued behind it would count the same: it is left out. One that is already running may
    have read before this ingest committed, so then a new one is queued. Returns whether
    one was queued.
    """
    from django_tasks_db import DatabaseBackend

    backend = refresh_incident_indicators.get_backend()
    if not isinstance(backend, DatabaseBackend):
        # Other backends (the immediate one in tests) keep no queue to look at.
        refresh_incident_indicators.enqueue()
        return True
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two posts committing at once would both find nothing waiting; the lock
            # makes the second one see the first one's task. SQLite writes one at a time.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_QUEUE_LOCK])
        if _waiting(backend.alias):
            return False
        refresh_incident_indicators.enqueue()
    return True
