"""A resident's safety walk on a phone (390 px, no account): the observation is sent with
the proof of work done in the browser, the coordinator accepts it, it appears in the
lägesbild under its own source and, once three are accepted there, on the public map."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from samverkan.citizens import services as citizens
from samverkan.citizens.models import Observation
from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.incidents.models import Category
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

WIDTH = 390
# Örebro's city centre, inside the municipality.
LON, LAT = 15.2134, 59.2741


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page.url} är {width} px bred"


def test_safety_walk_phone_flow(phone, page, live_server, demo_world, settings):
    if not Category.objects.filter(code="unsafe_place").exists():
        importlib.import_module("samverkan.incidents.migrations.0002_default_taxonomy").load(
            apps, None
        )
    settings.CITIZEN_POW_BITS = 12
    orebro = Area.objects.get(code="1880", level="municipality")

    # The resident, on a phone, without an account.
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"longitude": LON, "latitude": LAT})
    phone.goto(f"{live_server.url}/tryggvandring/1880/")
    phone.wait_for_selector("#pick-map[data-loaded]")
    phone.get_by_role("button", name="Min position").click()
    phone.wait_for_selector("#pick-map[data-picked='1']")
    phone.get_by_label("Dålig belysning").check()
    phone.get_by_label("Berätta mer (frivilligt)").fill(
        "Mörk gångtunnel, ring Kalle på 070-123 45 67"
    )
    phone.get_by_label("Din e-post om du vill ha svar (frivilligt)").fill("boende@example.se")
    # The submit button waits for the browser's proof of work.
    phone.wait_for_selector("#walk-form[data-ready='1']")
    no_sideways_scroll(phone)
    screenshot(phone, "safety-walk-form-390")
    phone.get_by_role("button", name="Skicka", exact=True).click()
    phone.get_by_role("heading", name="Tack för din observation").wait_for()
    obs = Observation.objects.get()
    assert obs.status == "pending" and "070" not in obs.text and "Kalle" not in obs.text
    assert abs(obs.lon - LON) < 1e-4

    # Nothing is public before moderation.
    phone.goto(f"{live_server.url}/tryggvandring/1880/karta/")
    assert "Inget att visa ännu." in phone.content()

    # The coordinator accepts it from the queue.
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    # The queue is in the coordinator's menu.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Trygghetsvandring"
    ).click()
    page.get_by_role("heading", name="Trygghetsobservationer att granska").wait_for()
    screenshot(page, "safety-walk-queue")
    page.locator("#pending a").first.click()
    page.get_by_label("Vad görs åt det? (visas på den offentliga kartan)").fill(
        "Belysningen i tunneln byts"
    )
    page.get_by_role("button", name="Godta som händelse").click()
    page.get_by_text("Observationen är godtagen").wait_for()
    assert page.locator("#obs-status").inner_text() == "Godtagen"
    page.get_by_label("Svar till invånaren").fill("Tack! Vi byter belysningen i tunneln.")
    page.get_by_role("button", name="Skicka svar").click()
    page.get_by_text("Svaret är skickat").wait_for()
    obs.refresh_from_db()
    assert obs.incident.source == "allmänheten"

    # In the lägesbild, the residents' observations are a source of their own.
    user = get_user_model().objects.get(username=coordinator.username)
    partnership = Partnership.objects.filter(organisations__name="Örebro kommun").first()
    from samverkan.situation import services as situation

    period = periods.parse(timezone.localdate().strftime("%Y-%m"))
    report = situation.create_report(orebro, period, partnership, user)
    page.goto(f"{live_server.url}/lagesbild/{report.pk}/")
    assert "Örebro kommun (allmänheten)" in page.content()
    screenshot(page, "safety-walk-lagesbild")

    # Two more accepted observations in the same hexagon: the cell reaches 3 and is shown.
    for n in range(2):
        o = Observation.objects.create(
            municipality=orebro,
            lon=LON + 0.0002 * (n + 1),
            lat=LAT,
            ip_key=f"k{n}",
            device_key=f"d{n}",
            challenge=f"e2e-{n}",
        )
        citizens.accept(o, user)
    phone.goto(f"{live_server.url}/tryggvandring/1880/karta/")
    phone.wait_for_selector("#public-map[data-loaded='1']")
    assert phone.locator("#cells tbody tr td").first.inner_text() == "3"
    assert "Belysningen i tunneln byts" in phone.content()
    no_sideways_scroll(phone)
    screenshot(phone, "safety-walk-map-390")
