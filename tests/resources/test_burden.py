"""Resources against burden: per-1,000 figures worked out by hand on a small world."""

from __future__ import annotations

from datetime import date

import pytest

from samverkan.core import periods
from samverkan.resources import burden
from samverkan.situation.build import build_for_period

T1 = periods.parse("2025T1")


def by_code(section):
    return {r["code"][4:]: r for r in section["rows"]}


def test_a_tertial_is_its_four_months_and_a_week_has_none():
    assert burden.months_in(T1) == [date(2025, m, 1) for m in (1, 2, 3, 4)]
    assert burden.months_in(periods.parse("2025-03")) == [date(2025, 3, 1)]
    assert burden.months_in(periods.parse("2025-W10")) == []
    # A custom period from mid-January to the end of March holds February and March only.
    custom = periods.Period("custom", date(2025, 1, 15), date(2025, 4, 1))
    assert burden.months_in(custom) == [date(2025, 2, 1), date(2025, 3, 1)]


def test_thirds_leave_ties_at_the_border_out():
    t = burden.thirds({"a": 10, "b": 3, "c": 1})
    assert t.top == {"a"} and t.bottom == {"c"}
    # Two equal at the bottom: neither is alone in the bottom third.
    t = burden.thirds({"a": 10, "b": 1, "c": 1})
    assert t.top == {"a"} and t.bottom == set()
    assert burden.thirds({"a": 5, "b": 5, "c": 5}) == burden.Thirds(frozenset(), frozenset())
    # Fewer than three areas: no thirds at all.
    assert burden.thirds({"a": 10, "b": 1}).top == set()
    t = burden.thirds({k: v for k, v in zip("abcdef", [6, 5, 4, 3, 2, 1], strict=True)})
    assert t.top == {"a", "b"} and t.bottom == {"e", "f"}


def test_per_1000_figures_in_the_lagesbild_by_hand(burden_world):
    w = burden_world
    f = build_for_period(w.m1, T1, partnership=w.p1)
    section = f["resources"]
    assert section["months"] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    rows = by_code(section)
    # D1: 10 incidents / 1,000 inhabitants; 10 h; 5,000 kr.
    assert rows["D1"]["count"] == 10
    assert rows["D1"]["incidents_per_1000"] == 10.0
    assert rows["D1"]["hours"] == 10
    assert rows["D1"]["hours_per_1000"] == 10.0
    assert rows["D1"]["money_per_inhabitant"] == 5.0
    # D2: 6 / 2,000 = 3 per 1,000; 40 h / 2,000 = 20 per 1,000 ("other" is no hour).
    assert rows["D2"]["incidents_per_1000"] == 3.0
    assert rows["D2"]["hours_per_1000"] == 20.0
    assert rows["D2"]["by_kind"] == {"field_assistants": 40, "other": 777}
    # D3: 4 / 4,000 = 1; (50 + 30) h / 4,000 = 20 (April is in the tertial, May is not).
    assert rows["D3"]["incidents_per_1000"] == 1.0
    assert rows["D3"]["hours"] == 80
    assert rows["D3"]["hours_per_1000"] == 20.0
    # The municipality: every district's hours and its own 100 h over 10,000 inhabitants.
    area = section["area"]
    assert area["hours"] == 10 + 40 + 80 + 20 + 100
    assert area["hours_per_1000"] == 25.0
    assert area["money_per_inhabitant"] == 0.5
    assert area["incidents_per_1000"] == round(f["totals"]["count"] / 10_000 * 1000, 2)
    # D1 is the top third by burden and the bottom third by hours; D3, lowest burden, ties
    # with D2 on hours and is not flagged.
    assert rows["D1"]["flag"] == burden.HIGH_BURDEN_LOW_HOURS
    assert rows["D2"]["flag"] is None and rows["D3"]["flag"] is None


def test_unknown_population_gives_no_rate(burden_world):
    w = burden_world
    rows = by_code(build_for_period(w.m1, T1, partnership=w.p1)["resources"])
    d4 = rows["D4"]
    assert d4["count"] == 5 and d4["hours"] == 20
    assert d4["population_known"] is False
    assert d4["incidents_per_1000"] is None and d4["hours_per_1000"] is None
    assert d4["money_per_inhabitant"] is None
    assert d4["missing"] == "folkmängd saknas"
    assert d4["flag"] is None


