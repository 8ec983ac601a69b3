"""Where an incident without a place name is: the most local shared area it lies in.

Citizens' observations, reports sent through the API and files with only coordinates
carry no place name, and a list of "–" tells a coordinator nothing. Every incident is
linked to the areas that contain it (:mod:`samverkan.incidents.area_links`); the district,
else the municipality, names where it is. Partnerships' own areas are left out: their
names are for their members only.
"""

from __future__ import annotations

from collections.abc import Iterable

from samverkan.core.models import Area
from samverkan.incidents.models import Incident, IncidentArea

# Most local first.
PLACE_LEVELS = (Area.Level.DISTRICT, Area.Level.MUNICIPALITY)


def name_unplaced(incidents: Iterable[Incident]) -> None:
    """Set ``area_place`` on each incident without a place name (one query for all)."""
    unplaced = {i.pk: i for i in incidents if not i.place_name}
    for incident in unplaced.values():
        incident.area_place = ""
    if not unplaced:
        return
    links = IncidentArea.objects.filter(
        incident_id__in=list(unplaced),
        area__level__in=PLACE_LEVELS,
        area__owner_partnership__isnull=True,
    ).values_list("incident_id", "area__level", "area__name")
    best: dict[int, tuple[int, str]] = {}
    for incident_id, level, name in links:
        rank = PLACE_LEVELS.index(level)
        if incident_id not in best or (rank, name) < best[incident_id]:
            best[incident_id] = (rank, name)
    for incident_id, (_rank, name) in best.items():
        unplaced[incident_id].area_place = name
