"""Readers for external indicator series: official statistics and safety surveys.

Three formats, read as they are downloaded:

* ``bra``: Brå's monthly/yearly reported-crime statistics per municipality in Brå's export
  layout (``År, Månad, ..., Period_start, Period_slut, Preliminär, Kommun, Region_ID, Brott,
  Brott_ID, ..., Antal, Per100000``). Municipalities are matched by name (Brå's
  ``Region_ID`` is Brå's own number, not the SCB kommun code); the series is ``Brott_ID``.
* ``ssb``: SSB's reported offences per kommune (``navn, komnr, år, gjerningssted, g_komnr,
  alt, eiendomstyveri, ...``), two-year averages such as ``2020-2021``. Municipalities are
  matched by the current number ``komnr`` (zero-padded to four digits), then by name; each
  offence group column is a series. ``NA`` (suppressed by SSB) leaves no value.
* ``survey``: a safety survey as a CSV with one row per area, period and question:
  ``område`` (code or name), ``period`` (``2025``, ``2025-T2``, ``2025-03``), ``fråga``,
  ``andel`` (percent; a decimal comma is fine) and ``antal_svarande`` (sample size).

The readers only parse and validate: they return :class:`SeriesRow` objects or raise
:class:`ImportFileError` naming the row, the field and the reason, before anything is
written. :func:`samverkan.followup.services.import_series` stores them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from samverkan.core.models import Area
from samverkan.core.periods import months_between

FORMATS = ("bra", "ssb", "survey")
SSB_SERIES = {
    "alt": "Alle lovbrudd",
    "eiendomstyveri": "Eiendomstyveri",
    "vold_mishandling": "Vold og mishandling",
    "rusmidler": "Rusmidler",
    "orden_integritet": "Ordens- og integritetskrenkelser",
    "trafikk": "Trafikk",
    "annet": "Annet",
}
SURVEY_COLUMNS = {
    "area": ("område", "omrade", "area", "kommun", "kommune"),
    "period": ("period", "periode", "år", "ar", "year"),
    "question": ("fråga", "fraga", "spørsmål", "question", "indikator"),
    "share": ("andel", "andel_procent", "share", "percent"),
    "n": ("antal_svarande", "antall_svar", "antal", "n", "sample_size"),
}


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names the row, field and reason."""


@dataclass
class SeriesRow:
    """One value of one series for one area."""

    line: int
    area: Area
    series_key: str
    series_label: str
    period_start: date
    months: int
    value: float
    sample_size: int | None = None
    preliminary: bool = False
    source_rate: float | None = None


@dataclass
class ParseResult:
    rows: list[SeriesRow] = field(default_factory=list)
    unknown_areas: set[str] = field(default_factory=set)
    suppressed: int = 0


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("Filen är varken UTF-8 eller Windows-1252.")


