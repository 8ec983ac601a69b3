"""Printable documents and the spreadsheet export."""

from __future__ import annotations

import io
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from samverkan.core.models import AuditEvent
from samverkan.plans import pdf, services


def pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(body)
    # pdftotext comes with poppler-utils, like the pdftoppm the browser test uses.
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def test_cause_analysis_pdf_is_one_page(pw, client_for, tmp_path):
    services.save_cause_analysis(
        pw.problem,
        pw.users["coordinator"],
        sides={
            s: {"findings": "Iakttagelse " * 12, "sources": "Källa"}
            for s in ("offender", "target", "place", "handler", "guardian", "manager")
        },
        staff_dialogue="Medarbetarna " * 20,
        citizen_dialogue="Boende " * 20,
        conclusion="Slutsats",
        steps=[{"stage": s, "description": "Steg " * 6} for s in ("need", "acquisition", "act")],
    )
    response = client_for(pw.users["coordinator"]).get(
        reverse("analysis-pdf", args=[pw.problem.pk])
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = pdf_text(response.content, tmp_path)
    assert "Orsaksanalys: Inbrott i källarförråd" in text and "Platsansvarig" in text
    assert text.count("\f") <= 1, "orsaksanalysen ska rymmas på en sida"
    assert AuditEvent.objects.filter(action="cause_analysis.export").exists()


def test_action_plan_pdf_and_xlsx(pw, client_for, tmp_path):
    pw.measure.title = '=HYPERLINK("http://x")'
    pw.measure.save()
    client = client_for(pw.users["steering"])
    body = client.get(reverse("plan-pdf", args=[pw.plan.pk])).content
    text = pdf_text(body, tmp_path)
    assert "Trygg i Norrby 2025–2027" in text and "Norrbyhem AB" in text
    response = client.get(reverse("plan-xlsx", args=[pw.plan.pk]))
    assert "atgardsplan-trygg-i-norrby-2025-2027.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "åtgärd" and rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == "Inbrott i källarförråd" and rows[1][3] == "Platsansvarig"
    assert list(
        AuditEvent.objects.filter(action="action_plan.export")
        .values_list("details__format", flat=True)
        .order_by("id")
    ) == ["pdf", "xlsx"]


def test_poster_has_qr_to_public_page(pw, client_for, settings, tmp_path):
    settings.PUBLIC_BASE_URL = "https://trygg.example.se"
    assert pdf.public_url("9901") == "https://trygg.example.se/medborgarloften/9901/"
    svg = pdf.qr_svg(pdf.public_url("9901"))
    assert svg.startswith("<svg") and "<path" in svg
    response = client_for(pw.users["coordinator"]).get(
        reverse("promise-poster", args=[pw.promise.pk])
    )
    assert response.content.startswith(b"%PDF")
    (tmp_path.parent / "poster-test.pdf").write_bytes(response.content)
    text = pdf_text(response.content, tmp_path)
    assert "Tryggare källare" in text and "https://trygg.example.se/medborgarloften/9901/" in text
    assert text.count("\f") <= 1


def test_poster_url_falls_back_to_request_host(pw, client_for, settings):
    settings.PUBLIC_BASE_URL = ""
    client = client_for(pw.users["coordinator"])
    page = client.get(reverse("promise-detail", args=[pw.promise.pk])).content.decode()
    assert "http://testserver/medborgarloften/9901/" in page
