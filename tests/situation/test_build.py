"""build_figures: counts equal a direct count of the source rows; flags; suppression."""

from __future__ import annotations

import numpy as np
import pytest

from samverkan.core import periods
from samverkan.incidents.models import Incident
from samverkan.incidents.permissions import partnership_filter
from samverkan.incidents.taxonomy import police_code
from samverkan.situation.build import build_for_period
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


def direct_count(area, period, partnership=None):
    qs = Incident.objects.filter(
        incidentarea__area=area,
        occurred_from__gte=period.start,
        occurred_from__lt=period.end,
        is_summary=False,
    ).exclude(status="duplicate")
    if partnership is not None:
        qs = qs.filter(partnership_filter([partnership]))
    return qs.distinct().count()


@pytest.fixture
def scene(world, make):
    kommun, bostad, other = world.kommun.pk, world.bostad.pk, world.other.pk
    make("vandalism", local(2025, 3, 5, 12), n=42, organisation_id=kommun, spread=0.003)
    make("vandalism", local(2024, 3, 5, 12), n=21, organisation_id=kommun, spread=0.003)
    make("fire", local(2025, 3, 10, 20), n=7, organisation_id=bostad, spread=0.01)
    make("fire", local(2024, 3, 10, 20), n=5, organisation_id=bostad, spread=0.01)
    make("theft.burglary", local(2025, 3, 28, 3), n=4, organisation_id=bostad, spread=0.0005)
    # Kept private by the housing company: never in a partnership's picture.
    make("littering", local(2025, 3, 6, 9), n=3, organisation_id=bostad, visibility="organisation")
    # Another municipality's own reports, and Söderby's area.
    make("littering", local(2025, 3, 6, 9), n=6, organisation_id=other, lon=16.5)
    # Police events placed at Norrby's centroid (municipality precision).
    make(
        "violence",
        local(2025, 3, 12, 22),
        n=9,
        source="polisen",
        visibility="public",
        precision="municipality",
        area_ids=[world.m1.pk],
    )
    # The feed runs on past March (elsewhere), so March is complete for the police source.
    make(
        "violence",
        local(2025, 4, 2, 12),
        source="polisen",
        visibility="public",
        precision="municipality",
        area_ids=[world.m2.pk],
    )
    # A police summary (not counted) and a duplicate (not counted).
    make(
        "summary",
        local(2025, 3, 12, 23),
        n=2,
        source="polisen",
        visibility="public",
        precision="municipality",
        area_ids=[world.m1.pk],
        is_summary=True,
    )
    dup = make("vandalism", local(2025, 3, 7, 12), n=1, organisation_id=kommun)
    for incident in Incident.objects.filter(pk__in=dup):
        incident.status = "duplicate"
        incident.save(update_fields=["status"])
        incident.sync_area_links()  # as services.mark_duplicate does
    return world


def test_counts_equal_direct_count(scene):
    w = scene
    f = build_for_period(w.m1, MARCH, partnership=w.p1)
    assert f["totals"]["count"] == direct_count(w.m1, MARCH, w.p1) == 42 + 7 + 4 + 9
    assert f["totals"]["last_year"] == direct_count(w.m1, MARCH.same_last_year(), w.p1)
    assert f["totals"]["previous"] == direct_count(w.m1, MARCH.previous(), w.p1) == 0
    assert sum(r["count"] for r in f["by_category"]) == f["totals"]["count"]
    by = {r["code"]: r for r in f["by_category"]}
    assert by["vandalism"]["count"] == 42 and by["theft"]["count"] == 4
    assert "littering" not in by  # private to the housing company
    assert "summary" not in by
    assert f["trend"][-1]["count"] == f["totals"]["count"]
    assert f["trend"][0]["label"] == "2024-03" and f["trend"][0]["count"] == 26
    # Without a partnership: everything not kept private, in Norrby only.
    f = build_for_period(w.m1, MARCH)
    assert f["totals"]["count"] == 62
    # A partnership's picture of another area counts nothing of Norrby's.
    f = build_for_period(w.m2, MARCH, partnership=w.p2)
    assert f["totals"]["count"] == direct_count(w.m2, MARCH, w.p2) == 6


