"""Reading the values of a tabular incident file's cells: numbers with decimal commas,
times as people write them, categories by code or label, the country's extent.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from samverkan.incidents.importers.base import ImportFileError
from samverkan.incidents.models import Category, PlaceType, SourceMapping

TIME_CACHE_SIZE = 200_000  # distinct time texts remembered per file

# Fallback extents when no county areas are loaded (lon_min, lat_min, lon_max, lat_max).
COUNTRY_BBOX = {"SE": (10.5, 55.0, 24.5, 69.5), "NO": (4.0, 57.5, 31.5, 71.5)}
COUNTRY_NAME = {"SE": "Sverige", "NO": "Norge"}


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
