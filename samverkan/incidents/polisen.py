"""Parse events from the Swedish police events feed (polisen.se ``api/events``).

Pure Python, no Django: the importer turns each :class:`PoliceEvent` into an incident.

What the feed means, and what this parser does about it:

- ``datetime`` is when the police *published* the event, with its UTC offset; hours are not
  always zero-padded ("2026-08-22 9:48:12 +02:00").
- The time of the event itself opens ``name`` ("26 september 14:21, Mord/dråp, försök,
  Stockholm"; the minutes follow a colon or, more often, a dot), in Swedish local time and
  without a year. The year is the one, among the publication year and its neighbours, that puts
  the event closest to its publication: "31 december 23:50" published 2026-01-01 is in 2025 and
  an announcement on 2025-12-30 of "01 januari 10.00" is in 2026.
- Local time becomes UTC with ``zoneinfo`` (Europe/Stockholm). At the autumn change a wall time
  between 02:00 and 03:00 happens twice; the first one (summer time, ``fold=0``) is taken. At
  the spring change such a time does not exist; it is read with the offset in force before the
  change (``fold=0``, as PEP 495 specifies), so "02:30" becomes 01:30 UTC, the same instant as
  03:30 summer time. Both rules are fixed, so a re-import gives the same instant.
- An incident cannot be published before it happens, yet about 0.3 % of them carry a time up
  to a day after their publication: nearly all are evening events published the next morning
  whose name bears the publication date ("07 juli 23:39" published 07 juli 00:43). Times up to
  ``FUTURE_TOLERANCE`` (1 h) late are kept, since reporters round times and announced
  operations start soon after; a later time moves back one day when that puts it no later than
  the publication. Summaries and information are left as written.
- If ``name`` holds no parsable time, or an incident's time is still after its publication
  after that one-day correction (one event in the 2022-2026 archive, 23 days ahead),
  ``occurred_at`` falls back to ``published_at`` and ``occurred_at_from_name`` is False.
- ``location.gps`` ("lat,lon") is the centre of the named municipality or county, never the
  place of the event. About 38 % of the events name only a county ("Västra Götalands län");
  nearly a third of those still name a municipality at the end of ``name`` (``title_place``).
- A few types are not incidents: summaries ("Sammanfattning natt", "Sammanfattning kväll och
  natt", ...) and information ("Information", "Övrigt", "Uppdatering"). Their time is often
  the end of the period summarised or a future announced time, so it may lie after
  publication.

Place names in the feed are the official kommun names except for capitalisation
("Upplands väsby", "Dals-ed"); :func:`normalise_place_name` makes the key that matches them, and
:func:`resolve_place` finds the kommun or län in the bundled boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from samverkan import demo_data
from samverkan.core.periods import MONTH_NAMES

LOCAL_TZ = ZoneInfo("Europe/Stockholm")
POLISEN_BASE_URL = "https://polisen.se"

MONTHS = {name: number for number, name in enumerate(MONTH_NAMES["sv"], start=1)}

#: Every summary type seen in the archive 2022-09 .. 2026-08; any type starting with
#: "Sammanfattning" counts as a summary too, so a new period name needs no code change.
EVENT_TYPES_SUMMARY = frozenset(
    {
        "Sammanfattning natt",
        "Sammanfattning kväll och natt",
        "Sammanfattning dag",
        "Sammanfattning kväll",
        "Sammanfattning eftermiddag",
        "Sammanfattning helg",
        "Sammanfattning dygn",
        "Sammanfattning vecka",
    }
)
#: Types that inform rather than report an incident: notices, announced operations ahead of
#: time, corrections of earlier events.
EVENT_TYPES_INFORMATION = frozenset({"Information", "Övrigt", "Uppdatering"})

#: How far after its publication an incident's own time may lie before it is read as a slip of
#: the date (see the module docstring).
FUTURE_TOLERANCE = timedelta(hours=1)

PlaceLevel = Literal["municipality", "county"]

_PUBLISHED = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-])(\d{2}):?(\d{2})\s*$"
)
_NAME_TIME = re.compile(r"^\s*(\d{1,2})\s+([a-zåäö]+)\s+(\d{1,2})[:.](\d{2})\b", re.IGNORECASE)
_GPS = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})
_SUFFIXES = (" kommun", " stad", " municipality")
_PREFIXES = ("region ", "kommun ")
# Official kommun names whose genitive is not "name + s" ("Falu kommun" is Falun).
_GENITIVE_ALIASES = {"falu": "falun"}


@dataclass(frozen=True, slots=True)
class PoliceEvent:
    """One event from the police events feed, parsed.

    Attributes
    ----------
    external_id : str
        The feed's ``id``, as a string so it can share a column with other sources' ids.
    published_at, occurred_at : datetime
        Aware UTC datetimes: publication, and the event's own time from ``name``.
    type : str
        The police's event type ("Trafikolycka"), stripped of surrounding blanks.
    place_name, place_level : str
        ``location.name`` ("Stockholm", "Västra Götalands län") and whether it names a
        "municipality" or a "county".
    lon, lat : float
        ``location.gps``: the centre of that municipality or county, NOT of the event.
    summary, url : str
        The short text and the absolute link to the event on polisen.se.
    is_summary, is_information : bool
        Whether the event is a summary of a period or a piece of information (not an incident).
    title_place : str
        The place that ends ``name``; for county-level events often a municipality
        ("Töreboda"); empty if the name has none.
    occurred_at_from_name : bool
        False when ``name`` had no parsable time and ``occurred_at`` is ``published_at``.
    """

    external_id: str
    published_at: datetime
    occurred_at: datetime
    type: str
    place_name: str
    place_level: PlaceLevel
    lon: float
    lat: float
    summary: str
    url: str
    is_summary: bool
    is_information: bool
    title_place: str = ""
    occurred_at_from_name: bool = True


def parse_published(text: str) -> datetime:
    """Parse the feed's ``datetime`` ("2026-08-22 9:48:12 +02:00") into an aware UTC datetime.

    Raises
    ------
    ValueError
        If ``text`` is not in that form.
    """
    m = _PUBLISHED.match(text or "")
    if not m:
        raise ValueError(f"datetime {text!r} is not 'YYYY-MM-DD H:MM:SS +HH:MM'")
    year, month, day, hour, minute = (int(g) for g in m.group(1, 2, 3, 4, 5))
    second = int(m.group(6) or 0)
    offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
    if m.group(7) == "-":
        offset = -offset
    local = datetime(year, month, day, hour, minute, second, tzinfo=timezone(offset))
    return local.astimezone(UTC)


def to_utc(local: datetime) -> datetime:
    """Read a naive Swedish wall-clock time as Europe/Stockholm and return it in UTC.

    ``fold=0`` throughout: an ambiguous autumn time is the first (summer-time) one, a
    nonexistent spring time is read with the winter offset.
    """
    return local.replace(tzinfo=LOCAL_TZ, fold=0).astimezone(UTC)


def parse_occurred(name: str, published_at: datetime) -> datetime | None:
    """Return the event time that opens ``name`` in UTC, or None if there is none.

    Parameters
    ----------
    name : str
        The feed's ``name``: "26 september 14:21, Mord/dråp, försök, Stockholm".
    published_at : datetime
        Aware publication time; its local year (and the years either side) are the candidates
        for the year that ``name`` leaves out.
    """
    m = _NAME_TIME.match(name or "")
    if not m:
        return None
    day, hour, minute = int(m.group(1)), int(m.group(3)), int(m.group(4))
    month = MONTHS.get(m.group(2).lower())
    if month is None or hour > 23 or minute > 59:
        return None
    year = published_at.astimezone(LOCAL_TZ).year
    candidates = []
    for y in (year - 1, year, year + 1):
        try:
            candidates.append(to_utc(datetime(y, month, day, hour, minute)))
        except ValueError:
            continue  # 29 februari outside a leap year, 31 april ...
    if not candidates:
        return None
    # Ties cannot happen a year apart; min() keeps the earlier candidate if they ever did.
    return min(candidates, key=lambda c: abs(c - published_at))


def place_level(name: str) -> PlaceLevel:
    """Return "county" for a name ending in " län", else "municipality"."""
    return "county" if (name or "").strip().endswith(" län") else "municipality"


def is_summary_type(event_type: str) -> bool:
    return event_type in EVENT_TYPES_SUMMARY or event_type.startswith("Sammanfattning")


def is_information_type(event_type: str) -> bool:
    return event_type in EVENT_TYPES_INFORMATION


def _correct_date_slip(occurred_at: datetime, published_at: datetime) -> datetime | None:
    """Return an incident's time made no later than its publication, or None if impossible."""
    if occurred_at - published_at <= FUTURE_TOLERANCE:
        return occurred_at
    # Shift the wall-clock date, not 24 h of UTC, so a slip across a DST change keeps its time.
    local = occurred_at.astimezone(LOCAL_TZ).replace(tzinfo=None) - timedelta(days=1)
    previous_day = to_utc(local)
    return previous_day if previous_day <= published_at + FUTURE_TOLERANCE else None


