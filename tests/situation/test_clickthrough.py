"""From an internal lägesbild's figures to the incidents behind them.

Each link (the total, a trend bar, a category row or bar, a child area) must list exactly
the incidents the figure counts: the same area, period and category, and the picture's own
counting rule (no summaries, no duplicates, only the partnership's incidents), within what
the user may see. Shared pictures and users who may not list incidents get no links.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.incidents.models import Incident, Status
from samverkan.situation import services
from samverkan.situation.build import build_for_period
from tests.conftest import square
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


@pytest.fixture
def districts(world):
    def district(code, name, lon0, lon1):
        geom = square(lon0, 59, lon1, 60)
        return Area.objects.create(
            code=code,
            name=name,
            level="district",
            geometry=geom,
            parent=world.m1,
            min_lon=lon0,
            max_lon=lon1,
            min_lat=59,
            max_lat=60,
        )

    return district("9901-1", "Västra", 15, 15.5), district("9901-2", "Östra", 15.5, 16)


@pytest.fixture
def incidents(world, districts, make):
    """Incidents the March picture counts, and some it must not."""
    org = {"organisation_id": world.kommun.pk}
    counted = {
        "west_vandalism": make("vandalism", local(2025, 3, 5, 12), n=3, lon=15.2, **org),
        "west_graffiti": make("vandalism.graffiti", local(2025, 3, 6, 12), n=2, lon=15.3, **org),
        "east_littering": make("littering", local(2025, 3, 7, 12), n=4, lon=15.8, **org),
        "east_vandalism": make("vandalism", local(2025, 3, 31, 23, 30), lon=15.9, **org),
    }
    february = make("vandalism", local(2025, 2, 10, 12), n=2, lon=15.2, **org)
    not_counted = (
        make("vandalism", local(2025, 3, 8, 12), lon=15.2, is_summary=True, **org)
        + make("vandalism", local(2025, 3, 9, 12), lon=15.2, visibility="organisation", **org)
        + make("vandalism", local(2025, 4, 1, 0, 10), lon=15.2, **org)
        + make("vandalism", local(2025, 3, 10, 12), lon=16.5, organisation_id=world.other.pk)
    )
    duplicate = make("vandalism", local(2025, 3, 11, 12), lon=15.2, **org)
    Incident.objects.filter(pk__in=duplicate).update(status=Status.DUPLICATE)
    for incident in Incident.objects.filter(pk__in=duplicate):
        incident.sync_area_links()
    return counted, february, not_counted + duplicate


def _page(client, report) -> str:
    response = client.get(reverse("situation-detail", args=[report.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _links(page: str, css_class: str) -> dict[str, str]:
    found = re.findall(rf'<a href="([^"]*)" class="{css_class}">([^<]*)</a>', page)
    return {unescape(text): unescape(url) for url, text in found}


def _listed(client, url) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["filter_form"].is_valid(), response.context["filter_form"].errors
    return {i.pk for i in response.context["paginator"].object_list}


def _ids(*groups) -> set[int]:
    return {i for g in groups for i in g}


@pytest.fixture
def march(world, incidents):
    return services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])


def test_category_rows_list_exactly_the_counted_incidents(world, incidents, march, client_for):
    counted, _february, _ = incidents
    client = client_for(world.users["coordinator"])
    links = _links(_page(client, march), "category-incidents")
    f = march.snapshot
    by_code = {r["code"]: r["count"] for r in f["by_category"]}
    vandalism = _ids(counted["west_vandalism"], counted["west_graffiti"], counted["east_vandalism"])
    littering = _ids(counted["east_littering"])
    labels = {r["code"]: r["label"] for r in f["by_category"]}
    # The category's whole subtree: graffiti is vandalism.
    assert _listed(client, links[labels["vandalism"]]) == vandalism
    assert len(vandalism) == by_code["vandalism"]
    assert _listed(client, links[labels["littering"]]) == littering
    assert len(littering) == by_code["littering"]
    total = re.search(r'<a href="([^"]*)" class="total-incidents">', _page(client, march))
    assert _listed(client, unescape(total[1])) == vandalism | littering
    assert len(vandalism | littering) == f["totals"]["count"]


def test_child_areas_list_exactly_their_incidents(world, districts, incidents, march, client_for):
    counted, _february, _ = incidents
    client = client_for(world.users["coordinator"])
    page = _page(client, march)
    links = _links(page, "child-area-incidents")
    west, east = districts
    rows = {r["code"]: r["count"] for r in march.snapshot["by_child_area"]}
    west_ids = _ids(counted["west_vandalism"], counted["west_graffiti"])
    east_ids = _ids(counted["east_littering"], counted["east_vandalism"])
    assert _listed(client, links["Västra"]) == west_ids and len(west_ids) == rows[west.code]
    assert _listed(client, links["Östra"]) == east_ids and len(east_ids) == rows[east.code]
    # The map's polygons lead to the same lists.
    assert 'data-area-links="situation-area-links"' in page
    assert unescape(links["Östra"]).replace("&", "\\u0026") in page or links["Östra"] in page


def test_trend_bars_and_category_bars_are_links(world, incidents, march, client_for):
    counted, february, _ = incidents
    client = client_for(world.users["coordinator"])
    page = _page(client, march)
    svg_links = [unescape(u) for u in re.findall(r'<a xlink:href="([^"]*)"', page)]
    trend = [u for u in svg_links if "category=" not in u]
    by_start = {parse_qs(urlsplit(u).query)["start"][0]: u for u in trend}
    # Thirteen periods, each bar and its label.
    assert len(set(trend)) == len(march.snapshot["trend"])
    assert _listed(client, by_start["2025-02-01"]) == set(february)
    assert parse_qs(urlsplit(by_start["2025-02-01"]).query)["end"] == ["2025-02-28"]
    march_all = _ids(*counted.values())
    assert _listed(client, by_start["2025-03-01"]) == march_all
    # Category bars: one link per category row of the chart (bar and label).
    category_urls = {u for u in svg_links if "category=" in u}
    assert len(category_urls) == len(march.snapshot["by_category"])


def test_no_links_on_shared_pictures_or_for_those_who_may_not_list(
    world, incidents, march, client_for
):
    shared = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"], "shared")
    coordinator = client_for(world.users["coordinator"])
    page = _page(coordinator, shared)
    for css in ("category-incidents", "child-area-incidents", "total-incidents"):
        assert css not in page
    assert 'xlink:href="/handelser' not in page
    steering = client_for(world.users["steering"])
    page = _page(steering, march)
    assert "category-incidents" not in page and 'xlink:href="/handelser' not in page


def test_partnership_filter_keeps_to_what_the_user_may_see(world, incidents, client_for):
    counted, _february, _ = incidents
    url = (
        f"{reverse('incident-triage')}?partnership={world.p2.pk}&area={world.m1.pk}"
        "&start=2025-03-01&end=2025-03-31"
    )
    # Another partnership's id is no choice for this user: the filter refuses it.
    response = client_for(world.users["coordinator"]).get(url)
    assert not response.context["filter_form"].is_valid()
    own = url.replace(f"partnership={world.p2.pk}", f"partnership={world.p1.pk}")
    listed = _listed(client_for(world.users["coordinator"]), own)
    assert listed == _ids(*counted.values())
    assert build_for_period(world.m1, MARCH, partnership=world.p1)["totals"]["count"] == len(listed)
