"""Drawing an own area in the browser: Leaflet-Geoman's polygon tool clicked out on the map,
named and saved; the background worker links the incidents inside while the page shows its
progress; then the border is moved in Geoman's edit mode."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import shape

from samverkan.core.models import Area, AreaBorder
from samverkan.demo import districts as demo_districts
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, IncidentArea, SourceMapping
from samverkan.incidents.taxonomy import load_default
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def run_worker():
    """What ``samverkan worker`` does, once, over the queue as it stands."""
    call_command(
        "worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--heartbeat",
        "0.2",
        "--worker-id",
        "e2e-worker",
        verbosity=0,
    )


def scatter_around(lon0, lat0, n=400, seed=5):
    """Reports tapped around a place, some of them inside whatever is drawn around it."""
    rng = np.random.default_rng(seed)
    lon = lon0 + rng.uniform(-0.15, 0.15, n)
    lat = lat0 + rng.uniform(-0.08, 0.08, n)
    cat = Category.objects.get(code="vandalism")
    start = datetime(2025, 3, 3, 10, tzinfo=UTC)
    ingest(
        [
            IncidentRow(
                "rapport",
                start + timedelta(hours=i),
                cat.pk,
                external_id=f"draw-{i}",
                lon=float(x),
                lat=float(y),
            )
            for i, (x, y) in enumerate(zip(lon, lat, strict=True))
        ]
    )
    return lon, lat


def by_hand(area: Area, lon, lat) -> int:
    return int(shapely.intersects_xy(shape(area.geometry), lon, lat).sum())


def map_point(page, selector, dx, dy):
    """Page coordinates of a point ``dx``, ``dy`` pixels from the map's centre."""
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy


def test_coordinator_draws_names_saves_and_edits_an_area(page, live_server, demo_world):
    load_default(Category, SourceMapping)  # an earlier browser test flushed the taxonomy
    demo_districts.load_districts("Samverkan Örebro", log=lambda *_: None)
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)

    page.goto(f"{live_server.url}/omraden/")
    page.get_by_role("link", name="Egna områden").click()
    page.get_by_role("link", name="Rita nytt område").click()
    page.wait_for_selector("#draw-map[data-ready='1']")
    # The municipality and its districts are outlined and named, as on every map.
    page.wait_for_selector("#draw-map[data-areas-loaded]")
    labels = page.locator("#draw-map .leaflet-tooltip.area-label").all_inner_texts()
    assert "Örebro" in labels and len(labels) > 1, labels

    centre = page.evaluate(
        "() => { const c = document.getElementById('draw-map')._leafletMap.getCenter();"
        " return [c.lng, c.lat]; }"
    )
    lon, lat = scatter_around(*centre)

    page.get_by_label("Namn").fill("Vid torget")
    page.locator("#draw-map .leaflet-pm-icon-polygon").click()
    corners = [(-90, -60), (80, -70), (100, 50), (-40, 90), (-110, 30)]
    for dx, dy in corners:
        page.mouse.click(*map_point(page, "#draw-map", dx, dy))
    page.mouse.click(*map_point(page, "#draw-map", *corners[0]))  # closes the ring
    page.wait_for_selector("#draw-map[data-drawn='1']")
    assert "Ritat: 1 yta med 5 hörn" in page.locator("#draw-status").inner_text()
    screenshot(page, "draw-area-drawn")

    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(r".*/omraden/egna/\d+/$"))
    area = Area.objects.get(name="Vid torget")
    assert area.level == Area.Level.CUSTOM and area.parent.code == "1880"
    # Whatever was drawn beyond the municipal border was clipped off.
    assert shape(area.parent.geometry).buffer(1e-6).contains(shape(area.geometry))
    expected = by_hand(area, lon, lat)
    assert 0 < expected < len(lon)
    # The save returned before any incident was linked: the worker does that.
    assert not IncidentArea.objects.filter(area=area).exists()
    progress = page.locator("#link-progress-text")
    assert "Väntar" in progress.inner_text()

    run_worker()
    page.wait_for_selector("#link-progress[data-status='done']")
    assert progress.inner_text() == f"Klart: {expected} händelser i området."
    assert IncidentArea.objects.filter(area=area).count() == expected
    screenshot(page, "draw-area-linked")

    page.get_by_role("link", name="Egna områden").first.click()
    assert page.get_by_role("link", name="Vid torget").is_visible()

    # Edit: drag one corner outwards in Geoman's edit mode, rename, save.
    page.get_by_role("link", name="Vid torget").click()
    page.get_by_role("link", name="Ändra").click()
    page.wait_for_selector("#draw-map[data-ready='1']")
    vertex = page.locator("#draw-map .marker-icon:not(.marker-icon-middle)").first
    vertex.wait_for()
    box = vertex.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y - 60, steps=8)
    page.mouse.up()
    page.wait_for_function("() => document.getElementById('id_geometry').value.length > 0")
    page.get_by_label("Namn").fill("Torget och parken")
    screenshot(page, "draw-area-edited")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(rf".*/omraden/egna/{area.pk}/$"))
    assert page.get_by_role("heading", name=re.compile("Torget och parken")).is_visible()

    old_geometry = area.geometry
    area.refresh_from_db()
    assert area.name == "Torget och parken" and area.geometry != old_geometry
    assert AreaBorder.objects.filter(area=area).count() == 2
    run_worker()
    page.wait_for_selector("#link-progress[data-status='done']")
    moved = by_hand(area, lon, lat)
    assert progress.inner_text() == f"Klart: {moved} händelser i området."
    assert IncidentArea.objects.filter(area=area).count() == moved
