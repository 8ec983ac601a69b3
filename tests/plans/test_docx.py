"""The action plan as DOCX: the PDF's facts, measures and timeline, re-read with python-docx."""

from __future__ import annotations

import io

import docx
from django.urls import reverse
from docx.oxml.ns import qn

from samverkan.core.models import AuditEvent
from samverkan.plans import docx as plan_docx


def _read(body: bytes):
    return docx.Document(io.BytesIO(body))


def test_action_plan_docx_download(pw, client_for):
    pw.measure.description = "Lampor\x0b i källaren"
    pw.measure.save()
    client = client_for(pw.users["steering"])
    page = client.get(reverse("plan-detail", args=[pw.plan.pk])).content.decode()
    url = reverse("plan-docx", args=[pw.plan.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert "atgardsplan-trygg-i-norrby-2025-2027.docx" in response["Content-Disposition"]
    read = _read(response.content)

    assert [p.text for p in read.paragraphs if p.style.name == "Title"] == [
        f"{pw.plan.title} {pw.plan.period}"
    ]
    assert [p.text for p in read.paragraphs if p.style.name == "Heading 1"] == [
        "Åtgärder",
        "Tidslinje",
    ]
    facts = {r.cells[0].text: r.cells[1].text for r in read.tables[0].rows}
    assert read.tables[0].rows[0]._tr.trPr is None  # facts have no header row
    assert facts["Samverkan"] == pw.plan.partnership.name
    measures = read.tables[1]
    assert measures.rows[0].cells[0].text == "Åtgärd"
    assert measures.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    row = [c.text for c in measures.rows[1].cells]
    assert row[0] == f"{pw.measure.title}\nLampor i källaren"
    assert "Inbrott i källarförråd" in row[1] and "Norrbyhem AB" in row[3] + row[4]
    alts = [s._inline.docPr.get("descr") for s in read.inline_shapes]
    assert alts == [f"Tidslinje för {pw.plan.title}"]
    event = AuditEvent.objects.filter(action="action_plan.export").latest("pk")
    assert event.details == {"format": "docx"}


def test_plan_without_measures_says_so(pw):
    pw.plan.measures.all().delete()
    read = _read(plan_docx.render(pw.plan, pw.plan.measures.all()))
    assert read.tables[1].rows[1].cells[0].text == "Inga åtgärder ännu."
    assert len(read.inline_shapes) == 0


def test_outsider_gets_no_docx(pw, client_for):
    response = client_for(pw.users["other_coordinator"]).get(
        reverse("plan-docx", args=[pw.plan.pk])
    )
    assert response.status_code in (403, 404)
