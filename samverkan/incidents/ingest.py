"""The one path by which incidents enter the database.

Importers, the reporter form and the API all hand :func:`ingest` plain rows. It masks the
free text, projects the coordinates to metres, computes the H3 cell, finds every area that
contains the incident and inserts incidents and their area links in bulk, skipping rows
that are already there (same source and external id, otherwise same content hash).

It does not open a transaction of its own: callers wrap the whole import in one, so an
import that is killed leaves none of its rows behind and a rerun completes it.

Rows are written with one ``executemany`` per table and batch, not through model
instances: building a million ``Incident`` objects would cost more than the insert itself
(see ``benchmarks/bench_import.py``). Incident ids are reserved up front (PostgreSQL: from
the table's sequence; SQLite: above the highest id ever used, inside the write
transaction) so the area links can be written in the same pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import h3
import numpy as np
from django.conf import settings
from django.db import connection

from samverkan.core.geo import AreaIndex, project
from samverkan.core.models import Area
from samverkan.incidents.masking import mask_text
from samverkan.incidents.models import Incident, IncidentArea, Precision

H3_RESOLUTION = 9  # about 0.1 km² a cell: street-block scale for hotspot maps
_POINT = (Precision.POINT, Precision.ADDRESS)
SQLITE_CACHE_KIB = -131072  # negative: a cap in KiB (128 MB), allocated only as pages are used


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
        self._cache: dict[tuple[int, ...], tuple[int, ...]] = {}

    def with_ancestors(self, area_ids: Iterable[int]) -> set[int]:
        out: set[int] = set()
        for area_id in area_ids:
            node = area_id
            while node is not None and node not in out:
                out.add(node)
                node = self.parent.get(node)
        return out

    def links(self, area_ids: tuple[int, ...]) -> tuple[int, ...]:
        """:meth:`with_ancestors` as a sorted tuple, remembered (most points share a few)."""
        found = self._cache.get(area_ids)
        if found is None:
            found = self._cache[area_ids] = tuple(sorted(self.with_ancestors(area_ids)))
        return found


def _chunks(rows: Iterable[IncidentRow], size: int) -> Iterator[list[IncidentRow]]:
    chunk: list[IncidentRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# Incident columns written by ingest, in insert order; every other column takes its default.
_SET = (
    "source",
    "external_id",
    "content_hash",
    "occurred_from",
    "occurred_to",
    "reported_at",
    "reporter_id",
    "organisation_id",
    "category_id",
    "place_type",
    "place_name",
    "description",
    "perceived_insecurity",
    "lon",
    "lat",
    "x",
    "y",
    "h3",
    "precision",
    "visibility",
    "is_summary",
    "url",
    "created_at",
)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), faster."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return str(value.replace(tzinfo=None))


class _Writer:
    """Raw inserts for incidents and their area links, with ids reserved in advance."""

    def __init__(self, now: datetime):
        ops = connection.ops
        self.vendor = connection.vendor
        self.adapt_dt = ops.adapt_datetimefield_value
        if self.vendor == "sqlite" and connection.timezone == UTC:
            self.adapt_dt = _sqlite_datetime
        self.qn = ops.quote_name
        self.incident_table = Incident._meta.db_table
        fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in fields}
        # Plain values: psycopg would dump a choices enum (Status.NEW) by its member name.
        self.defaults = tuple(
            f.get_db_prep_save(f.get_default(), connection) for f in fields if f.attname not in _SET
        )
        self.defaults = tuple(str(v) if isinstance(v, str) else v for v in self.defaults)
        cols = ["id", *(by_attname[a].column for a in _SET)]
        cols += [f.column for f in fields if f.attname not in _SET]
        self.incident_sql = self._insert(self.incident_table, cols)
        link_cols = [
            IncidentArea._meta.get_field(n).column
            for n in (
                "incident",
                "area",
                "occurred_from",
                "category",
                "is_summary",
                "organisation",
                "visibility",
                "is_duplicate",
            )
        ]
        self.link_sql = self._insert(IncidentArea._meta.db_table, link_cols)
        self.now = self.adapt_dt(now)

    def _insert(self, table: str, cols: list[str]) -> str:
        names = ", ".join(self.qn(c) for c in cols)
        return f"INSERT INTO {self.qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"

    def reserve(self, cursor, n: int) -> list[int]:
        table = self.incident_table
        if self.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return sorted(r[0] for r in cursor.fetchall())
        if self.vendor == "sqlite":
            # AUTOINCREMENT never reuses an id, even of a deleted row: start above both.
            cursor.execute(
                f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {self.qn(table)}), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
                [table],
            )
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.qn(table)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + n))

    def existing(self, cursor, column: str, source: str, values: list[str]) -> set[str]:
        """Which ``values`` of ``column`` are stored for ``source`` (in slices of 900)."""
        found: set[str] = set()
        col = self.qn(column)
        for i in range(0, len(values), 900):
            part = values[i : i + 900]
            # NOT (col = '') repeats the partial unique index's condition so it is used.
            cursor.execute(
                f"SELECT {col} FROM {self.qn(self.incident_table)} WHERE {self.qn('source')} = "
                f"%s AND NOT ({col} = '') AND {col} IN ({', '.join(['%s'] * len(part))})",
                [source, *part],
            )
            found.update(r[0] for r in cursor.fetchall())
        return found


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
    writer = _Writer(now)
    adapt = writer.adapt_dt
    seen_ids: set[tuple[str, str]] = set()
    seen_hashes: set[tuple[str, str]] = set()
    cursor = connection.cursor()
    cache_size = None
    if writer.vendor == "sqlite":
        # A big import touches many index pages; SQLite's default 2 MB page cache would
        # spill them to the journal again and again inside the one transaction.
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
    try:
        for chunk in _chunks(rows, batch_size):
            fresh = _fresh(chunk, writer, cursor, seen_ids, seen_hashes, report)
            if fresh:
                _store(fresh, writer, cursor, resolver, country, adapt, report)
            if progress:
                progress(len(chunk))
    finally:
        if cache_size is not None:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.close()
    return report


def _fresh(chunk, writer, cursor, seen_ids, seen_hashes, report):
    """The rows of ``chunk`` not already stored nor seen earlier in this run."""
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
        for e in writer.existing(cursor, "external_id", s, ids)
    }
    existing_hashes = {
        (s, e)
        for s, hs in by_source_hashes.items()
        for e in writer.existing(cursor, "content_hash", s, hs)
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
    return fresh


def _store(fresh, writer, cursor, resolver, country, adapt, report):
    n = len(fresh)
    lon = np.array([r.lon if r.lon is not None else np.nan for r, _ in fresh], dtype=float)
    lat = np.array([r.lat if r.lat is not None else np.nan for r, _ in fresh], dtype=float)
    has_xy = ~np.isnan(lon)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    if has_xy.any():
        x[has_xy], y[has_xy] = project(lon[has_xy], lat[has_xy], country)
    is_point = np.array([r.precision in _POINT for r, _ in fresh])
    point_idx = np.flatnonzero(is_point & has_xy)
    contained = resolver.index.containing(lon[point_idx], lat[point_idx])
    areas_of: dict[int, list[int]] = dict(zip(point_idx.tolist(), contained))
    xs = np.where(has_xy, x, None).tolist()  # NaN -> NULL
    ys = np.where(has_xy, y, None).tolist()

    ids = writer.reserve(cursor, n)
    defaults = writer.defaults
    now = writer.now
    incidents = []
    links = []
    for i, (r, h) in enumerate(fresh):
        point = i in areas_of
        occurred = adapt(r.occurred_from)
        incidents.append(
            (
                ids[i],
                r.source,
                r.external_id,
                h,
                occurred,
                adapt(r.occurred_to),
                adapt(r.reported_at) if r.reported_at else now,
                r.reporter_id,
                r.organisation_id,
                r.category_id,
                r.place_type,
                r.place_name[:200],
                mask_text(r.description) if r.description else "",
                r.perceived_insecurity,
                r.lon,
                r.lat,
                xs[i],
                ys[i],
                h3.latlng_to_cell(r.lat, r.lon, H3_RESOLUTION) if point else "",
                str(r.precision),
                str(r.visibility),
                r.is_summary,
                r.url,
                now,
                *defaults,
            )
        )
        area_ids = tuple(areas_of.get(i, ())) + tuple(r.area_ids)
        if area_ids:
            org, vis = r.organisation_id, str(r.visibility)
            for a in resolver.links(area_ids):
                links.append((ids[i], a, occurred, r.category_id, r.is_summary, org, vis, False))
    cursor.executemany(writer.incident_sql, incidents)
    if links:
        cursor.executemany(writer.link_sql, links)
    report.imported += n
    report.incident_ids.extend(ids)
