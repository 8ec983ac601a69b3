"""Import from the web: a coordinator uploads a partner's file, previews it, maps its
columns, runs a dry run and has the worker import it.

The file is read and stored by the very code of ``samverkan import_incidents``
(:class:`~samverkan.incidents.importers.tabular.TabularReader` and
:func:`~samverkan.incidents.importers.base.run_import`), so the web import has the same
rules: the same validation and reject reasons, masking, idempotent keys, all or nothing, the
``incident.import`` audit event. This module adds the steps around it, who may take them,
and the limits of a browser upload (docs/importing.md, "Import from the web").

The upload lives in the private media folder (never served). It is deleted when the
import finishes; an upload left behind, and every rejects file, after
``WEB_IMPORT_KEEP_DAYS`` days (:func:`purge_expired`).

While the import's transaction is open, its progress cannot be committed to the database
(on SQLite nothing else may write until it ends), so the worker writes it to a small file
beside the upload, which the page polls through :func:`progress`.
"""

from __future__ import annotations

import json
import os
from dataclasses import fields
from datetime import timedelta
from functools import partial
from pathlib import Path

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.core import audit
from samverkan.core.models import Organisation, Partnership
from samverkan.core.permissions import is_system_admin, partnership_grants
from samverkan.core.roles import Role
from samverkan.incidents.importers.base import ImportFileError, ImportSummary, run_import
from samverkan.incidents.importers.files import _csv_records, _geojson_records, _xlsx_records
from samverkan.incidents.importers.tabular import KNOWN_COLUMNS, ColumnMapping, TabularReader
from samverkan.incidents.models import Visibility
from samverkan.incidents.web_import_models import ImportMapping, WebImport

Status = WebImport.Status
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
SUFFIXES |= {".geojson": "geojson", ".json": "geojson"}
PREVIEW_ROWS = 5
# The worker's progress bar moves about this many times, in batches of so many rows.
PROGRESS_STEPS = 50
PROGRESS_MIN_BATCH = 200
PROGRESS_MAX_BATCH = 10_000
# The mapping's fields a coordinator sets on the page (ColumnMapping's, categories apart).
COLUMN_KEYS = tuple(KNOWN_COLUMNS)
OPTION_KEYS = ("crs", "delimiter", "encoding", "date_format")


# --- who ------------------------------------------------------------------------------


def partnerships_for(user):
    """Partnerships whose imports the user runs: coordinator of the whole partnership.

    An import adds a partner's rows to the whole partnership's picture, so a membership
    limited to some areas does not suffice (as for tertial reports).
    """
    if is_system_admin(user):
        return Partnership.objects.order_by("name")
    grants = partnership_grants(user, {Role.COORDINATOR})
    whole = [pid for pid, limit in grants.items() if limit is None]
    return Partnership.objects.filter(pk__in=whole).order_by("name")


def imports_for(user):
    """The uploads the user sees: those of the partnerships they coordinate as a whole."""
    return WebImport.objects.filter(partnership__in=partnerships_for(user)).select_related(
        "partnership", "organisation", "uploaded_by"
    )


def organisations_for(user, partnership: Partnership):
    return partnership.organisations.order_by("name")


def mappings_for(user, organisation_id: int):
    """The saved mappings of a partner organisation the user imports for."""
    orgs = Partnership.organisations.through.objects.filter(
        partnership_id__in=partnerships_for(user)
    ).values("organisation_id")
    return ImportMapping.objects.filter(organisation_id=organisation_id, organisation__in=orgs)


@rules.predicate
def may_import(user) -> bool:
    return partnerships_for(user).exists()


rules.add_perm("incidents.import", may_import)


def _check(user, job: WebImport) -> None:
    if not partnerships_for(user).filter(pk=job.partnership_id).exists():
        raise PermissionDenied(_("Du samordnar inte den samverkan som importen hör till."))


# --- files ----------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(settings.WEB_IMPORT_MAX_UPLOAD_MB) * 1024 * 1024


def format_of(name: str) -> str | None:
    return SUFFIXES.get(Path(name).suffix.lower())


def _path(field) -> Path | None:
    return Path(field.path) if field else None


def _progress_path(job: WebImport) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / f"progress-{job.pk}.json"


def _remove(field) -> None:
    if field:
        field.delete(save=False)


