"""Links from the figures of an internal lägesbild to the incidents behind them.

A total, a trend bar, a category row and a child area each link to the incident list
(``/handelser/``) filtered by area, period, category and the picture's partnership, which
applies the lägesbild's own counting rule (no summaries, no duplicates, the partnership's
incidents). The list stays scoped to what the user may see, so a link never shows more than
the unfiltered list would.

Only internal pictures link: shared and public ones hold suppressed aggregates, whose
incidents their readers must not be led to. And only for users who may use the list
(``incidents.triage``) and only for areas the list's area filter offers them; an area it
does not offer would make the filter invalid, and an invalid filter shows everything.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.incidents.models import Category
from samverkan.situation.build import INTERNAL


def incident_links(report, figures: dict, user) -> dict | None:
    """URLs of the incident list behind each figure, or None when the picture links nowhere.

    Returns
    -------
    dict or None
        ``{"total": url, "categories": {code: url}, "children": {code: url},
        "trend": [url or None, ...]}``; ``trend`` follows ``figures["trend"]``.
    """
    # Imported here: the list's own area rule, one place for both.
    from samverkan.incidents.views import partnership_areas

    if figures.get("audience") != INTERNAL or not user.has_perm("incidents.triage"):
        return None
    allowed = set(partnership_areas(user).values_list("id", flat=True))
    if report.area_id not in allowed:
        return None
    period = figures.get("period") or {}
    base = {
        "area": report.area_id,
        "start": period.get("first_day") or report.period_start.date().isoformat(),
        "end": period.get("last_day") or "",
    }
    if report.partnership_id:
        base["partnership"] = report.partnership_id
    url = reverse("incident-triage")

    def link(**changes) -> str:
        return f"{url}?{urlencode({**base, **changes})}"

    codes = [r["code"] for r in figures.get("by_category") or []]
    category_ids = dict(
        Category.objects.filter(parent=None, code__in=codes).values_list("code", "id")
    )
    child_codes = [r["code"] for r in figures.get("by_child_area") or []]
    children = dict(
        Area.objects.filter(
            parent_id=report.area_id, code__in=child_codes, pk__in=allowed
        ).values_list("code", "id")
    )
    trend = []
    for point in figures.get("trend") or []:
        try:
            p = periods.parse(point["label"], period.get("type"))
        except (periods.PeriodError, KeyError, TypeError):
            trend.append(None)
            continue
        trend.append(link(start=p.first_day.isoformat(), end=p.last_day.isoformat()))
    return {
        "total": link(),
        "categories": {code: link(category=pk) for code, pk in category_ids.items()},
        "children": {code: link(area=pk) for code, pk in children.items()},
        "trend": trend,
    }
