"""The start page per role and the two-person approval of a lägesbild in the browser.

Örebro's coordinator finds the draft on the start page, sets the partnership to two
approvers, approves the picture as the first of two (the box must be ticked), and is not
offered a second approval; the police coordinator finds it on their start page as
"godkänd av 1 av 2", approves it for good and shares it with the steering group, who is
mailed a link; the steering group member opens the start page on a phone (390 px) and
finds the approved picture and the action plan's progress.
"""

from __future__ import annotations

import pytest
from django.core import mail

from samverkan.core import periods
from samverkan.core.models import Area, AuditEvent, Partnership
from samverkan.situation import services
from samverkan.situation.models import SituationReport
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _context(browser, width=1280, height=900, **extra):
    ctx = browser.new_context(locale="sv-SE", viewport={"width": width, "height": height}, **extra)
    page = ctx.new_page()
    page.set_default_timeout(30000)
    return ctx, page


def test_start_pages_and_two_person_approval(demo_world, live_server, browser):
    orebro = Partnership.objects.get(name="Samverkan Örebro")
    area = Area.objects.get(code="1880")
    draft = services.create_report(area, periods.parse("2026-03"), orebro, None)
    label = f"{area.name}, mars 2026"

    ctx, page = _context(browser)
    login(page, live_server, "samordnare", "demo-samordnare")
    panel = page.locator('[data-panel="situation.approval"]')
    assert label in panel.inner_text()
    page.get_by_role("link", name="Godkännande: en person").click()
    page.get_by_label("Två personer (den andra måste vara en annan person)").check()
    page.get_by_role("button", name="Spara").click()
    assert "Inställningen för godkännande är sparad." in page.content()
    page.goto(f"{live_server.url}/")
    page.locator('[data-panel="situation.approval"]').get_by_role("link", name=label).click()
    button = page.get_by_role("button", name="Godkänn (1 av 2)")
    button.click()  # the unticked box stops the form in the browser
    draft.refresh_from_db()
    assert draft.status == "draft"
    page.get_by_label("Jag godkänner lägesbilden som första av två. Den låses nu.").check()
    button.click()
    page.wait_for_load_state()
    assert "Godkänd av 1 av 2" in page.content()
    assert page.get_by_role("button", name="Godkänn (2 av 2) och fastställ").count() == 0
    draft.refresh_from_db()
    assert draft.status == "approving"
    screenshot(page, "approval-first-of-two")
    page.goto(f"{live_server.url}/")
    assert label not in page.locator('[data-panel="situation.approval"]').inner_text()
    ctx.close()

    ctx, page = _context(browser)
    login(page, live_server, "kommunpolis", "demo-kommunpolis")
    panel = page.locator('[data-panel="situation.approval"]')
    assert label in panel.inner_text() and "Godkänd av 1 av 2" in panel.inner_text()
    screenshot(page, "start-coordinator")
    panel.get_by_role("link", name=label).click()
    page.get_by_label("Jag fastställer lägesbilden. Det går inte att ångra.").check()
    page.get_by_role("button", name="Godkänn (2 av 2) och fastställ").click()
    assert "Lägesbilden är fastställd." in page.content()
    page.get_by_label("Styrgruppen").check()
    page.get_by_label("Jag delar lägesbilden. Det går inte att ångra.").check()
    page.get_by_role("button", name="Dela lägesbilden").click()
    page.wait_for_load_state()
    report = SituationReport.objects.get(pk=draft.pk)
    assert report.status == "shared"
    assert (report.first_approved_by.username, report.approved_by.username) == (
        "samordnare",
        "kommunpolis",
    )
    assert [m.to for m in mail.outbox if "Lägesbild delad" in m.subject] == [
        ["styrgrupp@demo.invalid"]
    ]
    assert AuditEvent.objects.get(action="situation.share").details["recipients"] == ["steering"]
    ctx.close()

    ctx, phone = _context(browser, 390, 844, is_mobile=True, has_touch=True)
    login(phone, live_server, "styrgrupp", "demo-styrgrupp")
    latest = phone.locator('[data-panel="situation.latest"]')
    assert label in latest.inner_text()
    assert phone.locator('[data-panel="plans.progress"]').count() == 1
    assert phone.locator('[data-panel="incidents.triage"]').count() == 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the start page scrolls sideways ({width} px)"
    screenshot(phone, "start-steering-phone")
    ctx.close()