class _Lines:
    """The text's lines for the csv module, remembering those of the record being read."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))
        self.current: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.current.append(line)
        return line


class _Reader(csv.DictReader):
    """A DictReader whose csv errors name the row and the column, like every other error.

    The csv module stops at a field longer than ``csv.field_size_limit()`` (131,072
    characters) with an error that names neither; uncaught, it was a 500 in the upload
    views and a traceback from the command.
    """

    def __init__(self, text: str, dialect):
        self._lines = _Lines(text)
        self._row = 1  # the header; rows are numbered like the parsers' enumerate(start=2)
        super().__init__(self._lines, dialect=dialect)

    @property
    def fieldnames(self):
        try:
            return super().fieldnames
        except csv.Error as exc:
            raise ImportFileError(self._describe(exc)) from None

    @fieldnames.setter
    def fieldnames(self, value):
        csv.DictReader.fieldnames.fset(self, value)

    def __next__(self):
        self._lines.current = []
        try:
            row = super().__next__()
        except csv.Error as exc:
            self._row += 1
            raise ImportFileError(self._describe(exc)) from None
        self._row += 1
        return row

    def _describe(self, exc: csv.Error) -> str:
        limit = csv.field_size_limit()
        if "field limit" not in str(exc):
            return f"Rad {self._row}: raden kan inte läsas som CSV ({exc})."
        index = _long_field("".join(self._lines.current), self.reader.dialect, limit)
        names = self._fieldnames or []
        if self._row == 1:
            column = f"nr {index + 1}"
        else:
            column = names[index] if index < len(names) else f"nr {index + 1}"
        size = f"{limit:,}".replace(",", " ")
        return (
            f"Rad {self._row}, kolumn {column}: fältet är längre än {size} tecken; "
            "är filen en export av rätt tabell?"
        )


def _long_field(text: str, dialect, limit: int) -> int:
    """Index of the first field longer than ``limit`` in the raw record ``text``."""
    delimiter, quote = dialect.delimiter, dialect.quotechar
    index = length = 0
    quoted = False
    for ch in text:
        if quote and ch == quote:
            quoted = not quoted
            continue
        if ch == delimiter and not quoted:
            index, length = index + 1, 0
            continue
        length += 1
        if length > limit:
            return index
    return index


def _reader(data: bytes | str) -> csv.DictReader:
    text = _text(data)
    sample = text[:4096]
    # Whole lines only: a line cut short (a long field) leaves the sniffer guessing wrong.
    sample = sample[: sample.rfind("\n") + 1] or sample
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = _Reader(text, dialect)
    if not reader.fieldnames:
        raise ImportFileError("Filen är tom.")
    reader.fieldnames = [(f or "").strip() for f in reader.fieldnames]
    return reader


def _need(reader: csv.DictReader, columns: list[str], fmt: str) -> None:
    missing = [c for c in columns if c not in reader.fieldnames]
    if missing:
        raise ImportFileError(
            f"Kolumnerna {', '.join(missing)} saknas för formatet {fmt}; filen har "
            f"{', '.join(reader.fieldnames)}."
        )


def _number(value: str, line: int, column: str) -> float:
    raw = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise ImportFileError(f"Rad {line}, kolumn {column}: '{value}' är inget tal.") from None


def _month_diff(start: date, end: date) -> int:
    # Both months count: January to March is three months of values.
    return months_between(start, end) + 1


def _areas(country: str) -> tuple[dict[str, Area], dict[str, Area]]:
    qs = Area.objects.filter(country=country, level="municipality")
    by_code = {a.code: a for a in qs}
    by_name = {a.name.casefold(): a for a in qs}
    return by_code, by_name


def parse_bra(data: bytes | str) -> ParseResult:
    """Brå's export layout; see the module docstring."""
    reader = _reader(data)
    _need(
        reader,
        ["Period_start", "Period_slut", "Kommun", "Brott", "Brott_ID", "Antal"],
        "bra",
    )
    by_code, by_name = _areas("SE")
    out = ParseResult()
    for line, row in enumerate(reader, start=2):
        name = (row.get("Kommun") or "").strip()
        area = by_name.get(name.casefold()) or by_code.get(name)
        if area is None:
            out.unknown_areas.add(name)
            continue
        try:
            start = date.fromisoformat(row["Period_start"].strip()[:10])
            end = date.fromisoformat(row["Period_slut"].strip()[:10])
        except ValueError:
            raise ImportFileError(
                f"Rad {line}, kolumn Period_start/Period_slut: "
                f"'{row['Period_start']}'/'{row['Period_slut']}' är inga datum (ÅÅÅÅ-MM-DD)."
            ) from None
        if start.day != 1 or end < start:
            raise ImportFileError(f"Rad {line}: perioden {start}–{end} börjar inte på en månad.")
        raw_value = (row.get("Antal") or "").strip()
        if raw_value in ("", "..", "-"):
            out.suppressed += 1
            continue
        rate = (row.get("Per100000") or "").strip()
        brott_id = (row.get("Brott_ID") or "").strip()
        if not brott_id:
            raise ImportFileError(f"Rad {line}, kolumn Brott_ID: värdet saknas.")
        out.rows.append(
            SeriesRow(
                line=line,
                area=area,
                series_key=str(int(float(brott_id))),
                series_label=(row.get("Brott") or "").strip(),
                period_start=start,
                months=_month_diff(start, end),
                value=_number(raw_value, line, "Antal"),
                preliminary=(row.get("Preliminär") or "").strip().lower() in ("true", "1", "ja"),
                source_rate=_number(rate, line, "Per100000") if rate else None,
            )
        )
    return out


_YEARS = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")


