"""Scheduled work of preventive cases, run by django-tasks' database worker."""

from __future__ import annotations

from datetime import datetime

from django_tasks import task


@task()
def anonymise_closed_cases(now: str | None = None) -> list[int]:
    """Anonymise the cases closed more than CASES_RETENTION_MONTHS ago.

    ``now`` (ISO 8601) exists so a run can be replayed for a given day; task arguments
    must be JSON, hence a string. Returns the ids of the cases anonymised.
    """
    from samverkan.cases.services import anonymise_due

    moment = datetime.fromisoformat(now) if now else None
    return anonymise_due(now=moment)