def purge_expired(now=None) -> int:
    """Delete the uploads and rejects files older than ``WEB_IMPORT_KEEP_DAYS``.

    Returns the number of imports whose files were deleted. The records stay (counts,
    who, when) for the history; the rejects shown on the page go with the file, since
    their reasons quote the partner's cells.
    """
    cutoff = (now or timezone.now()) - timedelta(days=int(settings.WEB_IMPORT_KEEP_DAYS))
    old = WebImport.objects.filter(created_at__lt=cutoff).exclude(
        status__in=[Status.QUEUED, Status.RUNNING]
    )
    n = 0
    for job in old.exclude(file="", rejects_file=""):
        _remove(job.file)
        _remove(job.rejects_file)
        job.rejects = []
        job.save(update_fields=["file", "rejects_file", "rejects"])
        n += 1
    return n


# --- steps ----------------------------------------------------------------------------


def upload(
    user,
    *,
    partnership: Partnership,
    organisation: Organisation,
    uploaded,
    source: str = "",
    visibility: str = Visibility.PARTNERSHIP,
    request=None,
) -> WebImport:
    """Store an uploaded file (a Django ``UploadedFile``) as a new import of ``organisation``.

    Raises
    ------
    PermissionDenied
        If the user does not coordinate the whole partnership, or the organisation is not
        one of its members.
    ValueError
        If the file is too large, empty or not CSV, XLSX or GeoJSON (the message says so).
    """
    if not partnerships_for(user).filter(pk=partnership.pk).exists():
        raise PermissionDenied(_("Du samordnar inte den här samverkan."))
    if not partnership.organisations.filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("Organisationen ingår inte i samverkan."))
    fmt = format_of(uploaded.name)
    if fmt is None:
        raise ValueError(_("Filen ska vara CSV, Excel (xlsx) eller GeoJSON."))
    if uploaded.size > max_upload_bytes():
        raise ValueError(
            _("Filen är för stor: högst %(mb)s MB.") % {"mb": settings.WEB_IMPORT_MAX_UPLOAD_MB}
        )
    if not uploaded.size:
        raise ValueError(_("Filen är tom."))
    if visibility not in Visibility.values:
        raise ValueError(_("Okänd synlighet."))
    purge_expired()
    source = (source or "").strip() or slugify(organisation.name)[:60] or "import"
    with transaction.atomic():
        job = WebImport(
            partnership=partnership,
            organisation=organisation,
            uploaded_by=user,
            file_name=Path(uploaded.name).name[:200],
            size=uploaded.size,
            fmt=fmt,
            source=source[:60],
            visibility=visibility,
        )
        job.file.save(uploaded.name, uploaded, save=False)
        job.save()
        audit.record(
            audit.Action.INCIDENT_IMPORT_UPLOAD,
            actor=user,
            obj=job,
            organisation=organisation,
            request=request,
            details={"file": job.file_name, "format": fmt, "bytes": job.size},
        )
    return job


def mapping_of(job: WebImport) -> ColumnMapping:
    data = dict(job.mapping)
    categories = data.pop("categories", {}) or {}
    known = {f.name for f in fields(ColumnMapping)}
    return ColumnMapping(
        **{k: (v or None) for k, v in data.items() if k in known}, categories=categories
    )


def _records(job: WebImport, mapping: ColumnMapping):
    path = _path(job.file)
    if path is None or not path.is_file():
        raise ImportFileError(_("Filen finns inte längre; ladda upp den igen."))
    if job.fmt == "csv":
        return _csv_records(path, mapping)
    if job.fmt == "xlsx":
        return _xlsx_records(path)
    return _geojson_records(path)


def preview(job: WebImport, n: int = PREVIEW_ROWS) -> tuple[list[str], list[list[str]]]:
    """The file's column names and its first ``n`` rows, as text.

    Raises
    ------
    ImportFileError
        If the file cannot be read at all.
    """
    header, records = _records(job, mapping_of(job))
    rows = []
    for _line, values, _raw in records:
        rows.append(["" if v is None else str(v) for v in values])
        if len(rows) >= n:
            break
    close = getattr(records, "close", None)
    if close:
        close()  # an Excel workbook is closed by its generator
    return header, rows


def guessed_columns(header: list[str]) -> dict[str, str]:
    """The columns the importer would find by name alone (KNOWN_COLUMNS)."""
    folded = {h.casefold(): h for h in reversed(header)}
    out = {}
    for key, names in KNOWN_COLUMNS.items():
        for name in names:
            if name in folded:
                out[key] = folded[name]
                break
    return out


