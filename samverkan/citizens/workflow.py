"""An observation's status workflow, as a data table (the Signalen pattern).

A resident's observation waits for one decision: accepted (it becomes an incident),
merged with a report, or rejected (its text and photo are removed). Every decision is
final: a second coordinator deciding the same observation finds it already decided.
Checked by the one workflow module (:mod:`samverkan.core.workflow`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["OBSERVATION", "STATUSES", "TransitionError"]

PENDING, ACCEPTED, MERGED, REJECTED = "pending", "accepted", "merged", "rejected"
STATUSES = [
    (PENDING, _("Väntar på granskning")),
    (ACCEPTED, _("Godtagen")),
    (MERGED, _("Sammanförd med en rapport")),
    (REJECTED, _("Avvisad")),
]
TRANSITIONS: dict[str, set[str]] = {
    PENDING: {ACCEPTED, MERGED, REJECTED},
    ACCEPTED: set(),
    MERGED: set(),
    REJECTED: set(),
}
# Shown on the residents' map: what a coordinator let through.
PUBLIC = (ACCEPTED, MERGED)

OBSERVATION = Workflow(TRANSITIONS, STATUSES, _("Observationens"))
