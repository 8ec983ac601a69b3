"""The lägesbild's baseline: several comparable periods, named on the page (issue 14, item 6)."""

from __future__ import annotations

from django.urls import reverse

from samverkan.core import periods
from samverkan.situation import services
from samverkan.situation.build import build_for_period
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


def test_the_page_says_which_baseline_was_used(world, make, client_for):
    for year, n in ((2022, 4), (2023, 6), (2024, 5), (2025, 9)):
        make("vandalism", local(year, 3, 5, 12), n=n, organisation_id=world.kommun.pk)
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    page = client_for(world.users["coordinator"]).get(reverse("situation-detail", args=[report.pk]))
    html = page.content.decode()
    assert "Förändringen prövas jämfört med snittet för samma månad de tre senaste åren" in html
    assert "(5 händelser i snitt)" in html


def test_a_year_the_data_does_not_reach_is_left_out_not_counted_as_zero(world, make):
    """Data from 2023 on: the seasonal baseline is two Marches, not three with a zero."""
    for year, n in ((2023, 6), (2024, 4), (2025, 5)):
        make("vandalism", local(year, 3, 5, 12), n=n, organisation_id=world.kommun.pk)
    f = build_for_period(world.m1, MARCH, partnership=world.p1)
    assert [p["label"] for p in f["baseline"]["periods"]] == ["2024-03", "2023-03"]
    assert f["totals"]["baseline_mean"] == 5
    assert f["baseline"]["text"] == "snittet för samma månad de två senaste åren"


def test_weeks_and_tertials_compare_with_the_same_period_of_earlier_years(world, make):
    for year in (2023, 2024, 2025):
        make("vandalism", local(year, 3, 5, 12), n=3, organisation_id=world.kommun.pk)
    week = build_for_period(world.m1, periods.parse("2025-W10"), partnership=world.p1)
    assert [p["label"] for p in week["baseline"]["periods"]] == ["2024-W10", "2023-W10"]
    tertial = build_for_period(world.m1, periods.parse("2025-T1"), partnership=world.p1)
    assert [p["label"] for p in tertial["baseline"]["periods"]] == ["2024-T1", "2023-T1"]
    assert tertial["totals"]["baseline_total"] == 6
