"""The one path by which incidents enter the database.

Importers, the reporter form and the API all hand :func:`ingest` plain rows. It masks the
free text, projects the coordinates to metres, computes the H3 cell, finds every area that
contains the incident and inserts incidents and their area links in bulk, skipping rows
that are already there: in the same register (a source of one organisation), the same
external id, or without one the same content hash and the same occurrence of that content
within this call, so that identical rows of one file are all kept and a second import of
the file adds nothing.

It does not open a transaction of its own: callers wrap the whole import in one, so an
import that is killed leaves none of its rows behind and a rerun completes it.

Rows are written in bulk per table and batch (``executemany`` on PostgreSQL, multi-row
statements on SQLite), not through model instances: building a million ``Incident`` objects would cost more than the insert itself
(see ``benchmarks/bench_import.py`` and docs/importing.md, "Performance"). Incident ids
are reserved up front (PostgreSQL: from the table's sequence; SQLite: above the highest id
ever used, inside the write transaction) so the area links can be written in the same pass.

On SQLite more is done for speed, all of it invisible in the result:

- Rows are written a few hundred to a statement (``INSERT ... VALUES (...), (...)``).
- Values that are the same in every row of a batch (source, organisation, defaults ...)
  are written into the statement as literals instead of being bound per row: binding a
  parameter costs about as much as SQLite's whole work for a narrow row.
- An import that is large compared with the rows already stored ("bulk mode") drops the
  secondary indexes of the incident and link tables inside its transaction and builds
  them again, by sorting, before it returns. SQLite DDL is transactional, so an import
  that fails or is killed leaves the indexes as they were. The duplicate check then runs
  against the stored keys held in memory, and rebuilding the unique indexes checks it
  again: a duplicate that slipped through aborts the whole import. In bulk mode a thread
  executes the inserts (SQLite releases the GIL while it runs a statement) while the
  next batch is prepared.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from operator import itemgetter

import numpy as np
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from h3.api import basic_int as h3_int

from samverkan.core.geo import project
from samverkan.core.masking import mask_text
from samverkan.core.models import Area
from samverkan.incidents.area_links import area_index
from samverkan.incidents.models import Incident, IncidentArea, Precision

H3_RESOLUTION = 9  # about 0.1 km² a cell: street-block scale for hotspot maps
_POINT = frozenset({Precision.POINT, Precision.ADDRESS})
SQLITE_CACHE_KIB = -262144  # negative: a cap in KiB (256 MiB), allocated only as pages are used
# Bulk mode (SQLite): once an import has stored this many rows and at least this share of
# the rows that were there before it, rebuilding the indexes at the end is cheaper than
# keeping them up to date row by row (random B-tree inserts into indexes that no longer fit
# the page cache).
BULK_MIN_ROWS = 50_000
BULK_SHARE = 0.5
# Bulk mode keeps an index whose keys take at most this many values in the rows imported
# so far, each repeated at least this often on average (see _SecondaryIndexes).
KEEP_MAX_KEYS = 256
KEEP_MIN_REPEATS = 20
ROWS_PER_STATEMENT = 500  # rows in one multi-row INSERT (SQLite)
MASK_CACHE_SIZE = 100_000  # distinct texts remembered per import (texts repeat in registers)
ISO_CACHE_SIZE = 200_000  # time objects whose ISO text is remembered
_INT64 = range(-(2**63), 2**63)
# The references an import writes, checked by _Run.verify_references (Swedish: in errors).
_REFERENCES = {
    "category": "kategori",
    "organisation": "organisation",
    "reporter": "användare",
    "area": "område",
}


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
    # Filled in by :func:`precompute_iso` where the rows are read in another process
    # (importers/child.py), so that the process storing them need not: occurred_from in
    # ISO 8601 (formatting an aware datetime costs as much as hashing the row). Empty:
    # computed at ingestion.
    occurred_from_iso: str = ""

    def content_hash(self) -> str:
        return _content_hash(self, self.occurred_from.isoformat())


def precompute_iso(rows: Iterable[IncidentRow]) -> None:
    """Fill in each row's ``occurred_from_iso``."""
    for r in rows:
        r.occurred_from_iso = r.occurred_from.isoformat()


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
    bulk: bool = False  # whether the indexes were rebuilt (SQLite bulk mode)