def test_local_time_boundaries(world, make):
    make("vandalism", local(2025, 3, 31, 23, 30), organisation_id=world.kommun.pk)
    make("fire", local(2025, 4, 1, 0, 10), organisation_id=world.kommun.pk)
    march = build_for_period(world.m1, MARCH, partnership=world.p1)
    april = build_for_period(world.m1, periods.parse("2025-04"), partnership=world.p1)
    assert [r["code"] for r in march["by_category"] if r["count"]] == ["vandalism"]
    assert [r["code"] for r in april["by_category"] if r["count"]] == ["fire"]
    # Monday 31 March 23:30 local lands in row 0 (Monday), column 23.
    assert march["weekday_hour"][0][23] == 1


def test_flags_only_for_real_changes(scene):
    f = build_for_period(scene.m1, MARCH, partnership=scene.p1)
    by = {r["code"]: r for r in f["by_category"]}
    # The data begins in 2024: the baseline is the one earlier March there is.
    assert f["comparison"] == "last_year"
    assert f["baseline"]["kind"] == "seasonal" and f["baseline"]["n_periods"] == 1
    assert [p["label"] for p in f["baseline"]["periods"]] == ["2024-03"]
    # 21 -> 42 against ONE baseline month: Z = (sqrt 42 - sqrt 21) / sqrt(1/4 + 1/4) = 2.68,
    # below 3 for several categories once the baseline's own noise is counted.
    assert by["vandalism"]["z"] == pytest.approx(2.684, abs=1e-3)
    assert by["vandalism"]["flag"] is None
    assert by["fire"]["flag"] is None  # 5 -> 7
    assert by["vandalism"]["p"] < 0.05 < by["fire"]["p"]
    assert f["flag_threshold"] == 3.0 and f["categories_tested"] == len(by)
    assert "ökade tydligt" not in f["summary"]


@pytest.fixture
def seasons(world, make):
    """Vandalism and fire in March of four years: 2025 doubles vandalism's usual 21."""
    kommun, bostad = world.kommun.pk, world.bostad.pk
    for year, vandalism, fire in ((2022, 20, 5), (2023, 22, 6), (2024, 21, 4), (2025, 42, 7)):
        make("vandalism", local(year, 3, 5, 12), n=vandalism, organisation_id=kommun)
        make("fire", local(year, 3, 10, 20), n=fire, organisation_id=bostad)
    return world


def test_the_baseline_is_the_same_month_of_the_last_three_years(seasons):
    w = seasons
    f = build_for_period(w.m1, MARCH, partnership=w.p1)
    assert f["comparison"] == "seasonal"
    assert [p["label"] for p in f["baseline"]["periods"]] == ["2024-03", "2023-03", "2022-03"]
    by = {r["code"]: r for r in f["by_category"]}
    assert by["vandalism"]["baseline_total"] == 63 and by["vandalism"]["baseline_mean"] == 21
    assert f["totals"]["baseline_total"] == 78 and f["baseline"]["mean"] == 26
    # Three baseline months: Z = (sqrt 42 - sqrt 21) / sqrt(1/4 + 1/12) = 3.29 >= 3.
    assert by["vandalism"]["z"] == pytest.approx(3.288, abs=1e-3)
    assert by["vandalism"]["flag"] == "increase" and by["fire"]["flag"] is None
    assert f["baseline"]["text"] == "snittet för samma månad de tre senaste åren"
    assert (
        "Skadegörelse ökade tydligt jämfört med snittet för samma månad de tre senaste åren "
        "(42 mot 21)." in f["summary"]
    )


