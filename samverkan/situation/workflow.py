"""Status workflow of a lägesbild as a data table, checked by :mod:`samverkan.core.workflow`.

A draft is worked on by the partnership's coordinators; approval freezes its figures and
assessment for good; sharing makes an approved picture visible to reporters and, for the
shared and public audiences, to regional viewers. Changing an approved picture is not a
transition: :func:`samverkan.situation.services.recompute` makes a new draft version.

When the partnership asks for two approvers (``Partnership.approvers_required``), the
first approval moves the draft to APPROVING ("godkänd av 1 av 2"), frozen like an approved
picture so that the second person approves exactly what the first did; only a different
person's approval then makes it APPROVED.
"""

from __future__ import annotations

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["FROZEN", "REPORT", "TransitionError"]

DRAFT, APPROVING, APPROVED, SHARED = "draft", "approving", "approved", "shared"

TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {APPROVING, APPROVED},
    APPROVING: {APPROVED},
    APPROVED: {SHARED},
    SHARED: set(),
}

# Statuses whose snapshot and assessments may never change again.
FROZEN = {APPROVING, APPROVED, SHARED}
# Statuses a coordinator still has to approve.
AWAITING_APPROVAL = (DRAFT, APPROVING)
# Statuses that count as approved (reporters and the steering group see them).
RELEASED = (APPROVED, SHARED)

REPORT = Workflow(TRANSITIONS, subject="Lägesbildens")