class AreaResolver:
    """Area lookups for a batch: containing areas of points and ancestors of named areas."""

    def __init__(self, country: str | None = None):
        self.index = area_index(country)
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
_LINK_FIELDS = (
    "incident",
    "area",
    "occurred_from",
    "category",
    "is_summary",
    "organisation",
    "visibility",
    "is_duplicate",
)


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), faster."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]  # drop "+00:00"


def _sqlite_literal(value) -> str | None:
    """SQL text that stores exactly what binding ``value`` stores, or None to bind it."""
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is bool:
        return "1" if value else "0"
    if kind is int and value in _INT64:
        return str(value)
    if kind is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None  # floats stay parameters: SQLite's own decimal parsing might round them


def _constant(column) -> bool:
    first = column[0]
    if column.count(first) != len(column):
        return False
    # 1 == 1.0 == True: the same value of another type may store differently.
    return type(first) is str or len(set(map(type, column))) == 1


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
        self.link_table = IncidentArea._meta.db_table
        fields = [f for f in Incident._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in fields}
        # Plain values: psycopg would dump a choices enum (Status.NEW) by its member name.
        self.defaults = tuple(
            f.get_db_prep_save(f.get_default(), connection) for f in fields if f.attname not in _SET
        )
        self.defaults = tuple(str(v) if isinstance(v, str) else v for v in self.defaults)
        self.incident_cols = ["id", *(by_attname[a].column for a in _SET)]
        self.incident_cols += [f.column for f in fields if f.attname not in _SET]
        self.link_cols = [IncidentArea._meta.get_field(n).column for n in _LINK_FIELDS]
        self.now = self.adapt_dt(now)
        self.background: _Background | None = None
        self.next_id: int | None = None

    def insert(self, cursor, table: str, cols: list[str], columns: list) -> None:
        """Insert rows given column by column (each a list or tuple of equal length)."""
        names = ", ".join(self.qn(c) for c in cols)
        if self.vendor != "sqlite":
            sql = f"INSERT INTO {self.qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(cols))})"
            cursor.executemany(sql, list(zip(*columns)))
            return
        values, bound = [], []
        for column in columns:
            literal = _sqlite_literal(column[0]) if _constant(column) else None
            if literal is None:
                values.append("?")
                bound.append(column)
            else:
                values.append(literal)
        n = len(columns[0])
        # Many rows per statement: SQLite then runs one statement (one sqlite_sequence
        # update, one call from Python) per few hundred rows instead of per row, which
        # halves the time of writing narrow rows.
        raw_connection = connection.connection
        limit = raw_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(ROWS_PER_STATEMENT, limit // max(1, len(bound))))
        row = f"({', '.join(values)})"
        prefix = f"INSERT INTO {self.qn(table)} ({names}) VALUES "
        full = prefix + ", ".join([row] * per)
        statements = []
        for start in range(0, n, per):
            stop = min(start + per, n)
            sql = full if stop - start == per else prefix + ", ".join([row] * (stop - start))
            statements.append(
                (sql, list(chain.from_iterable(zip(*(c[start:stop] for c in bound)))))
            )
        if self.background is not None:
            self.background.submit(statements)
            return
        # The driver's own cursor: Django's would rewrite "%" inside the literals.
        with connection.wrap_database_errors:
            raw = raw_connection.cursor()
            try:
                for sql, params in statements:
                    raw.execute(sql, params)
            finally:
                raw.close()

    def reserve(self, cursor, n: int) -> list[int]:
        if self.background is not None and self.next_id is not None:
            # The import holds SQLite's write lock: nobody else can take the next ids.
            start, self.next_id = self.next_id, self.next_id + n
            return list(range(start, start + n))
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
        self.next_id = start + n
        return list(range(start, start + n))

    def _in_register(self, column: str) -> str:
        # The unique indexes' own expressions and condition, so that they are used.
        col = self.qn(column)
        return (
            f"{self.qn('source')} = %s AND COALESCE({self.qn('organisation_id')}, 0) = %s "
            f"AND NOT ({col} = '')"
        )

    def existing(self, cursor, column: str, register: Register, values: list[str]) -> set[str]:
        """Which ``values`` of ``column`` are stored in ``register`` (in slices of 900)."""
        found: set[str] = set()
        col = self.qn(column)
        where = self._in_register(column)
        for i in range(0, len(values), 900):
            part = values[i : i + 900]
            cursor.execute(
                f"SELECT {col} FROM {self.qn(self.incident_table)} WHERE {where} "
                f"AND {col} IN ({', '.join(['%s'] * len(part))})",
                [*register, *part],
            )
            found.update(r[0] for r in cursor.fetchall())
        return found

    def stored(self, cursor, column: str, register: Register) -> list[str]:
        """Every non-empty value of ``column`` stored in ``register``."""
        col = self.qn(column)
        cursor.execute(
            f"SELECT {col} FROM {self.qn(self.incident_table)} WHERE {self._in_register(column)}",
            list(register),
        )
        return [r[0] for r in cursor.fetchall()]


class _Background:
    """A thread that runs the SQLite inserts while the next batch is being prepared.

    SQLite releases the GIL while it executes a statement, and a multi-row INSERT is a
    long statement: the thread writes one batch while Python prepares the next. Used only
    in bulk mode, where the main thread needs nothing else from the database until it
    calls :meth:`finish`. The first error the thread meets is raised in the main thread.
    """

    def __init__(self, raw_connection):
        import queue
        import threading

        self.raw = raw_connection
        self.jobs: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        cursor = self.raw.cursor()
        try:
            while True:
                statements = self.jobs.get()
                try:
                    if statements is None:
                        return
                    if self.error is None:
                        for sql, params in statements:
                            cursor.execute(sql, params)
                except BaseException as exc:  # noqa: BLE001 (raised again in the main thread)
                    self.error = exc
                finally:
                    self.jobs.task_done()
        finally:
            cursor.close()

    def submit(self, statements) -> None:
        self._raise()
        self.jobs.put(statements)

    def drain(self) -> None:
        """Wait until every submitted statement has run (the thread goes on waiting)."""
        self.jobs.join()
        self._raise()

    def finish(self) -> None:
        """Wait until every submitted statement has run; raise the thread's error."""
        if self.thread.is_alive():
            self.jobs.put(None)
            self.thread.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            with connection.wrap_database_errors:
                raise self.error


class _SecondaryIndexes:
    """The droppable indexes of the incident and link tables (SQLite), dropped and rebuilt.

    Only indexes with their own ``CREATE INDEX`` are touched; the one SQLite makes for a
    table's inline UNIQUE constraint cannot be dropped and is cheap anyway (links are
    appended in (incident, area) order). Nor are indexes whose keys repeat a lot in the
    rows imported so far (an organisation, a category, NULL): every new entry goes to the
    end of its key's run, since the row id ends every key, so keeping them up to date
    touches only a few pages, while rebuilding one reads the whole table. A partial index
    counts only the imported rows it holds: the external-id index of an import without
    ids holds none and stays.

    Parameters
    ----------
    owned : dict
        For each table, the condition that selects the rows of this import.
    """

    def __init__(self, cursor, owned: dict[str, tuple[str, list]]):
        self.cursor = cursor
        qn = connection.ops.quote_name
        tables = list(owned)
        cursor.execute(
            "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS "
            f"NOT NULL AND tbl_name IN ({', '.join(['%s'] * len(tables))}) "
            "ORDER BY tbl_name, name",
            tables,
        )
        self.indexes: list[tuple[str, str]] = []
        self.kept: list[str] = []
        for table, name, sql in cursor.fetchall():
            cursor.execute(f"PRAGMA index_info({qn(name)})")
            columns = [row[2] for row in cursor.fetchall()]
            where, params = owned[table]
            head, _, condition = sql.partition(" WHERE ")
            if None in columns:  # None: an expression; its text is in the statement
                keys_sql = head[head.index("(") + 1 : head.rindex(")")]
            else:
                keys_sql = ", ".join(qn(c) for c in columns)
            if condition:
                # A partial index holds only the rows that meet its condition; one that
                # holds none of the import's rows costs nothing to keep.
                where = f"({where}) AND ({condition})"
            cursor.execute(
                f"SELECT COUNT(*), (SELECT COUNT(*) FROM {qn(table)} WHERE {where}) FROM "
                f"(SELECT DISTINCT {keys_sql} FROM {qn(table)} "
                f"WHERE {where} LIMIT {KEEP_MAX_KEYS + 1})",
                params + params,
            )
            keys, rows = cursor.fetchone()
            if keys <= KEEP_MAX_KEYS and keys * KEEP_MIN_REPEATS <= rows:
                self.kept.append(name)
                continue
            self.indexes.append((name, sql))
        self.dropped = False

    def drop(self) -> None:
        for name, _ in self.indexes:
            self.cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.dropped = True

    def rebuild(self) -> None:
        for name, sql in self.indexes:
            try:
                self.cursor.execute(sql)
            except IntegrityError as exc:
                raise IntegrityError(
                    f"index {name}: a duplicate got past the import's duplicate check ({exc}); "
                    "nothing was imported"
                ) from exc
        self.dropped = False


@contextmanager
def paused_gc():
    """Suspend the cyclic garbage collector for a bulk run of allocations.

    An import keeps hundreds of thousands of objects alive at once (rows, keys, parsed
    times); every collection walks them all, and collections come every few hundred
    allocations: a third of an import's time went there. The import makes no reference
    cycles of its own, so nothing piles up; plain reference counting still frees
    everything else, and the collector resumes when the run ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def ingest(
    rows: Iterable[IncidentRow],
    *,
    resolver: AreaResolver | None = None,
    batch_size: int = 10_000,
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

    run = _Run(resolver or AreaResolver(), now or timezone.now())
    cursor = run.cursor
    cache_size = None
    if run.writer.vendor == "sqlite":
        # A big import touches many index pages; SQLite's default 2 MB page cache would
        # spill them to the journal again and again inside the one transaction.
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA foreign_keys")
        # Off when the caller let this import check its own references (run_import does):
        # then they are checked once per distinct value at the end, not per row by SQLite.
        run.check_references = not cursor.fetchone()[0]
    try:
        with paused_gc():
            for chunk in _chunks(rows, batch_size):
                fresh, hashes, isos = run.fresh(chunk)
                if fresh:
                    run.store(fresh, hashes, isos)
                    run.maybe_go_bulk()
                if progress:
                    progress(len(chunk))
        run.finish_writes()
        if run.check_references:
            run.verify_references()
        if run.indexes is not None and run.indexes.dropped:
            run.indexes.rebuild()
    finally:
        run.finish_writes(raise_error=False)
        if cache_size is not None:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
        cursor.close()
        if run.indexes is not None and run.indexes.dropped:
            # The import failed half-way: never let the caller commit without the indexes,
            # even if it catches the exception (a rollback restores them).
            transaction.set_rollback(True)
    if run.report.imported:
        from samverkan.incidents.signals import incidents_ingested

        incidents_ingested.send(sender=IncidentRow, report=run.report)
    return run.report


class _Run:
    """The state of one :func:`ingest` call."""

    def __init__(self, resolver: AreaResolver, now: datetime):
        self.resolver = resolver
        self.country = getattr(settings, "COUNTRY", "SE")
        self.writer = _Writer(now)
        self.report = IngestReport()
        self.cursor = connection.cursor()
        # Keys per register (see Register): seen earlier in this run, and in bulk mode
        # also every stored one.
        self.seen_ids: dict[Register, set[str]] = {}
        self.seen_hashes: dict[Register, set[str]] = {}
        self.loaded: set[Register] = set()  # registers whose stored keys are in the sets
        # Per register: how often each content hash has occurred so far in this import,
        # so that identical rows get keys of their own (see occurrence_key).
        self.occurrences: dict[Register, dict[str, int]] = {}
        self.indexes: _SecondaryIndexes | None = None
        self.bulk_threshold: float | None = None
        self.masked: dict[str, str] = {}
        self.iso_cache: dict[int, tuple[datetime, str]] = {}
        self.check_references = False
        self.references: dict[str, set] = {k: set() for k in _REFERENCES}

    def finish_writes(self, raise_error: bool = True) -> None:
        background, self.writer.background = self.writer.background, None
        if background is not None:
            try:
                background.finish()
            except Exception:
                if raise_error:
                    raise

    def verify_references(self) -> None:
        """Raise IntegrityError if a category, organisation, user or area written is gone.

        What SQLite's foreign key check would have found (the import holds the write lock
        now, so nothing can go between this check and the commit). The links' incidents
        are the import's own rows.
        """
        from django.contrib.auth import get_user_model

        from samverkan.core.models import Organisation
        from samverkan.incidents.models import Category

        models = {"category": Category, "organisation": Organisation, "area": Area}
        models["reporter"] = get_user_model()
        for key, ids in self.references.items():
            wanted = sorted(i for i in ids if i is not None)
            found: set = set()
            for i in range(0, len(wanted), 900):
                part = wanted[i : i + 900]
                found.update(models[key].objects.filter(pk__in=part).values_list("pk", flat=True))
            missing = [i for i in wanted if i not in found]
            if missing:
                raise IntegrityError(
                    f"FOREIGN KEY: {_REFERENCES[key]} {', '.join(map(str, missing[:5]))} finns "
                    "inte (borttagen under importen?); inget importerades"
                )

    # -- duplicates ------------------------------------------------------------------------

    def fresh(self, chunk: list[IncidentRow]) -> tuple[list[IncidentRow], list[str], list[str]]:
        """The rows of ``chunk`` not already stored nor seen earlier in this run.

        Returns the rows, their keys (content hash and occurrence, see
        :func:`occurrence_key`; "" for rows with an external id) and their
        ``occurred_from`` in ISO 8601.
        """
        isos = self._isoformats(chunk)
        registers = [register_of(r) for r in chunk]
        hashes = []
        counts = self.occurrences
        for r, i, g in zip(chunk, isos, registers):
            if r.external_id:
                hashes.append("")
                continue
            h = _content_hash(r, i)
            per_register = counts.get(g)
            if per_register is None:
                per_register = counts[g] = {}
            n = per_register.get(h, 0) + 1
            per_register[h] = n
            hashes.append(h if n == 1 else occurrence_key(h, n))
        present = set(registers)
        stored_ids: dict[Register, set[str]] = {}
        stored_hashes: dict[Register, set[str]] = {}
        if self.report.bulk:
            for g in present - self.loaded:
                self._load(g)
        else:
            ids_of: dict[Register, list[str]] = {}
            hashes_of: dict[Register, list[str]] = {}
            for r, h, g in zip(chunk, hashes, registers):
                if r.external_id:
                    ids_of.setdefault(g, []).append(r.external_id)
                else:
                    hashes_of.setdefault(g, []).append(h)
            w, cur = self.writer, self.cursor
            for g, ids in ids_of.items():
                stored_ids[g] = w.existing(cur, "external_id", g, ids)
            for g, hs in hashes_of.items():
                stored_hashes[g] = w.existing(cur, "content_hash", g, hs)
        for g in present:
            self.seen_ids.setdefault(g, set())
            self.seen_hashes.setdefault(g, set())
        empty: set[str] = set()
        fresh: list[IncidentRow] = []
        fresh_hashes: list[str] = []
        fresh_isos: list[str] = []
        for r, h, i, g in zip(chunk, hashes, isos, registers):
            if r.external_id:
                key, seen, known = r.external_id, self.seen_ids[g], stored_ids
            else:
                key, seen, known = h, self.seen_hashes[g], stored_hashes
            if key in seen or key in known.get(g, empty):
                self.report.duplicates += 1
                continue
            seen.add(key)
            fresh.append(r)
            fresh_hashes.append(h)
            fresh_isos.append(i)
        return fresh, fresh_hashes, fresh_isos

    def _isoformats(self, chunk: list[IncidentRow]) -> list[str]:
        """``occurred_from.isoformat()`` of each row, once per time object.

        Importers hand the same datetime object to every row with the same time text, and
        formatting an aware datetime costs as much as hashing the row. The cache holds the
        object itself, so an id in it always belongs to that object.
        """
        cache = self.iso_cache
        if len(cache) > ISO_CACHE_SIZE:
            cache.clear()
        out = []
        for r in chunk:
            if r.occurred_from_iso:
                out.append(r.occurred_from_iso)
                continue
            value = r.occurred_from
            hit = cache.get(id(value))
            if hit is None or hit[0] is not value:
                hit = cache[id(value)] = (value, value.isoformat())
            out.append(hit[1])
        return out

    def _load(self, register: Register) -> None:
        w, cur = self.writer, self.cursor
        if w.background is not None:
            w.background.drain()  # one statement at a time on the connection
        self.seen_ids.setdefault(register, set()).update(w.stored(cur, "external_id", register))
        hashes = w.stored(cur, "content_hash", register)
        self.seen_hashes.setdefault(register, set()).update(hashes)
        self.loaded.add(register)

    # -- bulk mode -------------------------------------------------------------------------

    def maybe_go_bulk(self) -> None:
        w = self.writer
        if self.report.bulk or w.vendor != "sqlite" or self.report.imported < BULK_MIN_ROWS:
            return
        if not connection.in_atomic_block:
            return  # dropped indexes would be committed at once: never outside a transaction
        if self.bulk_threshold is None:
            self.cursor.execute(f"SELECT COUNT(*) FROM {w.qn(w.incident_table)}")
            before = self.cursor.fetchone()[0] - self.report.imported
            self.bulk_threshold = max(BULK_MIN_ROWS, BULK_SHARE * before)
        if self.report.imported < self.bulk_threshold:
            return
        # Read the stored keys while the unique indexes can still serve the query.
        for register in set(self.seen_ids) | set(self.seen_hashes):
            self._load(register)
        first = [self.report.incident_ids[0]]
        self.indexes = _SecondaryIndexes(
            self.cursor,
            {w.incident_table: ("id >= %s", first), w.link_table: ("incident_id >= %s", first)},
        )
        self.indexes.drop()
        self.report.bulk = True
        w.background = _Background(connection.connection)

    # -- writing ---------------------------------------------------------------------------

    def _mask(self, text: str) -> str:
        masked = self.masked.get(text)
        if masked is None:
            masked = mask_text(text)
            if len(self.masked) < MASK_CACHE_SIZE:
                self.masked[text] = masked
        return masked

    def store(self, fresh: list[IncidentRow], hashes: list[str], isos: list[str]) -> None:
        w, cursor, resolver = self.writer, self.cursor, self.resolver
        adapt, now = w.adapt_dt, w.now
        n = len(fresh)
        lon = np.array([np.nan if r.lon is None else r.lon for r in fresh], dtype=float)
        lat = np.array([np.nan if r.lat is None else r.lat for r in fresh], dtype=float)
        has_xy = ~np.isnan(lon)
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        if has_xy.any():
            x[has_xy], y[has_xy] = project(lon[has_xy], lat[has_xy], self.country)
        is_point = np.array([r.precision in _POINT for r in fresh], dtype=bool)
        point_idx = np.flatnonzero(is_point & has_xy)
        area_sets, which = resolver.index.groups(lon[point_idx], lat[point_idx])
        links_of = resolver.links
        set_links = [links_of(a) for a in area_sets]
        # The area links of each row: those of its point's areas, or of its named areas.
        per_row: list[tuple[int, ...]] = [()] * n
        h3_cells = [""] * n
        cell = h3_int.latlng_to_cell  # and hex by hand: the str API does that in Python
        for i, k in zip(point_idx.tolist(), which.tolist()):
            r = fresh[i]
            per_row[i] = set_links[k]
            h3_cells[i] = f"{cell(r.lat, r.lon, H3_RESOLUTION):x}"
        for i, r in enumerate(fresh):
            if r.area_ids:
                per_row[i] = links_of(tuple(sorted(set(per_row[i]) | set(r.area_ids))))

        ids = w.reserve(cursor, n)
        if adapt is _sqlite_datetime:
            # The stored text is the ISO form with a space and without "+00:00".
            occurred = [
                f"{i[:10]} {i[11:-6]}" if i.endswith("+00:00") else adapt(r.occurred_from)
                for i, r in zip(isos, fresh)
            ]
        else:
            occurred = [adapt(r.occurred_from) for r in fresh]
        category = [r.category_id for r in fresh]
        summary = [r.is_summary for r in fresh]
        organisation = [r.organisation_id for r in fresh]
        visibility = [str(r.visibility) for r in fresh]
        mask = self._mask
        columns = [
            ids,
            [r.source for r in fresh],
            [r.external_id for r in fresh],
            hashes,
            occurred,
            [adapt(r.occurred_to) for r in fresh],
            [adapt(r.reported_at) if r.reported_at else now for r in fresh],
            [r.reporter_id for r in fresh],
            organisation,
            category,
            [r.place_type for r in fresh],
            [mask(r.place_name)[:200] if r.place_name else "" for r in fresh],
            [mask(r.description) if r.description else "" for r in fresh],
            [r.perceived_insecurity for r in fresh],
            [r.lon for r in fresh],
            [r.lat for r in fresh],
            np.where(has_xy, x, None).tolist(),  # NaN -> NULL
            np.where(has_xy, y, None).tolist(),
            h3_cells,
            [str(r.precision) for r in fresh],
            visibility,
            summary,
            [r.url for r in fresh],
            [now] * n,
            *([v] * n for v in w.defaults),
        ]
        w.insert(cursor, w.incident_table, w.incident_cols, columns)

        counts = [len(p) for p in per_row]
        total = sum(counts)
        if total:
            # Each incident's values repeated once per link, picked in C by itemgetter.
            rep = np.repeat(np.arange(n), counts).tolist()
            pick = itemgetter(*rep) if total > 1 else (lambda c: (c[rep[0]],))
            link_columns = [
                pick(ids),
                list(chain.from_iterable(per_row)),
                pick(occurred),
                pick(category),
                pick(summary),
                pick(organisation),
                pick(visibility),
                [False] * total,
            ]
            w.insert(cursor, w.link_table, w.link_cols, link_columns)
        if self.check_references:
            refs = self.references
            refs["category"].update(category)
            refs["organisation"].update(organisation)
            refs["reporter"].update(r.reporter_id for r in fresh)
            if total:
                refs["area"].update(link_columns[1])
        self.report.imported += n
        self.report.incident_ids.extend(ids)
