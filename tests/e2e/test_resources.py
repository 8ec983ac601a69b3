"""Browser test: Örebro's coordinator enters resource hours and sees them in a lägesbild."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from samverkan.core.models import Area, Organisation
from samverkan.incidents.models import Category
from samverkan.resources.models import ResourceEntry
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_accessibility_pages import blocking_violations

pytestmark = pytest.mark.e2e


def _districts(orebro):
    orebro.population = 160_000
    orebro.save()
    out = []
    for i, (name, pop) in enumerate((("Vivalla", 6_000), ("Centrum", 20_000), ("Hovsta", None))):
        x = 15.1 + 0.1 * i
        ring = [[x, 59.2], [x + 0.1, 59.2], [x + 0.1, 59.3], [x, 59.3], [x, 59.2]]
        out.append(
            Area.objects.create(
                code=f"1880-e2e-{i}",
                name=name,
                level="district",
                parent=orebro,
                country="SE",
                geometry={"type": "Polygon", "coordinates": [ring]},
                min_lon=x,
                max_lon=x + 0.1,
                min_lat=59.2,
                max_lat=59.3,
                population=pop,
            )
        )
    return out


@pytest.fixture
def page(browser):
    # axe is injected as a script tag, which the Content-Security-Policy would refuse.
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def test_enter_hours_and_see_them_in_the_lagesbild(page, live_server, demo_world):
    if not Category.objects.filter(code="vandalism").exists():
        importlib.import_module("samverkan.incidents.migrations.0002_default_taxonomy").load(
            apps, None
        )
    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    vivalla, _centrum, _hovsta = _districts(orebro)
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)

    page.get_by_role("link", name="Resurser").first.click()
    page.get_by_role("link", name="Registrera resurser").click()
    page.wait_for_load_state("networkidle")
    assert blocking_violations(page) == []
    police = Organisation.objects.filter(partnerships__areas=orebro, kind="police").first()
    page.get_by_label("Organisation").select_option(str(police.pk))
    page.get_by_label("Område").select_option(str(vivalla.pk))
    page.get_by_label("Månad").fill("2026-03")
    page.get_by_label("Slag").select_option("community_police")
    page.get_by_label("Mängd (timmar eller kr)").fill("42")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/resurser/?partnership=*")
    expect(page.locator("#resource-entries")).to_contain_text("Vivalla")
    expect(page.locator("#resource-entries")).to_contain_text("Kommunpolistimmar")
    assert ResourceEntry.objects.get().area == vivalla
    assert blocking_violations(page) == []
    screenshot(page, "resources-list")

    page.get_by_role("link", name="Lägesbild").first.click()
    page.get_by_role("link", name="Ta fram en lägesbild").click()
    page.get_by_label("Område").select_option(str(orebro.pk))
    page.get_by_label("Periodtyp").select_option("month")
    page.get_by_label("Period", exact=True).fill("2026-03")
    page.get_by_label("Mottagare").select_option("internal")
    page.get_by_role("button", name="Ta fram lägesbild").click()
    page.wait_for_url("**/lagesbild/*/")
    section = page.locator("#resources-against-burden")
    expect(section).to_contain_text("Resurser mot belastning")
    # 42 hours over 6,000 inhabitants: 7.0 per 1,000; Hovsta's population is unknown.
    vivalla_row = section.locator("tr", has_text="Vivalla")
    expect(vivalla_row).to_contain_text("42")
    expect(vivalla_row).to_contain_text("7,0")
    expect(section.locator("tr", has_text="Hovsta")).to_contain_text("folkmängd saknas")
    expect(section.locator("svg")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(page, "resources-in-lagesbild")
    assert blocking_violations(page) == []


def test_the_resource_list_fits_a_phone(phone, live_server, demo_world):
    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    (vivalla, *_rest) = _districts(orebro)
    partnership = orebro.partnerships.first()
    for month in (1, 2, 3):
        ResourceEntry.objects.create(
            partnership=partnership,
            organisation=partnership.organisations.first(),
            area=vivalla,
            month=f"2026-{month:02d}-01",
            kind="field_assistants",
            amount=12,
            note="Kvällspass vid centrumhuset",
        )
    coordinator = demo_world["samordnare"]
    login(phone, live_server, coordinator.username, coordinator.password)
    phone.goto(f"{live_server.url}/resurser/")
    expect(phone.locator("#resource-entries thead")).to_be_hidden()
    expect(phone.locator("#resource-entries")).to_contain_text("Kvällspass")
    screenshot(phone, "phone-resources")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
