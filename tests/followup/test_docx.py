"""The tertial report as DOCX: the PDF's sections, tables and chart, re-read with python-docx."""

from __future__ import annotations

import io

import docx
from django.urls import reverse
from docx.oxml.ns import qn

from samverkan.core.models import AuditEvent
from samverkan.followup import docx as tertial_docx
from samverkan.followup import services
from tests.followup.test_indicators_and_tertials import followed  # noqa: F401 - fixture


def _read(body: bytes):
    return docx.Document(io.BytesIO(body))


def test_tertial_docx_mirrors_the_pdf(world, followed, client_for):  # noqa: F811
    coord = world.users["coordinator"]
    report = services.generate_tertial_report(world.p1, "2025-T2", coord)
    report.analysis = "Färre skador\x0c i centrum."
    report.save()
    client = client_for(coord)
    page = client.get(reverse("followup-tertial", args=[report.pk])).content.decode()
    url = reverse("followup-tertial-docx", args=[report.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tertial-2025-T2.docx"'
    read = _read(response.content)

    assert [p.text for p in read.paragraphs if p.style.name == "Title"] == [
        f"Tertialrapport 2025-T2: {world.p1.name}"
    ]
    assert [p.text for p in read.paragraphs if p.style.name == "Heading 1"] == [
        "Gruppens analys",
        "Effektmål",
        "Indikatorer",
        "Åtgärder",
    ]
    assert "Färre skador i centrum." in [p.text for p in read.paragraphs]
    goals, indicators, measures = read.tables
    for table in read.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    goal = [c.text for c in goals.rows[1].cells]
    snap_goal = report.snapshot["goals"][0]
    assert goal[0] == "Halvera skadegörelsen" == snap_goal["title"]
    assert goal[4] == "60,0"
    names = [r.cells[0].text for r in indicators.rows[1:]]
    assert names == [i["name"] for i in report.snapshot["indicators"]]
    assert len(measures.rows) == 1 + max(len(report.snapshot["measures"]), 1)
    alts = [s._inline.docPr.get("descr") for s in read.inline_shapes]
    assert alts == ["Indikatorer: Skadegörelse i Norrby"]
    event = AuditEvent.objects.filter(action="tertial_report.export").latest("pk")
    assert event.details == {"format": "docx"}


def test_empty_tertial_in_english(world):
    report = services.generate_tertial_report(world.p1, "2025-T1", world.users["coordinator"])
    read = _read(tertial_docx.render(report, language="en"))
    assert read.core_properties.language == "en-GB"
    assert len(read.inline_shapes) == 0
    assert len(read.tables) == 3


def test_tertial_command_writes_docx(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "t.docx"
    call_command(
        "tertial_report",
        partnership=world.p1.name,
        tertial="2025-T2",
        format="docx",
        output=str(out),
    )
    read = _read(out.read_bytes())
    assert read.paragraphs[0].text == f"Tertialrapport 2025-T2: {world.p1.name}"