def test_without_seasonal_history_the_baseline_is_the_last_twelve_months(world, make):
    """Data from April 2024 on: no earlier March, so the mean of the 12 previous months."""
    kommun = world.kommun.pk
    for k in range(11):
        make(
            "vandalism",
            local(2024, 4 + k, 5, 12) if k < 9 else local(2025, k - 8, 5, 12),
            n=2,
            organisation_id=kommun,
        )
    make("vandalism", local(2025, 3, 5, 12), n=3, organisation_id=kommun)
    f = build_for_period(world.m1, MARCH, partnership=world.p1)
    assert f["comparison"] == "rolling"
    labels = [p["label"] for p in f["baseline"]["periods"]]
    # March 2024 lies before the data began: eleven months, not a zero twelfth.
    assert labels[0] == "2025-02" and labels[-1] == "2024-04" and len(labels) == 11
    assert f["totals"]["baseline_total"] == 22 and f["totals"]["baseline_mean"] == 2
    assert "snittet för de 11 föregående månaderna" in f["baseline"]["text"]


def test_point_sections_never_use_centroid_incidents(scene):
    w = scene
    f = build_for_period(w.m1, MARCH, partnership=w.p1)
    # 42 + 7 + 4 point incidents; the 9 police events at the centroid are left out.
    assert f["hotspots"]["n_points"] == 53
    assert sum(c["count"] for c in f["hotspots"]["cells"]) == 53
    from samverkan.situation.build import point_incidents

    pts = point_incidents(w.m1, MARCH, w.p1)
    assert len(pts) == 53
    assert not any(p["group"] == "violence" for p in pts)


def test_internal_sections(world, make):
    make(
        "theft.burglary",
        local(2025, 3, 25, 3),
        n=4,
        organisation_id=world.bostad.pk,
        spread=0.0005,
        place_name="Storgatan 1",
    )
    make(
        "vandalism",
        local(2025, 3, 2, 3),
        n=3,
        organisation_id=world.kommun.pk,
        lon=15.6,
        place_name="Torget",
    )
    cat = police_code("Skottlossning")
    make(
        cat,
        local(2025, 3, 20, 21),
        source="polisen",
        visibility="public",
        precision="municipality",
        area_ids=[world.m1.pk],
        place_name="Norrby",
    )
    f = build_for_period(world.m1, MARCH, partnership=world.p1)
    assert len(f["near_repeat"]["zones"]) == 1
    assert f["near_repeat"]["zones"][0]["n_incidents"] == 4
    # The four "Storgatan 1" reports lie 28 m apart in a row: one place by their name.
    assert [(r["place"], r["count"]) for r in f["repeat_places"]] == [
        ("Storgatan 1", 4),
        ("Torget", 3),
    ]
    assert [n["label"] for n in f["notable"]] == ["Skottlossning"]
    cov = {r["organisation"] or r["source"]: r["count"] for r in f["coverage"]["by_organisation"]}
    assert cov == {
        "Norrbyhem AB": 4,
        "Norrby kommun": 3,
        "polisen": 1,
        "Lokalpolisområde Norrby": 0,
    }
    assert f["coverage"]["silent_organisations"] == ["Lokalpolisområde Norrby"]
    assert "Lokalpolisområde Norrby" in f["summary"]


def _published_numbers(f):
    yield f["totals"]["count"]
    yield f["totals"]["previous"]
    yield f["totals"]["last_year"]
    for p in f["trend"]:
        yield p["count"]
    for r in f["by_category"]:
        yield from (r["count"], r["previous"], r["last_year"])
    for r in f["by_child_area"]:
        yield from (r["count"], r["previous"])
    for row in f["weekday_hour"]:
        yield from row
    for r in f["coverage"]["by_organisation"] + f["coverage"]["by_kind"]:
        yield r["count"]
    yield f["coverage"]["reporters"]
    for c in f["hotspots"]["cells"]:
        yield c["count"]


