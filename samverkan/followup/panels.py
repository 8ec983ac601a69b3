"""The follow-up app's start-page panel (:mod:`samverkan.core.start_page`): the effect
goals whose status is not what the partnership's latest tertial report recorded.

The tertial report is when the group last looked at its goals together, so a goal whose
computed status differs from that report's snapshot is news to the coordinator. Goals that
no tertial report has recorded yet are not listed: there is nothing they changed from.
"""

from __future__ import annotations

from samverkan.core import start_page
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.followup.models import EffectGoal, GoalStatus, TertialReport

LATEST = 10


def _recorded(user) -> dict[int, tuple[str, str]]:
    """goal id -> (status, tertial) from the latest tertial report that holds the goal.

    A partnership's report and each district's own report hold different goals, so the
    latest report of each (partnership, area) is read, the newest record of a goal
    winning. Reads the goals of those reports only: a report's snapshot holds every
    figure of its tertial, and each gathers three a year.
    """
    latest: dict[tuple[int, int | None], int] = {}
    reports = scope(TertialReport.objects.order_by("-period_start", "-pk"), user)
    for pk, partnership_id, area_id in reports.values_list("pk", "partnership_id", "area_id"):
        latest.setdefault((partnership_id, area_id), pk)
    recorded: dict[int, tuple[str, str]] = {}
    # Oldest first, so that a newer report's record of a goal replaces an older one's.
    chosen = TertialReport.objects.filter(pk__in=latest.values()).order_by("period_start", "pk")
    for tertial, goals in chosen.values_list("tertial", "snapshot__goals"):
        for goal in goals if isinstance(goals, list) else []:
            if isinstance(goal, dict) and "id" in goal and "status" in goal:
                recorded[goal["id"]] = (goal["status"], tertial)
    return recorded


def changed_goals_context(request) -> dict:
    user = request.user
    recorded = _recorded(user)
    goals = scope(EffectGoal.objects.filter(pk__in=recorded), user).select_related("indicator")
    rows = []
    for goal in goals.order_by("indicator__name", "title"):
        before, tertial = recorded[goal.pk]
        if before != goal.status:
            rows.append(
                {
                    "goal": goal,
                    "before": _label(before),
                    "now": _label(goal.status),
                    "tertial": tertial,
                }
            )
    return {"goals": rows[:LATEST], "count": len(rows)}


def _label(status: str) -> str:
    try:
        return str(GoalStatus(status).label)
    except ValueError:
        return status


def register() -> None:
    start_page.register(
        start_page.Panel(
            "followup.changed_goals",
            {Role.COORDINATOR},
            "followup/panels/changed_goals.html",
            changed_goals_context,
            order=60,
        )
    )
