"""Reading CSV, Excel (XLSX) and GeoJSON files as a header and a stream of records: the
encoding, the delimiter and the file format are detected here, the values are not read.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from samverkan.incidents.importers.base import ImportFileError

if TYPE_CHECKING:
    from samverkan.incidents.importers.tabular import ColumnMapping


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
