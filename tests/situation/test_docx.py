"""The lägesbild as DOCX: re-read with python-docx, it has the PDF's sections as Word
headings, its tables with repeating headers, the charts as pictures, and in a shared or
public picture exactly the published values of the JSON (never a suppressed count)."""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from docx.oxml.ns import qn

from samverkan.core import periods
from samverkan.situation import services
from samverkan.situation.exports import export, export_report
from samverkan.situation.exports.html import render_text
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")


def _read(body: bytes):
    return docx.Document(io.BytesIO(body))


def _pdf_headings(figures, **kwargs) -> list[str]:
    html = render_text(figures, **kwargs)
    return [
        re.sub(r"\s+", " ", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.DOTALL)
    ]


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.mark.django_db
def test_internal_report_docx_mirrors_the_pdf(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=6, organisation_id=world.kommun.pk)
    make("fire", local(2025, 3, 9, 22), n=4, organisation_id=world.kommun.pk)
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    services.save_assessment(report, "overall", "Lugnt\x0c i centrum.", world.users["coordinator"])
    report.refresh_from_db()
    body = export_report(report, "docx")
    read = _read(body)

    headings = [p.text for p in read.paragraphs if p.style.name == "Heading 1"]
    expected = _pdf_headings(
        report.snapshot,
        assessments=report.assessments,
        meta={"status": report.status, "version": report.version},
    )
    assert headings == expected
    title = [p.text for p in read.paragraphs if p.style.name == "Title"]
    assert title == [f"Lägesbild: {report.snapshot['area']['name']}"]
    assert "Lugnt i centrum." in [p.text for p in read.paragraphs]
    assert read.core_properties.title == title[0]

    # Charts (trend, categories, weekday x hour; the map when there are geometries) are
    # PNG pictures with alternative text.
    alts = [s._inline.docPr.get("descr") for s in read.inline_shapes]
    assert {"Utveckling, senaste 13 perioderna", "Kategorier", "Veckodag och timme"} <= set(alts)

    categories = next(t for t in read.tables if t.rows[0].cells[0].text == "Kategori")
    assert categories.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    by_label = {r[0]: r[1] for r in _rows(categories)[1:]}
    for r in report.snapshot["by_category"]:
        assert by_label[r["label"]] == str(r["count"])
    totals = read.tables[0]
    assert _rows(totals)[1][0] == str(report.snapshot["totals"]["count"])
    header = read.sections[0].header.paragraphs[0].text
    assert world.p1.organisations.order_by("pk").first().name in header


@pytest.mark.django_db
@pytest.mark.parametrize("audience", ["shared", "public"])
def test_shared_docx_shows_only_published_values(world, make, audience):
    make("vandalism", local(2025, 3, 5, 12), n=10, organisation_id=world.kommun.pk)
    make("fire", local(2025, 3, 5, 12), n=5, organisation_id=world.kommun.pk)
    make("drugs", local(2025, 3, 5, 12), n=1, organisation_id=world.kommun.pk)
    report = services.create_report(
        world.m1, MARCH, world.p1, world.users["coordinator"], audience=audience
    )
    published = json.loads(export_report(report, "json"))
    read = _read(export_report(report, "docx"))
    categories = next(t for t in read.tables if t.rows[0].cells[0].text == "Kategori")
    shown = {r[0]: r[1] for r in _rows(categories)[1:]}
    by_json = {
        (r.get("labels") or {}).get("sv") or r["label"]: str(r["count"])
        for r in published["by_category"]
    }
    assert shown == by_json
    hidden = [v for v in by_json.values() if v in ("<3", "..")]
    assert hidden, "the scene must hide something"
    # The true counts of the hidden categories (1 drug event, 5 fires, 10 vandalism) are in
    # no column of the category table; only the total of 16 is published.
    for row in _rows(categories)[1:]:
        assert not {"1", "5", "10"} & set(row[1:4])
    assert _rows(read.tables[0])[1][0] == str(published["totals"]["count"]) == "16"
    assert "Dolda uppgifter" in [p.text for p in read.paragraphs if p.style.name == "Heading 1"]


