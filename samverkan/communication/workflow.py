"""The status workflow of a communication activity, as a data table.

Planned activities are either carried out (done, with what happened) or cancelled; both
can be opened again, since a wrongly recorded outcome must be correctable.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["ACTIVITY", "TransitionError"]

PLANNED, DONE, CANCELLED = "planned", "done", "cancelled"
ACTIVITY_STATUSES = [
    (PLANNED, _("Planerad")),
    (DONE, _("Genomförd")),
    (CANCELLED, _("Inställd")),
]
ACTIVITY_TRANSITIONS: dict[str, set[str]] = {
    PLANNED: {DONE, CANCELLED},
    DONE: {PLANNED},
    CANCELLED: {PLANNED},
}
ACTIVITY = Workflow(ACTIVITY_TRANSITIONS, ACTIVITY_STATUSES, subject="Kommunikationsaktivitetens")
