"""Status workflows of meetings and their short-term actions, as data tables.

Checked by the one workflow module (:mod:`samverkan.core.workflow`) before every change.
A closed meeting is final: its minutes are frozen.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["ACTION", "MEETING", "WORKFLOWS", "TransitionError"]

PLANNED, CLOSED = "planned", "closed"
MEETING_STATUSES = [(PLANNED, _("Planerat")), (CLOSED, _("Avslutat, protokoll fryst"))]
MEETING_TRANSITIONS: dict[str, set[str]] = {PLANNED: {CLOSED}, CLOSED: set()}

OPEN, ONGOING, DONE, CANCELLED = "open", "ongoing", "done", "cancelled"
ACTION_STATUSES = [
    (OPEN, _("Ej påbörjad")),
    (ONGOING, _("Pågår")),
    (DONE, _("Klar")),
    (CANCELLED, _("Struken")),
]
# Open actions are the ones a later agenda starts with.
OPEN_STATUSES = (OPEN, ONGOING)
ACTION_TRANSITIONS: dict[str, set[str]] = {
    OPEN: {ONGOING, DONE, CANCELLED},
    ONGOING: {OPEN, DONE, CANCELLED},
    DONE: {ONGOING},
    CANCELLED: {OPEN},
}

MEETING = Workflow(MEETING_TRANSITIONS, MEETING_STATUSES, _("Mötets"))
ACTION = Workflow(ACTION_TRANSITIONS, ACTION_STATUSES, _("Åtgärdens"))
WORKFLOWS = {"meeting": MEETING, "action": ACTION}
