"""Keep incident area links in step with area borders.

:class:`~samverkan.incidents.models.IncidentArea` is computed once at ingestion, so when
an area is created or its border moves (``import_areas``, an area drawn on the map) the
point incidents it now holds, or no longer holds, must be relinked. Core cannot import this
app; it sends :data:`samverkan.core.signals.area_borders_changed` and :func:`on_borders_changed`
answers it.

Only point incidents (point and address precision) are relinked: incidents placed by a named
area keep that area and its ancestors whatever the borders, exactly as at ingestion.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import transaction

from samverkan.core.geo import AreaIndex
from samverkan.core.models import Area
from samverkan.incidents.models import POINT_PRECISIONS, Incident, IncidentArea, Status

_BATCH = 2000


def _link(incident: dict, area_id: int) -> IncidentArea:
    return IncidentArea(
        incident_id=incident["id"],
        area_id=area_id,
        occurred_from=incident["occurred_from"],
        category_id=incident["category_id"],
        is_summary=incident["is_summary"],
        organisation_id=incident["organisation_id"],
        visibility=incident["visibility"],
        is_duplicate=incident["status"] == Status.DUPLICATE,
    )


_FIELDS = (
    "id",
    "lon",
    "lat",
    "occurred_from",
    "category_id",
    "is_summary",
    "organisation_id",
    "visibility",
    "status",
)


def relink_areas(area_ids: Iterable[int]) -> tuple[int, int]:
    """Link the point incidents inside each area to it (and its ancestors), unlink the rest.

    One pass over the point incidents within the areas' joint bounding box, tested against
    all the areas at once (:class:`~samverkan.core.geo.AreaIndex`, boundary included, as
    at ingestion).

    Returns
    -------
    (added, removed) : tuple of int
        Links to the areas added and removed. Ancestor links are added where missing (as
        ingestion would) but never removed: the incident may lie in the ancestor anyway.
    """
    areas = list(Area.objects.filter(pk__in=list(area_ids)).order_by("pk"))
    if not areas:
        return 0, 0
    ids = [a.pk for a in areas]
    points = Incident.objects.filter(precision__in=POINT_PRECISIONS, lon__isnull=False)
    linked: dict[int, set[int]] = {pk: set() for pk in ids}
    for area_id, incident_id in IncidentArea.objects.filter(
        area_id__in=ids, incident__in=points
    ).values_list("area_id", "incident_id"):
        linked[area_id].add(incident_id)
    inside: dict[int, set[int]] = {pk: set() for pk in ids}
    rows: dict[int, dict] = {}
    drawn = [a for a in areas if a.geometry]
    if drawn:
        index = AreaIndex((a.pk, a.geometry) for a in drawn)
        candidates = points.filter(
            lon__gte=min(a.min_lon for a in drawn),
            lon__lte=max(a.max_lon for a in drawn),
            lat__gte=min(a.min_lat for a in drawn),
            lat__lte=max(a.max_lat for a in drawn),
        ).values(*_FIELDS)
        batch: list[dict] = []
        for row in candidates.iterator(chunk_size=_BATCH):
            batch.append(row)
            if len(batch) >= _BATCH:
                _collect(index, batch, inside, rows)
                batch = []
        _collect(index, batch, inside, rows)
    added = removed = 0
    new_links: list[IncidentArea] = []
    with transaction.atomic():
        for area in areas:
            gone = linked[area.pk] - inside[area.pk]
            fresh = inside[area.pk] - linked[area.pk]
            IncidentArea.objects.filter(area=area, incident_id__in=gone).delete()
            chain = [area.pk] + [a.pk for a in area.ancestors()]
            new_links += [_link(rows[i], a) for i in sorted(fresh) for a in chain]
            added, removed = added + len(fresh), removed + len(gone)
        IncidentArea.objects.bulk_create(new_links, batch_size=500, ignore_conflicts=True)
    return added, removed


def _collect(index: AreaIndex, batch, inside: dict[int, set[int]], rows: dict) -> None:
    if not batch:
        return
    lon = np.fromiter((r["lon"] for r in batch), float, len(batch))
    lat = np.fromiter((r["lat"] for r in batch), float, len(batch))
    for p, area_id in zip(*(v.tolist() for v in index.pairs(lon, lat)), strict=True):
        r = batch[p]
        rows[r["id"]] = r
        inside[area_id].add(r["id"])


def on_borders_changed(sender, area_ids, **kwargs) -> str:
    """Receiver of ``area_borders_changed``: relink now, inside the caller's transaction."""
    added, removed = relink_areas(area_ids)
    return f"Händelsekopplingar: {added} tillagda, {removed} borttagna."
