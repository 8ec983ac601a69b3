"""Exports of a lägesbild: JSON, self-contained HTML, PDF, DOCX, XLSX and GeoJSON.

Every exporter takes the figures dict (a report's frozen snapshot or a fresh
``build_figures`` result) and returns bytes, so a stored report always exports exactly the
figures that were approved.
"""

from __future__ import annotations

from collections.abc import Callable

# Their content types are in samverkan.core.downloads.CONTENT_TYPES, the one table.
FORMATS = ("json", "html", "pdf", "docx", "xlsx", "geojson")


def exporter(fmt: str) -> Callable[..., bytes]:
    """The render function of ``fmt``: ``render(figures, *, assessments=None, language="sv")``."""
    if fmt == "json":
        from samverkan.situation.exports.json import render
    elif fmt == "html":
        from samverkan.situation.exports.html import render
    elif fmt == "pdf":
        from samverkan.situation.exports.pdf import render
    elif fmt == "docx":
        from samverkan.situation.docx import render
    elif fmt == "xlsx":
        from samverkan.situation.exports.xlsx import render
    elif fmt == "geojson":
        from samverkan.situation.exports.geojson import render
    else:
        raise ValueError(f"Okänt format '{fmt}' (välj {', '.join(FORMATS)}).")
    return render


def export(figures: dict, fmt: str, **kwargs) -> bytes:
    return exporter(fmt)(figures, **kwargs)


def export_report(report, fmt: str, *, language: str = "sv") -> bytes:
    """Export a stored report: its snapshot plus its assessments and status."""
    return export(
        report.snapshot,
        fmt,
        assessments=report.assessments,
        language=language,
        meta={
            "version": report.version,
            "status": report.status,
            "approved_at": report.approved_at.isoformat() if report.approved_at else None,
        },
    )
