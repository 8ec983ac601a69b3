"""The lägesbild shows resources against burden, frozen with the report; the county sees
only what a municipality shared."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from django.urls import reverse

from samverkan.core import periods
from samverkan.county import overview
from samverkan.resources.burden import HIGH_BURDEN_LOW_HOURS
from samverkan.resources.models import Kind
from samverkan.situation import services, workflow
from samverkan.situation.exports.html import render_text
from samverkan.situation.models import Audience, SituationReport
from tests.resources.conftest import entry

T1 = periods.parse("2025T1")


def test_the_lagesbild_page_shows_the_section_frozen_with_the_report(burden_world, client_for):
    w = burden_world
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    client = client_for(w.users["coordinator"])
    page = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    assert "Resurser mot belastning" in page
    assert 'id="resources-against-burden"' in page
    assert "Hög belastning, få timmar" in page
    assert "folkmängd saknas" in page
    assert "<svg" in page.split('id="resources-against-burden"')[1]
    # Hours entered afterwards change nothing in the stored picture.
    entry(w, w.d["D1"], date(2025, 2, 1), Kind.COMMUNITY_POLICE, 4000)
    report.refresh_from_db()
    d1 = next(r for r in report.snapshot["resources"]["rows"] if r["code"].endswith("D1"))
    assert d1["hours"] == 10
    page = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    assert "4010" not in page
    # The exported page (HTML and PDF) has the section too.
    assert "Resurser mot belastning" in render_text(report.snapshot)


def test_the_word_document_has_the_section_like_the_pdf(burden_world):
    import io

    import docx

    from samverkan.situation.exports import export_report

    w = burden_world
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    read = docx.Document(io.BytesIO(export_report(report, "docx")))
    headings = [p.text for p in read.paragraphs if p.style.name == "Heading 1"]
    assert "Resurser mot belastning" in headings
    table = next(
        t for t in read.tables if t.rows[0].cells[0].text == "Område" and len(t.columns) == 7
    )
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    section = report.snapshot["resources"]
    for row in section["rows"]:
        assert rows[row["name"]][3] == str(row["hours"])
        # Rates as the PDF prints them: the Swedish decimal comma.
        if isinstance(row.get("incidents_per_1000"), float):
            assert rows[row["name"]][2] == str(row["incidents_per_1000"]).replace(".", ",")
        if row["flag"] == HIGH_BURDEN_LOW_HOURS:
            assert rows[row["name"]][6] == "Hög belastning, få timmar"
    assert any(r["flag"] == HIGH_BURDEN_LOW_HOURS for r in section["rows"])
    assert any("," in rows[r["name"]][2] for r in section["rows"])
    assert rows[section["area"]["name"]][3] == str(section["area"]["hours"])
    alts = [s._inline.docPr.get("descr") for s in read.inline_shapes]
    assert "Händelser och resurstimmar per 1 000 invånare" in alts


def test_the_excel_workbook_has_the_section_like_the_word_document(burden_world):
    """Every export carries the figures the page shows: the workbook has the resources
    sheet with the DOCX table's rows, as numbers, in the report's language."""
    import io

    import docx
    from openpyxl import load_workbook

    from samverkan.core.models import Area
    from samverkan.situation.exports import export_report

    w = burden_world
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    book = load_workbook(io.BytesIO(export_report(report, "xlsx")))
    assert "Resurser mot belastning" in book.sheetnames
    sheet = [list(r) for r in book["Resurser mot belastning"].iter_rows(values_only=True)]
    word = docx.Document(io.BytesIO(export_report(report, "docx")))
    table = next(
        t for t in word.tables if t.rows[0].cells[0].text == "Område" and len(t.columns) == 7
    )
    assert sheet[0] == [c.text for c in table.rows[0].cells]
    assert [r[0] for r in sheet[1:]] == [r.cells[0].text for r in table.rows[1:]]
    section = report.snapshot["resources"]
    by_name = {r[0]: r for r in sheet[1:]}
    for row in section["rows"] + [section["area"]]:
        assert by_name[row["name"]][3] == row["hours"]  # a number, not text
        assert by_name[row["name"]][1] == row["count"]
    flagged = next(r for r in section["rows"] if r["flag"] == HIGH_BURDEN_LOW_HOURS)
    assert by_name[flagged["name"]][6] == "Hög belastning, få timmar"
    # In English the sheet and its columns are translated.
    english = load_workbook(io.BytesIO(export_report(report, "xlsx", language="en")))
    assert "Resurser mot belastning" not in english.sheetnames
    assert len(english.sheetnames) == len(book.sheetnames)
    # An area name that a spreadsheet would read as a formula stays text.
    Area.objects.filter(pk=w.d["D1"].pk).update(name="=HYPERLINK(1)")
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    book = load_workbook(io.BytesIO(export_report(report, "xlsx")))
    names = [r[0] for r in book["Resurser mot belastning"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_a_picture_frozen_before_the_section_renders_without_it(burden_world):
    w = burden_world
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    figures = dict(report.snapshot)
    del figures["resources"]
    assert "Resurser mot belastning" not in render_text(figures)


def _shared(area, partnership, snapshot):
    return SituationReport.objects.create(
        area=area,
        partnership=partnership,
        period_type="tertial",
        period_start=datetime(2025, 1, 1, tzinfo=UTC),
        period_end=datetime(2025, 5, 1, tzinfo=UTC),
        period_label="2025T1",
        audience=Audience.SHARED,
        status=workflow.SHARED,
        snapshot=snapshot,
        approved_at=datetime(2025, 5, 5, tzinfo=UTC),
    )


def test_the_county_overview_takes_hours_from_the_shared_picture_only(burden_world, client_for):
    from samverkan.situation.build import build_for_period

    w = burden_world
    w.m2.population = 5_000
    w.m2.save()
    figures = build_for_period(w.m1, T1, partnership=w.p1, audience="shared")
    _shared(w.m1, w.p1, figures)
    # Söderby shared a picture without the section, and has hours it never shared.
    _shared(w.m2, w.p2, {"period": {"name": "T1"}, "totals": {"count": 40}})
    ov = overview.build(w.users["regional"], w.county, "tertial")
    rows = {r.municipality.code: r for r in ov.rows}
    count = figures["totals"]["count"]
    assert rows["9901"].incidents_per_1000 == round(count / 10_000 * 1000, 2)
    assert rows["9901"].hours_per_1000 == 25.0
    assert rows["9902"].incidents_per_1000 == 8.0
    assert rows["9902"].hours_per_1000 is None
    page = client_for(w.users["regional"]).get(reverse("county-overview") + "?period=tertial")
    text = page.content.decode()
    assert "Resurstimmar per 1 000" in text
    norrby = text.split('data-code="9901"')[1].split("</tr>")[0]
    assert re.search(r">25[.,]0<", norrby), norrby
    # The county's exports carry the same two columns as its page.
    import io
    import subprocess
    import tempfile

    from openpyxl import load_workbook

    client = client_for(w.users["regional"])
    book = client.get(reverse("county-export"), {"format": "xlsx", "period": "tertial"})
    sheet = list(load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    columns = list(sheet[0])
    by_code = {r[1]: dict(zip(columns, r, strict=True)) for r in sheet[1:]}
    assert by_code["9901"]["Resurstimmar per 1 000"] == 25.0
    assert by_code["9901"]["Händelser per 1 000"] == rows["9901"].incidents_per_1000
    assert by_code["9902"]["Händelser per 1 000"] == 8.0
    assert by_code["9902"]["Resurstimmar per 1 000"] is None  # an empty cell, never a 0
    pdf = client.get(reverse("county-export"), {"format": "pdf", "period": "tertial"})
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf.content)
        f.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", f.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    assert "Resurstim" in text  # the header may break by syllable
    norrby = next(line for line in text.splitlines() if "9901" in line)
    assert re.search(r"\b25[.,]0\b", norrby), norrby
    # Hours entered later do not reach the county until a new picture is shared.
    entry(w, w.m1, date(2025, 2, 1), Kind.GUARDS, 1000)
    again = {r.municipality.code: r for r in overview.build(w.users["regional"], w.county).rows}
    assert again["9901"].hours_per_1000 == 25.0


def test_a_hidden_count_gives_the_county_no_incident_rate(burden_world):
    w = burden_world
    _shared(
        w.m1,
        w.p1,
        {
            "period": {"name": "T1"},
            "totals": {"count": 2},
            "resources": {"area": {"population": 10_000, "hours_per_1000": 25.0}},
        },
    )
    row = next(r for r in overview.build(w.users["regional"], w.county).rows if r.report)
    assert row.incidents_per_1000 is None
    assert row.hours_per_1000 == 25.0


def test_without_any_known_population_the_section_says_so_instead_of_an_empty_chart(
    burden_world, client_for
):
    # The demo's districts have no population: the chart had nothing to draw and looked
    # broken. Now the section explains, on the page, in the PDF's HTML and in the DOCX.
    import io

    import docx

    from samverkan.core.models import Area
    from samverkan.situation.exports import export_report

    w = burden_world
    Area.objects.filter(pk__in=[a.pk for a in w.d.values()]).update(population=None)
    report = services.create_report(w.m1, T1, w.p1, w.users["coordinator"])
    client = client_for(w.users["coordinator"])
    page = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    section = page.split('id="resources-against-burden"')[1].split("</section>")[0]
    assert "<svg" not in section
    assert 'id="resources-no-rates"' in section and "känd folkmängd" in section
    # The rows and their hours are still listed.
    assert "folkmängd saknas" in section and "D1" in page
    exported = render_text(report.snapshot).split('id="resources-against-burden"')[1]
    assert "känd folkmängd" in exported.split("</section>")[0]
    read = docx.Document(io.BytesIO(export_report(report, "docx")))
    assert any("känd folkmängd" in p.text for p in read.paragraphs)
    # In English the note is translated.
    english = render_text(report.snapshot, language="en").split('id="resources-against-burden"')
    assert "känd folkmängd" not in english[1].split("</section>")[0]
