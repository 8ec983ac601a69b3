"""The one way to draw a chart: matplotlib to an inline, self-contained SVG.

Charts of the lägesbild and of the follow-up are inline SVG in HTML pages, exports and
PDFs. They share one style (text stays text, so nothing fetches a font; names from data
are never parsed as mathtext) and one conversion (:func:`to_svg`): element ids prefixed
per chart so several charts on a page never share an id, an accessible name, and a width
that scales with the page.
"""

from __future__ import annotations

import contextvars
import io
import itertools
import re

from matplotlib.figure import Figure

STYLE = {
    # Text as <text>, not paths: readable, searchable and no font to embed or fetch.
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # A fixed salt: the same figure gives the same SVG.
    "svg.hashsalt": "samverkan",
    # Names come from data: "$\foo$" must be drawn as written, not parsed as mathtext.
    "text.parse_math": False,
}

_charts = itertools.count(1)
# Set by png_of(): where to_svg() puts the figure as PNG instead of drawing SVG.
_png_sink: contextvars.ContextVar[list | None] = contextvars.ContextVar("png_sink", default=None)


def style(**overrides) -> dict:
    """The shared rc parameters with ``overrides`` (e.g. ``{"font.size": 8}``)."""
    return {**STYLE, **overrides}


def escape(text) -> str:
    """``text`` safe inside an XML attribute or element."""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def to_svg(fig: Figure, title: str, *, fluid: bool = True) -> str:
    """The figure as an ``<svg>`` element for inline use.

    Parameters
    ----------
    fig : Figure
        The drawn figure.
    title : str
        The chart's accessible name (``aria-label``); the numbers are in a table beside it.
    fluid : bool
        Width 100% so the chart scales with the page (HTML and PDF); False keeps
        matplotlib's size in points.
    """
    sink = _png_sink.get()
    if sink is not None:
        # Inside png_of(): the caller wants the drawn figure as PNG (a DOCX), not SVG.
        sink.append((to_png(fig), title))
        return ""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    # matplotlib numbers element ids per figure (line2d_1 ...); several charts on one page
    # would repeat them, so each chart gets its own prefix.
    prefix = f"c{next(_charts)}-"
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', text)
    label = f'<svg role="img" aria-label="{escape(title)}" '
    if fluid:
        return re.sub(
            r"<svg ([^>]*?)width=\"[^\"]*\" height=\"[^\"]*\"",
            lambda m: f'{label}{m.group(1)}width="100%"',
            text,
            count=1,
        )
    return text.replace("<svg ", label, 1)


def to_png(fig: Figure, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for documents that cannot hold SVG, such as DOCX)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    return buf.getvalue()


def png_of(draw, *args, **kwargs) -> tuple[bytes, str] | None:
    """Run a chart function that ends in :func:`to_svg` and return its figure as PNG.

    The chart functions of the lägesbild and the follow-up draw a figure and hand it to
    :func:`to_svg`; called through ``png_of`` the same drawing comes back as
    ``(png_bytes, title)`` instead, so a DOCX shows exactly the chart of the PDF.

    Parameters
    ----------
    draw : callable
        A chart function such as ``trend_svg``; ``args`` and ``kwargs`` are passed on.

    Returns
    -------
    tuple of (bytes, str) or None
        The last figure drawn and its accessible name; None if ``draw`` drew nothing.
    """
    sink: list = []
    token = _png_sink.set(sink)
    try:
        draw(*args, **kwargs)
    finally:
        _png_sink.reset(token)
    return sink[-1] if sink else None


def outer_rings(geometry: dict | None) -> list:
    """The outer ring of every polygon in a GeoJSON geometry or feature, to draw outlines.

    Holes are left out: the maps shade whole areas, and an area's holes are other areas
    drawn on top of it.
    """
    if not geometry:
        return []
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        return [coords[0]] if coords else []
    if kind == "MultiPolygon":
        return [poly[0] for poly in coords if poly]
    if kind == "GeometryCollection":
        return [r for g in geometry.get("geometries", []) for r in outer_rings(g)]
    if kind == "Feature":
        return outer_rings(geometry.get("geometry"))
    return []
