"""Reporting periods of a lägesbild: ISO week, month, tertial, year or a custom range.

A period is a range of local calendar days (``settings.TIME_ZONE``, Europe/Stockholm by
default), because "March" means March on the wall clock of the people doing the work: an
incident at 23:30 on 31 March is a March incident even though it is 21:30 UTC. The
boundaries are converted to UTC only when the database is queried (times are stored in UTC).

Tertials follow the municipal follow-up cycle: T1 January-April, T2 May-August,
T3 September-December.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

WEEK, MONTH, TERTIAL, YEAR, CUSTOM = "week", "month", "tertial", "year", "custom"
PERIOD_TYPES = (WEEK, MONTH, TERTIAL, YEAR, CUSTOM)

MONTH_NAMES = {
    "sv": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "nb": [
        "januar",
        "februar",
        "mars",
        "april",
        "mai",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "desember",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
_WEEK_WORD = {"sv": "vecka", "nb": "uke", "en": "week"}
_TERTIAL_WORD = {"sv": "tertial", "nb": "tertial", "en": "tertial"}


class PeriodError(ValueError):
    """A period text or range that cannot be understood."""


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def add_months(d: date, months: int) -> date:
    """The first day of the month ``months`` calendar months after the month of ``d``."""
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    """Calendar months from the month of ``start`` to the month of ``end`` (0 for the same)."""
    return (end.year - start.year) * 12 + end.month - start.month


def _iso_weeks_in_year(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True)
class Period:
    """A reporting period: local days ``[first_day, end_day)`` of one ``type``."""

    type: str
    first_day: date
    end_day: date

    def __post_init__(self):
        if self.type not in PERIOD_TYPES:
            raise PeriodError(f"Okänd periodtyp '{self.type}'.")
        if self.end_day <= self.first_day:
            raise PeriodError("Perioden måste sluta efter att den börjar.")

    # ------------------------------------------------------------------ boundaries
    @property
    def start(self) -> datetime:
        """First instant of the period, local midnight, as an aware UTC datetime."""
        return datetime.combine(self.first_day, time(0), local_zone()).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """First instant after the period (exclusive), as an aware UTC datetime."""
        return datetime.combine(self.end_day, time(0), local_zone()).astimezone(UTC)

    @property
    def last_day(self) -> date:
        return self.end_day - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end_day - self.first_day).days

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    # ------------------------------------------------------------------ names
    @property
    def label(self) -> str:
        """Machine label that :func:`parse` reads back: 2025-03, 2025-W10, 2025-T2, 2025."""
        d = self.first_day
        if self.type == MONTH:
            return f"{d.year}-{d.month:02d}"
        if self.type == WEEK:
            year, week, _ = d.isocalendar()
            return f"{year}-W{week:02d}"
        if self.type == TERTIAL:
            return f"{d.year}-T{(d.month - 1) // 4 + 1}"
        if self.type == YEAR:
            return f"{d.year}"
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def human(self, language: str = "sv") -> str:
        """Readable name, e.g. "mars 2025", "vecka 10 2025", "tertial 2 2025"."""
        lang = language if language in MONTH_NAMES else "sv"
        d = self.first_day
        if self.type == MONTH:
            return f"{MONTH_NAMES[lang][d.month - 1]} {d.year}"
        if self.type == WEEK:
            year, week, _ = d.isocalendar()
            return f"{_WEEK_WORD[lang]} {week} {year}"
        if self.type == TERTIAL:
            return f"{_TERTIAL_WORD[lang]} {(d.month - 1) // 4 + 1} {d.year}"
        if self.type == YEAR:
            return str(d.year)
        return f"{self.first_day.isoformat()} – {self.last_day.isoformat()}"

    # ------------------------------------------------------------------ navigation
    def shifted(self, steps: int) -> Period:
        """The period ``steps`` periods later (negative: earlier), of the same type."""
        if steps == 0:
            return self
        d = self.first_day
        if self.type == WEEK:
            first = d + timedelta(weeks=steps)
            return Period(WEEK, first, first + timedelta(weeks=1))
        if self.type in (MONTH, TERTIAL, YEAR):
            size = {MONTH: 1, TERTIAL: 4, YEAR: 12}[self.type]
            first = add_months(d, size * steps)
            return Period(self.type, first, add_months(first, size))
        length = timedelta(days=self.days)
        return Period(CUSTOM, d + length * steps, self.end_day + length * steps)

    def previous(self) -> Period:
        return self.shifted(-1)

    def same_last_year(self) -> Period:
        """The same period one year earlier (ISO week N of the previous ISO year)."""
        d = self.first_day
        if self.type == WEEK:
            year, week, _ = d.isocalendar()
            week = min(week, _iso_weeks_in_year(year - 1))
            first = date.fromisocalendar(year - 1, week, 1)
            return Period(WEEK, first, first + timedelta(weeks=1))
        if self.type in (MONTH, TERTIAL, YEAR):
            return self.shifted(-{MONTH: 12, TERTIAL: 3, YEAR: 1}[self.type])

        def back(day: date) -> date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        return Period(CUSTOM, back(self.first_day), back(self.end_day))

    def last(self, n: int = 13) -> list[Period]:
        """The last ``n`` periods ending with this one, oldest first."""
        return [self.shifted(-k) for k in range(n - 1, -1, -1)]

    def to_dict(self, language: str = "sv") -> dict:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "type": self.type,
            "label": self.label,
            "name": self.human(language),
        }


def containing(day: date, period_type: str) -> Period:
    """The period of ``period_type`` that contains the local day ``day``."""
    if period_type == WEEK:
        first = day - timedelta(days=day.weekday())
        return Period(WEEK, first, first + timedelta(weeks=1))
    if period_type == MONTH:
        first = day.replace(day=1)
        return Period(MONTH, first, add_months(first, 1))
    if period_type == TERTIAL:
        first = date(day.year, (day.month - 1) // 4 * 4 + 1, 1)
        return Period(TERTIAL, first, add_months(first, 4))
    if period_type == YEAR:
        return Period(YEAR, date(day.year, 1, 1), date(day.year + 1, 1, 1))
    raise PeriodError(f"Periodtypen '{period_type}' kan inte härledas från ett datum.")


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_TERTIAL = re.compile(r"^(\d{4})-?T([123])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|–)\s*(\d{4}-\d{2}-\d{2})$")


def parse(text: str, period_type: str | None = None) -> Period:
    """Read a period: "2025-03", "2025-W10", "2025-T2", "2025" or "2025-03-01..2025-03-15".

    A single day ("2025-03-10") with ``period_type`` gives the period of that type that
    contains the day. When ``period_type`` is given it must agree with the text.
    """
    raw = (text or "").strip()
    if period_type is not None and period_type not in PERIOD_TYPES:
        raise PeriodError(f"Okänd periodtyp '{period_type}' (välj {', '.join(PERIOD_TYPES)}).")
    period = None
    try:
        if m := _WEEK.match(raw):
            year, week = int(m[1]), int(m[2])
            if not 1 <= week <= _iso_weeks_in_year(year):
                raise PeriodError(f"År {year} har ingen vecka {week}.")
            first = date.fromisocalendar(year, week, 1)
            period = Period(WEEK, first, first + timedelta(weeks=1))
        elif m := _TERTIAL.match(raw):
            first = date(int(m[1]), (int(m[2]) - 1) * 4 + 1, 1)
            period = Period(TERTIAL, first, add_months(first, 4))
        elif m := _MONTH.match(raw):
            month = int(m[2])
            if not 1 <= month <= 12:
                raise PeriodError(f"Månaden {month} finns inte.")
            first = date(int(m[1]), month, 1)
            period = Period(MONTH, first, add_months(first, 1))
        elif m := _YEAR.match(raw):
            period = Period(YEAR, date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1))
        elif m := _RANGE.match(raw):
            first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if last < first:
                raise PeriodError(f"Perioden '{raw}' slutar innan den börjar.")
            period = Period(CUSTOM, first, last + timedelta(days=1))
        elif _DAY.match(raw) and period_type not in (None, CUSTOM):
            return containing(date.fromisoformat(raw), period_type)
    except ValueError as exc:
        if isinstance(exc, PeriodError):
            raise
        raise PeriodError(f"Perioden '{raw}' är inget giltigt datum: {exc}") from None
    if period is None:
        raise PeriodError(
            f"Perioden '{raw}' förstås inte: skriv t.ex. 2025-03 (månad), 2025-W10 (vecka), "
            "2025-T2 (tertial), 2025 (år) eller 2025-03-01..2025-03-15."
        )
    if period_type is not None and period_type != period.type:
        raise PeriodError(f"Perioden '{raw}' är av typen {period.type}, inte {period_type}.")
    return period


def from_bounds(period_type: str, start: datetime, end: datetime) -> Period:
    """Rebuild a period from stored UTC boundaries (as saved on a report)."""
    zone = local_zone()
    first = start.astimezone(zone).date()
    end_day = end.astimezone(zone).date()
    return Period(period_type, first, end_day)
