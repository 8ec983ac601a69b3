"""The one path by which incidents enter the database.

Importers, the reporter form and the API all hand :func:`ingest` plain rows. It masks the
free text, projects the coordinates to metres, computes the H3 cell, finds every area that
contains the incident and inserts incidents and their area links in bulk, skipping rows
that are already there: in the same register (a source of one organisation), the same
external id, or without one the same content hash and the same occurrence of that content
within this call, so that identical rows of one file are all kept and a second import of
the file adds nothing.

Everything happens in one transaction (a savepoint inside the caller's), so an import that
fails or is killed leaves none of its rows behind and a rerun completes it.

Rows are written in bulk, not through model instances: building a million ``Incident``
objects would cost more than the insert itself (docs/importing.md, "Performance").

- PostgreSQL: each batch is streamed with ``COPY`` into a temporary staging table; one
  set-based statement at the end inserts the staged rows whose keys are not stored yet,
  and their area links, and returns the new ids.
- SQLite: per batch, one query per register finds the keys already stored, and the new
  rows are written a few hundred to an ``INSERT ... VALUES (...), (...)`` statement.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from h3.api import basic_int as h3_int

from samverkan.core.geo import project
from samverkan.core.masking import mask_text
from samverkan.incidents.area_links import area_tree
from samverkan.incidents.models import Incident, IncidentArea, Precision

H3_RESOLUTION = 9  # about 0.1 km² a cell: street-block scale for hotspot maps
_POINT = frozenset({Precision.POINT, Precision.ADDRESS})
ROWS_PER_STATEMENT = 500  # rows in one multi-row INSERT (SQLite)
SQLITE_CACHE_KIB = -262144  # negative: a cap in KiB (256 MiB), allocated only as pages are used
MASK_CACHE_SIZE = 100_000  # distinct texts remembered per import (texts repeat in registers)
STAGE = "ingest_stage"  # the temporary staging table (PostgreSQL)
ANALYZE_FROM = 1000  # staged rows from which the staging table gets statistics


@dataclass(slots=True)
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
        return _content_hash(self, self.occurred_from.isoformat())


def _content_hash(row: IncidentRow, occurred_from_iso: str) -> str:
    # The key must stay byte for byte what earlier versions hashed, or a re-import of
    # rows without an external id would no longer find them.
    to = row.occurred_to
    key = (
        f"{occurred_from_iso}|{to.isoformat() if to else ''}|{row.category_id}|"
        f"{_rounded(row.lon)}|{_rounded(row.lat)}|{row.description}"
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def occurrence_key(content_hash: str, occurrence: int) -> str:
    """The key of the ``occurrence``-th row (from 1) of the same content within one import.

    Files without ids legitimately repeat a row: two burglaries in the same month at the
    same anonymised point are identical in every column. The first keeps the plain content
    hash (so files imported before this rule are still recognised); each further copy gets
    a key of its own, so all are kept, and importing the file again finds every key.
    """
    if occurrence == 1:
        return content_hash
    return hashlib.sha1(f"{content_hash}#{occurrence}".encode("ascii")).hexdigest()


def _rounded(value: float | None) -> str:
    """``str(round(value, 6))``, or "" for None; skips the rounding where it changes nothing.

    A float whose shortest text has at most six decimals is the double nearest that
    decimal, so rounding it to six decimals gives the same double back.
    """
    if value is None:
        return ""
    text = repr(value)
    dot = text.find(".")
    if dot < 0 or len(text) - dot > 7 or "e" in text:
        return str(round(value, 6))
    return text


# Where keys are unique (the model's unique constraints): a source of one organisation,
# (source, organisation id or 0). Two organisations reporting to one source ("rapport")
# never see each other's ids or contents as duplicates.
Register = tuple[str, int]


def register_of(row: IncidentRow) -> Register:
    return (row.source, row.organisation_id or 0)


@dataclass
class IngestReport:
    imported: int = 0
    duplicates: int = 0
    incident_ids: list[int] = field(default_factory=list)


class AreaResolver:
    """Area lookups for a batch: containing areas of points and ancestors of named areas."""

    def __init__(self, country: str | None = None):
        self.index, self.parent = area_tree(country)
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


# Incident columns written by ingest, in the order of _Run.prepare's values; every other
# column takes its model default.
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
)
# Link columns copied from the incident (by name), after incident_id and area_id.
_COPIED = ("occurred_from", "category_id", "is_summary", "organisation_id", "visibility")


def _sqlite_datetime(iso: str) -> str:
    """What Django's SQLite backend stores for an aware UTC datetime, from its ISO text."""
    return f"{iso[:10]} {iso[11:-6]}"


