"""``samverkan import_incidents``: import a file of incidents in one transaction.

Exit codes: 0 when rows were imported or all were already there, 1 when the file cannot be
read at all, 3 when every row was rejected. Rejected rows are written next to the file as
``FILE.rejects.csv``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samverkan.incidents.importers.base import ImportFileError, run_import
from samverkan.incidents.importers.tabular import ColumnMapping, TabularReader
from samverkan.incidents.models import Visibility

FORMATS = ("csv", "xlsx", "geojson", "polisen")
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".jsonl": "polisen",
}
COLUMN_FLAGS = ("time", "lon", "lat", "x", "y", "category", "id", "text")


def guess_format(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.csv")


class Command(BaseCommand):
    help = (
        "Importera händelser från CSV, Excel (xlsx), GeoJSON eller polisens händelseflöde. "
        "Allt eller inget: giltiga rader sparas i en transaktion, avvisade rader skrivs till "
        "FIL.rejects.csv. En ny körning av samma fil lägger inte till något."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="filen som ska importeras")
        parser.add_argument(
            "--format", choices=FORMATS, help="filformat (standard: gissas från filändelsen)"
        )
        parser.add_argument("--source", help="källans namn, t.ex. 'fastighet-norrbyhem'")
        parser.add_argument("--mapping", help="TOML-fil med kolumnmappning")
        for key in COLUMN_FLAGS:
            parser.add_argument(f"--col-{key}", dest=f"col_{key}", metavar="KOLUMN")
        parser.add_argument("--crs", help="koordinatsystem för x/y, t.ex. EPSG:3006")
        parser.add_argument("--organisation", help="organisationens namn eller id")
        parser.add_argument("--visibility", choices=[str(v) for v in Visibility.values])
        parser.add_argument(
            "--dry-run", action="store_true", help="kontrollera allt men spara inget"
        )

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        fmt = opts["format"] or guess_format(path)
        if fmt is None:
            raise CommandError(
                f"okänt filformat för {path.name}; ange --format ({', '.join(FORMATS)})",
                returncode=1,
            )
        organisation_id = self._organisation(opts["organisation"])
        try:
            if fmt == "polisen":
                rows, summary = self._polisen(path, opts, organisation_id)
            else:
                source = opts["source"]
                if not source:
                    raise CommandError("--source krävs för formatet " + fmt, returncode=1)
                mapping = ColumnMapping.from_toml(opts["mapping"]) if opts["mapping"] else None
                mapping = (mapping or ColumnMapping()).merged(
                    crs=opts["crs"], **{k: opts[f"col_{k}"] for k in COLUMN_FLAGS}
                )
                reader = TabularReader(
                    path,
                    fmt,
                    source=source,
                    mapping=mapping,
                    organisation_id=organisation_id,
                    visibility=opts["visibility"] or Visibility.PARTNERSHIP,
                )
                rows, summary = reader.rows(), reader.summary
            bar = self._progress_bar()
            try:
                run_import(
                    rows,
                    summary,
                    source=opts["source"] or "polisen",
                    path=path,
                    dry_run=opts["dry_run"],
                    progress=bar.update if bar else None,
                )
            finally:
                if bar:
                    bar.close()
        except ImportFileError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self._report(path, summary)
        code = summary.exit_code()
        if code:
            raise CommandError(
                f"Alla {summary.read} rader avvisades; inget importerades.", returncode=code
            )

    def _polisen(self, path: Path, opts, organisation_id):
        from samverkan.incidents.importers.polisen import SOURCE, read_rows

        if not path.is_file():
            raise ImportFileError(f"filen {path} finns inte")
        rows, summary = read_rows(path, source=opts["source"] or SOURCE)
        for row in rows:
            if opts["visibility"]:
                row.visibility = opts["visibility"]
            if organisation_id:
                row.organisation_id = organisation_id
        return rows, summary

    def _organisation(self, value: str | None) -> int | None:
        from samverkan.core.models import Organisation

        if not value:
            return None
        qs = Organisation.objects.filter(pk=int(value)) if value.isdigit() else None
        if qs is None or not qs.exists():
            qs = Organisation.objects.filter(name__iexact=value)
        org = qs.first()
        if org is None:
            raise CommandError(f"organisationen '{value}' finns inte", returncode=1)
        return org.pk

    def _progress_bar(self):
        if not sys.stderr.isatty():
            return None
        from tqdm import tqdm

        return tqdm(file=sys.stderr, unit=" rader", desc="Importerar", leave=False)

    def _report(self, path: Path, summary) -> None:
        for warning in summary.warnings:
            self.stderr.write(self.style.WARNING(warning))
        target = rejects_path(path)
        if summary.rejects:
            summary.write_rejects(target)
            self.stderr.write(f"Avvisade rader ({summary.rejected}): {target}")
        elif target.exists():
            target.unlink()
        prefix = "Provkörning, inget sparat: " if summary.dry_run else ""
        style = self.style.SUCCESS if summary.imported or not summary.rejected else self.style.ERROR
        self.stdout.write(style(prefix + summary.text()))
