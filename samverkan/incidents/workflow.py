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