def parse_event(obj: dict[str, Any]) -> PoliceEvent:
    """Parse one raw event of the feed into a :class:`PoliceEvent`.

    Raises
    ------
    ValueError
        If ``id``, ``datetime`` or ``location`` is missing or malformed; the message names the
        event and the field.
    """
    ident = obj.get("id")
    if ident is None or str(ident).strip() == "":
        raise ValueError("police event without id")
    external_id = str(ident).strip()
    try:
        published_at = parse_published(obj.get("datetime", ""))
    except ValueError as exc:
        raise ValueError(f"police event {external_id}: {exc}") from exc

    location = obj.get("location") or {}
    place_name = (location.get("name") or "").strip()
    if not place_name:
        raise ValueError(f"police event {external_id}: location.name is missing")
    gps = _GPS.match(location.get("gps") or "")
    if not gps:
        raise ValueError(
            f"police event {external_id}: location.gps {location.get('gps')!r} is not 'lat,lon'"
        )
    lat, lon = float(gps.group(1)), float(gps.group(2))

    name = obj.get("name") or ""
    event_type = (obj.get("type") or "").strip()
    is_summary, is_information = is_summary_type(event_type), is_information_type(event_type)
    occurred_at = parse_occurred(name, published_at)
    if occurred_at is not None and not (is_summary or is_information):
        occurred_at = _correct_date_slip(occurred_at, published_at)
    url = (obj.get("url") or "").strip()
    if url.startswith("/"):
        url = POLISEN_BASE_URL + url
    return PoliceEvent(
        external_id=external_id,
        published_at=published_at,
        occurred_at=occurred_at or published_at,
        type=event_type,
        place_name=place_name,
        place_level=place_level(place_name),
        lon=lon,
        lat=lat,
        summary=(obj.get("summary") or "").strip(),
        url=url,
        is_summary=is_summary,
        is_information=is_information,
        title_place=name.rsplit(",", 1)[1].strip() if "," in name else "",
        occurred_at_from_name=occurred_at is not None,
    )