def set_mapping(user, job: WebImport, columns: dict, *, save_as: str = "", request=None):
    """Set the job's mapping (the fields of ColumnMapping); optionally save it by name.

    A changed mapping needs a new dry run before the import. Saving under a name the
    organisation already uses replaces that mapping.
    """
    _check(user, job)
    if job.status not in (Status.UPLOADED, Status.CHECKED, Status.FAILED):
        raise ValueError(_("Importen har redan startat."))
    known = {f.name for f in fields(ColumnMapping)}
    clean = {k: v for k, v in columns.items() if k in known and v}
    with transaction.atomic():
        if clean != job.mapping:
            job.mapping = clean
            job.status = Status.UPLOADED
            job.save(update_fields=["mapping", "status"])
        saved = None
        if save_as.strip():
            saved, _created = ImportMapping.objects.update_or_create(
                organisation_id=job.organisation_id,
                name=save_as.strip()[:100],
                defaults={"columns": clean, "created_by": user},
            )
            audit.record(
                audit.Action.INCIDENT_IMPORT_MAPPING,
                actor=user,
                obj=saved,
                organisation=job.organisation,
                request=request,
                details={"name": saved.name, "columns": sorted(clean)},
            )
    return saved


def _reader(job: WebImport) -> TabularReader:
    path = _path(job.file)
    if path is None or not path.is_file():
        raise ImportFileError(_("Filen finns inte längre; ladda upp den igen."))
    return TabularReader(
        path,
        job.fmt,
        source=job.source,
        mapping=mapping_of(job),
        organisation_id=job.organisation_id,
        visibility=job.visibility,
    )


def _limited(reader: TabularReader):
    """The reader's rows, refused past ``WEB_IMPORT_MAX_ROWS`` (rolls the import back)."""
    limit = int(settings.WEB_IMPORT_MAX_ROWS)
    for row in reader.rows():
        if reader.summary.read > limit:
            raise ImportFileError(
                _("Filen har fler än %(n)s rader; dela upp den eller använd kommandot.")
                % {"n": limit}
            )
        yield row
    if reader.summary.read > limit:
        raise ImportFileError(
            _("Filen har fler än %(n)s rader; dela upp den eller använd kommandot.") % {"n": limit}
        )


def _keep_result(job: WebImport, summary: ImportSummary) -> None:
    job.read, job.imported = summary.read, summary.imported
    job.duplicates, job.rejected = summary.duplicates, summary.rejected
    job.rejects = [[r.line, r.column, r.reason] for r in summary.rejects]
    job.warnings = list(summary.warnings)
    _remove(job.rejects_file)
    if summary.rejects:
        content = summary.rejects_csv()
        stem = Path(job.file.name).stem if job.file else f"import-{job.pk}"
        job.rejects_file.save(f"imports/{stem}.rejects.csv", ContentFile(content), save=False)


def dry_run(user, job: WebImport, *, request=None) -> ImportSummary | None:
    """Read and check the whole file and store it in a transaction that is rolled back.

    The job keeps the counts (read, would be imported, duplicates, rejected) and every
    rejected row's line, column and reason; a file that cannot be read at all leaves the
    job failed with the reason as its message.
    """
    _check(user, job)
    if job.status not in (Status.UPLOADED, Status.CHECKED, Status.FAILED):
        raise ValueError(_("Importen har redan startat."))
    try:
        reader = _reader(job)
        summary = reader.summary
        run_import(
            _limited(reader), summary, source=job.source, path=Path(job.file.path), dry_run=True
        )
    except ImportFileError as exc:
        with transaction.atomic():
            job.status, job.message = Status.FAILED, str(exc)[:300]
            job.read = job.imported = job.duplicates = job.rejected = 0
            job.rejects = []
            job.save()
            audit.record(
                audit.Action.INCIDENT_IMPORT_CHECK,
                actor=user,
                obj=job,
                organisation=job.organisation,
                request=request,
                details={"error": job.message},
            )
        return None
    with transaction.atomic():
        _keep_result(job, summary)
        job.status, job.message = Status.CHECKED, ""
        job.save()
        audit.record(
            audit.Action.INCIDENT_IMPORT_CHECK,
            actor=user,
            obj=job,
            organisation=job.organisation,
            request=request,
            details={
                "read": summary.read,
                "importable": summary.imported,
                "duplicates": summary.duplicates,
                "rejected": summary.rejected,
            },
        )
    return summary


def start(user, job: WebImport, *, request=None) -> WebImport:
    """Queue the import of a dry-run file for the worker (``samverkan worker``)."""
    from samverkan.incidents.web_import_tasks import import_uploaded_file

    _check(user, job)
    with transaction.atomic():
        # Conditional: of two clicks (or two tabs) only one queues the import.
        queued = WebImport.objects.filter(pk=job.pk, status=Status.CHECKED).update(
            status=Status.QUEUED, message=""
        )
        if not queued:
            raise ValueError(_("Provkör filen innan den importeras."))
        job.status, job.message = Status.QUEUED, ""
        _write_progress(job, 0, _valid_rows(job))
        audit.record(
            audit.Action.INCIDENT_IMPORT_QUEUE,
            actor=user,
            obj=job,
            organisation=job.organisation,
            request=request,
            details={"file": job.file_name, "read": job.read},
        )
        # On commit: the worker must find the job queued, never a rolled-back one.
        transaction.on_commit(partial(import_uploaded_file.enqueue, job.pk))
    return job


