"""The communication activities in the action plan: its timeline, page, PDF, DOCX and XLSX."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import docx
from django.urls import reverse
from openpyxl import load_workbook

from samverkan.communication import services, workflow
from samverkan.communication.models import Activity, Channel
from samverkan.plans import timeline


def pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(body)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


def _tie(cw):
    """The matrix activity on the plan's measure, done; a second one through the promise."""
    cw.activity.measures.add(cw.measure)
    services.set_status(
        cw.activity,
        workflow.DONE,
        cw.users["coordinator"],
        done_on=date(2025, 4, 3),
        outcome="Utdelat till 420 hushåll",
        reached=420,
    )
    second = Activity.objects.create(
        partnership=cw.p1,
        area=cw.m1,
        title="Trygghetsmöte i Norrby",
        audience="Föräldrar",
        message="Vad gör vi åt källarna?",
        channel=Channel.objects.get(name="Möte"),
        planned_on=date(2025, 9, 15),
        owner=cw.kommun,
    )
    second.promises.add(cw.promise)
    unrelated = Activity.objects.create(
        partnership=cw.p1,
        title="Ohörd nyhet",
        audience="Alla",
        message="x",
        channel=Channel.objects.get(name="Webb"),
        planned_on=date(2025, 6, 1),
        owner=cw.kommun,
    )
    return second, unrelated


def test_timeline_draws_the_plans_activities(cw):
    _tie(cw)
    svg = timeline.svg(cw.plan, cw.plan.measures.all(), today=date(2025, 6, 1))
    assert svg.count("<path") == 2
    assert "Kommunikation: Informationsbrev om källarbelysning" in svg
    assert "Kommunikation: Trygghetsmöte i Norrby" in svg
    assert "Ohörd nyhet" not in svg


def test_timeline_escapes_activity_text(cw):
    cw.activity.measures.add(cw.measure)
    Activity.objects.filter(pk=cw.activity.pk).update(title="<script>x</script>")
    svg = timeline.svg(cw.plan, cw.plan.measures.all())
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_plan_page_and_timeline_page_show_them(cw, client_for):
    _tie(cw)
    client = client_for(cw.users["coordinator"])
    page = client.get(reverse("plan-detail", args=[cw.plan.pk])).content.decode()
    assert "Kommunikationsplan" in page
    assert "Trygghetsmöte i Norrby" in page and "Ohörd nyhet" not in page
    assert f"{reverse('communication-create')}?plan={cw.plan.pk}" in page
    timeline_page = client.get(reverse("plan-timeline", args=[cw.plan.pk])).content.decode()
    assert "Kommunikation: Trygghetsmöte i Norrby" in timeline_page
    # A reader sees the section, without the button to plan more.
    reader = client_for(cw.users["steering"])
    page = reader.get(reverse("plan-detail", args=[cw.plan.pk])).content.decode()
    assert "Trygghetsmöte i Norrby" in page
    assert f"{reverse('communication-create')}?plan=" not in page


def test_pdf_lists_the_activities(cw, client_for, tmp_path):
    _tie(cw)
    response = client_for(cw.users["coordinator"]).get(reverse("plan-pdf", args=[cw.plan.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Kommunikationsplan" in text
    assert "Informationsbrev om källarbelysning" in text
    assert "Trygghetsmöte i Norrby" in text
    assert "Nådde 420" in text and "Ohörd nyhet" not in text


def test_docx_lists_the_activities(cw, client_for):
    _tie(cw)
    response = client_for(cw.users["coordinator"]).get(reverse("plan-docx", args=[cw.plan.pk]))
    read = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in read.paragraphs]
    assert "Kommunikationsplan" in headings
    cells = [c.text for t in read.tables for row in t.rows for c in row.cells]
    assert any("Trygghetsmöte i Norrby" in c for c in cells)
    assert any("Nådde 420" in c for c in cells)
    assert not any("Ohörd nyhet" in c for c in cells)


def test_xlsx_has_a_communication_sheet_with_escaped_cells(cw, client_for):
    _tie(cw)
    Activity.objects.filter(title="Trygghetsmöte i Norrby").update(message="=HYPERLINK(1)")
    response = client_for(cw.users["coordinator"]).get(reverse("plan-xlsx", args=[cw.plan.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Åtgärdsplan", "Kommunikation"]
    rows = list(wb["Kommunikation"].iter_rows(values_only=True))
    assert rows[0][0] == "aktivitet" and len(rows) == 3
    by_title = {r[0]: r for r in rows[1:]}
    assert by_title["Trygghetsmöte i Norrby"][2] == "'=HYPERLINK(1)"
    assert by_title["Informationsbrev om källarbelysning"][11] == 420
    assert by_title["Trygghetsmöte i Norrby"][7] == "Tryggare källare"


def test_docx_timeline_draws_them_too(cw):
    from samverkan.plans import docx as plan_docx

    _tie(cw)
    svg = plan_docx.timeline_svg(cw.plan, cw.plan.measures.all(), today=date(2025, 6, 1))
    assert "Kommunikation: Trygghetsmöte i Norrby" in svg
    assert "Ohörd nyhet" not in svg
