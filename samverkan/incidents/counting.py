"""Which incidents count for an area and a partnership: the one rule of every count.

The lägesbild (:mod:`samverkan.situation.build`) counts with it, and follow-up's incident
indicators (:mod:`samverkan.followup.services`) count the same rows, so the two never
disagree. It is a rule over incidents, so it lives with them, below both apps: follow-up
needs nothing of the lägesbild's internals to count as it does.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from samverkan.core.models import Area, Partnership
from samverkan.incidents.models import IncidentArea, Visibility


def _area_chain(area: Area) -> set[int]:
    return {area.pk} | {a.pk for a in area.ancestors()}


def row_filter(area: Area, partnership: Partnership | None) -> Q:
    """Which IncidentArea rows of ``area`` (or its children) count, as a Q.

    Equivalent to :func:`samverkan.incidents.permissions.partnership_filter` applied to
    the rows' incidents, written against the join table's own copies of the incident's
    organisation, visibility and duplicate status, so that the database walks the
    (area, occurred_from) index without joining the incident table. When the area lies
    inside one of the partnership's areas, every incident of the area is inside it too
    (ingestion links incidents to all ancestors), so the EXISTS test is dropped.
    """
    q = Q(is_summary=False, is_duplicate=False)
    shared_vis = [Visibility.PARTNERSHIP, Visibility.PUBLIC]
    if partnership is None:
        return q & (Q(organisation__isnull=True) | Q(visibility__in=shared_vis))
    orgs = list(partnership.organisations.values_list("id", flat=True))
    p_areas = list(partnership.areas.values_list("id", flat=True))
    shared = Q(organisation_id__in=orgs, visibility__in=shared_vis)
    public = Q(organisation__isnull=True)
    if not (_area_chain(area) & set(p_areas)):
        public &= Exists(
            IncidentArea.objects.filter(incident_id=OuterRef("incident_id"), area_id__in=p_areas)
        )
    return q & (shared | public)
