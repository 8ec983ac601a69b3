"""`samverkan lagesbild` writes each format; spreadsheet formulas are escaped."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.situation.conftest import local


@pytest.fixture
def data(world, make):
    make(
        "vandalism",
        local(2025, 3, 5, 12),
        n=6,
        organisation_id=world.kommun.pk,
        lon=15.6,
        place_name='=HYPERLINK("http://x")',
    )
    make(
        "vandalism",
        local(2025, 3, 6, 12),
        n=3,
        organisation_id=world.kommun.pk,
        place_name="+46 Torget",
    )
    return world


def run(tmp_path, fmt, *extra):
    out = tmp_path / f"lb.{fmt}"
    call_command(
        "lagesbild",
        "--area",
        "9901",
        "--period",
        "2025-03",
        "--format",
        fmt,
        "-o",
        str(out),
        *extra,
    )
    return out


def test_json(data, tmp_path):
    f = json.loads(run(tmp_path, "json", "--partnership", "Samverkan Norrby").read_text())
    for key in (
        "area",
        "period",
        "totals",
        "by_category",
        "by_child_area",
        "hotspots",
        "weekday_hour",
        "summary",
        "suppressed",
        "generated_at",
    ):
        assert key in f, key
    assert set(f["area"]) >= {"code", "name", "level"}
    assert set(f["period"]) >= {"start", "end", "type"}
    assert set(f["totals"]) >= {"count", "previous", "last_year"}
    row = f["by_category"][0]
    assert set(row) >= {"code", "label", "count", "previous", "last_year", "z", "flag"}
    assert f["totals"]["count"] == 9 and len(f["weekday_hour"]) == 7
    assert all(len(r) == 24 for r in f["weekday_hour"])


def test_html_pdf_geojson(data, tmp_path):
    html = run(tmp_path, "html").read_text()
    assert "<svg" in html and "Lägesbild" in html and "http" not in html.split("<body>")[0]
    assert "&lt;script" not in html
    pdf = run(tmp_path, "pdf", "--language", "en").read_bytes()
    assert pdf.startswith(b"%PDF")
    geo = json.loads(run(tmp_path, "geojson").read_text())
    kinds = {feat["properties"]["kind"] for feat in geo["features"]}
    assert {"area", "incident", "hotspot_cell"} <= kinds
    shared = json.loads(run(tmp_path, "geojson", "--audience", "shared").read_text())
    assert "incident" not in {feat["properties"]["kind"] for feat in shared["features"]}


def test_xlsx_escapes_formulas(data, tmp_path):
    wb = load_workbook(run(tmp_path, "xlsx"))
    assert len(wb.sheetnames) >= 8
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    texts = [v for v in values if isinstance(v, str)]
    assert '\'=HYPERLINK("http://x")' in texts
    assert "'+46 Torget" in texts
    assert not [v for v in texts if v[:1] in "=+-@"]


def test_clear_errors(data, tmp_path):
    with pytest.raises(CommandError, match="finns inte"):
        call_command(
            "lagesbild",
            "--area",
            "0000",
            "--period",
            "2025-03",
            "--format",
            "json",
            "-o",
            str(tmp_path / "x.json"),
        )
    with pytest.raises(CommandError, match="förstås inte"):
        call_command(
            "lagesbild",
            "--area",
            "9901",
            "--period",
            "mars",
            "--format",
            "json",
            "-o",
            str(tmp_path / "x.json"),
        )
    with pytest.raises(CommandError, match="Samverkansgruppen 'Nej' finns inte"):
        call_command(
            "lagesbild",
            "--area",
            "9901",
            "--period",
            "2025-03",
            "--format",
            "json",
            "--partnership",
            "Nej",
            "-o",
            str(tmp_path / "x.json"),
        )
    with pytest.raises(CommandError, match="finns inte"):
        call_command(
            "lagesbild",
            "--area",
            "9901",
            "--period",
            "2025-03",
            "--format",
            "json",
            "-o",
            str(tmp_path / "no" / "x.json"),
        )
