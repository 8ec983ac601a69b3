"""Keep incident area links in step with area borders.

:class:`~samverkan.incidents.models.IncidentArea` is computed once at ingestion, so when
an area is created or its border moves (``import_areas``, an area drawn on the map) the
point incidents it now holds, or no longer holds, must be relinked. Core cannot import this
app; it sends :data:`samverkan.core.signals.area_borders_changed` and :func:`on_borders_changed`
answers it.

Only point incidents (point and address precision) are relinked: incidents placed by a named
area keep that area and its ancestors whatever the borders, exactly as at ingestion.

The prepared point-in-area index of all areas is kept per process (:func:`area_index`): a
one-off report would otherwise parse and prepare every border inside its transaction. Its
key is the stamp in :class:`~samverkan.incidents.models.AreaIndexVersion` plus the areas'
and borders' counts and highest ids, read in one query per use, so a change made in another
process or on another server is seen at the next report. :func:`invalidate_area_index`
renews the stamp; it runs on every saved or deleted area or border and after an import.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save

from samverkan.core.geo import AreaIndex
from samverkan.core.models import Area, AreaBorder
from samverkan.incidents.models import (
    POINT_PRECISIONS,
    AreaIndexVersion,
    Incident,
    IncidentArea,
    Status,
)

_BATCH = 2000

# country (or None for all) -> (key it was built under, (index, parent of every area))
_indexes: dict[str | None, tuple[tuple, tuple[AreaIndex, dict[int, int | None]]]] = {}
_build_lock = threading.Lock()


def area_version() -> tuple:
    """What the cached index is keyed on; one cheap query.

    The stamp catches every change that goes through :func:`invalidate_area_index`; the
    counts and highest ids also catch rows written in bulk (no signals) by code that forgot
    to call it.
    """
    q = connection.ops.quote_name
    area, border = q(Area._meta.db_table), q(AreaBorder._meta.db_table)
    stamp = q(AreaIndexVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT version FROM {stamp} WHERE id = 1),"
            f" (SELECT COUNT(*) FROM {area}), (SELECT MAX(id) FROM {area}),"
            f" (SELECT COUNT(*) FROM {border}), (SELECT MAX(id) FROM {border})"
        )
        return tuple(cursor.fetchone())


def area_index(country: str | None = None) -> AreaIndex:
    """The prepared index of all areas (of ``country``), built once per process and change."""
    return area_tree(country)[0]


def area_tree(country: str | None = None) -> tuple[AreaIndex, dict[int, int | None]]:
    """:func:`area_index` with every area's parent id, both kept until the areas change:
    a one-off report needs both, and reading all areas' parents cost it a query each time.
    """
    key = area_version()
    found = _indexes.get(country)
    if found is not None and found[0] == key:
        return found[1]
    with _build_lock:
        found = _indexes.get(country)
        if found is not None and found[0] == key:
            return found[1]
        qs = Area.objects.all()
        if country:
            qs = qs.filter(country=country)
        tree = (AreaIndex.from_queryset(qs), dict(Area.objects.values_list("id", "parent_id")))
        _indexes[country] = (key, tree)
        return tree


def invalidate_area_index() -> None:
    """Call after changing areas or borders: every process rebuilds its index at next use.

    The new stamp is random rather than counted up, so a stamp written in a transaction
    that was rolled back is never reused for different borders by a later change.
    """
    _indexes.clear()
    stamp = secrets.randbits(62)
    if AreaIndexVersion.objects.filter(pk=1).update(version=stamp):
        return
    try:
        with transaction.atomic():
            AreaIndexVersion.objects.create(pk=1, version=stamp)
    except IntegrityError:
        # Another process created the row meanwhile (a flushed database).
        AreaIndexVersion.objects.filter(pk=1).update(version=stamp)


def _on_area_saved(sender, **kwargs) -> None:
    invalidate_area_index()


for _model in (Area, AreaBorder):
    post_save.connect(_on_area_saved, sender=_model, dispatch_uid=f"area-index-save-{_model}")
    post_delete.connect(_on_area_saved, sender=_model, dispatch_uid=f"area-index-del-{_model}")


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
    invalidate_area_index()
    added, removed = relink_areas(area_ids)
    return f"Händelsekopplingar: {added} tillagda, {removed} borttagna."