def normalise_place_name(name: str) -> str:
    """Return the key under which a Swedish place name is looked up.

    Folds case, Unicode form, dashes and blanks, and drops the administrative words around a
    kommun name, so "Upplands väsby", "Upplands Väsby kommun", "Malung-Sälens kommun",
    "Region Gotland" and "Göteborgs stad" give the keys of "Upplands Väsby", "Malung-Sälen",
    "Gotland" and "Göteborg". County names keep their " län" ("stockholms län"), because
    "Stockholm" alone is the kommun.

    The genitive s of an official "Xs kommun" is NOT removed here, since many kommun names end
    in s ("Borås", "Bollnäs"); :func:`resolve_place` tries it only when the plain key misses.
    """
    key = unicodedata.normalize("NFC", name or "").translate(_DASHES).casefold()
    key = re.sub(r"\s*-\s*", "-", " ".join(key.split()))
    for prefix in _PREFIXES:
        key = key.removeprefix(prefix)
    for suffix in _SUFFIXES:
        key = key.removesuffix(suffix)
    return _GENITIVE_ALIASES.get(key, key)


@dataclass(frozen=True, slots=True)
class Place:
    """A Swedish kommun or län: its official code, name and level."""

    code: str
    name: str
    level: PlaceLevel
    county_code: str


@cache
def _place_index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for feature in demo_data.read_geojson(demo_data.SE_COUNTIES)["features"]:
        p = feature["properties"]
        index[normalise_place_name(p["name"])] = Place(p["code"], p["name"], "county", p["code"])
    for feature in demo_data.read_geojson(demo_data.SE_MUNICIPALITIES)["features"]:
        p = feature["properties"]
        key = normalise_place_name(p["name"])
        if key in index:
            raise ValueError(f"place name {p['name']!r} is not unique")
        index[key] = Place(p["code"], p["name"], "municipality", p["county_code"])
    return index


# The feed names a few hundred places in tens of thousands of events.
@lru_cache(maxsize=4096)
def resolve_place(name: str) -> Place | None:
    """Find the kommun or län a place name means, or None.

    Parameters
    ----------
    name : str
        A police ``location.name`` or any spelling :func:`normalise_place_name` folds.
    """
    index = _place_index()
    key = normalise_place_name(name)
    place = index.get(key)
    if place is None and key.endswith("s") and not key.endswith(" län"):
        place = index.get(key[:-1])
    return place
