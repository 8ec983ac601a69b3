"""The Gantt-like timeline of an action plan's measures, as server-rendered SVG.

Drawn on the server so that the page, its print and the PDF show the same picture with
no JavaScript: one row per measure, a bar from start to end coloured by status, a line
per year and a marker for today.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from samverkan.plans import workflow

COLOURS = {
    workflow.PLANNED: "#8aa4c8",
    workflow.ONGOING: "#1f6f43",
    workflow.DONE: "#555555",
    workflow.CANCELLED: "#b94a48",
}
LABEL_W, CHART_W, ROW_H, TOP = 300, 640, 26, 30


@dataclass(frozen=True)
class Marker:
    """A dated event drawn as a diamond below the measures (e.g. a communication activity)."""

    on: date
    label: str
    colour: str
    title: str

    @property
    def start(self) -> date:
        return self.on

    @property
    def end(self) -> date:
        return self.on


# Apps above plans add their dated events here (in their AppConfig.ready()): plans may not
# import them, so they come to the timeline instead of the timeline going to them.
_SOURCES: list[Callable] = []


def register_source(fn: Callable) -> None:
    """Add ``fn(plan) -> iterable of Marker`` to every plan's timeline."""
    if fn not in _SOURCES:
        _SOURCES.append(fn)


def markers(plan) -> list[Marker]:
    return [m for fn in _SOURCES for m in fn(plan)]


def span(plan, measures) -> tuple[date, date]:
    start, end = date(plan.start_year, 1, 1), date(plan.end_year, 12, 31)
    for m in measures:
        start, end = min(start, m.start), max(end, m.end)
    return date(start.year, 1, 1), date(end.year, 12, 31)


def svg(plan, measures, today: date | None = None) -> str:
    measures = list(measures)
    extra = markers(plan)
    today = today or timezone.localdate()
    start, end = span(plan, measures + extra)
    days = (end - start).days + 1

    def x(d: date) -> float:
        return LABEL_W + CHART_W * ((d - start).days / days)

    height = TOP + ROW_H * (max(len(measures), 1) + len(extra)) + 10
    width = LABEL_W + CHART_W + 10
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="Tidslinje för {escape(plan.title)}">'
        "<style>text{font:12px sans-serif;fill:#222}.yr{fill:#555}</style>"
    )
    parts = [head]
    for year in range(start.year, end.year + 1):
        x0 = x(date(year, 1, 1))
        parts.append(
            f'<line x1="{x0:.1f}" y1="{TOP - 14}" x2="{x0:.1f}" y2="{height - 5}" '
            'stroke="#ccc"/>'
            f'<text class="yr" x="{x0 + 4:.1f}" y="{TOP - 16}">{year}</text>'
        )
    for i, m in enumerate(measures):
        y = TOP + i * ROW_H
        label = m.title if len(m.title) <= 42 else m.title[:40] + "…"
        x0, x1 = x(m.start), x(m.end)
        colour = COLOURS.get(m.status, "#888")
        parts.append(
            f'<text x="4" y="{y + 17}">{escape(label)}</text>'
            f'<rect x="{x0:.1f}" y="{y + 5}" width="{max(x1 - x0, 3):.1f}" height="16" '
            f'rx="3" fill="{colour}"><title>{escape(m.title)}: {m.start:%Y-%m-%d} – '
            f"{m.end:%Y-%m-%d} ({escape(str(m.get_status_display()))})</title></rect>"
        )
    if not measures:
        parts.append(f'<text x="4" y="{TOP + 17}">Inga åtgärder ännu.</text>')
    for i, mk in enumerate(extra, start=max(len(measures), 1)):
        y, xm = TOP + i * ROW_H + 13, x(mk.on)
        label = mk.label if len(mk.label) <= 42 else mk.label[:40] + "…"
        parts.append(
            f'<text x="4" y="{y + 4}">{escape(label)}</text>'
            f'<path d="M{xm:.1f} {y - 7}l7 7-7 7-7-7z" fill="{escape(mk.colour)}">'
            f"<title>{escape(mk.title)}</title></path>"
        )
    if start <= today <= end:
        xt = x(today)
        parts.append(
            f'<line x1="{xt:.1f}" y1="{TOP - 10}" x2="{xt:.1f}" y2="{height - 5}" '
            'stroke="#d9822b" stroke-width="2" stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
