"""A reporter files a report on a phone with a map tap; a coordinator gives feedback; the
reporter sees it under "Mina rapporter"."""

import pytest

from samverkan.incidents.models import Incident
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_report_feedback_loop(phone, page, live_server, demo_world):
    reporter = demo_world["rapportor"]
    login(phone, live_server, reporter.username, reporter.password)
    phone.goto(f"{live_server.url}/handelser/rapportera/")
    phone.get_by_label("Vad hände?").select_option(label="Klotter")
    phone.wait_for_selector("#pick-map[data-loaded='1']")
    box = phone.locator("#pick-map").bounding_box()
    # Tap the middle of the map: the middle of Örebro municipality's outline.
    phone.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    phone.wait_for_selector("#pick-map[data-picked='1']")
    phone.get_by_label("Typ av plats").select_option("stairwell")
    phone.get_by_label("Beskrivning").fill("Klotter i trapphuset, ring Kalle 070-123 45 67")
    phone.get_by_label("4", exact=True).check()
    screenshot(phone, "report-form-phone")
    phone.get_by_role("button", name="Skicka rapport").click()
    # "Kalle" is a name: the form stops once, shows what would be stored and asks.
    assert "verkar innehålla namn på personer: Kalle" in phone.content()
    assert "ring [namn] [telefon]" in phone.content()
    phone.get_by_label("Skicka ändå").check()
    phone.get_by_role("button", name="Skicka rapport").click()
    phone.wait_for_url("**/handelser/mina/")
    assert "Tack! Din rapport är mottagen." in phone.content()
    assert "Ingen återkoppling ännu." in phone.content()

    incident = Incident.objects.get()
    assert incident.precision == "point"
    assert incident.description == "Klotter i trapphuset, ring [namn] [telefon]"
    assert incident.areas.filter(code="1880").exists()

    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    page.get_by_role("link", name="Händelser").first.click()
    page.get_by_role("link", name="Klotter").first.click()
    page.get_by_label("Återkoppling till rapportören").fill(
        "Tack! Bostadsbolaget sanerar klottret på torsdag."
    )
    page.get_by_role("button", name="Spara återkoppling").click()
    assert "Återkopplingen är sparad" in page.content()
    screenshot(page, "incident-detail-coordinator")

    phone.reload()
    assert "Bostadsbolaget sanerar klottret på torsdag." in phone.content()
    screenshot(phone, "my-reports-phone")
