"""Status workflow of a tertial report as a data table, checked by :mod:`samverkan.core.workflow`.

A draft is regenerated and its analysis written as often as the group likes; approval
freezes it. When the partnership asks for two approvers (:mod:`samverkan.core.approval`)
the first approval is APPROVING ("godkänd av 1 av 2"), already frozen so that the second
person approves exactly what the first did, and a different person's approval makes it
APPROVED.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["FROZEN", "TERTIAL", "TransitionError"]

DRAFT, APPROVING, APPROVED = "draft", "approving", "approved"
TERTIAL_STATUSES = [
    (DRAFT, _("Utkast")),
    (APPROVING, _("Godkänd av 1 av 2")),
    (APPROVED, _("Godkänd")),
]
TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {APPROVING, APPROVED},
    APPROVING: {APPROVED},
    APPROVED: set(),
}
# Statuses whose analysis and snapshot may not change any more.
FROZEN = {APPROVING, APPROVED}

TERTIAL = Workflow(TRANSITIONS, TERTIAL_STATUSES, subject="Tertialrapportens")
