"""Workflows of preventive cases and information requests as data tables.

One table of allowed transitions per workflow, checked by the one workflow module
(:mod:`samverkan.core.workflow`). An anonymised case has no transitions at all.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["CASE", "REQUEST", "TransitionError"]

# Case status (ärendestatus).
OPEN, ACTIVE, PAUSED, CLOSED = "open", "active", "paused", "closed"

STATUS_CHOICES = [
    (OPEN, _("Öppnat")),
    (ACTIVE, _("Pågående")),
    (PAUSED, _("Vilande")),
    (CLOSED, _("Avslutat")),
]

TRANSITIONS: dict[str, set[str]] = {
    OPEN: {ACTIVE, CLOSED},
    ACTIVE: {PAUSED, CLOSED},
    PAUSED: {ACTIVE, CLOSED},
    CLOSED: {ACTIVE},
}

# Information request between organisations: request -> decision -> disclosure.
PENDING, APPROVED, DENIED, DISCLOSED = "pending", "approved", "denied", "disclosed"

REQUEST_STATUS_CHOICES = [
    (PENDING, _("Väntar på beslut")),
    (APPROVED, _("Beviljad")),
    (DENIED, _("Avslagen")),
    (DISCLOSED, _("Uppgifter lämnade")),
]

REQUEST_TRANSITIONS: dict[str, set[str]] = {
    PENDING: {APPROVED, DENIED},
    APPROVED: {DISCLOSED},
    DENIED: set(),
    DISCLOSED: set(),
}

CASE = Workflow(TRANSITIONS, STATUS_CHOICES)
REQUEST = Workflow(REQUEST_TRANSITIONS, REQUEST_STATUS_CHOICES, subject="Begärans")
