"""The agenda of a weekly meeting: what is new since the previous meeting.

Sections, in the order of an EST meeting (Effektiv samordning för trygghet):

* what arrived since the previous meeting (reports, police events, other sources), counted
  by area and category, each count with the incidents behind it;
* flagged places of the last weeks, taken from the lägesbild's own sections (repeat
  places, active near-repeat alert zones, significant hot spots) by building the
  lägesbild's figures for the partnership's areas (:func:`samverkan.situation.build.
  build_figures`), so the meeting and the lägesbild never disagree;
* reports still waiting for feedback to their reporter.

The open actions of earlier meetings are read live in the views (they are followed up in
the meeting); :func:`build_agenda` returns the parts that are frozen with the agenda.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.incidents import workflow as incident_workflow
from samverkan.incidents.importers.polisen import SOURCE as POLICE_SOURCE
from samverkan.incidents.models import Incident, IncidentArea
from samverkan.incidents.permissions import partnership_filter
from samverkan.incidents.services import REPORT_SOURCE
from samverkan.situation.build import build_figures
from samverkan.situation.build.common import INTERNAL, Categories

# Flagged places look at the last four weeks: a week alone is too few incidents for a
# repeat place or a hot spot, and older places are the tertial analysis's business.
FLAG_WEEKS = 4
# A meeting with no previous one looks back one week, the cycle of the series.
FIRST_WINDOW = timedelta(days=7)
MAX_WAITING = 50

SOURCE_KINDS = (
    ("reports", "Rapporter från partner"),
    ("police", "Polisens händelser"),
    ("other", "Andra källor"),
)


def source_kind(source: str) -> str:
    if source == REPORT_SOURCE:
        return "reports"
    if source == POLICE_SOURCE:
        return "police"
    return "other"


def window(meeting) -> tuple[datetime, datetime]:
    """``[start, end)``: from the previous meeting's start to this meeting's start."""
    previous = meeting.previous()
    start = previous.starts_at if previous else meeting.starts_at - FIRST_WINDOW
    return start, meeting.starts_at


def new_incidents(partnership: Partnership, start: datetime, end: datetime):
    """Incidents of the partnership's picture that arrived (were reported) in the window.

    What the lägesbild counts (:func:`samverkan.incidents.permissions.partnership_filter`,
    no summaries, no duplicates), selected on ``reported_at``: a report arrives when it is
    made, a police event when the police publish it, whenever it happened.
    """
    return (
        Incident.objects.filter(
            partnership_filter([partnership]),
            reported_at__gte=start,
            reported_at__lt=end,
            is_summary=False,
        )
        .exclude(status=incident_workflow.DUPLICATE)
        .order_by("reported_at", "pk")
    )


def _root_areas(partnership: Partnership) -> list[Area]:
    return list(partnership.areas.order_by("name"))


def _sub_areas(roots: list[Area]) -> dict[int, Area]:
    """The imported areas just below the partnership's areas (districts), by id."""
    return {
        a.pk: a
        for a in Area.objects.filter(
            parent__in=roots, owner_partnership__isnull=True, valid_to__isnull=True
        )
    }


