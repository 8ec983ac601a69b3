"""The action plan as a Word document (DOCX), mirroring its PDF (``plans/pdf/action_plan.html``).

Facts (partnership, area, status and adoption, printed on), the summary, the measures
table with the same eight columns, and the timeline, drawn with matplotlib through
:mod:`samverkan.core.charts` (the PDF's timeline is hand-written SVG, which a DOCX cannot
hold) with the same span (:func:`samverkan.plans.timeline.span`) and status colours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import matplotlib
import matplotlib.dates as mdates
from django.utils import timezone
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from samverkan.core import charts
from samverkan.core.docx import WordDocument, partnership_organisation
from samverkan.plans import timeline


def _day(d) -> str:
    return d.strftime("%Y-%m-%d") if d else ""


def timeline_svg(plan, measures, today: date | None = None) -> str:
    """One bar per measure from start to end, coloured by status, a line for today; the
    registered markers (:func:`samverkan.plans.timeline.markers`) as diamonds below."""
    measures = list(measures)
    extra = timeline.markers(plan)
    today = today or timezone.localdate()
    start, end = timeline.span(plan, measures + extra)
    rows = len(measures) + len(extra)
    with matplotlib.rc_context(charts.style()):
        fig = Figure(figsize=(9, 0.35 * max(rows, 1) + 0.9))
        ax = fig.subplots()
        for i, m in enumerate(measures):
            ax.barh(
                i,
                (m.end - m.start).days + 1,
                left=mdates.date2num(m.start),
                color=timeline.COLOURS.get(m.status, "#8aa4c8"),
                height=0.6,
            )
        for i, mk in enumerate(extra, start=len(measures)):
            ax.plot(mdates.date2num(mk.on), i, marker="D", color=mk.colour, markersize=7)
        labels = [m.title[:45] for m in measures] + [mk.label[:45] for mk in extra]
        ax.set_yticks(range(rows), labels)
        ax.set_ylim(rows - 0.5, -0.5)
        ax.set_xlim(mdates.date2num(start), mdates.date2num(end + timedelta(days=1)))
        ax.xaxis_date()
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(axis="x", color="#cccccc")
        if start <= today <= end:
            ax.axvline(mdates.date2num(today), color="#b94a48", lw=1)
        return charts.to_svg(fig, _("Tidslinje för %(plan)s") % {"plan": plan.title})


def render(plan, measures, *, printed: date | None = None) -> bytes:
    """The DOCX bytes of ``plan`` with ``measures`` (the PDF's queryset, same order)."""
    measures = list(measures)
    printed = printed or timezone.localdate()
    doc = WordDocument(
        f"{plan.title} {plan.period}",
        organisation=partnership_organisation(plan.partnership),
    )
    facts = [[_("Samverkan"), plan.partnership.name]]
    if plan.area:
        facts.append([_("Område"), plan.area.name])
    status = str(plan.get_status_display())
    if plan.adopted_on:
        status += f" – {_('antagen av')} {plan.adopted_by} {_day(plan.adopted_on)}"
    facts.append([_("Status"), status])
    facts.append([_("Utskriven"), _day(printed)])
    doc.table(None, facts)
    if plan.summary:
        doc.paragraph(plan.summary)

    doc.heading(_("Åtgärder"), 1)
    rows = []
    for m in measures:
        title = m.title + (f"\n{m.description}" if m.description else "")
        owner = m.owner.name + (f"\n{m.responsible_person}" if m.responsible_person else "")
        rows.append(
            [
                title,
                "; ".join(str(p) for p in m.problems.all()),
                str(m.get_target_side_display()),
                owner,
                ", ".join(str(p) for p in m.partners.all()),
                f"{_day(m.start)} – {_day(m.end)}",
                m.resources,
                str(m.get_status_display()),
            ]
        )
    header = [
        _("Åtgärd"),
        _("Problem"),
        _("Riktas mot"),
        _("Ansvarig"),
        _("Samarbetspartner"),
        _("Tid"),
        _("Resurser"),
        _("Status"),
    ]
    doc.table(header, rows or [[_("Inga åtgärder ännu.")] + [""] * 7])
    if measures:
        doc.heading(_("Tidslinje"), 1)
        doc.chart(
            timeline_svg, plan, measures, alt=_("Tidslinje för %(plan)s") % {"plan": plan.title}
        )
    for section in _SECTIONS:
        section(doc, plan)
    return doc.to_bytes()


# Sections that apps above plans append to the plan's DOCX (registered in their ready()).
_SECTIONS: list[Callable] = []


def register_section(fn: Callable) -> None:
    """Add ``fn(doc, plan)``, which writes headings and tables into the WordDocument."""
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)
