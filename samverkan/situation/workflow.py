"""Status workflow of a lägesbild as a data table, checked in one place.

A draft is worked on by the partnership's coordinators; approval freezes its figures and
assessment for good; sharing makes an approved picture visible to reporters and, for the
shared and public audiences, to regional viewers. Changing an approved picture is not a
transition: :func:`samverkan.situation.services.recompute` makes a new draft version.
"""

from __future__ import annotations

DRAFT, APPROVED, SHARED = "draft", "approved", "shared"

TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {APPROVED},
    APPROVED: {SHARED},
    SHARED: set(),
}

# Statuses whose snapshot and assessments may never change again.
FROZEN = {APPROVED, SHARED}


class TransitionError(ValueError):
    """A status change that the workflow table does not allow."""


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, set()):
        raise TransitionError(
            f"Lägesbildens status kan inte ändras från '{current}' till '{target}'."
        )
