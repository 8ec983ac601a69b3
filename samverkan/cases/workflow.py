"""Workflows of preventive cases and information requests as data tables.

One table of allowed transitions per workflow, checked in one place:
:func:`check_transition`. An anonymised case has no transitions at all.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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


class TransitionError(ValueError):
    """A status change that the workflow table does not allow."""


def check_transition(current: str, target: str, table: dict[str, set[str]] = TRANSITIONS) -> None:
    if target not in table.get(current, set()):
        raise TransitionError(f"Status kan inte ändras från '{current}' till '{target}'.")