def _valid_rows(job: WebImport) -> int:
    """The rows the import hands to the database: those the dry run did not reject."""
    return max(job.imported + job.duplicates, 1)


def _write_progress(job: WebImport, done: int, total: int) -> None:
    path = _progress_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
    os.replace(tmp, path)  # the page never reads half a file


def run(job_id: int) -> int | None:
    """The worker's part: import the job's file; returns the number of rows imported.

    Runs :func:`~samverkan.incidents.importers.base.run_import`, the command's own path,
    as the coordinator who started it. The upload is deleted when the import ends.
    """
    job = WebImport.objects.select_related("organisation", "uploaded_by").filter(pk=job_id).first()
    if job is None:
        return None
    # Conditional: a second worker given the same job leaves it alone.
    if not WebImport.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    ):
        return None
    total = _valid_rows(job)
    done = 0
    try:
        reader = _reader(job)
        summary = reader.summary
        _write_progress(job, 0, total)

        def progress(handled: int) -> None:
            # By the rows written, not read: the reader reads thousands of rows ahead.
            nonlocal done
            done += handled
            _write_progress(job, min(done, total), total)

        run_import(
            _limited(reader),
            summary,
            source=job.source,
            path=Path(job.file.path),
            actor=job.uploaded_by,
            progress=progress,
            batch_size=progress_batch(total),
        )
    except Exception as exc:
        WebImport.objects.filter(pk=job.pk).update(
            status=Status.FAILED, message=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    _write_progress(job, total, total)
    _keep_result(job, summary)
    _remove(job.file)
    job.status, job.finished_at = Status.DONE, timezone.now()
    job.save()
    purge_expired()  # the worker clears old uploads too, should nobody upload for a while
    return summary.imported


def progress_batch(total: int) -> int:
    """Rows per batch for a file of ``total`` rows: the bar moves in about 50 steps, in
    batches of 200 to 10,000 rows (smaller batches only cost more statements)."""
    return max(PROGRESS_MIN_BATCH, min(PROGRESS_MAX_BATCH, total // PROGRESS_STEPS))


def progress(job: WebImport) -> dict:
    """The job's state for the page: status, rows done of total, percent, a sentence."""
    done, total = 0, max(job.read, 1)
    if job.status == Status.DONE:
        done = total
    elif job.status in (Status.QUEUED, Status.RUNNING):
        try:
            data = json.loads(_progress_path(job).read_text(encoding="utf-8"))
            done, total = int(data["done"]), max(int(data["total"]), 1)
        except (OSError, ValueError, KeyError):
            pass
    percent = min(100, round(100 * done / total))
    return {
        "status": job.status,
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.status in (Status.DONE, Status.FAILED),
        "text": progress_text(job, percent),
        "imported": job.imported,
        "rejected": job.rejected,
    }


def progress_text(job: WebImport, percent: int) -> str:
    if job.status == Status.QUEUED:
        return _("Väntar på bakgrundsarbetaren.")
    if job.status == Status.RUNNING:
        if percent >= 100:
            # Every row is read and checked; the new ones are being written in one go.
            return _("Alla rader är lästa. Sparar i databasen …")
        return _("Importerar: %(p)s %%.") % {"p": percent}
    if job.status == Status.DONE:
        return _(
            "Klart: %(imported)s importerade, %(duplicates)s dubbletter, %(rejected)s avvisade."
        ) % {"imported": job.imported, "duplicates": job.duplicates, "rejected": job.rejected}
    if job.status == Status.FAILED:
        return _("Importen misslyckades: %(message)s") % {"message": job.message}
    return ""


def rejects_csv(user, job: WebImport, *, request=None) -> bytes:
    """The rejects file (line, column, reason, content), formula-escaped like every export.

    The rows' content is the partner's, unmasked (it was never stored): the download is
    audited as an export.
    """
    _check(user, job)
    path = _path(job.rejects_file)
    if path is None or not path.is_file():
        raise FileNotFoundError
    data = path.read_bytes()
    audit.record(
        audit.Action.INCIDENT_EXPORT,
        actor=user,
        obj=job,
        organisation=job.organisation,
        request=request,
        details={"format": "csv", "rejects_of_import": job.pk, "rows": job.rejected},
    )
    return data
