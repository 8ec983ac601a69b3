"""Re-encrypting the cases' personal data under a new key (``samverkan rotate_case_key``).

The key ring lists the new key first and the old ones after it, so the application reads
every value and writes new ones under the new key while the rotation runs. Each row is
re-encrypted in its own short transaction, together with its blind index, so the web
application is never blocked for long and an interrupted run loses nothing: the progress
is the data itself (a value the newest key opens is done), and a rerun continues with the
rows still under an old key. Only when a run finds nothing left under an old key may the
old key leave the ring.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction

from samverkan.cases import crypto


@dataclass
class RotationResult:
    rows: int = 0
    rotated: int = 0
    already: int = 0
    per_table: dict[str, int] = field(default_factory=dict)


def _targets():
    """(table, quoted pk column, [(column, index column or None)]) per encrypted model."""
    for model, names in crypto.encrypted_fields():
        columns = []
        for name in names:
            index_name = f"{name}_index"
            try:
                index_column = model._meta.get_field(index_name).column
            except FieldDoesNotExist:  # no blind index beside this field
                index_column = None
            columns.append((model._meta.get_field(name).column, index_column))
        yield model._meta.db_table, model._meta.pk.column, columns


def count_rows() -> int:
    qn = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    total = 0
    with connection.cursor() as cursor:
        for table, _pk, _columns in _targets():
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
                total += cursor.fetchone()[0]
    return total


def rotate_row(table: str, pk_column: str, columns, pk, ring: tuple[str, ...]) -> bool:
    """Re-encrypt one row under the newest key; False when it already was."""
    qn = connection.ops.quote_name
    names = [c for c, _ in columns]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(qn(c) for c in names)} FROM {qn(table)} "
            f"WHERE {qn(pk_column)} = %s{lock}",
            [pk],
        )
        row = cursor.fetchone()
        if row is None:
            return False  # deleted meanwhile
        updates: dict[str, str] = {}
        for (column, index_column), token in zip(columns, row, strict=True):
            if not token or crypto.is_current(token, ring):
                continue
            updates[column] = crypto.reencrypt(token, ring)
            if index_column:
                plain = crypto.decrypt(token, ring)
                updates[index_column] = crypto.blind_index(plain, ring[0])
        if not updates:
            return False
        assignments = ", ".join(f"{qn(c)} = %s" for c in updates)
        cursor.execute(
            f"UPDATE {qn(table)} SET {assignments} WHERE {qn(pk_column)} = %s",
            [*updates.values(), pk],
        )
    return True


def rotate_case_key(*, actor=None, progress: Callable[[int], None] | None = None):
    """Re-encrypt every encrypted value under the first key of the ring; audited.

    Parameters
    ----------
    actor : User, optional
        Who started the rotation (for the audit log).
    progress : callable, optional
        Called with 1 after each row (a tqdm bar's ``update``).

    Returns
    -------
    RotationResult
        Rows seen, rows re-encrypted now, rows that already were.
    """
    from samverkan.core import audit

    ring = crypto.keys()
    keys = {
        "key": crypto.fingerprint(ring[0]),
        "old_keys": [crypto.fingerprint(k) for k in ring[1:]],
    }
    audit.record("case_key.start_rotation", actor=actor, details=keys)
    result = RotationResult()
    qn = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    try:
        for table, pk_column, columns in _targets():
            if table not in tables:
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {qn(pk_column)} FROM {qn(table)} ORDER BY {qn(pk_column)}")
                pks = [r[0] for r in cursor.fetchall()]
            for pk in pks:
                result.rows += 1
                if rotate_row(table, pk_column, columns, pk, ring):
                    result.rotated += 1
                    result.per_table[table] = result.per_table.get(table, 0) + 1
                else:
                    result.already += 1
                if progress is not None:
                    progress(1)
    except BaseException as exc:
        audit.record(
            "case_key.interrupt_rotation",
            actor=actor,
            details={**keys, "rotated": result.rotated, "error": type(exc).__name__},
        )
        raise
    audit.record(
        "case_key.finish_rotation",
        actor=actor,
        details={
            **keys,
            "rows": result.rows,
            "rotated": result.rotated,
            "tables": result.per_table,
        },
    )
    return result