def test_a_zero_population_is_unknown_too(burden_world):
    w = burden_world
    w.d["D2"].population = 0
    w.d["D2"].save()
    rows = by_code(build_for_period(w.m1, T1, partnership=w.p1)["resources"])
    assert rows["D2"]["incidents_per_1000"] is None
    assert rows["D2"]["missing"] == "folkmängd saknas"


@pytest.mark.parametrize("audience", ["shared", "public"])
def test_a_suppressed_count_hides_its_rate_and_its_rank(burden_world, make, audience):
    from tests.situation.conftest import local

    w = burden_world
    # A fifth district with 2 incidents: "<3" in a shared picture.
    from tests.resources.conftest import quarter

    small = quarter(w, "D5", "Litenby", (15.9, 59.9), 500)
    make(
        "vandalism", local(2025, 2, 11, 12), n=2, lon=15.95, lat=59.95, organisation_id=w.kommun.pk
    )
    f = build_for_period(w.m1, T1, partnership=w.p1, audience=audience)
    rows = {r["code"]: r for r in f["resources"]["rows"]}
    hidden = rows[small.code]
    assert hidden["count"] == "<3"
    assert hidden["incidents_per_1000"] is None
    assert hidden["flag"] is None
    # The section counts exactly what the picture publishes for each child area.
    published = {r["code"]: r["count"] for r in f["by_child_area"]}
    assert {c: r["count"] for c, r in rows.items()} == published
    for r in rows.values():
        if isinstance(r["count"], str):
            assert r["incidents_per_1000"] is None


def test_the_internal_picture_ranks_what_the_shared_one_hides(burden_world, make):
    from tests.resources.conftest import quarter
    from tests.situation.conftest import local

    w = burden_world
    small = quarter(w, "D5", "Litenby", (15.9, 59.9), 500)
    make(
        "vandalism", local(2025, 2, 11, 12), n=2, lon=15.95, lat=59.95, organisation_id=w.kommun.pk
    )
    rows = {r["code"]: r for r in build_for_period(w.m1, T1, partnership=w.p1)["resources"]["rows"]}
    assert rows[small.code]["count"] == 2
    assert rows[small.code]["incidents_per_1000"] == 4.0


def test_a_week_shows_no_resources(burden_world):
    w = burden_world
    f = build_for_period(w.m1, periods.parse("2025-W07"), partnership=w.p1)
    assert f["resources"]["whole_months"] is False
    assert all(r["hours"] is None and r["hours_per_1000"] is None for r in f["resources"]["rows"])


def test_without_a_partnership_every_partnerships_rows_count(burden_world):
    w = burden_world
    f = build_for_period(w.m2, T1)
    assert f["resources"]["area"]["hours"] == 555


def test_against_burden_counts_live_for_a_level(burden_world):
    w = burden_world
    rows = {r["code"][4:]: r for r in burden.against_burden(w.p1, T1, "district")}
    assert set(rows) == {"D1", "D2", "D3", "D4"}
    assert rows["D1"]["count"] == 10 and rows["D1"]["incidents_per_1000"] == 10.0
    assert rows["D3"]["hours_per_1000"] == 20.0
    assert rows["D4"]["missing"] == "folkmängd saknas"
    assert rows["D1"]["flag"] == burden.HIGH_BURDEN_LOW_HOURS
    municipalities = burden.against_burden(w.p1, T1, "municipality")
    assert [r["hours"] for r in municipalities] == [250]


def test_a_county_picture_sums_each_municipalitys_districts(burden_world):
    w = burden_world
    f = build_for_period(w.county, T1, audience="shared")
    rows = {r["code"]: r for r in f["resources"]["rows"]}
    # Without a partnership every partnership's rows count, districts within their municipality.
    assert rows["9901"]["hours"] == 250
    assert rows["9902"]["hours"] == 555
    assert f["resources"]["area"]["hours"] == 805
    # The county has no population in this world: no rate, no invented number.
    assert f["resources"]["area"]["hours_per_1000"] is None
    assert f["resources"]["area"]["missing"] == "folkmängd saknas"
