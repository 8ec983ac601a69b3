"""Import point incidents from CSV, Excel (XLSX) and GeoJSON files.

Municipal registers, caretakers' logs and security companies' reports arrive as whatever a
spreadsheet saved: semicolons and decimal commas from Swedish Excel, Windows-1252 or UTF-8
with a byte-order mark, times written as "2024-03-05 kl. 14.30" or only as a month. This
module turns such a file into :class:`~samverkan.incidents.ingest.IncidentRow` objects and
reports every row it cannot use with its line, column and reason (DESIGN.md, section 4).

Rows are produced by a generator so that a file of millions of rows streams through
:func:`~samverkan.incidents.importers.base.run_import` without being held in memory; the
header and the column mapping are checked before the first row, so a file that cannot be
read at all fails before the transaction starts.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings

from samverkan.core.geo import PROJECTED_CRS, to_wgs84
from samverkan.incidents.importers.base import ImportFileError, ImportSummary, Reject
from samverkan.incidents.importers.files import _csv_records, _geojson_records, _xlsx_records
from samverkan.incidents.importers.values import (
    _PLACE_TYPES,
    COUNTRY_BBOX,
    COUNTRY_NAME,
    CategoryResolver,
    TimeParser,
    country_bbox,
    parse_number,
)
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import Precision
from samverkan.incidents.validation import EARLIEST

# The values' and files' readers live in .values and .files; their public names are still
# imported from here (samverkan.incidents.validation, the tests).
__all__ = [
    "COUNTRY_BBOX",
    "COUNTRY_NAME",
    "FORMATS",
    "KNOWN_COLUMNS",
    "CategoryResolver",
    "ColumnMapping",
    "TabularReader",
    "TimeParser",
    "country_bbox",
    "parse_number",
    "read_rows",
]

FORMATS = ("csv", "xlsx", "geojson")
FUTURE_TOLERANCE = timedelta(hours=1)
BATCH = 20_000  # rows per vectorised coordinate transformation


# Column names recognised without a mapping (compared case-insensitively).
KNOWN_COLUMNS = {
    "time": ("time", "tid", "tidpunkt", "datum", "date", "datetime", "occurred_at", "dato"),
    "time_to": ("time_to", "tid_till", "occurred_to"),
    "lon": ("lon", "lng", "long", "longitude", "longitud"),
    "lat": ("lat", "latitude", "latitud"),
    "x": ("x", "easting"),
    "y": ("y", "northing"),
    "category": ("category", "kategori", "typ", "type", "kategorikod"),
    "id": ("id", "external_id", "ärendenummer", "löpnummer"),
    "text": ("text", "description", "beskrivning", "beskrivelse", "kommentar"),
    "place_type": ("place_type", "platstyp"),
    "place_name": ("place_name", "plats", "sted", "adress"),
}


@dataclass
class ColumnMapping:
    """Which source column holds which field, and how the file is written.

    Any column left as ``None`` is looked for under the names in :data:`KNOWN_COLUMNS`.
    """

    time: str | None = None
    time_to: str | None = None
    lon: str | None = None
    lat: str | None = None
    x: str | None = None
    y: str | None = None
    category: str | None = None
    id: str | None = None
    text: str | None = None
    place_type: str | None = None
    place_name: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    crs: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    date_format: str | None = None

    @classmethod
    def from_toml(cls, path: Path) -> ColumnMapping:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ImportFileError(f"mappningsfilen {path} kan inte läsas: {exc}") from exc
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ImportFileError(
                f"okända nycklar i {Path(path).name}: {', '.join(unknown)} "
                f"(tillåtna: {', '.join(sorted(known))})"
            )
        categories = data.pop("categories", {})
        if not isinstance(categories, dict):
            raise ImportFileError("[categories] i mappningsfilen ska vara en tabell")
        values = {k: (str(v) if v is not None else None) for k, v in data.items()}
        return cls(**values, categories={str(k): str(v) for k, v in categories.items()})

    def merged(self, **overrides: str | None) -> ColumnMapping:
        """A copy with the given (non-empty) fields replaced, for command-line flags."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update({k: v for k, v in overrides.items() if v})
        return ColumnMapping(**data)


# ---------------------------------------------------------------------------------------
# Rows


def _text(value) -> str:
    """A cell as stripped text (cells from Excel may be numbers or dates)."""
    return value.strip() if type(value) is str else str(value)


@dataclass(slots=True)
class _Pending:
    line: int
    occurred_from: datetime
    occurred_to: datetime | None
    a: float  # lon or x
    b: float  # lat or y
    values: list
    raw: object


