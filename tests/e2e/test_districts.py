"""Districts in the browser: the demo's approximate districts of Örebro named on the map,
a click from an internal lägesbild to exactly the incidents behind a category row and a
district, and "Min position" on the report form."""

from __future__ import annotations

import importlib

import pytest
import shapely
from django.apps import apps
from shapely.geometry import shape

from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.demo import districts as demo_districts
from samverkan.demo import loader as demo
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.points import category_ids
from samverkan.incidents.services import REPORT_SOURCE
from samverkan.situation import services
from samverkan.situation.build import INTERNAL
from tests.e2e.conftest import ARTIFACTS, login, screenshot

pytestmark = pytest.mark.e2e

TERTIAL = periods.parse(demo.DEMO_TERTIAL)


@pytest.fixture
def districts_world(demo_world):
    if not Category.objects.filter(code="vandalism").exists():
        # An earlier browser test flushed the taxonomy that the data migration loads.
        importlib.import_module("samverkan.incidents.migrations.0002_default_taxonomy").load(
            apps, None
        )
    districts = demo_districts.load_districts("Samverkan Örebro", log=lambda *_: None)
    demo.load_reports(demo._users(), log=lambda *_: None)
    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    coordinator = demo._users()["samordnare"]
    report = services.create_report(orebro, TERTIAL, partnership, coordinator, INTERNAL)
    return report, districts


def _reports_in_tertial():
    return [
        i
        for i in Incident.objects.filter(source=REPORT_SOURCE)
        if TERTIAL.contains(i.occurred_from)
    ]


def _listed_ids(page) -> set[int]:
    """The ids of every page of the list, following its "Nästa" links, then back to page 1
    (through the history, so the caller's go_back returns to where it came from)."""
    ids: set[int] = set()
    pages = 0
    while True:
        ids |= {
            int(v)
            for v in page.locator("table input[type=checkbox][name=ids]").evaluate_all(
                "els => els.map(e => e.value)"
            )
        }
        following = page.locator("nav.pagination a[rel=next]")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
        pages += 1
    for _ in range(pages):
        page.go_back()
    return ids


def test_click_from_lagesbild_to_its_incidents(page, live_server, demo_world, districts_world):
    report, districts = districts_world
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    page.goto(f"{live_server.url}/lagesbild/{report.pk}/")
    page.wait_for_selector("#situation-map[data-loaded]")
    assert page.locator("#situation-map").get_attribute("data-loaded") not in ("error", "0")

    # Every district is named on the map, without tiles.
    labels = page.locator("#situation-map .leaflet-tooltip.area-label")
    assert labels.count() == len(districts)
    texts = labels.all_inner_texts()
    assert any(t.startswith("Vivalla: ") for t in texts), texts
    # Names that would cover each other are hidden until there is room; those shown do not
    # overlap.
    boxes = page.locator(
        "#situation-map .leaflet-tooltip.area-label:not(.label-hidden)"
    ).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert len(boxes) >= 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    page.locator("#situation-map").scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#situation-map").screenshot(path=str(ARTIFACTS / "district-labels-map.png"))
    screenshot(page, "district-labels-situation-page")

    # A category row: exactly the reports of that category group in the tertial.
    row = next(r for r in report.snapshot["by_category"] if r["count"])
    wanted = set(category_ids(row["code"]))
    expected = {i.pk for i in _reports_in_tertial() if i.category_id in wanted}
    assert len(expected) == row["count"]
    page.locator("a.category-incidents", has_text=row["label"]).click()
    page.wait_for_url("**/handelser/?*")
    assert page.locator("#counted-in").is_visible()
    assert _listed_ids(page) == expected

    # A district in the table: exactly the reports inside its polygon (by hand).
    page.go_back()
    vivalla = next(d for d in districts if d.name.startswith("Vivalla"))
    cell = shape(vivalla.geometry)
    inside = {i.pk for i in _reports_in_tertial() if cell.intersects(shapely.Point(i.lon, i.lat))}
    assert inside
    page.locator("a.child-area-incidents", has_text=vivalla.name).click()
    page.wait_for_url("**/handelser/?*")
    assert _listed_ids(page) == inside

    # The same district clicked on the map.
    page.go_back()
    page.wait_for_selector("#situation-map[data-loaded]")
    point = cell.representative_point()
    page.locator("#situation-map").scroll_into_view_if_needed()
    xy = page.evaluate(
        """([lat, lon]) => {
            const el = document.getElementById("situation-map");
            const map = el._leafletMap;
            map.setView([lat, lon], 14, { animate: false });
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = el.getBoundingClientRect();
            return [box.left + p.x, box.top + p.y + 12];
        }""",
        [point.y, point.x],
    )
    # Zoomed in, the district's own name has room.
    vivalla_label = page.locator(
        "#situation-map .leaflet-tooltip.area-label:not(.label-hidden)", has_text="Vivalla: "
    )
    assert vivalla_label.count() == 1
    page.locator("#situation-map").screenshot(path=str(ARTIFACTS / "district-labels-zoomed.png"))
    page.mouse.click(*xy)
    page.wait_for_url("**/handelser/?*")
    assert _listed_ids(page) == inside
    # The list's own map names the districts too.
    page.wait_for_selector("#incident-map[data-areas-loaded]")
    assert page.locator("#incident-map .leaflet-tooltip.area-label").count() == len(districts)
    page.locator("#incident-map").screenshot(path=str(ARTIFACTS / "district-incident-map.png"))
    screenshot(page, "district-incident-list")


