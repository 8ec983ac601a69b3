"""The plans app's start-page panels (:mod:`samverkan.core.start_page`): measures past
their end date for a coordinator, the adopted action plans' progress for the steering
group."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from samverkan.core import start_page
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.plans import workflow
from samverkan.plans.models import ActionPlan, Measure

LATEST = 10
OPEN = (workflow.PLANNED, workflow.ONGOING)


def overdue_context(request) -> dict:
    today = timezone.localdate()
    overdue = scope(Measure.objects.filter(end__lt=today, status__in=OPEN), request.user)
    return {
        "count": overdue.count(),
        "measures": list(overdue.select_related("plan", "owner").order_by("end", "pk")[:LATEST]),
    }


def progress_context(request) -> dict:
    plans = (
        scope(ActionPlan.objects.filter(status=workflow.ADOPTED), request.user)
        .annotate(
            n_total=Count("measures", filter=~Q(measures__status=workflow.CANCELLED)),
            n_done=Count("measures", filter=Q(measures__status=workflow.DONE)),
            n_ongoing=Count("measures", filter=Q(measures__status=workflow.ONGOING)),
        )
        .order_by("-start_year", "title")
    )
    rows = []
    for plan in plans[:LATEST]:
        # Cancelled measures are left out: they are neither done nor still to do.
        share = round(100 * plan.n_done / plan.n_total) if plan.n_total else None
        rows.append({"plan": plan, "percent": share})
    return {"plans": rows}


def register() -> None:
    start_page.register(
        start_page.Panel(
            "plans.overdue",
            {Role.COORDINATOR},
            "plans/panels/overdue.html",
            overdue_context,
            order=50,
        )
    )
    start_page.register(
        start_page.Panel(
            "plans.progress",
            {Role.STEERING},
            "plans/panels/progress.html",
            progress_context,
            order=35,
        )
    )
