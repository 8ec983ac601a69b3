"""The communication plan in the browser.

A coordinator opens an action plan, plans a letter on one of its measures from the plan's
"Kommunikationsplan" section, marks it done with what was done, and finds it in the plan's
timeline; the list of planned against done fits a phone (390 px).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

import tests.matrix  # noqa: F401  (loads every fragment first: they import tests.matrix)
from samverkan.communication.models import Activity, Channel
from tests.e2e.conftest import login, screenshot
from tests.plans.matrix import extend_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def plan_world(transactional_db, world):
    # The live server's flush removed the channels the data migration put in.
    Channel.ensure_defaults()
    extend_world(world)
    return world


def test_plan_an_activity_on_a_measure_mark_it_done_and_see_it_in_the_timeline(
    page, live_server, plan_world
):
    w = plan_world
    base = live_server.url
    login(page, live_server, "samordnare", "pw-samordnare")
    page.goto(f"{base}/planer/atgardsplaner/{w.plan.pk}/")
    section = page.locator("#kommunikation")
    assert "Ingen kommunikation planerad" in section.inner_text()
    section.get_by_role("link", name="Planera kommunikation").click()

    title = "Brev om belysningen i källargångarna"
    page.get_by_label("Rubrik").fill(title)
    page.get_by_label("Målgrupp").fill("Boende på Norrbyvägen")
    page.get_by_label("Budskap").fill("Belysningen byts i vår. Hör av dig om något är mörkt.")
    page.get_by_label("Kanal").select_option(label="Brev")
    page.get_by_label("Planerat datum").fill("2025-04-01")
    page.get_by_label("Ansvarig organisation").select_option(label="Norrbyhem AB")
    page.get_by_label("Ansvarig person").fill("Kommunikatör Kim")
    page.get_by_label("Belysning i källargångar").check()
    page.get_by_role("button", name="Spara aktiviteten").click()

    activity = Activity.objects.get(title=title)
    assert [m.pk for m in activity.measures.all()] == [w.measure.pk]
    page.wait_for_url(f"{base}/kommunikation/{activity.pk}/")
    # Planned in the past and not done: flagged.
    assert "Försenad" in page.locator("h1").inner_text()

    page.get_by_label("Genomförd den").fill(timezone.localdate().isoformat())
    page.get_by_label("Vad blev gjort").fill("Utdelat till 420 hushåll.")
    page.get_by_label("Antal nådda").fill("420")
    page.get_by_role("button", name="Markera som genomförd").click()
    page.wait_for_url(f"{base}/kommunikation/{activity.pk}/")
    assert "Genomförd" in page.locator("h1").inner_text()
    assert "Utdelat till 420 hushåll." in page.content()
    activity.refresh_from_db()
    assert activity.status == "done" and activity.reached == 420

    page.goto(f"{base}/planer/atgardsplaner/{w.plan.pk}/tidslinje/")
    svg = page.locator("svg.timeline")
    assert f"Kommunikation: {title}" in svg.text_content()
    assert svg.locator("path").count() == 1
    screenshot(page, "communication-plan-timeline")
    page.goto(f"{base}/planer/atgardsplaner/{w.plan.pk}/")
    assert title in page.locator("#kommunikation").inner_text()
    screenshot(page, "communication-plan-section")


def test_list_at_phone_width(phone, live_server, plan_world):
    w = plan_world
    Activity.objects.create(
        partnership=w.p1,
        title="Affisch i trapphusen om källarförråden och belysningen",
        audience="Boende",
        message="Lås förrådet",
        channel=Channel.objects.get(name="Affisch"),
        planned_on=timezone.localdate().replace(year=2025, month=1, day=10),
        owner=w.bostad,
    )
    login(phone, live_server, "samordnare", "pw-samordnare")
    phone.goto(f"{live_server.url}/kommunikation/")
    assert "1 aktivitet är försenad." in phone.content()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "communication-list-phone")


def test_pages_pass_axe(browser, live_server, plan_world):
    from tests.e2e.test_accessibility_pages import blocking_violations

    w = plan_world
    activity = Activity.objects.create(
        partnership=w.p1,
        title="Brev till boende",
        audience="Boende",
        message="Ny belysning",
        channel=Channel.objects.get(name="Brev"),
        planned_on=timezone.localdate(),
        owner=w.bostad,
    )
    activity.measures.add(w.measure)
    # axe-core is injected as an inline script, which the pages' CSP rightly refuses.
    context = browser.new_context(locale="sv-SE", bypass_csp=True)
    page = context.new_page()
    login(page, live_server, "samordnare", "pw-samordnare")
    found = {}
    for path in (
        "/kommunikation/",
        "/kommunikation/ny/",
        f"/kommunikation/{activity.pk}/",
        f"/kommunikation/{activity.pk}/redigera/",
        f"/planer/atgardsplaner/{w.plan.pk}/",
    ):
        assert page.goto(f"{live_server.url}{path}").ok, path
        if problems := blocking_violations(page):
            found[path] = problems
    context.close()
    assert not found, found