def test_min_position_sets_the_point(browser, live_server, demo_world):
    reporter = demo_world["rapportor"]
    context = browser.new_context(
        locale="sv-SE",
        viewport={"width": 390, "height": 844},
        geolocation={"latitude": 59.2931, "longitude": 15.1762, "accuracy": 20},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.set_default_timeout(30000)
        login(page, live_server, reporter.username, reporter.password)
        page.goto(f"{live_server.url}/handelser/rapportera/")
        page.wait_for_selector("#pick-map[data-loaded]")
        page.get_by_role("button", name="Min position").click()
        page.wait_for_selector("#pick-map[data-picked='1']")
        assert page.locator("#id_lat").input_value() == "59.293100"
        assert page.locator("#id_lon").input_value() == "15.176200"
        assert "din position" in page.locator("#locate-status").inner_text()
        page.locator("#pick-map").screenshot(path=str(ARTIFACTS / "report-min-position-map.png"))
        screenshot(page, "report-min-position")
    finally:
        context.close()

    # Refused: the point stays unset and the reporter is told what to do instead.
    refused = browser.new_context(locale="sv-SE", viewport={"width": 390, "height": 844})
    try:
        page = refused.new_page()
        page.set_default_timeout(30000)
        login(page, live_server, reporter.username, reporter.password)
        page.goto(f"{live_server.url}/handelser/rapportera/")
        page.wait_for_selector("#pick-map[data-loaded]")
        page.get_by_role("button", name="Min position").click()
        status = page.locator("#locate-status")
        status.filter(has_text="Tryck på kartan").wait_for()
        assert page.locator("#id_lat").input_value() == ""
    finally:
        refused.close()


def test_a_district_makes_its_own_tertial_report(page, live_server, demo_world):
    """A coordinator whose membership is limited to Vivalla chooses the district on the
    follow-up page and makes its tertial report, which names the district and holds only
    its indicator; the partnership's coordinator finds it among the reports."""
    from django.contrib.auth import get_user_model

    from samverkan.core.models import Membership, Organisation
    from samverkan.core.roles import Role
    from samverkan.followup import services as followup
    from samverkan.followup.models import TertialReport

    districts = demo_districts.load_districts("Samverkan Örebro", log=lambda *_: None)
    vivalla = next(d for d in districts if d.name.startswith("Vivalla"))
    centrum = next(d for d in districts if d.name.startswith("Centrum"))
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    coordinator = demo_world["samordnare"]
    maker = get_user_model().objects.get(username=coordinator.username)
    followup.create_indicator(partnership, maker, name="Otrygghet i Vivalla", area=vivalla)
    followup.create_indicator(partnership, maker, name="Klotter i Centrum", area=centrum)
    user = get_user_model().objects.create_user("vivalla", password="demo-vivalla-2025")
    membership = Membership.objects.create(
        user=user,
        organisation=Organisation.objects.get(name="Örebro kommun"),
        role=Role.COORDINATOR,
    )
    membership.areas.set([vivalla])

    login(page, live_server, "vivalla", "demo-vivalla-2025")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Uppföljning").click()
    page.get_by_role("link", name="Samverkan Örebro").click()
    assert page.get_by_text("Välj ditt område ovan").is_visible()
    page.get_by_label("Område", exact=True).select_option(value=str(vivalla.pk))
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(f"**?omrade={vivalla.pk}")
    page.get_by_label("Tertial", exact=True).fill("2025-T2")
    page.get_by_role("button", name=f"Ta fram tertialrapport för {vivalla.name}").click()
    page.wait_for_selector("text=Tertialrapporten är framtagen.")
    report = TertialReport.objects.get()
    assert report.area == vivalla
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == f"Tertialrapport 2025-T2: Samverkan Örebro, {vivalla.name}"
    body = page.locator("main").inner_text()
    assert "Otrygghet i Vivalla" in body and "Klotter i Centrum" not in body
    pdf = page.request.get(f"{live_server.url}/uppfoljning/tertial/{report.pk}/pdf/")
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    screenshot(page, "followup-district-tertial")

    # The partnership's coordinator finds it by the district's name.
    page.context.clear_cookies()
    login(page, live_server, coordinator.username, coordinator.password)
    page.goto(f"{live_server.url}/uppfoljning/samverkan/{partnership.pk}/")
    page.get_by_role("link", name=f"Tertial 2025-T2 – {vivalla.name}").click()
    page.wait_for_url(f"**/uppfoljning/tertial/{report.pk}/")
    screenshot(page, "followup-district-tertial-list")
