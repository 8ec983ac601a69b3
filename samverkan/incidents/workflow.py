"""Incident status workflow as a data table (the Signalen pattern).

One table of allowed transitions, checked in one place: :func:`check_transition`.
"""

from __future__ import annotations

NEW, REVIEWED, DUPLICATE, CLOSED = "new", "reviewed", "duplicate", "closed"

TRANSITIONS: dict[str, set[str]] = {
    NEW: {REVIEWED, DUPLICATE, CLOSED},
    REVIEWED: {CLOSED, DUPLICATE, NEW},
    DUPLICATE: {NEW},
    CLOSED: {REVIEWED},
}


class TransitionError(ValueError):
    """A status change that the workflow table does not allow."""


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        raise TransitionError(f"Status kan inte ändras från '{current}' till '{target}'.")
