"""The incidents app's start-page panels: reporting and the answers for a reporter,
the reports waiting for triage for a coordinator (:mod:`samverkan.core.start_page`)."""

from __future__ import annotations

from samverkan.core import start_page
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident, Status

LATEST = 5


def reporter_context(request) -> dict:
    # Only the person's own reports: feedback is written to the reporter, not to the group.
    answered = (
        Incident.objects.filter(reporter_id=request.user.pk)
        .exclude(feedback="")
        .select_related("category")
        .order_by("-feedback_at", "-id")
    )
    return {"feedback": list(answered[:LATEST])}


def triage_context(request) -> dict:
    waiting = scope(Incident.objects.filter(status=Status.NEW, is_summary=False), request.user)
    return {
        "count": waiting.count(),
        "latest": list(waiting.select_related("category").order_by("-created_at", "-id")[:LATEST]),
    }


def register() -> None:
    start_page.register(
        start_page.Panel(
            "incidents.report",
            {Role.REPORTER},
            "incidents/panels/report.html",
            reporter_context,
            order=10,
        )
    )
    start_page.register(
        start_page.Panel(
            "incidents.triage",
            {Role.COORDINATOR},
            "incidents/panels/triage.html",
            triage_context,
            order=20,
        )
    )
