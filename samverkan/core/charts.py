"""The one way to draw a chart: matplotlib to an inline, self-contained SVG.

Charts of the lägesbild and of the follow-up are inline SVG in HTML pages, exports and
PDFs. They share one style (text stays text, so nothing fetches a font; names from data
are never parsed as mathtext) and one conversion (:func:`to_svg`): element ids prefixed
per chart so several charts on a page never share an id, an accessible name, and a width
that scales with the page.
"""

from __future__ import annotations

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
