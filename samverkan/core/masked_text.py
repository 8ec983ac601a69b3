"""The free-text fields that are masked when stored, and masking them again.

Masking (:mod:`samverkan.core.masking`) runs when a text is stored. When the masker
improves, texts stored before keep what the old one missed: a name it did not know, or
the names a fault let through (before 7 December 2026 "Lindberg Anna ringde" was stored
garbled with both names in it). Each app registers the fields it masks, in its
``AppConfig.ready``, and ``samverkan remask_texts`` masks every registered field of every
row again. Masking is idempotent (a masked text masks to itself, a property the tests
check), so only the rows the improved masker reads differently change, and a rerun
changes nothing.

Operators need not remember the command: ``migrate`` runs it by itself when the masking
rules (their code and name lists, :func:`rules_fingerprint`) differ from the ones the
stored texts were last masked with (:class:`~samverkan.core.models.MaskingRun`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db import transaction
from django.db.models import Model, Q

from samverkan.core import audit
from samverkan.core.masking import mask_text

_MASKING_DIR = Path(__file__).parent / "masking"
_DATA_DIR = Path(__file__).parent / "data"

_FIELDS: dict[type[Model], tuple[str, ...]] = {}
_WHERE: dict[type[Model], Q] = {}


def register(model: type[Model], *fields: str, where: Q | None = None) -> None:
    """Declare that ``fields`` of ``model`` hold masked free text.

    A field is a text field, or a JSON field whose strings are masked texts (a
    lägesbild's assessments, one text per section); every string in it is masked again.
    ``where`` limits the rows that may be rewritten (a lägesbild's drafts: an approved
    one is frozen, and a new version is made with "Räkna om").
    """
    _FIELDS[model] = tuple(fields)
    _WHERE[model] = where or Q()


def _masked(value):
    # Texts inside JSON are masked where they stand; keys and other values are kept.
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def registered() -> dict[type[Model], tuple[str, ...]]:
    return dict(_FIELDS)


@cache
def rules_fingerprint() -> str:
    """SHA-256 of the masker's code, its name lists and the registered fields: changes
    whenever the masking may, or a field newly registered holds texts never masked again.

    Any edit counts, a comment too; the price of a needless run is reading the texts
    once, while a missed one would leave names in the clear.
    """
    digest = hashlib.sha256()
    for model, fields in sorted(registered().items(), key=lambda item: item[0]._meta.label):
        digest.update(f"{model._meta.label}:{','.join(fields)}\0".encode())
    # The order is by file name within each group, never by the full path: the same
    # rules give the same fingerprint wherever the package is installed.
    for paths in (_MASKING_DIR.glob("*.py"), _DATA_DIR.glob("*.txt")):
        for path in sorted(paths, key=lambda p: p.name):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def rules_applied() -> bool:
    """Whether the stored texts have been masked with the current rules."""
    from samverkan.core.models import MaskingRun

    return MaskingRun.objects.filter(fingerprint=rules_fingerprint()).exists()


@dataclass
class Remasked:
    """One field of one model: how many stored texts were read and how many changed."""

    model: str
    field: str
    read: int = 0
    changed: int = 0


def remask(
    *, batch: int = 1000, dry_run: bool = False, progress: Callable[[str, int], None] | None = None
) -> list[Remasked]:
    """Mask every registered field of every row again; write the texts that change.

    Rows are read in primary-key order, ``batch`` at a time, each batch written in its own
    transaction, so a long run holds no lock for long and an interrupted run is simply
    started again. ``progress(label, rows_read)`` is called after each batch. With
    ``dry_run`` nothing is written and no audit event is recorded. One audit event
    (``text.remask``) records the counts per field, never a text, and a finished run
    records the rules it applied (:class:`~samverkan.core.models.MaskingRun`).
    """
    from samverkan.core.models import MaskingRun

    results: list[Remasked] = []
    for model, fields in registered().items():
        label = model._meta.label
        counts = {f: Remasked(label, f) for f in fields}
        nonempty = Q()
        for f in fields:
            empty = {} if model._meta.get_field(f).get_internal_type() == "JSONField" else ""
            nonempty |= ~Q(**{f: empty}) & Q(**{f"{f}__isnull": False})
        rows = model._default_manager.filter(nonempty, _WHERE[model]).order_by("pk")
        # A mask may be longer than what it hides ("Bo Ek" -> "[namn]"): cut to the column,
        # as the text was cut when it was stored.
        limits = {f: model._meta.get_field(f).max_length for f in fields}
        last, read = None, 0
        while True:
            page = rows.filter(pk__gt=last) if last is not None else rows
            chunk = list(page.values_list("pk", *fields)[:batch])
            if not chunk:
                break
            with transaction.atomic():
                for pk, *texts in chunk:
                    new = {}
                    for f, text in zip(fields, texts, strict=True):
                        if not text:
                            continue
                        counts[f].read += 1
                        masked = _masked(text)
                        if limits[f]:
                            masked = masked[: limits[f]]
                        if masked != text:
                            new[f] = masked
                            counts[f].changed += 1
                    if new and not dry_run:
                        model._default_manager.filter(pk=pk).update(**new)
            last = chunk[-1][0]
            read += len(chunk)
            if progress:
                progress(label, read)
        results += counts.values()
    if not dry_run and any(r.changed for r in results):
        audit.record(
            audit.Action.TEXT_REMASK,
            details={f"{r.model}.{r.field}": r.changed for r in results if r.changed},
        )
    if not dry_run:
        MaskingRun.objects.update_or_create(
            fingerprint=rules_fingerprint(),
            defaults={"changed": sum(r.changed for r in results)},
        )
    return results


def remask_after_upgrade(*, using: str, plan=None, verbosity: int = 1, stdout=None, **kwargs):
    """``post_migrate``: mask the stored texts again if the rules changed since last time.

    Runs after a ``migrate`` forwards on the default database, not after a ``flush`` (no
    ``plan``), a migration back to an older state, nor while a table it reads is missing
    (one app migrated alone).
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    from samverkan.core.models import MaskingRun

    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    # Going back to an older schema: the registered fields may not all exist in it.
    if any(backwards for _migration, backwards in plan):
        return
    tables = {m._meta.db_table for m in [MaskingRun, *registered()]}
    if not tables <= set(connections[using].introspection.table_names()):
        return
    if rules_applied():
        return
    results = remask()
    changed = sum(r.changed for r in results)
    if verbosity and stdout is not None and changed:
        stdout.write(
            f"Den förbättrade maskeringen maskerade {changed} sparade texter på nytt "
            "(samverkan remask_texts)."
        )