class _Run:
    """The state of one :func:`ingest` call: keys seen so far and the column layout."""

    def __init__(self, resolver: AreaResolver, now: datetime):
        self.resolver = resolver
        self.country = getattr(settings, "COUNTRY", "SE")
        self.now = now
        self.report = IngestReport()
        self.seen: dict[Register, set[str]] = {}
        # Per register: how often each content hash has occurred so far in this import,
        # so that identical rows get keys of their own (see occurrence_key).
        self.occurrences: dict[Register, dict[str, int]] = {}
        self.masked: dict[str, str] = {}
        self.iso: dict[int, tuple[datetime, str]] = {}
        fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in fields}
        self.fields = [by_attname[a] for a in _SET]
        # The model's defaults for the columns ingest does not set, and created_at. Plain
        # values: psycopg would dump a choices enum (Status.NEW) by its member name.
        rest = [f for f in fields if f.attname not in _SET]
        self.constant_fields = rest
        self.constant_cols = [f.column for f in rest]
        self.constants = [
            now if f.attname == "created_at" else f.get_db_prep_save(f.get_default(), connection)
            for f in rest
        ]
        self.constants = [str(v) if isinstance(v, str) else v for v in self.constants]

    def fresh(self, chunk: list[IncidentRow]) -> tuple[list[IncidentRow], list[str], list[str]]:
        """The rows of ``chunk`` not seen earlier in this call, their keys and ISO times.

        The key is the external id, or without one the content hash and occurrence
        (:func:`occurrence_key`).
        """
        iso_of = self.iso
        rows, keys, isos = [], [], []
        for r in chunk:
            # Readers hand one time object to every row with the same time text: formatted
            # once. By identity, not equality: equal times in two zones format differently.
            value = r.occurred_from
            hit = iso_of.get(id(value))
            if hit is None or hit[0] is not value:
                hit = iso_of[id(value)] = (value, value.isoformat())
            iso = hit[1]
            register = (r.source, r.organisation_id or 0)
            key = r.external_id
            if not key:
                h = _content_hash(r, iso)
                counts = self.occurrences.setdefault(register, {})
                n = counts[h] = counts.get(h, 0) + 1
                key = h if n == 1 else occurrence_key(h, n)
            seen = self.seen.setdefault(register, set())
            if key in seen:
                self.report.duplicates += 1
                continue
            seen.add(key)
            rows.append(r)
            keys.append(key)
            isos.append(iso)
        if len(iso_of) > 200_000:
            iso_of.clear()
        return rows, keys, isos

    def _mask(self, text: str) -> str:
        if not text:
            return ""
        masked = self.masked.get(text)
        if masked is None:
            masked = mask_text(text)
            if len(self.masked) < MASK_CACHE_SIZE:
                self.masked[text] = masked
        return masked

    def prepare(self, rows: list[IncidentRow], keys: list[str], occurred: list, adapt) -> tuple:
        """The values of ``_SET`` for each row, and the area ids to link each row to.

        ``occurred`` is each row's ``occurred_from`` as the database driver takes it;
        ``adapt`` makes the other times so.
        """
        n = len(rows)
        resolver = self.resolver
        lon = np.array([np.nan if r.lon is None else r.lon for r in rows], dtype=float)
        lat = np.array([np.nan if r.lat is None else r.lat for r in rows], dtype=float)
        has_xy = ~np.isnan(lon)
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        if has_xy.any():
            x[has_xy], y[has_xy] = project(lon[has_xy], lat[has_xy], self.country)
        xs = np.where(has_xy, x, None).tolist()  # NaN -> NULL
        ys = np.where(has_xy, y, None).tolist()
        is_point = np.array([r.precision in _POINT for r in rows], dtype=bool)
        point_idx = np.flatnonzero(is_point & has_xy)
        # Points are grouped by the set of areas they fall in; ancestors once per set.
        area_sets, which = resolver.index.groups(lon[point_idx], lat[point_idx])
        set_links = [resolver.links(a) for a in area_sets]
        links: list[tuple[int, ...]] = [()] * n
        cells = [""] * n
        cell = h3_int.latlng_to_cell  # and hex by hand: the str API does that in Python
        for i, k in zip(point_idx.tolist(), which.tolist()):
            links[i] = set_links[k]
            cells[i] = f"{cell(rows[i].lat, rows[i].lon, H3_RESOLUTION):x}"
        mask, now = self._mask, adapt(self.now)
        values = []
        for i, r in enumerate(rows):
            if r.area_ids:
                links[i] = resolver.links(tuple(sorted(set(links[i]) | set(r.area_ids))))
            ext = r.external_id
            values.append(
                (
                    r.source,
                    ext,
                    "" if ext else keys[i],
                    occurred[i],
                    adapt(r.occurred_to),
                    adapt(r.reported_at) if r.reported_at else now,
                    r.reporter_id,
                    r.organisation_id,
                    r.category_id,
                    r.place_type,
                    mask(r.place_name)[:200],
                    mask(r.description),
                    r.perceived_insecurity,
                    r.lon,
                    r.lat,
                    xs[i],
                    ys[i],
                    cells[i],
                    str(r.precision),
                    str(r.visibility),
                    r.is_summary,
                    r.url,
                )
            )
        return values, links


