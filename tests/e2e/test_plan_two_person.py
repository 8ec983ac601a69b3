"""Two-person adoption of an action plan in the browser.

With Örebro set to two approvers, the coordinator adopts a draft plan (the box must be
ticked) as the first of two: the plan is locked (no edit links) and the coordinator sees
"Väntar på en andra godkännare" instead of the adopt form; the police coordinator adopts it
for good.
"""

from __future__ import annotations

import pytest

from samverkan.core import approval
from samverkan.core.models import Partnership
from samverkan.plans.models import ActionPlan
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _context(browser):
    ctx = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.set_default_timeout(30000)
    return ctx, page


def test_plan_adopted_by_two_people(demo_world, live_server, browser):
    orebro = Partnership.objects.get(name="Samverkan Örebro")
    approval.set_approvers_required(orebro, 2, None)
    plan = ActionPlan.objects.create(
        partnership=orebro, title="Trygg i centrum", start_year=2026, end_year=2028
    )
    url = f"{live_server.url}/planer/atgardsplaner/{plan.pk}/"

    ctx, page = _context(browser)
    login(page, live_server, "samordnare", "demo-samordnare")
    page.goto(url)
    page.get_by_label("Antagen av").fill("Kommunstyrelsen")
    page.get_by_label("Beslutsdatum").fill("2026-02-10")
    button = page.get_by_role("button", name="Markera som antagen")
    button.click()  # the unticked box stops the form in the browser
    plan.refresh_from_db()
    assert plan.status == "draft"
    page.get_by_label("Jag bekräftar att planen är antagen.").check()
    button.click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "adopting"
    assert "Väntar på en andra godkännare" in page.content()
    assert page.get_by_role("button", name="Markera som antagen").count() == 0
    assert page.get_by_role("link", name="Ändra planen").count() == 0
    assert page.get_by_role("link", name="Ny åtgärd").count() == 0
    screenshot(page, "plan-waiting-for-second-approver")
    ctx.close()

    ctx, page = _context(browser)
    login(page, live_server, "kommunpolis", "demo-kommunpolis")
    page.goto(url)
    assert "Godkänd av 1 av 2" in page.content()
    page.get_by_label("Jag bekräftar att planen är antagen.").check()
    page.get_by_role("button", name="Markera som antagen").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "adopted"
    assert (plan.first_approved_by.username, plan.adopted_by) == ("samordnare", "Kommunstyrelsen")
    ctx.close()
