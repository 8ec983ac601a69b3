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

import calendar
import csv
import io
import json
import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from samverkan.core.geo import PROJECTED_CRS, to_wgs84
from samverkan.incidents.importers.base import ImportFileError, ImportSummary, Reject
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import Category, PlaceType, Precision, SourceMapping
from samverkan.incidents.validation import EARLIEST

FORMATS = ("csv", "xlsx", "geojson")
FUTURE_TOLERANCE = timedelta(hours=1)
BATCH = 20_000  # rows per vectorised coordinate transformation
TIME_CACHE_SIZE = 200_000  # distinct time texts remembered per file

# Fallback extents when no county areas are loaded (lon_min, lat_min, lon_max, lat_max).
COUNTRY_BBOX = {"SE": (10.5, 55.0, 24.5, 69.5), "NO": (4.0, 57.5, 31.5, 71.5)}
COUNTRY_NAME = {"SE": "Sverige", "NO": "Norge"}

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
# Values


def parse_number(value) -> float:
    """A float from a cell: "59,3293", "59.3293", "6 580 000", numbers as they are."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif type(value) is str and "," not in value:
        try:
            # Most cells are plain numbers; when float() accepts the text as it is, the
            # clean-up in _written_number would hand it exactly the same text.
            number = float(value)
        except ValueError:
            number = _written_number(value)
    else:
        number = _written_number(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _written_number(value) -> float:
    s = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if "," in s:
        if "." in s and s.rfind(".") > s.rfind(","):
            s = s.replace(",", "")
        else:
            s = s.replace(".", "").replace(",", ".")
    return float(s)


_CLOCK = r"(?:[ T]+(?:kl\.?\s*)?(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?)?"
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _CLOCK + r"$", re.IGNORECASE)
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})" + _CLOCK + r"$", re.IGNORECASE)
_YM = re.compile(r"(\d{4})-(\d{1,2})$")
_END_OF_DAY = time(23, 59, 59)


class TimeParser:
    """Turn a cell into (occurred_from, occurred_to) in UTC; ``occurred_to`` for periods.

    Naive times are local time in ``settings.TIME_ZONE``. A date without a clock time
    covers that day, ``YYYY-MM`` the whole month (aoristic analysis spreads such
    incidents over their window).
    """

    def __init__(self, date_format: str | None = None, tz: str | None = None):
        self.date_format = date_format
        self.tz = ZoneInfo(tz or settings.TIME_ZONE)
        # Registers repeat their times (dates without a clock time above all): a text is
        # parsed once. The results are immutable, so sharing them is safe.
        self._texts: dict[str, tuple[datetime, datetime | None]] = {}

    def _aware(self, dt: datetime) -> datetime:
        if dt.tzinfo is None:
            # What dt.replace(tzinfo=tz).astimezone(UTC) gives (fold 0 for a repeated or
            # skipped hour), at a third of the cost: zoneinfo caches its offsets, and
            # combine() attaches a zone faster than replace() does.
            utc = dt - self.tz.utcoffset(dt)
            return datetime.combine(utc, utc.time(), UTC)
        return dt.astimezone(UTC)

    def _day(self, d: date) -> tuple[datetime, datetime]:
        start = datetime.combine(d, time())
        return self._aware(start), self._aware(datetime.combine(d, _END_OF_DAY))

    def __call__(self, value) -> tuple[datetime, datetime | None]:
        if type(value) is str:
            found = self._texts.get(value)
            if found is None:
                found = self._parse(value)
                if len(self._texts) < TIME_CACHE_SIZE:
                    self._texts[value] = found
            return found
        return self._parse(value)

    def _parse(self, value) -> tuple[datetime, datetime | None]:
        if isinstance(value, datetime):
            return self._aware(value), None
        if isinstance(value, date):
            return self._day(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            # An Excel serial date in a cell without a date format.
            from openpyxl.utils.datetime import from_excel

            if not 1 <= value < 2958466:
                raise ValueError(value)
            return self._aware(from_excel(value).replace(microsecond=0)), None
        s = str(value).strip()
        if self.date_format:
            try:
                dt = datetime.strptime(s, self.date_format)
            except ValueError:
                pass
            else:
                if not any(d in self.date_format for d in ("%H", "%I", "%M")):
                    return self._day(dt.date())
                return self._aware(dt), None
        if len(s) > 10:
            try:
                return self._aware(datetime.fromisoformat(s.replace("z", "Z"))), None
            except ValueError:
                pass
        m = _YMD.match(s)
        if m:
            y, mo, d, hh, mm, ss = m.groups()
        else:
            m = _DMY.match(s)
            if m:
                d, mo, y, hh, mm, ss = m.groups()
            else:
                m = _YM.match(s)
                if not m:
                    raise ValueError(s)
                year, month = int(m.group(1)), int(m.group(2))
                last = calendar.monthrange(year, month)[1]
                start = datetime(year, month, 1)
                end = datetime(year, month, last, 23, 59, 59)
                return self._aware(start), self._aware(end)
        if hh is None:
            return self._day(date(int(y), int(mo), int(d)))
        dt = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0))
        return self._aware(dt), None


class CategoryResolver:
    """Source value -> category id: mapping file, SourceMapping, code, then label.

    Unknown values go to the category ``other``; each distinct one is remembered so the
    import can warn about it once.
    """

    def __init__(self, source: str, table: dict[str, str] | None = None):
        cats = list(Category.objects.values_list("id", "code", "label_sv", "label_nb", "label_en"))
        self.by_code = {code.casefold(): pk for pk, code, *_ in cats}
        # Where labels collide, the EST group ("Skadegörelse") wins over the police type of
        # the same name ("polis.…"), and Swedish over bokmål and English.
        cats.sort(key=lambda c: not c[1].startswith("polis."))
        self.by_label: dict[str, int] = {}
        for label_index in (4, 3, 2):
            for c in cats:
                if c[label_index]:
                    self.by_label[c[label_index].casefold()] = c[0]
        if "other" not in self.by_code:
            raise ImportFileError("kategorin 'other' saknas i databasen (kör migrate)")
        self.other = self.by_code["other"]
        self.summary_ids = {pk for pk, s in Category.objects.values_list("id", "is_summary") if s}
        self.table: dict[str, int] = {}
        for value, code in (table or {}).items():
            if code.casefold() not in self.by_code:
                raise ImportFileError(
                    f"[categories] '{value}' = '{code}': kategorikoden '{code}' finns inte"
                )
            self.table[value.casefold()] = self.by_code[code.casefold()]
        self.mapped = {
            value.casefold(): pk
            for value, pk in SourceMapping.objects.filter(source=source).values_list(
                "value", "category_id"
            )
        }
        self.cache: dict[str, int] = {}
        self.unknown: list[str] = []

    def __call__(self, value) -> int:
        key = "" if value is None else str(value).strip()
        if key in self.cache:
            return self.cache[key]
        folded = key.casefold()
        pk = (
            self.table.get(folded)
            or self.mapped.get(folded)
            or self.by_code.get(folded)
            or self.by_label.get(folded)
        )
        if pk is None:
            pk = self.other
            if key:
                self.unknown.append(key)
        self.cache[key] = pk
        return pk


def country_bbox(country: str) -> tuple[float, float, float, float]:
    """The deployment country's extent: its counties' union, else a fixed box."""
    from django.db.models import Max, Min

    from samverkan.core.models import Area

    agg = Area.objects.filter(level="county", country=country).aggregate(
        Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat")
    )
    values = (agg["min_lon__min"], agg["min_lat__min"], agg["max_lon__max"], agg["max_lat__max"])
    if all(v is not None for v in values):
        return values
    return COUNTRY_BBOX.get(country, COUNTRY_BBOX["SE"])


_PLACE_TYPES = {v.casefold(): v for v in PlaceType.values} | {
    str(label).casefold(): v for v, label in PlaceType.choices
}


# ---------------------------------------------------------------------------------------
# Files


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise ImportFileError(f"filen kan inte avkodas som {encoding}: {exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _detect_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(path: Path, mapping: ColumnMapping):
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path} kan inte läsas: {exc.strerror or exc}") from exc
    if data[:2] == b"PK" or b"\x00" in data[:1024]:
        raise ImportFileError(f"{path.name} är inte en textfil (CSV); är det en Excel-fil?")
    text = _decode(data, mapping.encoding)
    del data
    first = text.split("\n", 1)[0]
    delimiter = mapping.delimiter or _detect_delimiter(first)
    if delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError(f"{path.name} är tom") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}: {exc}") from exc

    def records():
        try:
            for values in reader:
                if not "".join(values).strip():  # only blanks: any(v.strip() ...), faster
                    continue
                yield reader.line_num, values, lambda v=values: delimiter.join(v)
        except csv.Error as exc:
            raise ImportFileError(f"{path.name} rad {reader.line_num}: {exc}") from exc

    return header, records()


def _xlsx_records(path: Path):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (OSError, InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFileError(f"{path.name} kan inte läsas som Excel-fil (xlsx): {exc}") from exc
    ws = wb.active
    rows = ws.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h).strip() for h in next(rows)]
    except StopIteration:
        wb.close()
        raise ImportFileError(f"{path.name} är tom") from None

    def records():
        try:
            for line, values in enumerate(rows, start=2):
                cells = ["" if v is None else v for v in values]
                if not any(str(v).strip() for v in cells):
                    continue
                yield line, cells, lambda c=cells: ";".join(str(v) for v in c)
        finally:
            wb.close()

    return header, records()


def _geojson_records(path: Path):
    """Point features; the "line" of a feature is its number (the first is line 2)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(f"{path.name} kan inte läsas som GeoJSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFileError(f"{path.name} är inte en GeoJSON FeatureCollection")
    features = data.get("features") or []
    header: list[str] = []
    for f in features:
        for k in (f.get("properties") or {}) if isinstance(f, dict) else ():
            if k not in header:
                header.append(str(k))
    header += ["__lon", "__lat"]

    def records():
        for i, f in enumerate(features, start=2):
            props = (f.get("properties") or {}) if isinstance(f, dict) else {}
            geom = (f.get("geometry") or {}) if isinstance(f, dict) else {}
            lon = lat = ""
            if geom.get("type") == "Point":
                coords = geom.get("coordinates") or []
                if len(coords) >= 2:
                    lon, lat = coords[0], coords[1]
            values = [props.get(h, "") for h in header[:-2]] + [lon, lat]
            values = ["" if v is None else v for v in values]
            yield i, values, lambda f=f: json.dumps(f, ensure_ascii=False)[:300]

    return header, records()


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
