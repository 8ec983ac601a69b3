"""Browser test: the Örebro county board opens the county overview and downloads XLSX."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from samverkan import demo_data
from samverkan.core.models import Area
from samverkan.demo.loader.world import DEMO_MUNICIPALITY
from samverkan.plans import workflow as plan_workflow
from samverkan.plans.models import ActionPlan
from samverkan.situation import workflow
from samverkan.situation.models import Audience, SituationReport
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _shared_orebro():
    """Populations from the bundled file, and Örebro's shared August picture and adopted plan."""
    with demo_data.path(demo_data.SE_POPULATION).open(encoding="utf-8") as fh:
        population = {row["code"]: int(row["population"]) for row in csv.DictReader(fh)}
    orebro = Area.objects.get(country="SE", level="municipality", code=DEMO_MUNICIPALITY)
    municipalities = list(Area.objects.filter(parent=orebro.parent, level="municipality"))
    for m in municipalities:
        m.population = population.get(m.code)
    Area.objects.bulk_update(municipalities, ["population"])
    p = orebro.partnerships.first()
    SituationReport.objects.create(
        area=orebro,
        partnership=p,
        period_type="month",
        period_start=datetime(2026, 8, 1, tzinfo=UTC),
        period_end=datetime(2026, 9, 1, tzinfo=UTC),
        period_label="2026-08",
        audience=Audience.SHARED,
        status=workflow.SHARED,
        snapshot={
            "period": {"name": "augusti 2026"},
            "totals": {"count": 812, "previous": 790, "last_year": "<3"},
        },
        approved_at=datetime(2026, 9, 3, tzinfo=UTC),
    )
    ActionPlan.objects.create(
        partnership=p,
        area=orebro,
        title="Åtgärdsplan Örebro",
        start_year=2026,
        end_year=2027,
        status=plan_workflow.ADOPTED,
        adopted_on=date(2026, 2, 10),
    )
    return orebro, municipalities, population


def test_county_board_sees_every_municipality_and_downloads_xlsx(
    demo_world, live_server, page, tmp_path
):
    orebro, municipalities, population = _shared_orebro()
    login(page, live_server, "lansstyrelsen", "demo-lansstyrelsen")
    # The start page says what the county has shared and leads to the overview.
    panel = page.locator('[data-panel="county.overview"]')
    expect(panel.get_by_role("heading", name="Örebro län")).to_be_visible()
    expect(panel).to_contain_text(
        f"1 av {len(municipalities)} kommuner har delat en lägesbild med länet."
    )
    expect(panel).to_contain_text("Senast delad: Örebro")
    panel.get_by_role("link", name="Till länsöversikten").click()
    expect(page.get_by_role("heading", name="Länsöversikt Örebro län")).to_be_visible()
    rows = page.locator("#county-table tbody tr")
    expect(rows).to_have_count(len(municipalities))
    for m in municipalities:
        expect(page.locator(f'#county-table tr[data-code="{m.code}"] th')).to_have_text(m.name)
    row = page.locator(f'#county-table tr[data-code="{orebro.code}"]')
    expect(row).to_contain_text("Delad, fastställd 2026-09-03")
    expect(row).to_contain_text("Antagen 2026-02-10")
    expect(row).to_contain_text("812")
    expect(row).to_contain_text("<3")
    expect(rows.filter(has_text="Ingen delad")).to_have_count(len(municipalities) - 1)
    svg = page.locator("#county-map svg")
    expect(svg).to_be_visible()
    expect(svg).to_have_attribute("aria-label", re.compile("per 100 000 invånare"))
    for m in municipalities:
        expect(svg.locator("text", has_text=m.name).first).to_be_attached()
    screenshot(page, "county-overview")

    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner Excel (XLSX)").click()
    path = tmp_path / "lan.xlsx"
    info.value.save_as(path)
    ws = load_workbook(io.BytesIO(path.read_bytes())).active
    by_code = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(by_code) == {m.code for m in municipalities}
    assert by_code[orebro.code][8:11] == (812, 790, "<3")
    assert by_code[orebro.code][11] == round(812 / population[orebro.code] * 100_000, 1)


def test_county_overview_fits_a_phone(demo_world, live_server, phone):
    orebro, _municipalities, _population = _shared_orebro()
    login(phone, live_server, "lansstyrelsen", "demo-lansstyrelsen")
    phone.goto(f"{live_server.url}/lan/")
    phone.wait_for_load_state("networkidle")
    expect(phone.locator("#county-table thead")).to_be_hidden()
    expect(phone.locator(f'#county-table tr[data-code="{orebro.code}"]')).to_contain_text("812")
    expect(phone.locator("#county-map svg")).to_be_visible()
    screenshot(phone, "phone-county-overview")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