class TabularReader:
    """Check a file's header against the mapping, then yield its rows.

    Raises
    ------
    ImportFileError
        If the file cannot be read or a required column is missing (exit code 1).
    """

    def __init__(
        self,
        path: Path,
        fmt: str,
        *,
        source: str,
        mapping: ColumnMapping | None = None,
        organisation_id: int | None = None,
        visibility: str = "partnership",
        now: datetime | None = None,
    ):
        self.path = Path(path)
        self.fmt = fmt
        self.source = source
        self.mapping = mapping = mapping or ColumnMapping()
        self.organisation_id = organisation_id
        self.visibility = visibility
        self.now = now or datetime.now(UTC)
        self.summary = ImportSummary()
        self.country = getattr(settings, "COUNTRY", "SE")
        if not self.path.is_file():
            raise ImportFileError(f"filen {self.path} finns inte")
        if fmt == "csv":
            header, self._records = _csv_records(self.path, mapping)
        elif fmt == "xlsx":
            header, self._records = _xlsx_records(self.path)
        elif fmt == "geojson":
            header, self._records = _geojson_records(self.path)
        else:
            raise ImportFileError(f"okänt format '{fmt}' (välj {', '.join(FORMATS)})")
        self.header = header
        self.col = self._resolve_columns(header)
        self.times = TimeParser(mapping.date_format)
        self.categories = CategoryResolver(source, mapping.categories)
        self.bbox = country_bbox(self.country)
        self.crs = mapping.crs or PROJECTED_CRS.get(self.country, "EPSG:3006")

    def _resolve_columns(self, header: list[str]) -> dict[str, int]:
        found = ", ".join(h for h in header if not h.startswith("__")) or "(inga)"
        folded = {h.casefold(): i for i, h in reversed(list(enumerate(header)))}
        col: dict[str, int] = {}
        for key, names in KNOWN_COLUMNS.items():
            wanted = getattr(self.mapping, key)
            if wanted:
                if wanted.casefold() not in folded:
                    raise ImportFileError(
                        f"kolumnen '{wanted}' ({key}) finns inte i {self.path.name}; "
                        f"kolumner i filen: {found}"
                    )
                col[key] = folded[wanted.casefold()]
            else:
                for name in names:
                    if name in folded:
                        col[key] = folded[name]
                        break
        if self.fmt == "geojson":
            col["lon"], col["lat"] = len(header) - 2, len(header) - 1
            col.pop("x", None)
            col.pop("y", None)
        if "time" not in col:
            raise ImportFileError(
                f"kolumnen för tidpunkt saknas i {self.path.name} (ange --col-time eller "
                f"'time' i mappningsfilen); kolumner i filen: {found}"
            )
        explicit_xy = self.mapping.x or self.mapping.y
        if ("lon" in col and "lat" in col) and not explicit_xy:
            col.pop("x", None)
            col.pop("y", None)
        elif "x" in col and "y" in col:
            col.pop("lon", None)
            col.pop("lat", None)
        else:
            missing = [k for k in ("lon", "lat") if k not in col]
            raise ImportFileError(
                f"kolumnen för {' och '.join(missing)} saknas i {self.path.name} (ange "
                f"--col-lon/--col-lat, eller --col-x/--col-y med --crs); "
                f"kolumner i filen: {found}"
            )
        return col

    def _name(self, key: str) -> str:
        name = self.header[self.col[key]]
        return {"__lon": "geometry", "__lat": "geometry"}.get(name, name)

    def _reject(self, line: int, key: str, reason: str, raw) -> None:
        self.summary.rejects.append(Reject(line, self._name(key), reason, raw()[:300]))

    def _cell(self, values: list, key: str):
        i = self.col.get(key)
        if i is None or i >= len(values):
            return ""
        v = values[i]
        return v.strip() if isinstance(v, str) else v

    def _parse(self, line: int, values: list, raw) -> _Pending | None:
        n = len(values)
        i = self._at_time
        t = values[i] if i < n else ""
        if isinstance(t, str):
            t = t.strip()
        if t == "":
            self._reject(line, "time", "tidpunkt saknas", raw)
            return None
        try:
            start, end = self.times(t)
        except (ValueError, OverflowError):
            self._reject(line, "time", f"tidpunkten '{t}' kan inte tolkas", raw)
            return None
        if start > self._latest:
            self._reject(line, "time", f"tidpunkten '{t}' ligger i framtiden", raw)
            return None
        if start < EARLIEST:
            self._reject(line, "time", f"tidpunkten '{t}' ligger före år 1900", raw)
            return None
        if "time_to" in self.col:
            t2 = self._cell(values, "time_to")
            if t2 != "":
                try:
                    s2, e2 = self.times(t2)
                except (ValueError, OverflowError):
                    self._reject(line, "time_to", f"sluttiden '{t2}' kan inte tolkas", raw)
                    return None
                end = e2 or s2
                if end < start:
                    self._reject(line, "time_to", f"sluttiden '{t2}' ligger före starttiden", raw)
                    return None
        i, j = self._at_a, self._at_b
        va = values[i] if i < n else ""
        vb = values[j] if j < n else ""
        if isinstance(va, str):
            va = va.strip()
        if isinstance(vb, str):
            vb = vb.strip()
        if va == "" or vb == "":
            ka, kb = self._ab
            self._reject(line, ka if va == "" else kb, "koordinater saknas", raw)
            return None
        try:
            a = parse_number(va)
        except ValueError:
            self._reject(line, self._ab[0], f"ogiltigt tal '{va}'", raw)
            return None
        try:
            b = parse_number(vb)
        except ValueError:
            self._reject(line, self._ab[1], f"ogiltigt tal '{vb}'", raw)
            return None
        return _Pending(line, start, end, a, b, values, raw)

    def _inside(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= lon <= x1 and y0 <= lat <= y1

    def _finish(self, batch: list[_Pending]) -> Iterator[IncidentRow]:
        projected = "x" in self.col
        if projected:
            import numpy as np

            a = np.array([p.a for p in batch])
            b = np.array([p.b for p in batch])
            lon, lat = to_wgs84(a, b, self.crs)
            lon2, lat2 = to_wgs84(b, a, self.crs)
            coords = zip(lon.tolist(), lat.tolist(), lon2.tolist(), lat2.tolist())
        else:
            coords = ((p.a, p.b, p.b, p.a) for p in batch)
        where = f"koordinaterna ligger utanför {COUNTRY_NAME.get(self.country, self.country)}"
        x0, y0, x1, y1 = self.bbox
        row = self._row
        for p, (lon, lat, slon, slat) in zip(batch, coords):
            if not (x0 <= lon <= x1 and y0 <= lat <= y1):
                if math.isfinite(slon) and self._inside(slon, slat):
                    what = "x och y" if projected else "latitud och longitud"
                    self.summary.warnings.append(
                        f"Rad {p.line}: {what} var omkastade; rättat ({slon:.6f}, {slat:.6f})."
                    )
                    lon, lat = slon, slat
                else:
                    key = "x" if projected else "lon"
                    cols = f"{self._name(key)}/{self._name('y' if projected else 'lat')}"
                    self.summary.rejects.append(
                        Reject(p.line, cols, f"{where} ({p.a}, {p.b})", p.raw()[:300])
                    )
                    continue
            yield row(p, lon, lat)

    def _row(self, p: _Pending, lon: float, lat: float) -> IncidentRow:
        # Runs for every row of files of millions: positions looked up once (in rows()),
        # cells read inline, the row built positionally.
        values = p.values
        n = len(values)
        i = self._at_category
        category_id = self.categories(values[i] if i < n else "")
        place_type = ""
        i = self._at_place_type
        if i < n:
            place_type = _PLACE_TYPES.get(_text(values[i]).casefold(), "")
        i = self._at_id
        ext = values[i] if i < n else ""
        if type(ext) is str:
            ext = ext.strip()
        else:
            if isinstance(ext, float) and ext.is_integer():
                ext = int(ext)
            ext = str(ext)
        i = self._at_text
        description = _text(values[i]) if i < n else ""
        i = self._at_place_name
        place_name = _text(values[i]) if i < n else ""
        return IncidentRow(
            self.source,
            p.occurred_from,
            category_id,
            ext[:120],
            p.occurred_to,
            None,
            description,
            lon,
            lat,
            Precision.POINT,
            place_name,
            place_type,
            self.organisation_id,
            None,
            self.visibility,
            "",
            category_id in self._summary_ids,
        )

    def rows(self) -> Iterator[IncidentRow]:
        """Yield the valid rows; ``self.summary`` is complete once this is exhausted."""
        summary = self.summary
        # Positions looked up once: _parse runs for every line of files of millions.
        missing = 1 << 62  # beyond any row, so the cell reads as empty
        self._at_time = self.col.get("time", missing)
        self._ab = ("lon", "lat") if "lon" in self.col else ("x", "y")
        self._at_a = self.col.get(self._ab[0], missing)
        self._at_b = self.col.get(self._ab[1], missing)
        self._latest = self.now + FUTURE_TOLERANCE
        self._at_category = self.col.get("category", missing)
        self._at_place_type = self.col.get("place_type", missing)
        self._at_id = self.col.get("id", missing)
        self._at_text = self.col.get("text", missing)
        self._at_place_name = self.col.get("place_name", missing)
        self._summary_ids = self.categories.summary_ids
        parse = self._parse
        batch: list[_Pending] = []
        for line, values, raw in self._records:
            summary.read += 1
            p = parse(line, values, raw)
            if p is not None:
                batch.append(p)
                if len(batch) >= BATCH:
                    yield from self._finish(batch)
                    batch = []
        if batch:
            yield from self._finish(batch)
        summary.rejects.sort(key=lambda r: r.line)
        for value in self.categories.unknown:
            summary.warnings.append(f"Okänd kategori '{value}': lagd under 'Övrigt' (other).")


def read_rows(
    path: Path, fmt: str, *, source: str, mapping: ColumnMapping | None = None, **options
) -> tuple[list[IncidentRow], ImportSummary]:
    """Read a whole file: the valid rows and the summary (read, rejects, warnings)."""
    reader = TabularReader(Path(path), fmt, source=source, mapping=mapping, **options)
    rows = list(reader.rows())
    return rows, reader.summary
