"""The lägesbild as an A4 PDF, rendered by WeasyPrint from the self-contained HTML."""

from __future__ import annotations

from samverkan.core.pdf import html_to_pdf
from samverkan.situation.exports.html import render_text


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    return html_to_pdf(render_text(figures, assessments=assessments, language=language, meta=meta))
