"""The DOCX helper: headings Word navigates by, repeating table headers, charts as
pictures with alternative text, the organisation in the header, no control characters."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml.ns import qn
from matplotlib.figure import Figure

from samverkan.core import charts
from samverkan.core.docx import CONTENT_TYPE, WordDocument, clean

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _bars(n):
    fig = Figure(figsize=(3, 2))
    fig.subplots().bar(range(n), range(n))
    return charts.to_svg(fig, "staplar")


def _read(body: bytes):
    return docx.Document(io.BytesIO(body))


def _logo() -> bytes:
    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1], [0, 1])
    return charts.to_png(fig, dpi=30)


def test_structure_reads_back_with_python_docx():
    doc = WordDocument(
        "Lägesbild: Väster",
        organisation_name="Örebro kommun",
        logo=_logo(),
        language="sv",
        subtitle="Mars 2026",
    )
    doc.heading("Sammanfattning", 1)
    doc.heading("Delområden", 2)
    doc.heading("Detalj", 3)
    doc.paragraph("Första stycket.\n\nAndra stycket.")
    doc.table(["Kategori", "Antal"], [["Inbrott", 4], ["Skadegörelse", None]], numeric={1})
    doc.chart(_bars, 3, alt="Antal per månad")
    body = doc.to_bytes()
    assert body[:2] == b"PK"
    assert CONTENT_TYPE.endswith("wordprocessingml.document")

    read = _read(body)
    styles = [(p.style.name, p.text) for p in read.paragraphs if p.text]
    assert ("Title", "Lägesbild: Väster") in styles
    assert ("Heading 1", "Sammanfattning") in styles
    assert ("Heading 2", "Delområden") in styles
    assert ("Heading 3", "Detalj") in styles
    assert ("Normal", "Andra stycket.") in styles
    assert read.core_properties.title == "Lägesbild: Väster"
    assert read.core_properties.language == "sv-SE"

    table = read.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Kategori", "Antal"]
    assert [c.text for c in table.rows[2].cells] == ["Skadegörelse", ""]
    # The header row repeats on each page; data rows do not.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None

    # The chart is a PNG picture with alternative text.
    shapes = read.inline_shapes
    assert len(shapes) == 1
    assert shapes[0]._inline.docPr.get("descr") == "Antal per månad"
    blip = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip
    assert read.part.related_parts[blip.embed].blob.startswith(PNG_MAGIC)

    header = read.sections[0].header
    assert "Örebro kommun" in header.paragraphs[0].text
    header_pictures = header._element.findall(".//" + qn("wp:docPr"))
    assert [p.get("descr") for p in header_pictures] == ["Logotyp Örebro kommun"]


def test_control_characters_are_stripped_not_fatal():
    doc = WordDocument("Titel\x0c", organisation_name="Org\x01", language="en")
    doc.heading("Rubrik\x00", 1)
    doc.paragraph("a\x07b\r\nc")
    doc.table(["x\x1b"], [["y\x0b"]])
    read = _read(doc.to_bytes())
    texts = [p.text for p in read.paragraphs]
    assert "Titel" in texts and "Rubrik" in texts and "ab\nc" in texts
    assert read.tables[0].rows[1].cells[0].text == "y"
    assert read.core_properties.language == "en-GB"
    assert clean(None) == "" and clean("tab\tok") == "tab\tok"


def test_unreadable_logo_is_left_out():
    doc = WordDocument("T", organisation_name="Org", logo=b"not an image")
    read = _read(doc.to_bytes())
    assert read.sections[0].header.paragraphs[0].text.strip() == "Org"


def test_png_of_returns_the_figure_to_svg_would_have_drawn():
    png, title = charts.png_of(_bars, 4)
    assert png.startswith(PNG_MAGIC) and title == "staplar"
    # Outside png_of the same function still draws SVG.
    assert _bars(4).startswith("<svg")
    assert charts.png_of(lambda: None) is None


@pytest.mark.parametrize("level", [0, 4])
def test_heading_levels_are_clamped_to_word_headings(level):
    doc = WordDocument("T")
    doc.heading("H", level)
    read = _read(doc.to_bytes())
    assert [p.style.name for p in read.paragraphs if p.text == "H"] == [
        "Heading 1" if level == 0 else "Heading 3"
    ]


def test_a_facts_table_has_no_header_row():
    doc = WordDocument("T")
    doc.table(None, [["Samverkan", "Norrby"], ["Status", "Antagen"]])
    table = _read(doc.to_bytes()).tables[0]
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["Samverkan", "Norrby"],
        ["Status", "Antagen"],
    ]
    assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows)
