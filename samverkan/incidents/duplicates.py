"""Duplicate suggestions: the same category within 50 m and 2 hours, or the same external id.

An external id means something only in the register that gave it: the same id from
another organisation is another event, and suggesting it would tell the user that the
other organisation has an incident with that id. So ids are matched only between sources
of the same organisation (one register imported twice under two source names).
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from samverkan.incidents.models import Incident

DISTANCE_M = 50.0
WINDOW = timedelta(hours=2)


def _same_id(incident: Incident, other: Incident) -> bool:
    return bool(
        incident.external_id
        and other.external_id == incident.external_id
        and other.organisation_id == incident.organisation_id
    )


def suggest_duplicates(incident: Incident, candidates, limit: int = 10) -> list[Incident]:
    """Other incidents that probably describe the same event.

    Parameters
    ----------
    candidates : QuerySet
        Where to look, already scoped to what the user may see (required, so that no
        caller can suggest what the user may not see).
    """
    qs = candidates.exclude(pk=incident.pk)
    same_id = Q(pk__in=[])
    if incident.external_id:
        organisation = (
            Q(organisation__isnull=True)
            if incident.organisation_id is None
            else Q(organisation_id=incident.organisation_id)
        )
        same_id = Q(external_id=incident.external_id) & ~Q(source=incident.source) & organisation
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
    found = []
    for other in (
        qs.filter(near | same_id).exclude(status="duplicate").select_related("category")[:50]
    ):
        if _same_id(incident, other) or (
            other.x is not None
            and incident.x is not None
            and ((other.x - incident.x) ** 2 + (other.y - incident.y) ** 2) ** 0.5 <= DISTANCE_M
        ):
            found.append(other)
    return found[:limit]
