"""Incident status workflow as a data table (the Signalen pattern).

One table of allowed transitions, checked by the one workflow module
(:mod:`samverkan.core.workflow`).
"""

from __future__ import annotations

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["INCIDENT", "TransitionError"]

NEW, REVIEWED, DUPLICATE, CLOSED = "new", "reviewed", "duplicate", "closed"

TRANSITIONS: dict[str, set[str]] = {
    NEW: {REVIEWED, DUPLICATE, CLOSED},
    REVIEWED: {CLOSED, DUPLICATE, NEW},
    DUPLICATE: {NEW},
    CLOSED: {REVIEWED},
}

INCIDENT = Workflow(TRANSITIONS)

# "duplicate" is reached only with the original named (services.mark_duplicate): a
# duplicate without one leaves every count and cannot be traced back or undone with sense.
SET_BY_STATUS = frozenset(TRANSITIONS) - {DUPLICATE}


def settable(choices):
    """The ``(status, label)`` pairs a plain status change may choose."""
    return [(s, label) for s, label in choices if s in SET_BY_STATUS]