def parse_ssb(data: bytes | str) -> ParseResult:
    """SSB's reported offences per kommune; see the module docstring."""
    reader = _reader(data)
    _need(reader, ["navn", "komnr", "år"], "ssb")
    series = [c for c in reader.fieldnames if c in SSB_SERIES]
    if not series:
        raise ImportFileError(
            f"Ingen lovbruddsgruppe ({', '.join(SSB_SERIES)}) i filen; den har "
            f"{', '.join(reader.fieldnames)}."
        )
    by_code, by_name = _areas("NO")
    out = ParseResult()
    for line, row in enumerate(reader, start=2):
        code = (row.get("komnr") or "").strip()
        name = (row.get("navn") or "").strip()
        area = by_code.get(code.zfill(4)) if code.isdigit() else None
        if area is None:
            area = by_name.get(name.casefold())
        if area is None:
            out.unknown_areas.add(f"{code} {name}".strip())
            continue
        m = _YEARS.match((row.get("år") or "").strip())
        if not m:
            raise ImportFileError(
                f"Rad {line}, kolumn år: '{row.get('år')}' är inget år eller årsintervall."
            )
        first, last = int(m[1]), int(m[2] or m[1])
        if last < first:
            raise ImportFileError(f"Rad {line}, kolumn år: '{row.get('år')}' slutar före början.")
        for column in series:
            raw = (row.get(column) or "").strip()
            if raw.upper() in ("NA", "", ".", ".."):
                out.suppressed += 1
                continue
            out.rows.append(
                SeriesRow(
                    line=line,
                    area=area,
                    series_key=column,
                    series_label=SSB_SERIES[column],
                    period_start=date(first, 1, 1),
                    months=12 * (last - first + 1),
                    value=_number(raw, line, column),
                )
            )
    return out


def _column(fieldnames: list[str], key: str) -> str | None:
    lowered = {f.casefold(): f for f in fieldnames}
    for alias in SURVEY_COLUMNS[key]:
        if alias in lowered:
            return lowered[alias]
    return None


def parse_survey(data: bytes | str, country: str = "SE") -> ParseResult:
    """A safety survey: share of respondents (percent) with the sample size."""
    from samverkan.core import periods

    reader = _reader(data)
    cols = {key: _column(reader.fieldnames, key) for key in SURVEY_COLUMNS}
    missing = [SURVEY_COLUMNS[k][0] for k, v in cols.items() if v is None]
    if missing:
        raise ImportFileError(
            f"Kolumnerna {', '.join(missing)} saknas för formatet survey; filen har "
            f"{', '.join(reader.fieldnames)}."
        )
    areas = Area.objects.filter(country=country)
    by_code = {a.code: a for a in areas}
    by_name = {a.name.casefold(): a for a in areas.filter(level="municipality")}
    by_name.update({a.name.casefold(): a for a in areas.exclude(level="municipality")})
    out = ParseResult()
    for line, row in enumerate(reader, start=2):
        raw_area = (row.get(cols["area"]) or "").strip()
        area = by_code.get(raw_area) or by_name.get(raw_area.casefold())
        if area is None:
            out.unknown_areas.add(raw_area)
            continue
        try:
            period = periods.parse(row.get(cols["period"]) or "")
        except periods.PeriodError as exc:
            raise ImportFileError(f"Rad {line}, kolumn {cols['period']}: {exc}") from None
        share = _number((row.get(cols["share"]) or "").rstrip("% "), line, cols["share"])
        if not 0 <= share <= 100:
            raise ImportFileError(
                f"Rad {line}, kolumn {cols['share']}: {share:g} ligger inte mellan 0 och 100 %."
            )
        n = _number(row.get(cols["n"]) or "", line, cols["n"])
        if n < 1 or not float(n).is_integer():
            raise ImportFileError(
                f"Rad {line}, kolumn {cols['n']}: antalet svarande måste vara ett positivt heltal."
            )
        question = (row.get(cols["question"]) or "").strip()
        if not question:
            raise ImportFileError(f"Rad {line}, kolumn {cols['question']}: frågan saknas.")
        months = _month_diff(period.first_day, period.last_day)
        out.rows.append(
            SeriesRow(
                line=line,
                area=area,
                series_key=question[:200],
                series_label=question[:200],
                period_start=period.first_day.replace(day=1),
                months=months,
                value=share,
                sample_size=int(n),
            )
        )
    if out.rows and max(r.value for r in out.rows) <= 1:
        # Every share is at most 1: the file gives proportions (0.34), not percent (34).
        for r in out.rows:
            r.value *= 100
    return out


def parse(fmt: str, data: bytes | str, **kwargs) -> ParseResult:
    if fmt == "bra":
        return parse_bra(data)
    if fmt == "ssb":
        return parse_ssb(data)
    if fmt == "survey":
        return parse_survey(data, **kwargs)
    raise ImportFileError(f"Okänt format '{fmt}' (välj {', '.join(FORMATS)}).")


def read_file(path: str | Path) -> bytes:
    p = Path(path)
    if not p.exists():
        raise ImportFileError(f"Filen {p} finns inte.")
    return p.read_bytes()