class _SQLite:
    """Per batch: the stored keys looked up, the new rows inserted many to a statement."""

    def __init__(self, run: _Run):
        self.run = run
        qn = connection.ops.quote_name
        self.qn = qn
        self.table = qn(Incident._meta.db_table)
        self.link_table = qn(IncidentArea._meta.db_table)
        self.cols = ["id", *(f.column for f in run.fields), *run.constant_cols]
        self.link_cols = ["incident_id", "area_id", *_COPIED, "is_duplicate"]
        self.copied = [_SET.index(c) for c in _COPIED]
        self.adapt = connection.ops.adapt_datetimefield_value
        run.constants = [self.adapt(v) if isinstance(v, datetime) else v for v in run.constants]
        self.raw = connection.connection
        # A big import touches many index pages; SQLite's default 2 MB page cache would
        # spill them to the journal again and again inside the one transaction.
        self.cache_size = self.raw.execute("PRAGMA cache_size").fetchone()[0]
        self.raw.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")

    def close(self) -> None:
        self.raw.execute(f"PRAGMA cache_size = {int(self.cache_size)}")

    def stored(self, cursor, rows: list[IncidentRow], keys: list[str]) -> set[int]:
        """Positions in ``rows`` whose key is already stored in the row's register."""
        wanted: dict[tuple[str, Register], dict[str, int]] = {}
        for i, (r, key) in enumerate(zip(rows, keys)):
            column = "external_id" if r.external_id else "content_hash"
            wanted.setdefault((column, register_of(r)), {})[key] = i
        found: set[int] = set()
        for (column, register), positions in wanted.items():
            col = self.qn(column)
            values = list(positions)
            for start in range(0, len(values), 900):
                part = values[start : start + 900]
                # The unique indexes' own expressions and condition, so that they are used.
                cursor.execute(
                    f"SELECT {col} FROM {self.table} WHERE source = %s "
                    f"AND COALESCE(organisation_id, 0) = %s AND NOT ({col} = '') "
                    f"AND {col} IN ({', '.join(['%s'] * len(part))})",
                    [*register, *part],
                )
                found.update(positions[v] for (v,) in cursor.fetchall())
        return found

    def write(self, cursor, rows: list[IncidentRow], keys: list[str], isos: list[str]) -> None:
        run = self.run
        stored = self.stored(cursor, rows, keys)
        if stored:
            run.report.duplicates += len(stored)
            keep = [i for i in range(len(rows)) if i not in stored]
            rows, keys, isos = (
                [rows[i] for i in keep],
                [keys[i] for i in keep],
                [isos[i] for i in keep],
            )
        if not rows:
            return
        adapt = self.adapt
        utc = connection.timezone == UTC
        occurred = [
            _sqlite_datetime(iso) if utc and iso.endswith("+00:00") else adapt(r.occurred_from)
            for r, iso in zip(rows, isos)
        ]
        values, links = run.prepare(rows, keys, occurred, adapt)
        # AUTOINCREMENT never reuses an id, even of a deleted row: start above both. The
        # transaction holds SQLite's write lock, so nobody else takes these ids.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {self.table}), 0), "
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [Incident._meta.db_table],
        )
        first = cursor.fetchone()[0] + 1
        ids = range(first, first + len(rows))
        constants = tuple(run.constants)
        self.insert(self.table, self.cols, [(i, *v, *constants) for i, v in zip(ids, values)])
        copied = self.copied
        self.insert(
            self.link_table,
            self.link_cols,
            [
                (i, area, *(v[c] for c in copied), False)
                for i, v, areas in zip(ids, values, links)
                for area in areas
            ],
        )
        run.report.imported += len(rows)
        run.report.incident_ids.extend(ids)

    def insert(self, table: str, cols: list[str], rows: list[tuple]) -> None:
        # Many rows per statement: SQLite then runs one statement (one sqlite_sequence
        # update, one call from Python) per few hundred rows instead of per row, which
        # halves the time of writing narrow rows.
        limit = self.raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_STATEMENT, limit // len(cols)))
        row = f"({', '.join(['?'] * len(cols))})"
        prefix = f"INSERT INTO {table} ({', '.join(self.qn(c) for c in cols)}) VALUES "
        full = prefix + ", ".join([row] * per)
        # The driver's own cursor: Django's rewrites every placeholder of a long statement.
        with connection.wrap_database_errors:
            raw = self.raw.cursor()
            try:
                for start in range(0, len(rows), per):
                    part = rows[start : start + per]
                    sql = full if len(part) == per else prefix + ", ".join([row] * len(part))
                    raw.execute(sql, list(chain.from_iterable(part)))
            finally:
                raw.close()


