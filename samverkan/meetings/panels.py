"""The meetings app's start-page panel (:mod:`samverkan.core.start_page`): a coordinator's
next meeting and the short-term actions agreed in meetings that are past their due date."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from samverkan.core import start_page
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.meetings import workflow
from samverkan.meetings.models import Meeting, MeetingAction, without_large_fields

LATEST = 10


def coordinator_context(request) -> dict:
    now = timezone.now()
    user = request.user
    upcoming = (
        scope(Meeting.objects.all(), user)
        .exclude(status=workflow.CLOSED)
        .filter(starts_at__gte=now - timedelta(hours=12))
        .select_related("series")
        .defer(*without_large_fields())
        .order_by("starts_at")
    )
    overdue = (
        scope(MeetingAction.objects.all(), user)
        .filter(status__in=workflow.OPEN_STATUSES, due_date__lt=timezone.localdate())
        .select_related("meeting", "owner_organisation")
        .defer(*without_large_fields("meeting"))
        .order_by("due_date", "pk")
    )
    unclosed = (
        scope(Meeting.objects.all(), user)
        .filter(Meeting.overdue_q())
        .select_related("series")
        .defer(*without_large_fields())
        .order_by("-starts_at")
    )
    return {
        "next_meeting": upcoming.first(),
        "unclosed_count": unclosed.count(),
        "unclosed": unclosed.first(),
        "overdue_count": overdue.count(),
        "overdue": list(overdue[:LATEST]),
    }


def register() -> None:
    start_page.register(
        start_page.Panel(
            "meetings.next",
            {Role.COORDINATOR},
            "meetings/panels/next.html",
            coordinator_context,
            order=15,
        )
    )
