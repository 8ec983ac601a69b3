"""What every importer reports, and the run that wraps an import in one transaction."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from samverkan.core import audit
from samverkan.core.exports import to_csv
from samverkan.incidents.ingest import AreaResolver, IncidentRow, ingest
from samverkan.incidents.models import ImportRun

REJECTS_HEADER = ["rad", "kolumn", "orsak", "innehåll"]


class ImportFileError(Exception):
    """The file cannot be read at all (exit code 1)."""


@dataclass
class Reject:
    line: int
    column: str
    reason: str
    raw: str = ""


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rejected(self) -> int:
        return len(self.rejects)

    def text(self) -> str:
        verb = "skulle importeras" if self.dry_run else "importerade"
        return (
            f"{self.read} rader lästa, {self.imported} {verb}, "
            f"{self.duplicates} dubbletter hoppades över, {self.rejected} avvisade."
        )

    def exit_code(self) -> int:
        if self.read and self.rejected == self.read:
            return 3
        return 0

    def rejects_csv(self) -> bytes:
        """The rejected rows as the platform's CSV: a rejected row is the file's own text,
        so a cell a spreadsheet would run as a formula is escaped like every export's."""
        return to_csv(REJECTS_HEADER, ([r.line, r.column, r.reason, r.raw] for r in self.rejects))

    def write_rejects(self, path: Path) -> Path | None:
        if not self.rejects:
            return None
        path.write_bytes(self.rejects_csv())
        return path


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run_import(
    rows: list[IncidentRow],
    summary: ImportSummary,
    *,
    source: str,
    path: Path,
    actor=None,
    dry_run: bool = False,
    progress=None,
    resolver: AreaResolver | None = None,
    batch_size: int = 10_000,
) -> ImportSummary:
    """Store ``rows`` in one transaction and record the run and its audit event.

    ``progress`` is called after each batch of ``batch_size`` rows.

    With ``dry_run`` everything is computed (duplicates included) and then rolled back.
    """

    class _DryRun(Exception):
        pass

    summary.dry_run = dry_run
    try:
        with transaction.atomic():
            result = ingest(rows, resolver=resolver, progress=progress, batch_size=batch_size)
            summary.imported, summary.duplicates = result.imported, result.duplicates
            if dry_run:
                raise _DryRun
            if not summary.imported:
                return summary
            run = ImportRun.objects.create(
                source=source,
                file_name=path.name,
                file_hash=file_sha256(path),
                read=summary.read,
                imported=summary.imported,
                duplicates=summary.duplicates,
                rejected=summary.rejected,
                actor=actor,
                finished_at=timezone.now(),
            )
            audit.record(
                "incident.import",
                actor=actor,
                obj=run,
                details={
                    "source": source,
                    "file": path.name,
                    "imported": summary.imported,
                    "duplicates": summary.duplicates,
                    "rejected": summary.rejected,
                },
            )
    except _DryRun:
        pass
    return summary
