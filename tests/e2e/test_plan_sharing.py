"""Sharing an action plan across the border between Örebro and Kumla, in the browser.

Örebro's coordinator shares a plan with Samverkan Kumla (Karlstad, far away, is not
offered), choosing the goal and one measure; Kumla's coordinator, on a phone, finds it
under "Delat med oss", reads exactly the shared parts and accepts; Örebro withdraws and the
page is gone for Kumla at once.
"""

from __future__ import annotations

from datetime import date

import pytest

from samverkan.core.models import Area, Membership, Organisation, Partnership
from samverkan.core.roles import Role
from samverkan.plans.models import ActionPlan, Measure, Share
from tests.e2e.conftest import login, screenshot
from tests.e2e.test_accessibility_pages import blocking_violations

pytestmark = pytest.mark.e2e


def _context(browser, width=1280, **extra):
    # axe-core is injected as an inline script, which the pages' CSP rightly refuses.
    ctx = browser.new_context(
        locale="sv-SE", viewport={"width": width, "height": 900}, bypass_csp=True, **extra
    )
    page = ctx.new_page()
    page.set_default_timeout(30000)
    return ctx, page


def test_plan_shared_with_kumla_accepted_and_withdrawn(demo_world, live_server, browser):
    from django.contrib.auth import get_user_model

    orebro = Partnership.objects.get(name="Samverkan Örebro")
    kumla_org = Organisation.objects.create(name="Kumla kommun", kind="municipality")
    kumla = Partnership.objects.create(name="Samverkan Kumla")
    kumla.organisations.set([kumla_org])
    kumla.areas.set([Area.objects.get(level="municipality", name="Kumla")])
    user = get_user_model().objects.create_user("kumla", password="demo-kumla-lösen")
    Membership.objects.create(user=user, organisation=kumla_org, role=Role.COORDINATOR)

    plan = ActionPlan.objects.create(
        partnership=orebro,
        title="Rånstråket Örebro–Kumla",
        summary="HEMLIGINTERN sammanfattning",
        start_year=2026,
        end_year=2027,
    )
    owner = Organisation.objects.get(name="Örebro kommun")
    common = {"target_side": "place", "owner": owner, "start": date(2026, 3, 1)}
    common["end"] = date(2026, 9, 1)
    Measure.objects.create(plan=plan, title="Belysning vid busshållplatsen", **common)
    Measure.objects.create(
        plan=plan, title="HEMLIGÅTGÄRD", responsible_person="HEMLIGPERSON", **common
    )

    ctx, page = _context(browser)
    login(page, live_server, "samordnare", "demo-samordnare")
    page.goto(f"{live_server.url}/planer/atgardsplaner/{plan.pk}/")
    page.get_by_role("link", name="Dela med grannkommun").click()
    assert blocking_violations(page) == []
    options = page.get_by_label("Dela med samverkan i grannkommun").inner_text()
    assert "Samverkan Kumla" in options and "Samverkan Karlstad" not in options
    page.get_by_label("Dela med samverkan i grannkommun").select_option(label="Samverkan Kumla")
    page.get_by_label("Dela beskrivningen").uncheck()
    page.get_by_label("Gemensamt mål").fill("Inga rån på stråket 2027")
    page.get_by_label("Belysning vid busshållplatsen").check()
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_load_state()
    assert "Inbjudan är skickad till Samverkan Kumla." in page.content()
    screenshot(page, "plan-share-owner")
    share = Share.objects.get(plan=plan)
    assert share.status == "pending"

    phone_ctx, phone = _context(browser, width=390, is_mobile=True, has_touch=True)
    login(phone, live_server, "kumla", "demo-kumla-lösen")
    phone.goto(f"{live_server.url}/planer/")
    phone.get_by_role("heading", name="Delat med oss").wait_for()
    phone.get_by_role("link", name="Rånstråket Örebro–Kumla").click()
    html = phone.content()
    assert "Inga rån på stråket 2027" in html and "Belysning vid busshållplatsen" in html
    assert "HEMLIGINTERN" not in html and "HEMLIGÅTGÄRD" not in html and "HEMLIGPERSON" not in html
    # Nothing is wider than the phone.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert blocking_violations(phone) == []
    phone.get_by_role("button", name="Godta").click()
    phone.wait_for_load_state()
    assert "Ni har godtagit delningen." in phone.content()
    screenshot(phone, "plan-share-receiver-phone")
    share.refresh_from_db()
    assert share.status == "accepted"

    page.reload()
    page.get_by_role("button", name="Återkalla Samverkan Kumla").click()
    page.wait_for_load_state()
    share.refresh_from_db()
    assert share.status == "withdrawn"
    response = phone.goto(f"{live_server.url}/planer/delningar/{share.pk}/")
    assert response.status == 404
    ctx.close()
    phone_ctx.close()
