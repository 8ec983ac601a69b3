"""Read a large file in a child process while this process stores the rows.

An import does two kinds of work that can run side by side: reading the file (splitting
lines, parsing times and numbers, checking coordinates, mapping categories) and storing
what was read (masking, projection, area assignment, duplicate check, SQLite inserts).
Python runs one of them at a time in a process, so for a large file the reading moves to
a forked child that sends the rows back batch by batch, column by column; on two cores
the import then takes about as long as the storing alone (docs/importing.md,
"Performance").

The child only reads: it never touches the database (everything the reader needs from it
was loaded before the fork) and it ends with ``os._exit``, so nothing of the parent's
state is closed or flushed twice. Whatever the child raises is raised again here; if the
import stops early, or fails, the child is killed.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from collections.abc import Iterator
from dataclasses import fields
from itertools import repeat

from samverkan.incidents.importers.base import ImportFileError
from samverkan.incidents.ingest import IncidentRow, precompute_iso

# Below this file size the fork costs more than it saves (about 60,000 rows of a
# typical register).
CHILD_MIN_BYTES = 4_000_000
BATCH = 20_000  # rows per message from the child

_FIELDS = [f.name for f in fields(IncidentRow)]
_SUMMARY_FIELDS = ("read", "rejects", "warnings")  # what a reader fills in


def can_fork() -> bool:
    """Whether a child process can be forked safely here.

    Forking copies only the calling thread; a process with other threads (a threaded
    server, a test server) could leave the child holding a lock nobody will release.
    """
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _columns(rows: list[IncidentRow]) -> list:
    """The batch by field: a list of values, or ``("same", value)`` when all are equal."""
    out = []
    for name in _FIELDS:
        values = [getattr(r, name) for r in rows]
        first = values[0]
        if name == "area_ids":
            # Lists are mutable: never shared between rows, even when all are empty.
            out.append(None if not any(values) else values)
        elif (
            type(first) in (str, int, bool, type(None))
            and values.count(first) == len(values)
            and len(set(map(type, values))) == 1  # 1 == True: keep the type
        ):
            out.append(("same", first))
        else:
            out.append(values)
    return out


def _rows(columns: list, n: int) -> list[IncidentRow]:
    values = []
    for name, column in zip(_FIELDS, columns):
        if name == "area_ids":
            values.append(([] for _ in range(n)) if column is None else map(list, column))
        elif isinstance(column, tuple):
            values.append(repeat(column[1], n))
        else:
            values.append(column)
    return [IncidentRow(*row) for row in zip(*values)]


def _child(reader, conn) -> None:
    try:
        batch: list[IncidentRow] = []
        for row in reader.rows():
            batch.append(row)
            if len(batch) >= BATCH:
                precompute_iso(batch)
                conn.send_bytes(pickle.dumps(("rows", len(batch), _columns(batch)), -1))
                batch = []
        if batch:
            precompute_iso(batch)
            conn.send_bytes(pickle.dumps(("rows", len(batch), _columns(batch)), -1))
        summary = {name: getattr(reader.summary, name) for name in _SUMMARY_FIELDS}
        conn.send_bytes(pickle.dumps(("done", summary), -1))
    except BrokenPipeError:
        pass  # the parent stopped reading (it failed or was killed): nothing to tell
    except BaseException as exc:  # noqa: BLE001 (every error is raised again in the parent)
        try:
            message = pickle.dumps(("error", exc), -1)
        except Exception:  # noqa: BLE001 (an exception that cannot be pickled)
            message = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")), -1)
        try:
            conn.send_bytes(message)
        except BrokenPipeError:
            pass
    finally:
        conn.close()


def rows_in_child(reader) -> Iterator[IncidentRow]:
    """Yield ``reader.rows()`` as read by a forked child; fill in ``reader.summary`` at the end.

    Raises
    ------
    ImportFileError
        Whatever the reader raised in the child, raised here.
    """
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(reader, send), name="import-reader")
    process.start()
    send.close()  # the child's end: its closing must be the only one left
    try:
        while True:
            try:
                message = pickle.loads(receive.recv_bytes())
            except EOFError:
                raise RuntimeError(
                    f"läsprocessen för {reader.path.name} avslutades oväntat "
                    f"(slutkod {process.exitcode})"
                ) from None
            kind = message[0]
            if kind == "rows":
                yield from _rows(message[2], message[1])
            elif kind == "done":
                for name, value in message[1].items():
                    setattr(reader.summary, name, value)
                return
            else:
                raise message[1]
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()


def stream(reader) -> Iterator[IncidentRow]:
    """The reader's rows: from a child process for a large file where that is safe."""
    try:
        size = reader.path.stat().st_size
    except OSError as exc:
        raise ImportFileError(f"{reader.path} kan inte läsas: {exc}") from exc
    if size >= CHILD_MIN_BYTES and can_fork():
        return rows_in_child(reader)
    return reader.rows()
