"""No page of the reporter's or the patrol's scrolls sideways on a 390 px phone, and the
list tables collapse to cards there (issue 16, item 6).

The pages are those of the demo's reporter with the demo's example work loaded (about 40
reports with feedback, closed meetings with prioritised places), so the lists are full
and the long texts are real ones.
"""

import pytest
from django.urls import reverse

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

WIDTH = 390


def reporter_incident():
    """The demo reporter's report with the longest feedback: the widest detail page."""
    from django.db.models.functions import Length

    from samverkan.incidents.models import Incident

    return (
        Incident.objects.filter(reporter__username="rapportor")
        .annotate(n=Length("feedback"))
        .order_by("-n")
        .first()
    )


def reporter_paths():
    return {
        "start": reverse("home"),
        "report-form": reverse("incident-report"),
        "my-reports": reverse("incident-mine"),
        "report-detail": reverse("incident-detail", args=[reporter_incident().pk]),
        "two-factor": reverse("two-factor-account"),
        "password": reverse("password_change"),
        "places": reverse("meetings-places"),
    }


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def demo_content(demo_world):
    from samverkan.demo import loader as demo

    demo.load_content(log=lambda *_: None)
    return demo_world


def test_reporter_and_patrol_pages_fit_a_phone(phone, live_server, demo_content):
    reporter = demo_content["rapportor"]
    login(phone, live_server, reporter.username, reporter.password)
    wide = {}
    for name, path in reporter_paths().items():
        response = phone.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path}: {response.status}"
        phone.wait_for_load_state("networkidle")
        screenshot(phone, f"phone-{name}")
        if (width := scroll_width(phone)) > WIDTH:
            wide[path] = width
    assert wide == {}


def test_the_width_check_sees_a_wide_page(phone, live_server, demo_content):
    """The check itself works: an element wider than the phone is caught."""
    reporter = demo_content["rapportor"]
    login(phone, live_server, reporter.username, reporter.password)
    phone.goto(f"{live_server.url}{reverse('incident-mine')}")
    phone.evaluate(
        "document.querySelector('main').append(Object.assign("
        "document.createElement('div'), {style: 'width: 600px; height: 1px'}))"
    )
    assert scroll_width(phone) > WIDTH


def test_list_tables_become_cards_on_a_phone(phone, live_server, demo_content):
    """A table of class "cards" shows each row as a card whose cells carry their column
    name (data-label), on every list page that has one."""
    coordinator = demo_content["samordnare"]
    login(phone, live_server, coordinator.username, coordinator.password)
    from samverkan.followup.models import Indicator

    paths = [
        reverse("incident-triage"),
        reverse("situation-list"),
        reverse("plans-home"),
        reverse("followup-partnership", args=[Indicator.objects.first().partnership_id]),
    ]
    checked = 0
    for path in paths:
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_load_state("networkidle")
        tables = phone.locator("table.cards")
        for i in range(tables.count()):
            table = tables.nth(i)
            assert table.locator("thead").is_hidden(), path
            if table.locator("tbody td[data-label]").count() == 0:
                continue  # an empty list: its one "nothing yet" cell spans the table
            cell = table.locator("tbody td[data-label]").first
            assert cell.evaluate("td => getComputedStyle(td).display") == "block", path
            label = cell.evaluate("td => getComputedStyle(td, '::before').content")
            assert cell.get_attribute("data-label") in label, path
            checked += 1
        screenshot(phone, "cards-" + path.strip("/").replace("/", "-"))
        assert scroll_width(phone) <= WIDTH, path
    assert checked >= len(paths)


DESKTOP = 1280


def test_menu_pages_fit_a_desktop_screen(page, live_server, demo_content):
    """Every page in the menus of the coordinator and the county board fits 1280 px: a
    wide table scrolls inside its card, the page itself never sideways (the county
    overview's eleven columns did, 7 December 2026)."""
    wide = {}
    for username in ("samordnare", "lansstyrelsen"):
        user = demo_content[username]
        page.context.clear_cookies()
        login(page, live_server, user.username, user.password)
        menu = page.get_by_role("navigation", name="Huvudmeny").get_by_role("link")
        paths = [href for href in menu.evaluate_all("links => links.map(a => a.pathname)")]
        assert len(paths) >= 5, username
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.ok, f"{path}: {response.status}"
            page.wait_for_load_state("networkidle")
            if (width := scroll_width(page)) > DESKTOP:
                wide[f"{username} {path}"] = width
    assert wide == {}