class _PostgreSQL:
    """Batches streamed with COPY into a staging table; one insert of the new rows at the end."""

    def __init__(self, run: _Run, cursor):
        self.run = run
        self.staged = 0
        cols = ", ".join(f"{f.column} {f.db_type(connection)}" for f in run.fields)
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (id bigint, {cols}, area_ids bigint[]) ON COMMIT DROP"
        )
        self.copy_sql = (
            f"COPY {STAGE} (id, {', '.join(f.column for f in run.fields)}, area_ids) FROM STDIN"
        )

    def close(self) -> None:
        pass

    def write(self, cursor, rows: list[IncidentRow], keys: list[str], isos: list[str]) -> None:
        values, links = self.run.prepare(rows, keys, [r.occurred_from for r in rows], _same)
        # Ids in file order, drawn before the duplicate check: a duplicate leaves a gap.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Incident._meta.db_table, len(rows)],
        )
        ids = sorted(i for (i,) in cursor.fetchall())
        with cursor.copy(self.copy_sql) as copy:
            for i, v, areas in zip(ids, values, links):
                copy.write_row((i, *v, list(areas)))
        self.staged += len(rows)

    def finish(self, cursor) -> None:
        """Insert the staged rows whose keys are not stored yet, with their area links."""
        run = self.run
        incident = Incident._meta.db_table
        cols = ", ".join(f.column for f in run.fields)
        constants = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in run.constant_fields)

        # The unique indexes find the keys already stored, row by row (ON CONFLICT checks
        # them before it writes), whatever the statistics: the staging table has fresh ones,
        # the incident table may be ten times larger than its last ANALYZE says. A few rows
        # (a report filed on its own) are read alike by any plan: no statistics for them.
        if self.staged >= ANALYZE_FROM:
            cursor.execute(f"ANALYZE {STAGE}")
        cursor.execute(
            f"""
            WITH inserted AS (
                INSERT INTO {incident} (id, {cols}, {", ".join(run.constant_cols)})
                SELECT s.id, {", ".join(f"s.{f.column}" for f in run.fields)}, {constants}
                FROM {STAGE} s ON CONFLICT DO NOTHING RETURNING id
            ), linked AS (
                INSERT INTO {IncidentArea._meta.db_table}
                    (incident_id, area_id, {", ".join(_COPIED)}, is_duplicate)
                SELECT s.id, a.area_id, {", ".join(f"s.{c}" for c in _COPIED)}, false
                FROM inserted JOIN {STAGE} s USING (id), unnest(s.area_ids) AS a(area_id)
            )
            SELECT id FROM inserted ORDER BY id
            """,
            run.constants,
        )
        ids = [i for (i,) in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {STAGE}")
        run.report.imported += len(ids)
        run.report.duplicates += self.staged - len(ids)
        run.report.incident_ids.extend(ids)


def _same(value):
    return value


def ingest(
    rows: Iterable[IncidentRow],
    *,
    resolver: AreaResolver | None = None,
    batch_size: int = 10_000,
    progress=None,
    now: datetime | None = None,
) -> IngestReport:
    """Store ``rows`` in one transaction (a savepoint if the caller has one open).

    Parameters
    ----------
    progress : callable, optional
        Called with the number of rows handled after each batch (for a progress bar).
    """
    from django.utils import timezone

    run = _Run(resolver or AreaResolver(), now or timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        writer = _PostgreSQL(run, cursor) if postgres else _SQLite(run)
        try:
            for chunk in _chunks(rows, batch_size):
                fresh, keys, isos = run.fresh(chunk)
                if fresh:
                    writer.write(cursor, fresh, keys, isos)
                if progress:
                    progress(len(chunk))
            if postgres:
                writer.finish(cursor)
        finally:
            writer.close()
    if run.report.imported:
        from samverkan.incidents.signals import incidents_ingested

        incidents_ingested.send(sender=IncidentRow, report=run.report)
    return run.report
