"""The lägesbild as an A4 PDF, rendered by WeasyPrint from the self-contained HTML."""

from __future__ import annotations

from samverkan.situation.exports.html import render_text


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    from weasyprint import HTML

    html = render_text(figures, assessments=assessments, language=language, meta=meta)
    # No base URL: everything is inline, and nothing may be fetched from a network.
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"Lägesbildens PDF hämtar inget utifrån ({url}).")
