"""Import from the web in the browser: a coordinator uploads a partner's Excel file with bad
rows, sees its first rows, maps its columns (saved for next time), runs a dry run that lists
every reject, has the worker import it while a progress bar reaches 100 %, and downloads the
rejects file."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from samverkan.incidents.models import ImportMapping, ImportRun, Incident, WebImport
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def run_worker():
    """What ``samverkan worker`` does, once, over the queue as it stands."""
    call_command(
        "worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--heartbeat",
        "0.2",
        "--worker-id",
        "e2e-web-import",
        verbosity=0,
    )


def partner_workbook(path):
    """The caretakers' log as Excel saves it: own column names, a real date cell, bad rows."""
    wb = Workbook()
    ws = wb.active
    ws.append(["Datum och tid", "Öst", "Nord", "Händelsetyp", "Vad hände", "Löpnummer"])
    ws.append(
        [datetime(2025, 2, 3, 21, 15), 15.2101, 59.2741, "Klotter", "Tag på tvättstugan", 101]
    )
    ws.append(["2025-02-04 kl. 07.40", "15,2003", "59,2712", "Skadegörelse", "Trasig dörr", 102])
    ws.append(["i förrgår", 15.21, 59.27, "Klotter", "", 103])  # line 4: no time
    ws.append(["2025-02-05 22:10", None, 59.27, "Klotter", "", 104])  # line 5: no lon
    ws.append(["2025-02-06 01:30", 15.19, 59.26, "Skadegörelse", "Ring 070-123 45 67", 105])
    ws.append(["2025-02-07 12:00", 45.0, 59.27, "Klotter", "", 106])  # line 7: not Sweden
    wb.save(path)
    return path


def test_coordinator_imports_a_partners_excel_file(
    page, live_server, demo_world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = demo_world["samordnare"]
    login(page, live_server, coordinator.username, coordinator.password)

    page.get_by_role("link", name="Importera").first.click()
    page.wait_for_url(re.compile(r".*/handelser/import/$"))
    page.get_by_label("Samverkan").select_option(label="Samverkan Örebro")
    page.get_by_label("Partnerorganisation").select_option(label="Bostadsbolaget Hemby AB (demo)")
    page.get_by_label("Källans namn").fill("hemby-logg")
    page.get_by_label("Fil (CSV, Excel eller GeoJSON)").set_input_files(
        str(partner_workbook(tmp_path / "hemby.xlsx"))
    )
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_url(re.compile(r".*/handelser/import/\d+/$"))

    # The first rows, as they are in the file.
    preview = page.locator("#import-preview")
    assert preview.locator("thead th").all_inner_texts() == [
        "Datum och tid",
        "Öst",
        "Nord",
        "Händelsetyp",
        "Vad hände",
        "Löpnummer",
    ]
    assert preview.locator("tbody tr").count() == 5
    assert "Tag på tvättstugan" in preview.inner_text()

    # Mapping: none of these names is known, so every column is chosen by hand.
    page.get_by_label("Tidpunkt", exact=True).select_option("Datum och tid")
    page.get_by_label("Longitud").select_option("Öst")
    page.get_by_label("Latitud").select_option("Nord")
    page.get_by_label("Kategori", exact=True).select_option("Händelsetyp")
    page.get_by_label("Beskrivning").select_option("Vad hände")
    page.get_by_label("Id (löpnummer)").select_option("Löpnummer")
    page.get_by_label("Spara mappningen som (valfritt)").fill("Hembys logg")
    page.get_by_role("button", name="Provkör").click()

    # The dry run lists every rejected row with line, column and reason; nothing is stored.
    page.wait_for_selector("#rejects")
    rejects = [
        row.locator("td").all_inner_texts() for row in page.locator("#rejects tbody tr").all()
    ]
    assert rejects == [
        ["4", "Datum och tid", "tidpunkten 'i förrgår' kan inte tolkas"],
        ["5", "Öst", "koordinater saknas"],
        ["7", "Öst/Nord", "koordinaterna ligger utanför Sverige (45.0, 59.27)"],
    ]
    assert "6 rader lästa, 3 skulle importeras" in page.locator("#dry-run-summary").inner_text()
    assert not Incident.objects.filter(source="hemby-logg").exists()
    screenshot(page, "web-import-dry-run")

    # The import runs in the background worker; the page follows it to 100 %.
    page.get_by_role("button", name="Importera 3 rader").click()
    page.wait_for_selector("#import-progress")
    assert "Väntar på bakgrundsarbetaren" in page.locator("#import-progress-text").inner_text()
    run_worker()
    page.wait_for_selector("#import-progress[data-status='done']")
    assert page.locator("#import-percent").inner_text() == "100 %"
    assert page.locator("#import-progress-bar").get_attribute("value") == "100"
    assert page.locator("#import-progress-text").inner_text() == (
        "Klart: 3 importerade, 0 dubbletter, 3 avvisade."
    )
    screenshot(page, "web-import-done")

    stored = Incident.objects.filter(source="hemby-logg")
    assert sorted(stored.values_list("external_id", flat=True)) == ["101", "102", "105"]
    assert "070-123 45 67" not in stored.get(external_id="105").description  # masked
    assert ImportRun.objects.get(source="hemby-logg").actor.username == "samordnare"
    job = WebImport.objects.get()
    assert job.status == WebImport.Status.DONE and not job.file  # the upload is deleted
    assert ImportMapping.objects.get(name="Hembys logg").organisation.name.startswith("Bostads")

    # The rejects file downloads (after the reload that shows the result).
    page.wait_for_selector("#rejects-link")
    with page.expect_download() as info:
        page.locator("#rejects-link").click()
    download = info.value
    assert download.suggested_filename == "hemby.avvisade.csv"
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["rad", "kolumn", "orsak", "innehåll"]
    assert [r[:2] for r in rows[1:]] == [["4", "Datum och tid"], ["5", "Öst"], ["7", "Öst/Nord"]]


def test_import_pages_pass_axe_and_fit_a_phone(
    browser, live_server, demo_world, tmp_path, settings
):
    """The upload page and a dry-run file's page: no WCAG 2.1 AA violation (axe-core), and
    no sideways scrolling of the page at 390 px (wide previews scroll in their own box)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.core.models import Organisation, Partnership
    from samverkan.incidents import web_import
    from tests.e2e.test_accessibility import violations

    settings.MEDIA_ROOT = tmp_path / "media"
    coordinator = demo_world["samordnare"]
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=coordinator.username)
    path = partner_workbook(tmp_path / "hemby.xlsx")
    job = web_import.upload(
        user,
        partnership=Partnership.objects.get(name="Samverkan Örebro"),
        organisation=Organisation.objects.get(name="Bostadsbolaget Hemby AB (demo)"),
        uploaded=SimpleUploadedFile("hemby.xlsx", path.read_bytes()),
        source="hemby-logg",
    )
    columns = {"time": "Datum och tid", "lon": "Öst", "lat": "Nord", "id": "Löpnummer"}
    web_import.set_mapping(user, job, columns)
    web_import.dry_run(user, job)

    for width in (1280, 390):
        context = browser.new_context(
            locale="sv-SE", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        page = context.new_page()
        page.set_default_timeout(30000)
        login(page, live_server, coordinator.username, coordinator.password)
        for url in ("/handelser/import/", f"/handelser/import/{job.pk}/"):
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            if width == 1280:
                assert violations(page) == [], url
            else:
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                assert overflow <= 0, (url, overflow)
        context.close()