@pytest.mark.django_db
def test_docx_of_plain_figures_from_build_for_period(world, make):
    from samverkan.situation.build import build_for_period

    make("vandalism", local(2025, 3, 5, 12), n=3, organisation_id=world.kommun.pk)
    f = build_for_period(world.m1, MARCH, partnership=world.p1, audience="internal")
    read = _read(export(f, "docx", language="en"))
    title = [p.text for p in read.paragraphs if p.style.name == "Title"]
    assert title[0].startswith("Situation report")
    assert read.core_properties.language == "en-GB"
    assert "Summary" in [p.text for p in read.paragraphs if p.style.name == "Heading 1"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "count", "rate"), [("sv", "12\xa0400", "3,5"), ("en", "12,400", "3.5")]
)
def test_docx_writes_counts_and_rates_as_its_language_does(world, make, language, count, rate):
    from samverkan.situation.build import build_for_period

    make("vandalism", local(2025, 3, 5, 12), n=3, organisation_id=world.kommun.pk)
    f = build_for_period(world.m1, MARCH, partnership=world.p1, audience="internal")
    # A large municipality's month, set by hand (as the PDF prints it: grouped, local decimals).
    f["totals"].update(count=12400, rate_per_100k=3.5)
    read = _read(export(f, "docx", language=language))
    assert _rows(read.tables[0])[1][0] == count
    assert rate in _rows(read.tables[0])[1]


@pytest.mark.django_db
def test_command_writes_docx_and_audits_it(world, make, tmp_path):
    from django.core.management import call_command

    from samverkan.core.models import AuditEvent

    make("vandalism", local(2025, 3, 5, 12), n=4, organisation_id=world.kommun.pk)
    out = tmp_path / "lb.docx"
    call_command(
        "lagesbild",
        *("--area", "9901", "--period", "2025-03", "--format", "docx"),
        *("--audience", "shared", "-o", str(out)),
    )
    read = _read(out.read_bytes())
    assert "Sammanfattning" in [p.text for p in read.paragraphs if p.style.name == "Heading 1"]
    event = AuditEvent.objects.filter(action="situation.export").latest("pk")
    assert event.details["format"] == "docx" and event.details["via"] == "cli"


@pytest.mark.django_db
def test_download_link_and_audited_download(world, make, client):
    from django.urls import reverse

    from samverkan.core.models import AuditEvent

    make("vandalism", local(2025, 3, 5, 12), n=4, organisation_id=world.kommun.pk)
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    client.force_login(world.users["coordinator"])
    url = reverse("situation-export", args=[report.pk]) + "?format=docx"
    page = client.get(reverse("situation-detail", args=[report.pk]))
    assert url in page.content.decode() and "Word (DOCX)" in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.docx"')
    _read(response.content)
    event = AuditEvent.objects.filter(action="situation.export").latest("pk")
    assert event.details["format"] == "docx" and event.details["via"] == "web"


@pytest.mark.django_db
def test_organisation_logo_heads_every_page(world, make, settings, tmp_path):
    from django.core.files.base import ContentFile
    from matplotlib.figure import Figure

    from samverkan.core import charts

    settings.MEDIA_ROOT = str(tmp_path)
    fig = Figure(figsize=(1, 1))
    fig.subplots().plot([0, 1], [0, 1])
    org = world.p1.organisations.order_by("pk").first()
    org.logo.save("logo.png", ContentFile(charts.to_png(fig, dpi=30)))
    make("vandalism", local(2025, 3, 5, 12), n=4, organisation_id=world.kommun.pk)
    report = services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])
    header = _read(export_report(report, "docx")).sections[0].header
    pictures = header._element.findall(".//" + qn("wp:docPr"))
    assert [p.get("descr") for p in pictures] == [f"Logotyp {org.name}"]
    assert org.name in header.paragraphs[0].text
