"""The one way to turn HTML into a PDF: WeasyPrint with the network shut out.

Every printable document (the lägesbild, tertial reports and evaluations, the cause
analysis, the action plan, the promise poster, the access log of a person's cases) is an
HTML page rendered by :func:`html_to_pdf`. Its URL fetcher answers ``data:`` URIs and the
project's own static files (read from disk through the static-file finders) and refuses
everything else, so a PDF renders the same on a closed network and a URL in a template or
in user text can never make the server call out (server-side request forgery).

WeasyPrint logs every CSS property it does not support as a warning ("Ignored `fill: ...`
at 1:1, unknown property": hundreds per document with charts, whose SVG styles are for
browsers). :class:`IgnoredCSS`, the ``weasyprint`` logger's filter in ``LOGGING``
(``samverkan/settings.py``), drops those lines and lets WeasyPrint's other warnings through,
such as an image it could not load.

A PDF costs a second or more of CPU: it is rendered at a lower CPU priority than the
request around it (:func:`samverkan.core.priority.lower_priority`), so that on a busy
server reporters and readers are answered first.

The charts (:func:`samverkan.core.charts.to_svg`) go into the PDF as SVG images
(``<img src="data:image/svg+xml;...">``), not inline: inline, each of their thousands of
elements went through the HTML style cascade, a third of the lägesbild PDF's time
(1.2 s against 0.8 s for the demo's, issue 15). They stay vector graphics, and the
chart's accessible name becomes the image's ``alt`` (a tagged ``Figure`` with ``/Alt``).
A template that sizes its charts styles ``img`` as well as ``svg``.

Every PDF is tagged PDF/UA-1 (WeasyPrint's ``pdf_variant``): a structure tree
(``StructTreeRoot``), ``MarkInfo /Marked true``, the document language from
``<html lang>`` and the title from ``<title>`` shown in the window title. Templates
therefore set both.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation

from samverkan.core.priority import lower_priority

logger = logging.getLogger(__name__)

# Relative URLs in a template ("/static/...") are resolved against this address, which can
# never be reached (RFC 2606 ".invalid"); the fetcher maps its static path to files on disk.
BASE_URL = "https://samverkan.invalid/"
PDF_VARIANT = "pdf/ua-1"


class IgnoredCSS(logging.Filter):
    """Drops WeasyPrint's warnings about CSS it ignores; passes every other record."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Ignored `")


class FetchRefused(ValueError):
    """A PDF asked for something outside ``data:`` URIs and our static files."""


def _static_file(url: str) -> Path | None:
    """The file on disk behind one of our static URLs, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != urlsplit(BASE_URL).netloc:
        return None
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not parts.path.startswith(prefix):
        return None
    from django.contrib.staticfiles import finders

    try:
        found = finders.find(unquote(parts.path[len(prefix) :]))
    except SuspiciousFileOperation:
        # "/static/../settings.py": a path that climbs out of the static folders.
        return None
    return Path(found) if found else None


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OfflineFetcher(URLFetcher):
        """Answers ``data:`` URIs and our static files; refuses every other URL."""

        def __init__(self):
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_file(url)
            if path is not None:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), body=path.read_bytes(), headers={"Content-Type": kind}
                )
            logger.warning("PDF: hämtar inte %s (bara data: och statiska filer)", url)
            raise FetchRefused(f"PDF-dokumentet hämtar inget utifrån ({url}).")

    return OfflineFetcher()


# A chart as to_svg writes it: its accessible name first, no nested <svg>.
_CHART = re.compile(r'<svg role="img" aria-label="([^"]*)"(.*?)</svg>', re.DOTALL)
_VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')


def _chart_image(match: re.Match) -> str:
    svg = match.group(0)
    head = svg[: svg.index(">")]
    style = ""
    if 'width="100%"' in head:
        # A fluid chart: as an image it still fills the width, and it keeps matplotlib's
        # size in points (the viewBox) as its intrinsic size, so a max-height keeps its shape.
        box = _VIEWBOX.search(head)
        if box:
            size = f'width="{box.group(1)}pt" height="{box.group(2)}pt"'
            svg = svg.replace('width="100%"', size, 1)
        style = ' style="width: 100%"'
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # The label was escaped for an attribute by to_svg.
    return f'<img alt="{match.group(1)}" src="data:image/svg+xml;base64,{data}"{style}>'


def charts_as_images(html: str) -> str:
    """The document with every inline chart replaced by the same SVG as an ``<img>``."""
    return _CHART.sub(_chart_image, html)


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (a full page with its CSS inline) as PDF bytes.

    The rendering runs at a lower CPU priority than the caller (see the module's text);
    its exceptions reach the caller unchanged.
    """
    return lower_priority(_render, html)


def _render(html: str) -> bytes:
    from weasyprint import HTML

    # Tagged PDF/UA-1: Swedish public bodies must publish accessible documents (the
    # accessibility directive, lagen om tillgänglighet till digital offentlig service), and a
    # screen reader needs the structure tree, the language (<html lang>) and the title.
    document = HTML(string=charts_as_images(html), base_url=BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def template_to_pdf(template: str, context: dict, request=None) -> bytes:
    """Render a Django template to HTML and that HTML to PDF."""
    from django.template.loader import render_to_string

    return html_to_pdf(render_to_string(template, context, request=request))
