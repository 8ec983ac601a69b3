"""Link incidents to an own area in the background, batch by batch, with progress.

A coordinator who draws or moves an own area (core/own_areas.py) gets the page back at
once; the links are made here, by the worker, and the area's page follows
:class:`~samverkan.core.models.AreaLinkJob` (total, done, linked). Each batch commits on
its own, so the links grow while the job runs and a job cut off half-way can run again:
it compares what is inside with what is linked and changes only the difference.

The linking rule is that of :func:`samverkan.incidents.area_links.relink_areas` (point
incidents, boundary included, ancestors linked too, never unlinked): the same row
builder, one rule.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from samverkan.core.geo import AreaIndex
from samverkan.core.models import AreaLinkJob
from samverkan.incidents.area_links import _FIELDS, _link
from samverkan.incidents.models import POINT_PRECISIONS, Incident, IncidentArea

BATCH = 2000

Status = AreaLinkJob.Status


def _superseded(job: AreaLinkJob) -> bool:
    # A later change of the same area queued a job of its own, with the newer border.
    return AreaLinkJob.objects.filter(area_id=job.area_id, pk__gt=job.pk).exists()


def _finish(job_id: int, status: str, **values) -> None:
    AreaLinkJob.objects.filter(pk=job_id).update(
        status=status, finished_at=timezone.now(), **values
    )


def run_link_job(job_id: int, batch: int = BATCH) -> int | None:
    """Bring the incident links of the job's area in line with its border.

    Tests the point incidents within the area's bounding box, and those linked to it now
    (the border may have shrunk away from them), in batches of ``batch`` by id.

    Returns
    -------
    int or None
        The number of incidents in the area (duplicates not counted), or None when the
        job's area was deleted or a later change superseded the job.
    """
    job = AreaLinkJob.objects.select_related("area").filter(pk=job_id).first()
    if job is None:
        return None  # the area was deleted meanwhile, and its job with it
    if job.status == Status.DONE:
        return job.linked
    if job.status == Status.SUPERSEDED or _superseded(job):
        _finish(job.pk, Status.SUPERSEDED)
        return None
    area = job.area
    points = Incident.objects.filter(precision__in=POINT_PRECISIONS, lon__isnull=False)
    now_linked = IncidentArea.objects.filter(area_id=area.pk).values("incident_id")
    inside_box = (
        Q(
            lon__gte=area.min_lon,
            lon__lte=area.max_lon,
            lat__gte=area.min_lat,
            lat__lte=area.max_lat,
        )
        if area.geometry
        else Q(pk__in=[])
    )
    candidates = points.filter(inside_box | Q(pk__in=now_linked))
    total = candidates.count()
    AreaLinkJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, total=total, done=0, started_at=timezone.now(), message=""
    )
    index = AreaIndex([(area.pk, area.geometry)])
    chain = [area.pk] + [a.pk for a in area.ancestors()]
    last, done = 0, 0
    try:
        while True:
            rows = list(candidates.filter(pk__gt=last).order_by("pk").values(*_FIELDS)[:batch])
            if not rows:
                break
            last = rows[-1]["id"]
            lon = np.fromiter((r["lon"] for r in rows), float, len(rows))
            lat = np.fromiter((r["lat"] for r in rows), float, len(rows))
            point_idx, _ = index.pairs(lon, lat)
            inside = {rows[i]["id"] for i in point_idx.tolist()}
            by_id = {r["id"]: r for r in rows}
            with transaction.atomic():
                if _superseded(job):
                    _finish(job.pk, Status.SUPERSEDED, done=done)
                    return None
                existing = set(
                    IncidentArea.objects.filter(area_id=area.pk, incident_id__in=list(by_id))
                    .values_list("incident_id", flat=True)
                    .iterator()
                )
                gone = existing - inside
                if gone:
                    IncidentArea.objects.filter(area_id=area.pk, incident_id__in=gone).delete()
                fresh = sorted(inside - existing)
                IncidentArea.objects.bulk_create(
                    [_link(by_id[i], a) for i in fresh for a in chain],
                    batch_size=500,
                    ignore_conflicts=True,
                )
                done += len(rows)
                AreaLinkJob.objects.filter(pk=job.pk).update(done=done)
    except Exception as exc:
        _finish(job.pk, Status.FAILED, message=str(exc)[:300])
        raise
    linked = IncidentArea.objects.filter(area_id=area.pk, is_duplicate=False).count()
    _finish(job.pk, Status.DONE, done=done, total=max(total, done), linked=linked)
    return linked
