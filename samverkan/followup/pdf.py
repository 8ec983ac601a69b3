"""Tertial reports and evaluations as A4 PDFs, rendered by WeasyPrint from inline HTML.

Everything the PDF needs is inside the HTML (CSS, SVG charts from :mod:`.charts`), and
the URL fetcher refuses the network, so the PDF renders the same on a closed network.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from samverkan.core.pdf import html_to_pdf
from samverkan.followup import charts


def tertial_html(report, *, language: str = "sv") -> str:
    snap = report.snapshot or {}
    with translation.override(language):
        return render_to_string(
            "followup/print_tertial.html",
            {
                "report": report,
                "snap": snap,
                "chart": charts.small_multiples(
                    snap.get("indicators", []), snap.get("goals", []), report.tertial
                ),
            },
        )


def evaluation_html(evaluation, *, language: str = "sv") -> str:
    with translation.override(language):
        return render_to_string(
            "followup/print_evaluation.html", {"ev": evaluation, "r": evaluation.results or {}}
        )


def tertial_pdf(report, **kwargs) -> bytes:
    return html_to_pdf(tertial_html(report, **kwargs))


def evaluation_pdf(evaluation, **kwargs) -> bytes:
    return html_to_pdf(evaluation_html(evaluation, **kwargs))
