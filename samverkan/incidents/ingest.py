"""The one path by which incidents enter the database.

Importers, the reporter form and the API all hand :func:`ingest` plain rows. It masks the
free text, projects the coordinates to metres, computes the H3 cell, finds every area that
contains the incident and inserts incidents and their area links in bulk, skipping rows
that are already there (same source and external id, otherwise same content hash).

It does not open a transaction of its own: callers wrap the whole import in one, so an
import that is killed leaves none of its rows behind and a rerun completes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import h3
import numpy as np
from django.conf import settings

from samverkan.core.geo import AreaIndex, project
from samverkan.core.models import Area
from samverkan.incidents.masking import mask_text
from samverkan.incidents.models import Incident, IncidentArea, Precision

H3_RESOLUTION = 9  # about 0.1 km² a cell: street-block scale for hotspot maps


@dataclass
class IncidentRow:
    """One incident ready to be stored (times aware, coordinates WGS84)."""

    source: str
    occurred_from: datetime
    category_id: int
    external_id: str = ""
    occurred_to: datetime | None = None
    reported_at: datetime | None = None
    description: str = ""
    lon: float | None = None
    lat: float | None = None
    precision: str = Precision.POINT
    place_name: str = ""
    place_type: str = ""
    organisation_id: int | None = None
    reporter_id: int | None = None
    visibility: str = "partnership"
    url: str = ""
    is_summary: bool = False
    perceived_insecurity: int | None = None
    # For incidents placed by a named area (police events): that area; its ancestors are
    # added automatically. Point incidents get their areas from the geometry instead.
    area_ids: list[int] = field(default_factory=list)

    def content_hash(self) -> str:
        key = "|".join(
            str(v)
            for v in (
                self.occurred_from.isoformat(),
                self.occurred_to.isoformat() if self.occurred_to else "",
                self.category_id,
                round(self.lon, 6) if self.lon is not None else "",
                round(self.lat, 6) if self.lat is not None else "",
                self.description,
            )
        )
        return hashlib.sha1(key.encode("utf-8")).hexdigest()


@dataclass
class IngestReport:
    imported: int = 0
    duplicates: int = 0
    incident_ids: list[int] = field(default_factory=list)


class AreaResolver:
    """Area lookups for a batch: containing areas of points and ancestors of named areas."""

    def __init__(self, country: str | None = None):
        qs = Area.objects.all()
        if country:
            qs = qs.filter(country=country)
        self.index = AreaIndex.from_queryset(qs)
        self.parent = dict(Area.objects.values_list("id", "parent_id"))

    def with_ancestors(self, area_ids: Iterable[int]) -> set[int]:
        out: set[int] = set()
        for area_id in area_ids:
            node = area_id
            while node is not None and node not in out:
                out.add(node)
                node = self.parent.get(node)
        return out


def _chunks(rows: Iterable[IncidentRow], size: int) -> Iterator[list[IncidentRow]]:
    chunk: list[IncidentRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest(
    rows: Iterable[IncidentRow],
    *,
    resolver: AreaResolver | None = None,
    batch_size: int = 5000,
    progress=None,
    now: datetime | None = None,
) -> IngestReport:
    """Store ``rows``; call inside ``transaction.atomic()``.

    Parameters
    ----------
    progress : callable, optional
        Called with the number of rows handled after each batch (for a progress bar).
    """
    from django.utils import timezone

    resolver = resolver or AreaResolver()
    report = IngestReport()
    country = getattr(settings, "COUNTRY", "SE")
    now = now or timezone.now()
    seen_ids: set[tuple[str, str]] = set()
    seen_hashes: set[tuple[str, str]] = set()
    for chunk in _chunks(rows, batch_size):
        # Duplicates: first within the file, then against what is already stored.
        hashes = [r.content_hash() if not r.external_id else "" for r in chunk]
        by_source_ids: dict[str, list[str]] = {}
        by_source_hashes: dict[str, list[str]] = {}
        for r, h in zip(chunk, hashes):
            if r.external_id:
                by_source_ids.setdefault(r.source, []).append(r.external_id)
            else:
                by_source_hashes.setdefault(r.source, []).append(h)
        existing_ids = {
            (s, e)
            for s, ids in by_source_ids.items()
            for e in Incident.objects.filter(source=s, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        }
        existing_hashes = {
            (s, e)
            for s, hs in by_source_hashes.items()
            for e in Incident.objects.filter(source=s, content_hash__in=hs).values_list(
                "content_hash", flat=True
            )
        }
        fresh: list[tuple[IncidentRow, str]] = []
        for r, h in zip(chunk, hashes):
            key = (r.source, r.external_id) if r.external_id else (r.source, h)
            known = existing_ids if r.external_id else existing_hashes
            seen = seen_ids if r.external_id else seen_hashes
            if key in known or key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
            fresh.append((r, h))
        if not fresh:
            if progress:
                progress(len(chunk))
            continue

        lon = np.array([r.lon if r.lon is not None else np.nan for r, _ in fresh], dtype=float)
        lat = np.array([r.lat if r.lat is not None else np.nan for r, _ in fresh], dtype=float)
        has_xy = ~np.isnan(lon)
        x = np.full(len(fresh), np.nan)
        y = np.full(len(fresh), np.nan)
        if has_xy.any():
            x[has_xy], y[has_xy] = project(lon[has_xy], lat[has_xy], country)
        is_point = np.array([r.precision in (Precision.POINT, Precision.ADDRESS) for r, _ in fresh])
        point_idx = np.flatnonzero(is_point & has_xy)
        contained = resolver.index.containing(lon[point_idx], lat[point_idx])
        areas_of: dict[int, list[int]] = dict(zip(point_idx.tolist(), contained))

        incidents = []
        for i, (r, h) in enumerate(fresh):
            point = i in areas_of
            incidents.append(
                Incident(
                    source=r.source,
                    external_id=r.external_id,
                    content_hash=h,
                    occurred_from=r.occurred_from,
                    occurred_to=r.occurred_to,
                    reported_at=r.reported_at or now,
                    reporter_id=r.reporter_id,
                    organisation_id=r.organisation_id,
                    category_id=r.category_id,
                    place_type=r.place_type,
                    place_name=r.place_name[:200],
                    description=mask_text(r.description) if r.description else "",
                    perceived_insecurity=r.perceived_insecurity,
                    lon=r.lon,
                    lat=r.lat,
                    x=float(x[i]) if has_xy[i] else None,
                    y=float(y[i]) if has_xy[i] else None,
                    h3=h3.latlng_to_cell(r.lat, r.lon, H3_RESOLUTION) if point else "",
                    precision=r.precision,
                    visibility=r.visibility,
                    is_summary=r.is_summary,
                    url=r.url,
                )
            )
        Incident.objects.bulk_create(incidents, batch_size=1000)
        links = []
        for i, ((r, _), inc) in enumerate(zip(fresh, incidents)):
            area_ids = resolver.with_ancestors(areas_of.get(i, []) + list(r.area_ids))
            links.extend(
                IncidentArea(
                    incident_id=inc.pk,
                    area_id=a,
                    occurred_from=inc.occurred_from,
                    category_id=inc.category_id,
                    is_summary=inc.is_summary,
                )
                for a in area_ids
            )
        IncidentArea.objects.bulk_create(links, batch_size=2000)
        report.imported += len(incidents)
        report.incident_ids.extend(inc.pk for inc in incidents)
        if progress:
            progress(len(chunk))
    return report
