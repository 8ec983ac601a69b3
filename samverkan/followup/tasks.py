"""Background work of follow-up, run by django-tasks' database worker (``samverkan db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_incident_indicators(partnership_id: int | None = None) -> int:
    """Recount the incident indicators and their goals' status after new incidents came in.

    Queued on commit of every ingest (reports, the police feed, imports) by
    :mod:`samverkan.followup.signals`, so nobody waits for it and nobody has to press a
    button. Returns the number of indicators recounted.
    """
    from samverkan.followup.services import refresh_incident_indicators as refresh

    return refresh(partnership_id)