@pytest.mark.parametrize("audience", ["shared", "public"])
def test_suppression_for_shared_and_public(scene, make, audience):
    w = scene
    make("drugs", local(2025, 3, 3, 15), n=2, organisation_id=w.kommun.pk)
    make("gathering", local(2025, 3, 4, 15), n=1, organisation_id=w.kommun.pk)
    f = build_for_period(w.m1, MARCH, partnership=w.p1, audience=audience)
    numbers = list(_published_numbers(f))
    assert not [v for v in numbers if isinstance(v, int) and 0 < v < 3]
    by = {r["code"]: r for r in f["by_category"]}
    assert by["drugs"]["count"] == "<3" and by["gathering"]["count"] == "<3"
    assert by["drugs"]["z"] is None and by["drugs"]["flag"] is None
    # Secondary suppression: no published column has exactly one hidden cell.
    for field in ("count", "previous", "last_year"):
        hidden = [r for r in f["by_category"] if isinstance(r[field], str)]
        assert len(hidden) != 1
    grid = np.array([[isinstance(v, str) for v in row] for row in f["weekday_hour"]])
    # The grid's lines have no published totals; the grid sums to the published total, so
    # a hidden cell never stands alone (tests/situation/test_disclosure_attack.py attacks it).
    assert grid.sum() != 1
    assert f["notable"] == [] and f["repeat_places"] == [] and f["near_repeat"]["zones"] == []
    assert all(c["count"] >= 3 for c in f["hotspots"]["cells"])
    sections = {s["section"] for s in f["suppressed"]}
    assert {"by_category", "weekday_hour", "notable", "repeat_places"} <= sections
    assert "färre än 3" in f["summary"] or "<3" not in str(f["totals"])


def test_secondary_cells_are_not_labelled_small(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=10, organisation_id=world.kommun.pk)
    make("fire", local(2025, 3, 5, 12), n=5, organisation_id=world.kommun.pk)
    make("drugs", local(2025, 3, 5, 12), n=1, organisation_id=world.kommun.pk)
    f = build_for_period(world.m1, MARCH, partnership=world.p1, audience="shared")
    by = {r["code"]: r["count"] for r in f["by_category"]}
    # Fire alone would be 16 - 10 - (1 or 2), i.e. 4 or 5: vandalism is hidden as well.
    assert by == {"vandalism": "..", "fire": "..", "drugs": "<3"}
    assert f["totals"]["count"] == 16


def test_regional_composition_uses_child_areas_only(scene, make):
    w = scene
    # A county-level police event belongs to no municipality: not in the composition.
    make(
        "violence",
        local(2025, 3, 12, 22),
        n=4,
        source="polisen",
        visibility="public",
        precision="county",
        area_ids=[w.county.pk],
    )
    f = build_for_period(w.county, MARCH, audience="shared")
    assert f["composed_from_children"] is True
    kids = {r["code"]: r["count"] for r in f["by_child_area"]}
    assert kids == {"9901": 62, "9902": 6}
    assert f["totals"]["count"] == 68
    assert f["hotspots"]["cells"] == [] and f["notable"] == []
    internal = build_for_period(w.county, MARCH)
    assert internal["totals"]["count"] == 72 and internal["composed_from_children"] is False


def test_aoristic_weekday_hour(world, make):
    from datetime import timedelta

    start = local(2025, 3, 4, 13)  # Tuesday 13:00
    make(
        "theft.burglary",
        start,
        organisation_id=world.kommun.pk,
        occurred_to=start + timedelta(hours=3),
    )
    f = build_for_period(world.m1, MARCH, partnership=world.p1)
    row = f["weekday_hour"][1]
    assert row[13] == row[14] == row[15] == pytest.approx(1 / 3, abs=1e-3)
    assert "aoristic" in f["weekday_hour_method"]


def test_summary_languages(scene):
    from samverkan.situation.summary import summarise

    f = build_for_period(scene.m1, MARCH, partnership=scene.p1)
    assert summarise(f, "nb").startswith("I mars 2025 ble det registrert 62 hendelser i Norrby")
    assert "sammenlignet med samme måned i fjor." in summarise(f, "nb")
    en = summarise(f, "en")
    assert en.startswith("In March 2025, 62 incidents were recorded in Norrby")
    assert "compared with the same month last year." in en


