"""Periods: parsing, local-time boundaries, navigation."""

from datetime import UTC, date, datetime

import pytest

from samverkan.core import periods
from samverkan.core.periods import PeriodError, parse


def test_parse_each_type():
    m = parse("2025-03")
    assert (m.type, m.first_day, m.end_day) == ("month", date(2025, 3, 1), date(2025, 4, 1))
    w = parse("2025-W10")
    assert (w.type, w.first_day, w.end_day) == ("week", date(2025, 3, 3), date(2025, 3, 10))
    t = parse("2025-T2")
    assert (t.type, t.first_day, t.end_day) == ("tertial", date(2025, 5, 1), date(2025, 9, 1))
    y = parse("2025")
    assert (y.type, y.first_day, y.end_day) == ("year", date(2025, 1, 1), date(2026, 1, 1))
    c = parse("2025-03-01..2025-03-15")
    assert (c.type, c.days) == ("custom", 15)
    for p in (m, w, t, y, c):
        assert parse(p.label) == p


def test_day_with_type_gives_containing_period():
    assert parse("2025-03-12", "week").label == "2025-W11"
    assert parse("2025-10-02", "tertial").label == "2025-T3"


@pytest.mark.parametrize(
    "text", ["2025-13", "2025-W54", "2025-T4", "mars", "", "2025-03-31..2025-03-01"]
)
def test_bad_periods_are_refused_with_a_message(text):
    with pytest.raises(PeriodError, match="Perioden|Månaden|vecka|förstås"):
        parse(text)


def test_type_must_agree():
    with pytest.raises(PeriodError, match="inte week"):
        parse("2025-03", "week")


def test_boundaries_are_local_midnights_in_utc():
    march = parse("2025-03")
    # CET (UTC+1) at the start, CEST (UTC+2) at the end: DST began on 30 March 2025.
    assert march.start == datetime(2025, 2, 28, 23, tzinfo=UTC)
    assert march.end == datetime(2025, 3, 31, 22, tzinfo=UTC)
    late_march = datetime(2025, 3, 31, 23, 30, tzinfo=periods.local_zone())
    early_april = datetime(2025, 4, 1, 0, 10, tzinfo=periods.local_zone())
    assert march.contains(late_march)
    assert not march.contains(early_april)
    assert parse("2025-04").contains(early_april)


def test_navigation():
    assert parse("2025-03").previous().label == "2025-02"
    assert parse("2025-01").previous().label == "2024-12"
    assert parse("2025-03").same_last_year().label == "2024-03"
    assert parse("2025-T1").previous().label == "2024-T3"
    assert parse("2025-T2").same_last_year().label == "2024-T2"
    assert parse("2025-W01").previous().label == "2024-W52"
    assert parse("2020-W53").same_last_year().label == "2019-W52"
    assert parse("2021-W10").same_last_year().label == "2020-W10"
    last = parse("2025-03").last(13)
    assert [p.label for p in last][:2] == ["2024-03", "2024-04"]
    assert last[-1].label == "2025-03" and len(last) == 13
    custom = parse("2025-03-01..2025-03-10")
    assert custom.previous() == parse("2025-02-19..2025-02-28")


def test_human_names():
    assert parse("2025-03").human("sv") == "mars 2025"
    assert parse("2025-03").human("en") == "March 2025"
    assert parse("2025-W10").human("nb") == "uke 10 2025"
    assert parse("2025-T2").human() == "tertial 2 2025"


def test_from_bounds_roundtrip():
    for label in ("2025-03", "2025-W10", "2025-T3", "2024"):
        p = parse(label)
        assert periods.from_bounds(p.type, p.start, p.end) == p
