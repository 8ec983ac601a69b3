"""The weekly meeting in the browser, two consecutive weeks of the demo's meeting series.

The demo loader holds week 1 (places, actions, frozen minutes); the coordinator opens the
agenda of week 2, which lists exactly what arrived since week 1 and week 1's open actions,
prioritises a place picked on the map, agrees an action and closes the meeting; the
caretaker (a reporter of the housing company) then sees the place on the phone page at
390 px without sideways scrolling.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail

from samverkan.core.models import Organisation, Partnership
from samverkan.demo.loader import _users as demo_users
from samverkan.demo.loader import meetings as demo_meetings
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.meetings.models import Meeting
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

WEEK1, WEEK2 = demo_meetings.MEETING_WEEK1, demo_meetings.MEETING_WEEK2


def _incident(n, code, reported_at, org=None, source="rapport"):
    row = IncidentRow(
        source,
        reported_at - timedelta(hours=2),
        Category.objects.get(code=code).pk,
        external_id=f"e2e-meeting-{n}",
        reported_at=reported_at,
        lon=15.176 + n * 0.001,
        lat=59.293,
        organisation_id=org.pk if org else None,
    )
    return ingest([row]).incident_ids[0]


@pytest.fixture
def two_weeks(demo_world):
    hemby = Organisation.objects.get(name="Bostadsbolaget Hemby AB (demo)")
    before = [_incident(1, "vandalism", WEEK1 - timedelta(days=2), hemby)]
    since = [
        _incident(2, "vandalism.graffiti", WEEK1 + timedelta(hours=3), hemby),
        _incident(3, "littering", WEEK1 + timedelta(days=3), hemby),
        _incident(4, "vandalism", WEEK1 + timedelta(days=4), source="polisen"),
    ]
    after = [_incident(5, "vandalism", WEEK2 + timedelta(hours=1), hemby)]
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    demo_meetings.load_meetings(partnership, demo_users(), log=lambda *_: None)
    # A second run of the demo loader changes nothing.
    demo_meetings.load_meetings(partnership, demo_users(), log=lambda *_: None)
    assert Meeting.objects.count() == 2
    return {"before": before, "since": since, "after": after}


def _ids(href: str) -> set[int]:
    query = parse_qs(urlsplit(href).query)
    return {int(i) for i in query["ids"][0].split(",")}


def test_coordinator_holds_week_two_and_the_caretaker_sees_the_places(
    page, phone, live_server, two_weeks
):
    base = live_server.url
    week2 = Meeting.objects.get(starts_at=WEEK2)
    login(page, live_server, "samordnare", "demo-samordnare")
    page.get_by_role("link", name="Veckomöten").first.click()
    page.locator(f"a[href='/moten/{week2.pk}/']").click()
    page.wait_for_url(f"{base}/moten/{week2.pk}/")

    # The agenda lists exactly what arrived since week 1: three incidents, two sources.
    assert page.locator("[data-new-total]").inner_text() == "3"
    reports = page.locator("[data-source=reports] a").get_attribute("href")
    police = page.locator("[data-source=police] a").get_attribute("href")
    assert _ids(reports) | _ids(police) == set(two_weeks["since"])
    assert _ids(police) == {two_weeks["since"][2]}
    table_links = page.locator(".agenda-table a").evaluate_all("els => els.map(e => e.href)")
    assert set().union(*(_ids(h) for h in table_links)) == set(two_weeks["since"])

    # It starts with week 1's open actions; the done one is shown as done.
    followup = page.locator("#uppfoljning")
    for title in ("Extra kvällspatrull vid Vivalla centrum", "Byta trasig belysning"):
        assert title in followup.inner_text()
    done = followup.locator("li", has_text="Sanera klottret i Vivallagången")
    assert "Klar" in done.inner_text()

    # A count opens the incident list with exactly those incidents.
    page.locator("[data-source=reports] a").click()
    page.wait_for_url(re.compile(r".*/handelser/\?.*ids=.*"))
    assert page.locator("tbody tr").count() == len(_ids(reports))
    page.go_back()

    # A prioritised place picked on the map, and a short-term action.
    page.locator("#pick-map[data-loaded]").wait_for()
    page.locator("#pick-map").click()  # the middle of Örebro kommun
    lon = float(page.locator("#id_lon").input_value())
    lat = float(page.locator("#id_lat").input_value())
    assert 14.4 < lon < 15.9 and 58.9 < lat < 59.7, (lon, lat)
    page.get_by_label("Plats", exact=True).fill("Busshållplatsen Vivalla centrum")
    page.get_by_label("Varför").fill("Tre anmälningar om skadegörelse sedan förra mötet.")
    page.get_by_label("Vem går dit").select_option(label="Lokalpolisområde Örebro")
    page.get_by_label("När", exact=True).fill("fre–lör kl. 21–01")
    page.get_by_role("button", name="Prioritera platsen").click()
    assert "Busshållplatsen Vivalla centrum" in page.locator("#platser").inner_text()

    page.get_by_label("Åtgärd", exact=True).fill("Byta glaset i busskuren")
    page.get_by_label("Ansvarig organisation").select_option(label="Örebro kommun")
    page.get_by_label("Klart senast").fill("2026-09-01")
    page.get_by_role("button", name="Besluta åtgärden").click()
    assert "Byta glaset i busskuren" in page.locator("#atgarder").inner_text()
    screenshot(page, "meeting-week2")

    sent = len(mail.outbox)
    page.get_by_label("Jag förstår att protokollet inte kan ändras").check()
    page.get_by_role("button", name="Avsluta mötet och skicka protokollet").click()
    page.wait_for_url(f"{base}/moten/{week2.pk}/protokoll/")
    minutes = page.locator(".minutes").inner_text()
    assert "Busshållplatsen Vivalla centrum" in minutes and "Byta glaset i busskuren" in minutes
    week2.refresh_from_db()
    assert week2.is_closed and week2.minutes["places"][0]["lon"] is not None
    assert len(mail.outbox) == sent + 1
    assert f"/moten/{week2.pk}/protokoll/" in mail.outbox[-1].body

    # The caretaker's phone: the map and the list, no sideways scrolling at 390 px.
    login(phone, live_server, "rapportor", "demo-rapportor")
    phone.goto(f"{base}/moten/platser/")
    cards = phone.locator(".place-card")
    assert "Busshållplatsen Vivalla centrum" in cards.first.inner_text()
    phone.locator(".places-map[data-loaded='1']").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(phone, "meeting-places-phone")
    # Printed: the places and the map, without the menu and the buttons.
    phone.emulate_media(media="print")
    assert phone.locator(".site-header").is_hidden()
    assert phone.get_by_role("button", name="Skriv ut").is_hidden()
    assert phone.locator(".place-card").first.is_visible()


@pytest.fixture
def axe_page(browser):
    # axe-core is injected as an inline script, which the pages' CSP rightly refuses.
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def test_meeting_pages_have_no_wcag_violations(axe_page, live_server, two_weeks):
    from tests.e2e.test_accessibility import violations

    week1 = Meeting.objects.get(starts_at=WEEK1)
    week2 = Meeting.objects.get(starts_at=WEEK2)
    login(axe_page, live_server, "samordnare", "demo-samordnare")
    for path in (
        "/moten/",
        f"/moten/{week2.pk}/",
        f"/moten/{week1.pk}/protokoll/",
        "/moten/platser/",
    ):
        axe_page.goto(f"{live_server.url}{path}")
        axe_page.wait_for_load_state("networkidle")
        assert violations(axe_page) == [], path
