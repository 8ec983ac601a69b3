"""Parsing of the Swedish police events feed, on examples and on the full archive."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samverkan import demo_data
from samverkan.incidents import polisen
from samverkan.incidents.polisen import (
    EVENT_TYPES_INFORMATION,
    EVENT_TYPES_SUMMARY,
    FUTURE_TOLERANCE,
    normalise_place_name,
    parse_event,
    resolve_place,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FULL_EVENTS = SHARED / "se-police-events.jsonl.gz"


def raw(name, published, type_="Misshandel", place="Malmö", gps="55.604981,13.003822", **extra):
    return {
        "id": 650001,
        "datetime": published,
        "name": name,
        "summary": " Kort text. ",
        "url": "/aktuellt/handelser/2026/augusti/22/x/",
        "type": type_,
        "location": {"name": place, "gps": gps},
        **extra,
    }


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_parse_fields():
    e = parse_event(
        raw(
            "26 september 14:21, Mord/dråp, försök, Stockholm",
            "2022-09-26 15:55:23 +02:00",
            type_="Mord/dråp, försök",
            place="Stockholm",
            gps="59.329324,18.068581",
        )
    )
    assert e.external_id == "650001"
    assert e.published_at == utc(2022, 9, 26, 13, 55, 23)
    assert e.occurred_at == utc(2022, 9, 26, 12, 21)
    assert e.occurred_at.tzinfo is UTC and e.occurred_at_from_name
    assert e.type == "Mord/dråp, försök"
    assert (e.place_name, e.place_level, e.title_place) == (
        "Stockholm",
        "municipality",
        "Stockholm",
    )
    assert (e.lon, e.lat) == (18.068581, 59.329324)
    assert e.summary == "Kort text."
    assert e.url == "https://polisen.se/aktuellt/handelser/2026/augusti/22/x/"
    assert not e.is_summary and not e.is_information


def test_non_padded_hour_and_dot_time():
    e = parse_event(raw("22 augusti 6.05, Brand, Malmö", "2026-08-22 9:48:12 +02:00"))
    assert e.published_at == utc(2026, 8, 22, 7, 48, 12)
    assert e.occurred_at == utc(2026, 8, 22, 4, 5)


def test_winter_time():
    e = parse_event(raw("03 februari 00.10, Rån, Malmö", "2025-02-03 1:02:00 +01:00"))
    assert e.occurred_at == utc(2025, 2, 2, 23, 10)


def test_new_year_rollover():
    e = parse_event(raw("31 december 23:50, Misshandel, Malmö", "2026-01-01 0:35:00 +01:00"))
    assert e.occurred_at == utc(2025, 12, 31, 22, 50)


def test_announcement_across_new_year():
    e = parse_event(
        raw("01 januari 10.00, Övrigt, Malmö", "2025-12-30 14:00:00 +01:00", type_="Övrigt")
    )
    assert e.is_information
    assert e.occurred_at == utc(2026, 1, 1, 9, 0)


def test_dst_nonexistent_spring_time_uses_winter_offset():
    # 2026-03-29 02:00 local jumps to 03:00: 02:30 is read as +01:00, the same instant as 03:30.
    e = parse_event(raw("29 mars 02.30, Misshandel, Malmö", "2026-03-29 8:00:00 +02:00"))
    assert e.occurred_at == utc(2026, 3, 29, 1, 30)


def test_dst_ambiguous_autumn_time_is_the_first():
    # 2026-10-25 03:00 local falls back to 02:00: 02:30 happens twice, summer time comes first.
    e = parse_event(raw("25 oktober 02.30, Misshandel, Malmö", "2026-10-25 8:00:00 +01:00"))
    assert e.occurred_at == utc(2026, 10, 25, 0, 30)


def test_leap_day():
    e = parse_event(raw("29 februari 12.00, Stöld, Malmö", "2024-03-01 8:00:00 +01:00"))
    assert e.occurred_at == utc(2024, 2, 29, 11, 0)


def test_incident_dated_with_publication_day_moves_back_a_day():
    # Real archive case (id 432890): an evening event published 00:43 bearing the new date.
    e = parse_event(
        raw(
            "07 juli 23:39, Skottlossning, Osby", "2023-07-07 0:43:48 +02:00", type_="Skottlossning"
        )
    )
    assert e.occurred_at == utc(2023, 7, 6, 21, 39)


def test_incident_slightly_after_publication_is_kept():
    e = parse_event(
        raw("21 maj 11.25, Trafikolycka, Malmö", "2024-05-21 11:22:31 +02:00", type_="Trafikolycka")
    )
    assert e.occurred_at == utc(2024, 5, 21, 9, 25)


def test_summary_keeps_its_period_end():
    e = parse_event(
        raw(
            "13 februari 07.00, Sammanfattning natt, Dalarnas län",
            "2026-02-12 8:57:28 +01:00",
            type_="Sammanfattning natt",
            place="Dalarnas län",
        )
    )
    assert e.is_summary and not e.is_information
    assert e.occurred_at == utc(2026, 2, 13, 6, 0)


def test_impossible_incident_time_falls_back_to_publication():
    e = parse_event(
        raw(
            "18 september 12.27, Anträffad död, Karlstad",
            "2025-08-26 12:51:59 +02:00",
            type_="Anträffad död",
        )
    )
    assert e.occurred_at == e.published_at and not e.occurred_at_from_name


@pytest.mark.parametrize(
    "name", ["Trafikkontroll, Malmö", "", "32 maj 10.00, X, Y", "1 foo 10.00, X"]
)
def test_no_parsable_time_falls_back_to_publication(name):
    e = parse_event(raw(name, "2026-08-22 9:48:12 +02:00"))
    assert e.occurred_at == e.published_at
    assert not e.occurred_at_from_name


def test_county_level_and_title_place():
    e = parse_event(
        raw(
            "22 augusti 16.01, Trafikolycka, Töreboda",
            "2026-08-22 17:48:23 +02:00",
            type_="Trafikolycka",
            place="Västra Götalands län",
        )
    )
    assert e.place_level == "county"
    assert e.title_place == "Töreboda"
    assert resolve_place(e.title_place).county_code == resolve_place(e.place_name).code == "14"


def test_summary_types():
    assert polisen.is_summary_type("Sammanfattning kväll och natt")
    assert polisen.is_summary_type("Sammanfattning morgon")
    assert not polisen.is_summary_type("Information")
    assert {"Information", "Övrigt"} <= EVENT_TYPES_INFORMATION


@pytest.mark.parametrize(
    ("field", "value"),
    [("datetime", "igår"), ("datetime", None), ("id", None), ("location", {"name": "Malmö"})],
)
def test_malformed_event_raises_with_field(field, value):
    obj = raw("22 augusti 16.01, Brand, Malmö", "2026-08-22 17:48:23 +02:00")
    obj[field] = value
    with pytest.raises(ValueError, match="police event"):
        parse_event(obj)


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("Upplands väsby", "Upplands Väsby"),
        ("Upplands Väsby kommun", "Upplands Väsby"),
        ("Upplands-bro", "Upplands-Bro"),
        ("Dals-ed", "Dals-Ed"),
        ("Östra göinge", "Östra Göinge"),
        ("Malung-Sälen", "Malung-Sälen"),
        ("Malung–Sälens kommun", "Malung-Sälen"),
        ("Falu kommun", "Falun"),
        ("Falun", "Falun"),
        ("Region Gotland", "Gotland"),
        ("Göteborgs Stad", "Göteborg"),
        ("Borås stad", "Borås"),
        ("  Stockholm ", "Stockholm"),
        ("Stockholms län", "Stockholms län"),
        ("Västra Götalands län", "Västra Götalands län"),
    ],
)
def test_resolve_place(name, official):
    assert resolve_place(name).name == official


def test_normalise_place_name():
    assert normalise_place_name("Upplands  Väsby") == normalise_place_name("upplands väsby")
    assert normalise_place_name("Skåne län") == "skåne län"
    assert resolve_place("Stockholm").level == "municipality"
    assert resolve_place("Stockholms län").level == "county"
    assert resolve_place("Atlantis") is None


def test_bundled_events_parse():
    events = [parse_event(obj) for obj in demo_data.iter_police_events()]
    assert len(events) > 10_000
    assert all(resolve_place(e.place_name) for e in events)


@pytest.fixture(scope="module")
def full_archive():
    if not FULL_EVENTS.exists():
        pytest.fail(f"{FULL_EVENTS} saknas: testerna läser ../shared/data.")
    raws = list(demo_data.iter_police_events(FULL_EVENTS))
    return raws, [parse_event(obj) for obj in raws]


@pytest.mark.slow
def test_full_archive_every_place_resolves(full_archive):
    raws, events = full_archive
    assert len(events) == len(raws) > 80_000
    unresolved = Counter(e.place_name for e in events if resolve_place(e.place_name) is None)
    assert unresolved == Counter()
    places = {resolve_place(e.place_name) for e in events}
    assert sum(p.level == "municipality" for p in places) <= 290
    assert sum(p.level == "county" for p in places) == 21
    for e in events:
        assert e.place_level == resolve_place(e.place_name).level
    # The place ending the name is the location itself or, for county-level events, a kommun
    # of that county. Two names end in an empty place; one kommun event (Järfälla) names its
    # neighbour Upplands-Bro.
    odd = []
    for e in events:
        title = resolve_place(e.title_place)
        location = resolve_place(e.place_name)
        if title is None:
            assert e.title_place == ""
        elif title != location:
            assert title.county_code == location.county_code
            if location.level == "municipality":
                odd.append(e.external_id)
    assert len(odd) <= 1


@pytest.mark.slow
def test_full_archive_times(full_archive):
    _, events = full_archive
    assert all(e.occurred_at_from_name for e in events if e.external_id != "598797")
    incidents = [e for e in events if not (e.is_summary or e.is_information)]
    others = [e for e in events if e.is_summary or e.is_information]
    # An incident is never published before it happened (beyond rounding of the time) ...
    assert all(e.occurred_at - e.published_at <= FUTURE_TOLERANCE for e in incidents)
    # ... and almost always within a day or two after it.
    lags = sorted(e.published_at - e.occurred_at for e in incidents)
    assert lags[len(lags) // 2] < timedelta(hours=3)
    assert lags[int(len(lags) * 0.99)] < timedelta(days=2)
    assert lags[-1] < timedelta(days=30)
    # Summaries end at most a day after publication, announcements up to a few days ahead.
    assert all(e.occurred_at - e.published_at < timedelta(days=5) for e in others)
    assert all(e.published_at - e.occurred_at < timedelta(days=5) for e in others)


@pytest.mark.slow
def test_full_archive_types(full_archive):
    _, events = full_archive
    types = Counter(e.type for e in events)
    assert 90 <= len(types) <= 110
    assert EVENT_TYPES_SUMMARY == {t for t in types if t.startswith("Sammanfattning")}
    assert EVENT_TYPES_INFORMATION <= types.keys()
    assert all(t == t.strip() and t for t in types)
