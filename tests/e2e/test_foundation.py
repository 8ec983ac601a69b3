"""A coordinator logs in, browses the areas on the map and switches language."""

import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_login_area_browser_and_language_switch(page, live_server, demo_world):
    user = demo_world["samordnare"]
    login(page, live_server, user.username, user.password)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Välkommen")
    assert "Samverkan Örebro" in page.content()

    page.get_by_role("link", name="Områden").click()
    page.wait_for_selector(".map[data-loaded]")
    # All 290 Swedish municipalities are drawn as outlines on the map.
    assert page.locator(".map").get_attribute("data-loaded") == "290"
    assert page.locator("path.leaflet-interactive").count() == 290
    assert "290 områden" in page.content()
    screenshot(page, "area-browser")

    page.get_by_label("Sök namn eller kod").fill("Örebro")
    page.get_by_role("button", name="Visa").click()
    page.get_by_role("link", name="Örebro", exact=True).first.click()
    page.wait_for_selector(".map[data-loaded='1']")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Örebro")

    with page.expect_navigation():
        page.get_by_label("Språk").select_option("en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.get_by_role("navigation", name="Main menu")
        .get_by_role("link", name="Areas")
        .is_visible()
    )
    with page.expect_navigation():
        page.get_by_label("Language").select_option("nb")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert (
        page.get_by_role("navigation", name="Hovedmeny")
        .get_by_role("link", name="Områder")
        .is_visible()
    )
    screenshot(page, "area-detail-nb")


def test_wrong_password_gives_a_clear_message(page, live_server, demo_world):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("samordnare")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    assert page.get_by_role("alert").inner_text().startswith("Fel användarnamn eller lösenord")
