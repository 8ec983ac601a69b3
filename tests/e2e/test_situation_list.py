"""The lägesbild list in the browser: a coordinator with more lägesbilder than a page holds
filters by area, pages forward with "Nästa" and back, and the filter stays chosen."""

from __future__ import annotations

import re

import pytest

from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.demo import loader as demo
from samverkan.situation import scope, services
from tests.e2e.conftest import login, screenshot
from tests.situation.conftest import more_versions

pytestmark = pytest.mark.e2e


@pytest.fixture
def many_reports(demo_world):
    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    report = services.create_report(
        orebro, periods.parse("2025-03"), partnership, demo._users()["samordnare"]
    )
    more_versions(report, scope.REPORTS_PER_PAGE + 4)
    return orebro


def _rows(page) -> list[str]:
    return page.locator("table.cards tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def test_coordinator_pages_through_the_filtered_list(page, live_server, demo_world, many_reports):
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    page.goto(f"{live_server.url}/lagesbild/")
    page.get_by_label("Område").select_option(str(many_reports.pk))
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(re.compile(rf"area={many_reports.pk}"))
    first = _rows(page)
    assert len(first) == scope.REPORTS_PER_PAGE
    assert page.get_by_text("Sida 1 av 2").is_visible()

    page.get_by_role("link", name="Nästa").click()
    page.wait_for_url(re.compile(r"page=2"))
    second = _rows(page)
    assert len(second) == 4 and not set(first) & set(second)
    # The area filter is still chosen on the second page.
    assert page.get_by_label("Område").input_value() == str(many_reports.pk)
    screenshot(page, "situation-list-page-2")

    page.get_by_role("link", name="Föregående").click()
    page.wait_for_url(re.compile(r"page=1"))
    assert _rows(page) == first
