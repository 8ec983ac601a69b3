"""Status workflow of a lägesbild as a data table, checked by :mod:`samverkan.core.workflow`.

A draft is worked on by the partnership's coordinators; approval freezes its figures and
assessment for good; sharing makes an approved picture visible to reporters and, for the
shared and public audiences, to regional viewers. Changing an approved picture is not a
transition: :func:`samverkan.situation.services.recompute` makes a new draft version.
"""

from __future__ import annotations

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["FROZEN", "REPORT", "TransitionError"]

DRAFT, APPROVED, SHARED = "draft", "approved", "shared"

TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {APPROVED},
    APPROVED: {SHARED},
    SHARED: set(),
}

# Statuses whose snapshot and assessments may never change again.
FROZEN = {APPROVED, SHARED}

REPORT = Workflow(TRANSITIONS, subject="Lägesbildens")
