"""The communication activities in the action plan: timeline, page, PDF, DOCX and XLSX.

plans may not import this app (it is below it), so the plan's timeline and exports offer
registries (:func:`samverkan.plans.timeline.register_source` and the like) that
:meth:`CommunicationConfig.ready` fills through :func:`register`. An activity belongs to a
plan when it is tied to one of the plan's measures, or to a citizen promise behind one,
and lies in the plan's area.
"""

from __future__ import annotations

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.communication import workflow
from samverkan.communication.models import Activity
from samverkan.core.permissions import descendant_ids, scope

COLOURS = {
    workflow.PLANNED: "#2b6cb0",
    workflow.DONE: "#1f6f43",
    workflow.CANCELLED: "#b94a48",
}
OVERDUE_COLOUR = "#d9822b"


def plan_activities(plan, user=None):
    """The activities of ``plan``, in date order; limited to what ``user`` may read.

    Only activities in the plan's area (or an area inside it) count: whoever reads the plan
    then reaches each of them, so the timeline and the exports, which know no reader, show
    nothing of an area the reader's membership does not cover.
    """
    qs = Activity.objects.filter(
        Q(measures__plan=plan) | Q(promises__measures__plan=plan),
        partnership_id=plan.partnership_id,
    )
    if plan.area_id is not None:
        qs = qs.filter(area_id__in=descendant_ids([plan.area_id]))
    qs = (
        qs.select_related("channel", "owner", "area")
        .defer("area__geometry")
        .distinct()
        .order_by("planned_on", "title", "pk")
    )
    if user is not None:
        qs = scope(qs, user)
    return list(qs)


def when(activity):
    return (
        activity.done_on
        if activity.status == workflow.DONE and activity.done_on
        else (activity.planned_on)
    )


def status_text(activity, today=None) -> str:
    text = str(activity.get_status_display())
    if activity.is_overdue(today):
        text += " – " + _("försenad")
    return text


def timeline_markers(plan):
    from samverkan.plans.timeline import Marker

    today = timezone.localdate()
    markers = []
    for a in plan_activities(plan):
        colour = OVERDUE_COLOUR if a.is_overdue(today) else COLOURS.get(a.status, "#888")
        label = _("Kommunikation: %(title)s") % {"title": a.title}
        title = f"{label} ({a.channel}), {when(a):%Y-%m-%d}: {status_text(a, today)}"
        markers.append(Marker(when(a), label, colour, title))
    return markers


def html_section(plan, *, user, target):
    signed_in = getattr(user, "is_authenticated", False)
    if target == "page" and not signed_in:
        return ""
    # Limited to what the reader may see (a membership limited to areas); a PDF rendered
    # without a request (no user) shows the plan's activities as its DOCX and XLSX do.
    activities = plan_activities(plan, user if signed_in else None)
    today = timezone.localdate()
    for a in activities:
        a.overdue = a.is_overdue(today)
    can_add = target == "page" and user is not None and user.has_perm("communication.add")
    if not activities and not can_add:
        return ""
    return render_to_string(
        "communication/_plan_section.html",
        {"plan": plan, "activities": activities, "target": target, "can_add": can_add},
    )


def _rows(plan, today=None):
    for a in plan_activities(plan):
        yield (
            a,
            [
                a.title,
                a.audience,
                a.message,
                str(a.channel),
                a.planned_on,
                a.owner.name + (f", {a.owner_person}" if a.owner_person else ""),
                "; ".join(m.title for m in a.measures.filter(plan=plan)),
                "; ".join(p.title for p in a.promises.all()),
                status_text(a, today),
                a.done_on,
                a.outcome,
                a.reached,
                a.link,
            ],
        )


SHEET_HEADER = [
    "aktivitet",
    "malgrupp",
    "budskap",
    "kanal",
    "planerat_datum",
    "ansvarig",
    "atgarder",
    "medborgarloften",
    "status",
    "genomford_den",
    "vad_blev_gjort",
    "antal_nadda",
    "lank",
]


def xlsx_sheet(plan):
    return "Kommunikation", SHEET_HEADER, [row for _a, row in _rows(plan)]


def docx_section(doc, plan):
    rows = []
    for _a, r in _rows(plan):
        done = ""
        if r[9]:
            done = f"{r[9]:%Y-%m-%d}" + (f"\n{r[10]}" if r[10] else "")
            if r[11] is not None:
                done += "\n" + _("Nådde %(n)s") % {"n": r[11]}
        rows.append([f"{r[0]}\n{r[2]}", r[1], r[3], f"{r[4]:%Y-%m-%d}", r[5], r[8], done])
    if not rows:
        return
    doc.heading(_("Kommunikationsplan"), 1)
    header = [
        _("Aktivitet och budskap"),
        _("Målgrupp"),
        _("Kanal"),
        _("Planerat"),
        _("Ansvarig"),
        _("Status"),
        _("Genomfört"),
    ]
    doc.table(header, rows)


def register():
    from samverkan.plans import docx, exports, pdf, timeline

    timeline.register_source(timeline_markers)
    pdf.register_section(html_section)
    docx.register_section(docx_section)
    exports.register_sheet(xlsx_sheet)
