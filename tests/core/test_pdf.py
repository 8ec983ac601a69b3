"""Every PDF of every app goes through the one renderer, which never touches the network.

Each app's document is rendered through its own entry point with a reference to
``http://example.invalid/x.png`` slipped into its HTML (as a template or a user's text that
reached the markup could put it there). The renderer must refuse the URL, and no name lookup
or connection may happen: a socket call fails the test.
"""

from __future__ import annotations

import base64
import logging
import re
import socket
from types import SimpleNamespace

import pytest
import weasyprint

from samverkan.core import pdf as core_pdf
from samverkan.core import priority

OUTSIDE = "http://example.invalid/x.png"
# A 1×1 transparent PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def no_network(monkeypatch):
    """Fail on any name lookup or connection; return the list of attempts."""
    attempts: list = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network is closed in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def outside_reference(monkeypatch):
    """Insert ``<img src=OUTSIDE>`` into every HTML document WeasyPrint is given."""
    original = weasyprint.HTML
    documents: list[str] = []

    def html(*args, string=None, **kwargs):
        string = string.replace("<body>", f'<body><img src="{OUTSIDE}" alt="">', 1)
        if OUTSIDE not in string:
            string = f'<img src="{OUTSIDE}" alt="">' + string
        documents.append(string)
        return original(*args, string=string, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", html)
    return documents


def _cases():
    from samverkan.cases import pdf

    user = SimpleNamespace(get_full_name="Ada Admin", username="ada")
    return pdf.render({"cases": [], "events": [], "organisations": [], "user": user})


def _plans_poster():
    from samverkan.plans import pdf

    return core_pdf.template_to_pdf(
        "plans/pdf/poster.html",
        {
            "promise": SimpleNamespace(title="Tryggare källare", text="", area=None, year=2025),
            "url": "https://trygg.example.se/",
            "qr": pdf.qr_svg("https://trygg.example.se/"),
        },
    )


def _followup_tertial():
    from samverkan.followup import pdf

    report = SimpleNamespace(snapshot={"indicators": [], "goals": []}, tertial="2025:1")
    return pdf.tertial_pdf(report)


def _followup_evaluation():
    from samverkan.followup import pdf

    return pdf.evaluation_pdf(SimpleNamespace(title="Utvärdering", results={}))


def _situation(world):
    from samverkan.core import periods
    from samverkan.situation import services
    from samverkan.situation.exports import export_report

    report = services.create_report(
        world.m1, periods.parse("2025-03"), world.p1, world.users["coordinator"]
    )
    return export_report(report, "pdf")


DOCUMENTS = {
    "cases": _cases,
    "plans": _plans_poster,
    "followup-tertial": _followup_tertial,
    "followup-evaluation": _followup_evaluation,
    "situation": _situation,
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_apps_pdf_refuses_the_network(name, world, no_network, outside_reference, caplog):
    caplog.set_level(logging.WARNING, logger="samverkan.core.pdf")
    render = DOCUMENTS[name]
    body = render(world) if name == "situation" else render()
    assert body.startswith(b"%PDF")
    assert outside_reference and OUTSIDE in outside_reference[-1]
    assert no_network == [], f"{name}: the PDF tried the network"
    refused = [r.getMessage() for r in caplog.records if r.name == "samverkan.core.pdf"]
    assert any(OUTSIDE in m for m in refused), f"{name}: the core fetcher did not refuse"


def test_data_uris_and_our_static_files_are_allowed(no_network, settings, tmp_path):
    (tmp_path / "pixel.png").write_bytes(PIXEL)
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    fetch = core_pdf._fetcher()
    inline = "data:image/png;base64," + base64.b64encode(PIXEL).decode()
    assert fetch(inline).read() == PIXEL
    static = fetch(core_pdf.BASE_URL + settings.STATIC_URL.strip("/") + "/pixel.png")
    assert static.read() == PIXEL and static.content_type == "image/png"
    for url in (
        OUTSIDE,
        "https://samverkan.invalid/media/secret.pdf",
        "https://samverkan.invalid/static/../settings.py",
        "file:///etc/passwd",
    ):
        with pytest.raises(core_pdf.FetchRefused):
            fetch(url)
    assert no_network == []


def test_a_relative_static_url_renders_from_disk(no_network, settings, tmp_path, caplog):
    (tmp_path / "pixel.png").write_bytes(PIXEL)
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(tmp_path)]
    caplog.set_level(logging.WARNING, logger="samverkan.core.pdf")
    body = core_pdf.html_to_pdf('<html><body><img src="/static/pixel.png"></body></html>')
    assert body.startswith(b"%PDF") and no_network == []
    assert not [r for r in caplog.records if r.name == "samverkan.core.pdf"]


def test_logs_keep_weasyprints_warnings_but_not_its_ignored_css(no_network, caplog):
    # The levels and filters of the project's LOGGING setting, as in production.
    caplog.set_level(logging.NOTSET)
    logging.getLogger().setLevel(logging.INFO)
    caplog.clear()
    svg = '<svg width="10" height="10"><rect style="fill: #f00; stroke-width: 2"/></svg>'
    core_pdf.html_to_pdf(f'<html><body>{svg}<img src="{OUTSIDE}"></body></html>')
    lines = [f"{r.name}: {r.getMessage()}" for r in caplog.records]
    assert not [line for line in lines if "Ignored" in line], lines
    assert [line for line in lines if line.startswith("weasyprint") and OUTSIDE in line], lines
    assert len(lines) < 5, lines


def _pdf_text(body: bytes) -> bytes:
    """The PDF's bytes plus every Flate stream inflated (the catalog may sit in an object
    stream), so dictionary keys can be searched without a PDF library."""
    import zlib

    parts = [body]
    for match in re.finditer(rb"stream\r?\n", body):
        try:
            parts.append(zlib.decompressobj().decompress(body[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.django_db
@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_apps_pdf_is_tagged_pdf_ua(name, world):
    render = DOCUMENTS[name]
    body = render(world) if name == "situation" else render()
    text = _pdf_text(body)
    assert b"/StructTreeRoot" in text, f"{name}: no structure tree"
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", text), f"{name}: not marked"
    assert re.search(rb"/Lang\s*\((sv|en|nb)", text), f"{name}: no document language"
    assert b"/DisplayDocTitle true" in text, f"{name}: title not shown"
    assert b"pdfuaid:part" in text, f"{name}: no PDF/UA identification"


def test_pdf_language_follows_the_rendering_language():
    from samverkan.followup import pdf

    report = SimpleNamespace(snapshot={"indicators": [], "goals": []}, tertial="2025:1")
    assert re.search(rb"/Lang\s*\(en", _pdf_text(pdf.tertial_pdf(report, language="en")))
    assert re.search(rb"/Lang\s*\(sv", _pdf_text(pdf.tertial_pdf(report, language="sv")))


def test_a_pdf_renders_at_lower_priority_and_the_caller_keeps_its_own(monkeypatch):
    # On a busy server a lägesbild PDF (a second or more of CPU) made every report post
    # and list of the machine wait behind it (issue 15, item 8).
    import os
    import threading

    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def render(html):
        tid = threading.get_native_id()
        seen["tid"] = tid
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, tid)
        return b"%PDF-" + html.encode()

    monkeypatch.setattr(core_pdf, "_render", render)
    assert core_pdf.html_to_pdf("x") == b"%PDF-x"
    assert seen["tid"] != threading.get_native_id()
    assert seen["nice"] == min(own + priority.NICENESS, 19)
    assert seen["nice"] > own or own == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own


def test_a_failure_in_the_pdf_thread_reaches_the_caller(monkeypatch):
    def render(html):
        raise core_pdf.FetchRefused("nope")

    monkeypatch.setattr(core_pdf, "_render", render)
    with pytest.raises(core_pdf.FetchRefused, match="nope"):
        core_pdf.html_to_pdf("<p>x</p>")


def _chart(title: str, *, fluid: bool = True) -> str:
    from matplotlib.figure import Figure

    from samverkan.core import charts

    fig = Figure(figsize=(4, 2))
    ax = fig.add_subplot()
    ax.bar(["Vecka 1", "Vecka 2"], [3, 5], color="#1f77b4")
    ax.set_ylabel("Antalhändelser")
    return charts.to_svg(fig, title, fluid=fluid)


def test_charts_go_into_the_pdf_as_svg_images_with_their_name_as_alt():
    # Inline, every element of a chart went through the HTML style cascade: a third of the
    # lägesbild PDF's time (issue 15, item 8).
    fluid, fixed = _chart("Trend & <utveckling>"), _chart("Fast storlek", fluid=False)
    html = f"<html><body><p>Före</p>{fluid}<div>{fixed}</div><p>Efter</p></body></html>"
    out = core_pdf.charts_as_images(html)
    assert "<svg" not in out
    assert out.startswith("<html><body><p>Före</p><img ") and out.endswith(
        "<p>Efter</p></body></html>"
    )
    images = re.findall(r'<img alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"([^>]*)>', out)
    assert [alt for alt, _, _ in images] == ["Trend &amp; &lt;utveckling&gt;", "Fast storlek"]
    first = base64.b64decode(images[0][1]).decode()
    # The fluid chart fills the width and keeps matplotlib's size as its intrinsic size.
    assert images[0][2] == ' style="width: 100%"' and 'width="100%"' not in first
    assert re.search(r'<svg role="img"[^>]*width="[\d.]+pt" height="[\d.]+pt"', first)
    assert "Antalhändelser" in first and first.endswith("</svg>")
    second = base64.b64decode(images[1][1]).decode()
    assert images[1][2] == "" and second == fixed.strip()


def test_a_chart_in_a_pdf_is_drawn_as_vector_graphics_with_its_alt_text(tmp_path):
    import subprocess

    import numpy as np
    from PIL import Image

    body = core_pdf.html_to_pdf(
        f'<html lang="sv"><head><title>t</title></head><body>{_chart("Diagram")}</body></html>'
    )
    text = _pdf_text(body)
    # Vector: no raster image in the document; the figure is tagged with its name.
    assert b"/Subtype /Image" not in text
    assert b"/Alt (Diagram)" in text
    path = tmp_path / "chart.pdf"
    path.write_bytes(body)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    # The bars are drawn in their colour.
    pixels = np.asarray(page).astype(int)
    blue = (abs(pixels[..., 0] - 0x1F) < 20) & (abs(pixels[..., 2] - 0xB4) < 20)
    assert blue.sum() > 100
