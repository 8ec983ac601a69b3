"""Duplicate suggestions: the same category within 50 m and 2 hours, or the same external id."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from samverkan.incidents.models import Incident

DISTANCE_M = 50.0
WINDOW = timedelta(hours=2)


def suggest_duplicates(incident: Incident, candidates=None, limit: int = 10) -> list[Incident]:
    """Other incidents that probably describe the same event.

    Parameters
    ----------
    candidates : QuerySet, optional
        Where to look (already scoped to what the user may see); all incidents if omitted.
    """
    qs = (candidates if candidates is not None else Incident.objects.all()).exclude(pk=incident.pk)
    same_id = Q(external_id=incident.external_id) & ~Q(source=incident.source)
    near = Q(pk__in=[])
    if incident.x is not None and incident.is_point:
        near = Q(
            category_id=incident.category_id,
            occurred_from__gte=incident.occurred_from - WINDOW,
            occurred_from__lte=incident.occurred_from + WINDOW,
            x__gte=incident.x - DISTANCE_M,
            x__lte=incident.x + DISTANCE_M,
            y__gte=incident.y - DISTANCE_M,
            y__lte=incident.y + DISTANCE_M,
        )
    query = near | same_id if incident.external_id else near
    found = []
    for other in qs.filter(query).exclude(status="duplicate").select_related("category")[:50]:
        if (
            other.external_id
            and other.external_id == incident.external_id
            or (
                other.x is not None
                and ((other.x - incident.x) ** 2 + (other.y - incident.y) ** 2) ** 0.5 <= DISTANCE_M
            )
        ):
            found.append(other)
    return found[:limit]
