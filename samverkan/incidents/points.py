"""Incidents as point arrays for the point analyses (near repeat, hot spots, repeat places).

One place decides which incidents a point analysis may use, so the near repeat command and
the situation picture select the same events: linked to the area, of the category or any of
its descendants, not summaries, not marked as duplicates and, above all, placed precisely.
A police event placed at a municipality's centroid must never count as a point; how many
were left out for that reason is returned so that every output can say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings

from samverkan.core.models import Area
from samverkan.incidents.categories import subtree_ids
from samverkan.incidents.models import (
    POINT_PRECISIONS,
    Category,
    Incident,
    IncidentArea,
    Status,
)


@dataclass
class PointSet:
    """Point incidents as parallel arrays.

    Attributes
    ----------
    x, y : ndarray of float
        Projected coordinates in metres.
    days : ndarray of datetime64[D]
        Local date (``settings.TIME_ZONE``) of ``occurred_from``: the day bands of the near
        repeat test count local calendar days.
    times : ndarray of datetime64[s]
        ``occurred_from`` in UTC (naive), for analyses that need the time of day.
    ids : ndarray of int64
        Incident ids, in the same order.
    excluded_imprecise : int
        Incidents that met every other condition but lack a point location (precision
        coarser than address, or no coordinates) and were left out.
    """

    x: np.ndarray
    y: np.ndarray
    days: np.ndarray
    times: np.ndarray
    ids: np.ndarray
    excluded_imprecise: int = 0

    def __len__(self) -> int:
        return len(self.ids)


def category_ids(code: str) -> list[int]:
    """Ids of the category with ``code`` and of all its descendants.

    Raises
    ------
    Category.DoesNotExist
        If no category has that code.
    """
    ids = subtree_ids(code)
    if not ids:
        raise Category.DoesNotExist(f"Ingen kategori har koden '{code}'.")
    return sorted(ids)


def _local_midnight(day: date | datetime, tz: ZoneInfo) -> datetime:
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=tz)
    return datetime.combine(day, time.min, tzinfo=tz)


def load_points(
    area: Area | int,
    category_code: str | None = None,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
) -> PointSet:
    """Load the point incidents of ``area`` that occurred in ``[start, end)``.

    Parameters
    ----------
    area : Area or int
        The area (or its id); incidents are selected through their area links
        (:class:`~samverkan.incidents.models.IncidentArea`).
    category_code : str, optional
        Only this category and its descendants; all categories when omitted.
    start, end : date or datetime, optional
        Dates are local midnights in ``settings.TIME_ZONE``; naive datetimes are taken as
        local time too. Either may be omitted for an open interval.

    Raises
    ------
    Category.DoesNotExist
        If ``category_code`` names no category.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    links = IncidentArea.objects.filter(
        area_id=area.pk if isinstance(area, Area) else area, is_summary=False
    )
    if category_code:
        links = links.filter(category_id__in=category_ids(category_code))
    if start is not None:
        links = links.filter(occurred_from__gte=_local_midnight(start, tz))
    if end is not None:
        links = links.filter(occurred_from__lt=_local_midnight(end, tz))
    selected = Incident.objects.filter(
        id__in=links.values("incident_id"), is_summary=False
    ).exclude(status=Status.DUPLICATE)
    precise = selected.filter(
        precision__in=list(POINT_PRECISIONS), x__isnull=False, y__isnull=False
    )
    rows = list(
        precise.order_by("occurred_from", "id").values_list("id", "x", "y", "occurred_from")
    )
    excluded = selected.count() - len(rows)
    if rows:
        ids, xs, ys, when = zip(*rows)
    else:
        ids, xs, ys, when = (), (), (), ()
    days = np.array([w.astimezone(tz).date() for w in when], dtype="datetime64[D]")
    times = np.array(
        [w.astimezone(ZoneInfo("UTC")).replace(tzinfo=None) for w in when], dtype="datetime64[s]"
    )
    return PointSet(
        x=np.array(xs, dtype=float),
        y=np.array(ys, dtype=float),
        days=days,
        times=times,
        ids=np.array(ids, dtype=np.int64),
        excluded_imprecise=excluded,
    )


__all__ = ["PointSet", "category_ids", "load_points"]
