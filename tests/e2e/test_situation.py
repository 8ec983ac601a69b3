"""A monthly lägesbild for Örebro in the browser.

Police events for Örebro (from the bundled archive, thirteen months) and one report by the
demo reporter are loaded; the coordinator builds the lägesbild for March 2026 on the build
form, writes the group's assessment (saved with HTMX), approves it and downloads the PDF,
whose pages are rendered to PNG; the reporter then logs in, finds the approved picture
and, on it, what happened with their own report.
"""

from __future__ import annotations

import gzip
import importlib
import json
import subprocess
from datetime import UTC, datetime

import docx
import pytest
from django.apps import apps

from samverkan.core.models import Area, Organisation
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from samverkan.situation.models import SituationReport
from tests.e2e.conftest import ARTIFACTS, login, screenshot

pytestmark = pytest.mark.e2e


def _inflated(body: bytes) -> bytes:
    import re
    import zlib

    parts = [body]
    for match in re.finditer(rb"stream\r?\n", body):
        try:
            parts.append(zlib.decompressobj().decompress(body[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


MONTHS = {f"2025-{m:02d}" for m in range(2, 13)} | {"2026-01", "2026-02", "2026-03"}


@pytest.fixture
def orebro_events(demo_world, tmp_path):
    if not Category.objects.filter(code="vandalism").exists():
        # An earlier browser test flushed the taxonomy that the data migration loads.
        importlib.import_module("samverkan.incidents.migrations.0002_default_taxonomy").load(
            apps, None
        )
    from samverkan import demo_data
    from samverkan.incidents.importers.base import run_import
    from samverkan.incidents.importers.polisen import read_rows

    path = tmp_path / "orebro-events.jsonl.gz"
    kept = 0
    with (
        gzip.open(demo_data.path(demo_data.SE_POLICE_EVENTS), "rt", encoding="utf-8") as src,
        gzip.open(path, "wt", encoding="utf-8") as dst,
    ):
        for line in src:
            event = json.loads(line)
            place = (event.get("location") or {}).get("name", "")
            if place in ("Örebro", "Örebro län") and event["datetime"][:7] in MONTHS:
                dst.write(line)
                kept += 1
    rows, summary = read_rows(path)
    run_import(rows, summary, source="polisen", path=path)
    assert summary.imported > 500, summary.text()

    reporter = demo_world["rapportor"]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=reporter.username)
    row = IncidentRow(
        "rapport",
        datetime(2026, 3, 12, 20, 30, tzinfo=UTC),
        Category.objects.get(code="vandalism.graffiti").pk,
        external_id="e2e-rapport-1",
        lon=15.2066,
        lat=59.2741,
        place_name="Trapphus, Hemby",
        organisation_id=Organisation.objects.get(name="Bostadsbolaget Hemby AB (demo)").pk,
        reporter_id=user.pk,
        visibility="partnership",
    )
    (own,) = ingest([row]).incident_ids
    Incident.objects.filter(pk=own).update(
        feedback="Tack! Klottret sanerades och entrébelysningen är lagad.", status="reviewed"
    )
    return kept


def test_build_assess_approve_and_feed_back(page, browser, live_server, demo_world, orebro_events):
    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)
    page.get_by_role("link", name="Lägesbild").first.click()
    page.get_by_role("link", name="Ta fram en lägesbild").click()
    page.get_by_label("Område").select_option(str(orebro.pk))
    page.get_by_label("Periodtyp").select_option("month")
    page.get_by_label("Period", exact=True).fill("2026-03")
    page.get_by_label("Mottagare").select_option("internal")
    page.get_by_role("button", name="Ta fram lägesbild").click()
    page.wait_for_url("**/lagesbild/*/")
    report = SituationReport.objects.get()
    assert report.snapshot["totals"]["count"] >= 10
    assert "Lägesbild: Örebro, mars 2026" in page.content()

    # The group's assessment, saved with HTMX without leaving the page.
    page.get_by_label("Gruppens samlade bedömning").fill(
        "Läget i centrum är oförändrat. Gruppen prioriterar klotter och skadegörelse i Hemby."
    )
    url_before = page.url
    page.locator("#bedomning-overall").get_by_role("button", name="Spara bedömning").click()
    page.locator("#bedomning-overall .saved").wait_for()
    assert page.url == url_before
    report.refresh_from_db()
    assert report.assessments["overall"].startswith("Läget i centrum är oförändrat.")

    page.wait_for_selector("#situation-map[data-loaded]")
    assert page.locator("#situation-map").get_attribute("data-loaded") not in ("error", "0")
    screenshot(page, "situation-report-draft")

    page.get_by_label("Jag fastställer lägesbilden. Det går inte att ångra.").check()
    page.get_by_role("button", name="Fastställ lägesbilden").click()
    page.wait_for_load_state()
    assert "Lägesbilden är fastställd." in page.content()
    report.refresh_from_db()
    assert report.status == "approved"
    page.wait_for_selector("#situation-map[data-loaded]")
    screenshot(page, "situation-report-approved")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    pdf = ARTIFACTS / "situation-orebro-2026-03.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(pdf), str(ARTIFACTS / "situation-pdf")], check=True
    )
    pages = sorted(ARTIFACTS.glob("situation-pdf-*.png"))
    assert len(pages) >= 2
    # Tagged PDF/UA: a structure tree and the language (tests/core/test_pdf.py has more).
    inflated = _inflated(pdf.read_bytes())
    assert b"/StructTreeRoot" in inflated and b"/Lang (sv" in inflated

    # The same picture as a Word document to edit: headings, tables and charts.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (DOCX)").click()
    assert download_info.value.suggested_filename.endswith(".docx")
    word = docx.Document(download_info.value.path())
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Sammanfattning", "Bedömning"]
    assert any(p.text.startswith("Läget i centrum är oförändrat.") for p in word.paragraphs)
    assert len(word.inline_shapes) >= 3 and word.tables

    # The reporter sees the approved picture and what happened with their report.
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    reporter_page = context.new_page()
    reporter = demo_world["rapportor"]
    login(reporter_page, live_server, reporter.username, reporter.password)
    reporter_page.get_by_role("link", name="Lägesbild").first.click()
    assert "Vad hände med dina rapporter?" in reporter_page.content()
    reporter_page.get_by_role("link", name="Örebro").first.click()
    reporter_page.wait_for_url(f"**/lagesbild/{report.pk}/")
    content = reporter_page.content()
    assert "Vad hände med dina rapporter?" in content
    assert "Klottret sanerades och entrébelysningen är lagad." in content
    assert "Läget i centrum är oförändrat." in content
    assert "Fastställ lägesbilden" not in content
    reporter_page.wait_for_selector("#situation-map[data-loaded]")
    screenshot(reporter_page, "situation-report-reporter")
    context.close()