def test_summary_names_a_baseline_of_several_years(seasons):
    from samverkan.situation.summary import summarise

    f = build_for_period(seasons.m1, MARCH, partnership=seasons.p1)
    assert (
        "Skadeverk økte tydelig sammenlignet med snittet for samme måned de tre siste årene "
        "(42 mot 21)." in summarise(f, "nb")
    )
    assert (
        "Vandalism increased clearly compared with the average of the same month in the last "
        "three years (42 against 21)." in summarise(f, "en")
    )


def test_hotspot_cells_are_capped_to_the_significant_and_busiest(scene, monkeypatch):
    """A county-year has tens of thousands of cells; only the busiest and the significant
    ones are kept, and the totals still say how many points and cells there were."""
    from samverkan.situation.build import hot_spots

    full = build_for_period(scene.m1, MARCH, partnership=scene.p1)["hotspots"]
    monkeypatch.setattr(hot_spots, "HOTSPOT_MAX_CELLS", 1)
    capped = build_for_period(scene.m1, MARCH, partnership=scene.p1)["hotspots"]
    significant = [c for c in full["cells"] if c["hot"]]
    assert len(capped["cells"]) <= 1 + len(significant) < len(full["cells"])
    assert capped["n_points"] == full["n_points"] and capped["n_cells"] == full["n_cells"]
    busiest = max(full["cells"], key=lambda c: c["count"])
    assert busiest["cell"] in {c["cell"] for c in capped["cells"]}


def test_small_counts_against_zero_are_not_flagged():
    """3 against 0 passes the Z of one series (sqrt(3) / sqrt(1/2) = 2.45 >= 2) but the
    exact conditional test gives p = 0.25 (binomial, 3 of 3 with p = 1/2): no flag."""
    from samverkan.analysis import change

    result = change.compare(3, [0], n_series=1)
    assert result.z >= result.threshold and result.p > 0.2
    assert result.flag is None
    strong = change.compare(42, [21, 20, 22], n_series=5)
    assert strong.flag == "increase"


def test_epoch_seconds_of_every_raw_form():
    """The raw-cursor time columns give the same seconds as Python's datetime.timestamp()."""
    from datetime import UTC, datetime, timedelta, timezone

    from samverkan.situation.build import _epoch_seconds

    moment = datetime(2025, 3, 30, 1, 30, 15, 250000, tzinfo=UTC)
    expected = moment.timestamp()
    forms = [
        ["2025-03-30 01:30:15.250000", None],  # Django's SQLite text: naive UTC
        ["2025-03-30 03:30:15.250000+02:00", None],  # text with an offset
        [expected, None],  # PostgreSQL EXTRACT(EPOCH ...)
        [moment.astimezone(timezone(timedelta(hours=2))), None],  # aware
        [moment.replace(tzinfo=None), None],  # naive UTC from Django's converters
    ]
    for values in forms:
        got = _epoch_seconds(values)
        assert got[0] == expected, values
        assert np.isnan(got[1])
    assert np.isnan(_epoch_seconds([None, None])).all()
    assert _epoch_seconds([]).size == 0


def test_counts_read_the_covering_index_without_joins(scene):
    """Every count is answered from IncidentArea's covering index (docs/situation.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = scene
    with CaptureQueriesContext(connection) as ctx:
        build_for_period(w.m1, MARCH, partnership=w.p1)
        build_for_period(w.m1, MARCH)
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) >= 2
    for sql in counts:
        assert "JOIN" not in sql.upper(), sql
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in counts:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "COVERING INDEX incidentarea_counts" in plan, plan


def test_summary_groups_large_counts_as_its_language_does(scene):
    from samverkan.situation.summary import summarise

    f = build_for_period(scene.m1, MARCH, partnership=scene.p1)
    f["totals"]["count"] = 12400
    assert "registrerades 12\xa0400 händelser" in summarise(f, "sv")
    assert "registrert 12\xa0400 hendelser" in summarise(f, "nb")
    assert "12,400 incidents were recorded" in summarise(f, "en")