def count_new(partnership: Partnership, start: datetime, end: datetime) -> dict:
    """The window's new incidents by source, and by area and category group."""
    rows = list(new_incidents(partnership, start, end).values_list("pk", "source", "category_id"))
    ids = [r[0] for r in rows]
    roots = _root_areas(partnership)
    subs = _sub_areas(roots)
    area_of: dict[int, int] = {}
    for incident_id, area_id in (
        IncidentArea.objects.filter(incident_id__in=ids, area_id__in=list(subs))
        .order_by("area_id")
        .values_list("incident_id", "area_id")
    ):
        area_of.setdefault(incident_id, area_id)
    cats = Categories()
    by_source: dict[str, list[int]] = defaultdict(list)
    cells: dict[tuple, dict] = {}
    for pk, source, cat_id in rows:
        kind = source_kind(source)
        by_source[kind].append(pk)
        area_id = area_of.get(pk)
        group = cats.group_of.get(cat_id, cat_id)
        key = (area_id, group)
        cell = cells.setdefault(
            key,
            {
                "area_id": area_id,
                "area": subs[area_id].name if area_id else "",
                "category_id": group,
                "category": cats.by_id[group]["label_sv"] if group in cats.by_id else "",
                "reports": 0,
                "police": 0,
                "other": 0,
                "ids": [],
            },
        )
        cell[kind] += 1
        cell["ids"].append(pk)
    table = sorted(
        cells.values(),
        key=lambda c: (c["area_id"] is None, c["area"], -len(c["ids"]), c["category"]),
    )
    for cell in table:
        cell["count"] = len(cell["ids"])
    return {
        "total": len(ids),
        "by_source": [
            {"kind": kind, "label": label, "count": len(by_source[kind]), "ids": by_source[kind]}
            for kind, label in SOURCE_KINDS
        ],
        "rows": table,
    }


def flagged_places(partnership: Partnership, end: datetime, weeks: int = FLAG_WEEKS) -> dict:
    """Repeat places, active near-repeat zones and hot spots of the weeks before ``end``.

    Built with the lägesbild's own sections for each of the partnership's areas over the
    last ``weeks`` whole days before the meeting (internal audience: the meeting is the
    partnership's own work).
    """
    zone = periods.local_zone()
    end_day = timezone.localtime(end, zone).date()
    first = end_day - timedelta(weeks=weeks)
    start_at = datetime.combine(first, datetime.min.time(), zone)
    end_at = datetime.combine(end_day, datetime.min.time(), zone)
    out = {"weeks": weeks, "repeat_places": [], "near_repeat": [], "hotspots": []}
    points = Incident.objects.filter(
        partnership_filter([partnership]),
        occurred_from__gte=start_at,
        occurred_from__lt=end_at,
        lon__isnull=False,
        is_summary=False,
    )
    if not points.exists():
        # Nothing to flag: the lägesbild's full build costs a second for no place.
        return out
    for area in _root_areas(partnership):
        figures = build_figures(
            area,
            start_at,
            end_at,
            periods.CUSTOM,
            partnership=partnership,
            audience=INTERNAL,
            now=end,
        )
        for place in figures.get("repeat_places") or []:
            out["repeat_places"].append({**place, "area": area.name})
        for z in (figures.get("near_repeat") or {}).get("zones") or []:
            if datetime.fromisoformat(z["expires_at"]) > end:
                out["near_repeat"].append({**z, "area": area.name})
        for cell in (figures.get("hotspots") or {}).get("cells") or []:
            if cell.get("hot") == "hot":
                out["hotspots"].append({**cell, "area": area.name})
    return out


def waiting_for_feedback(partnership: Partnership, end: datetime) -> dict:
    """Reports from people that have no feedback to their reporter yet."""
    qs = (
        Incident.objects.filter(
            partnership_filter([partnership]),
            source=REPORT_SOURCE,
            reported_at__lt=end,
        )
        .filter(Q(feedback="") | Q(feedback__isnull=True))
        .exclude(status=incident_workflow.DUPLICATE)
        .select_related("category")
        .order_by("reported_at", "pk")
    )
    items = [
        {
            "id": i.pk,
            "category": i.category.label_sv,
            "place": i.place_name,
            "reported_at": i.reported_at.isoformat(),
        }
        for i in qs[:MAX_WAITING]
    ]
    return {"count": qs.count(), "items": items, "ids": list(qs.values_list("pk", flat=True))}


def build_agenda(meeting) -> dict:
    """The frozen parts of ``meeting``'s agenda (JSON-serialisable)."""
    start, end = window(meeting)
    partnership = meeting.series.partnership
    return {
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "new": count_new(partnership, start, end),
        "flagged": flagged_places(partnership, end),
        "waiting_feedback": waiting_for_feedback(partnership, end),
    }
