"""The situation app's start-page panels (:mod:`samverkan.core.start_page`): the
lägesbilder waiting for a coordinator's approval, and for the steering group the latest
approved picture of each of its partnerships."""

from __future__ import annotations

from samverkan.core import start_page
from samverkan.core.permissions import partnership_ids, scope
from samverkan.core.roles import Role
from samverkan.situation import workflow
from samverkan.situation.models import SituationReport
from samverkan.situation.scope import listed

LATEST = 10


def approval_context(request) -> dict:
    user = request.user
    waiting = (
        listed(scope(SituationReport.objects.filter(status__in=workflow.AWAITING_APPROVAL), user))
        # One the user approved first waits for someone else, not for them.
        .exclude(first_approved_by_id=user.pk)
        .order_by("-period_start", "-version")
    )
    rows = [r for r in waiting[: LATEST * 3] if user.has_perm("situation.approve_report", r)]
    return {"reports": rows[:LATEST]}


def latest_approved_context(request) -> dict | None:
    user = request.user
    released = listed(scope(SituationReport.objects.filter(status__in=workflow.RELEASED), user))
    latest = []
    # One picture per partnership in which the user sits in the steering group.
    for pid in sorted(partnership_ids(user, {Role.STEERING})):
        report = (
            released.filter(partnership_id=pid)
            .order_by("-period_end", "-approved_at", "-version")
            .first()
        )
        if report is not None:
            latest.append(report)
    return {"reports": latest}


def register() -> None:
    start_page.register(
        start_page.Panel(
            "situation.approval",
            {Role.COORDINATOR},
            "situation/panels/approval.html",
            approval_context,
            order=40,
        )
    )
    start_page.register(
        start_page.Panel(
            "situation.latest",
            {Role.STEERING},
            "situation/panels/latest.html",
            latest_approved_context,
            order=30,
        )
    )
