"""Data currency per source: incomplete periods are gaps, never tested for change; a new
source is left out of the comparison (docs/situation.md, Data currency)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from samverkan.core import periods
from samverkan.situation.build import build_for_period
from samverkan.situation.exports import charts, xlsx
from tests.situation.conftest import local

NOVEMBER = periods.parse("2025-11")


def _police_months(make, world, first, last, n=30):
    """``n`` police events in Norrby on each month from ``first`` to ``last`` (labels)."""
    p = periods.parse(first)
    while p.label <= last:
        make(
            "vandalism",
            local(p.first_day.year, p.first_day.month, 3, 12),
            n=n,
            source="polisen",
            visibility="public",
            area_ids=[world.m1.pk],
        )
        p = p.shifted(1)


@pytest.fixture
def police_through_october(world, make):
    _police_months(make, world, "2024-01", "2025-10")
    # The feed's last event: 3 October + n minutes; nothing after.
    return world


def test_month_after_last_police_event_is_incomplete(police_through_october):
    w = police_through_october
    now = local(2025, 12, 5, 9)
    f = build_for_period(w.m1, NOVEMBER, partnership=w.p1, now=now)
    cov = f["coverage"]
    assert f["totals"]["count"] == 0 and f["totals"]["last_year"] == 30
    assert cov["complete"] is False
    assert cov["sources"] == [
        {
            "source": "polisen",
            "organisation": None,
            "data_through": "2025-10-03",
            "first_day": "2024-01-03",
            "complete": False,
        }
    ]
    assert cov["data_through"] == "2025-10-03"
    # No "clear decrease" out of missing data.
    assert f["totals"]["flag"] is None and f["totals"]["z"] is None
    assert all(r["flag"] is None and r["z"] is None for r in f["by_category"])
    assert f["change_test"]["tested"] is False
    assert "data t.o.m. 2025-10-03" in f["change_test"]["reason"]
    # November is a gap in the trend, and so is October after its 3rd; September is not.
    assert f["trend"][-1] == {"label": "2025-11", "name": "november 2025", "count": None}
    assert f["trend"][-2]["count"] is None and f["trend"][-3]["count"] == 30
    assert "Data t.o.m. 2025-10-03." in f["summary"]
    assert "minskning" not in f["summary"] and "oförändrat" not in f["summary"]
    assert "inte komplett" in f["summary"]
    # Nothing was tested, so no category is called unchanged either.
    assert "förändrades tydligt" not in f["summary"] and "oförändrade" not in f["summary"]
    # The workbook leaves the gap empty instead of writing 0.
    book = load_workbook(io.BytesIO(xlsx.render(f)))
    trend = {row[0]: row[1] for row in book["Trend"].iter_rows(min_row=2, values_only=True)}
    assert trend["2025-11"] is None and trend["2025-09"] == 30
    data = list(book["Data"].iter_rows(min_row=2, values_only=True))
    assert data == [("polisen", "2025-10-03", False)]
    # The chart: a dash for each gap, no hatched "hidden" bar and no zero bar.
    svg = charts.trend_svg(f)
    assert svg.count(">–<") == 2 and "<pattern" not in svg


def test_complete_month_is_tested(police_through_october, make):
    w = police_through_october
    # The feed runs on into November and December: November is complete and much lower.
    make(
        "vandalism",
        local(2025, 11, 3, 12),
        n=5,
        source="polisen",
        visibility="public",
        area_ids=[w.m1.pk],
    )
    make(
        "vandalism",
        local(2025, 12, 1, 12),
        n=1,
        source="polisen",
        visibility="public",
        area_ids=[w.m1.pk],
    )
    f = build_for_period(w.m1, NOVEMBER, partnership=w.p1, now=local(2025, 12, 5, 9))
    assert f["coverage"]["complete"] is True
    assert f["coverage"]["sources"][0]["data_through"] == "2025-12-01"
    assert f["change_test"] == {"tested": True, "reason": None, "excluded_sources": []}
    assert f["totals"]["flag"] == "decrease"
    assert f["trend"][-1]["count"] == 5


def test_period_not_over_is_incomplete(police_through_october, make):
    w = police_through_october
    f = build_for_period(w.m1, periods.parse("2025-10"), partnership=w.p1, now=local(2025, 10, 20))
    assert f["coverage"]["complete"] is False
    assert f["totals"]["flag"] is None and f["trend"][-1]["count"] is None


def test_new_partner_source_does_not_make_an_increase(world, make):
    w = world
    _police_months(make, w, "2024-01", "2025-12", n=10)
    # The housing company starts reporting in November 2025: 40 reports of vandalism.
    start = local(2025, 11, 4, 18)
    make(
        "vandalism",
        start,
        n=40,
        organisation_id=w.bostad.pk,
        reported_at=start + timedelta(hours=2),
    )
    # The municipality reported in both Novembers, and its fires did go up.
    make(
        "fire",
        local(2024, 11, 10, 20),
        n=4,
        organisation_id=w.kommun.pk,
        reported_at=local(2024, 11, 11),
    )
    make(
        "fire",
        local(2025, 11, 10, 20),
        n=30,
        organisation_id=w.kommun.pk,
        reported_at=local(2025, 11, 11),
    )
    f = build_for_period(w.m1, NOVEMBER, partnership=w.p1, now=local(2025, 12, 10, 9))
    assert f["coverage"]["complete"] is True
    by = {r["code"]: r for r in f["by_category"]}
    # The counts show everything; the test compares like with like.
    assert by["vandalism"]["count"] == 50 and by["vandalism"]["last_year"] == 10
    assert by["vandalism"]["flag"] is None and by["vandalism"]["z"] == 0
    assert by["fire"]["flag"] == "increase"
    assert f["change_test"]["tested"] is True
    assert f["change_test"]["excluded_sources"] == ["Norrbyhem AB"]
    assert "Norrbyhem AB" in f["change_test"]["reason"]
    assert "Norrbyhem AB är nya" in f["summary"]
    assert "Skadegörelse ökade" not in f["summary"]
    # Months before the partner began are not gaps: it had not begun.
    assert all(isinstance(p["count"], int) for p in f["trend"])
    src = {s["source"]: s for s in f["coverage"]["sources"]}
    assert src["Norrbyhem AB"]["first_day"] == "2025-11-04"
    assert src["Norrby kommun"]["complete"] is True


def test_partner_that_stopped_reporting_leaves_later_months_incomplete(world, make):
    w = world
    _police_months(make, w, "2024-01", "2025-12", n=10)
    make(
        "fire",
        local(2025, 3, 10, 20),
        n=3,
        organisation_id=w.kommun.pk,
        reported_at=local(2025, 3, 10, 22),
    )
    f = build_for_period(w.m1, NOVEMBER, partnership=w.p1, now=local(2025, 12, 10, 9))
    src = {s["source"]: s for s in f["coverage"]["sources"]}
    # A report vouches for the 31 days after it, no longer.
    assert src["Norrby kommun"]["data_through"] == "2025-04-10"
    assert src["Norrby kommun"]["complete"] is False
    assert f["coverage"]["complete"] is False and f["totals"]["flag"] is None
    trend = {p["label"]: p["count"] for p in f["trend"]}
    assert trend["2025-03"] == 13 and trend["2025-04"] is None


def test_detail_page_says_data_through(police_through_october, client):
    from django.urls import reverse

    from samverkan.situation import services

    w = police_through_october
    report = services.create_report(w.m1, NOVEMBER, w.p1, w.users["coordinator"])
    client.force_login(w.users["coordinator"])
    html = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    assert "Data t.o.m. 2025-10-03." in html
    assert "polisen: data t.o.m. 2025-10-03 (ofullständig för perioden)" in html
    assert "Förändring prövas inte: november 2025 är inte komplett" in html


def test_currency_reads_each_source_through_its_index(police_through_october):
    """A source's first and last day are index probes, not a scan of all its incidents."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.incidents import currency

    with CaptureQueriesContext(connection) as ctx:
        found = currency.sources([(None, "polisen")], now=local(2025, 12, 5, 9))
    assert [(s.source, str(s.data_through)) for s in found] == [("polisen", "2025-10-03")]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for q in ctx.captured_queries:
                cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "incident_source_currency" in plan, plan
                assert "TEMP B-TREE" not in plan, plan


def test_a_month_the_feed_began_partway_through_is_no_baseline(world, make):
    """The archive starts on 15 January 2024: January 2024 is partly missing, not low."""
    make(
        "vandalism",
        local(2024, 1, 15, 12),
        n=5,
        source="polisen",
        visibility="public",
        area_ids=[world.m1.pk],
    )
    _police_months(make, world, "2024-02", "2025-10")
    f = build_for_period(
        world.m1, periods.parse("2025-01"), partnership=world.p1, now=local(2025, 12, 5, 9)
    )
    assert f["change_test"]["tested"] is True
    assert "2024-01" not in f["baseline"]["periods"]
    assert f["baseline"]["kind"] == "rolling"
