"""Status workflows of problems, action plans and measures, as data tables.

One table of allowed transitions per kind of object, checked by the one workflow module
(:mod:`samverkan.core.workflow`). The services check before every status change.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["MEASURE", "PLAN", "PROBLEM", "WORKFLOWS", "TransitionError"]

# Problems: from the first sighting in a lägesbild to a closed problem.
IDENTIFIED, PRIORITISED, ANALYSED, ADDRESSED, CLOSED = (
    "identified",
    "prioritised",
    "analysed",
    "addressed",
    "closed",
)
PROBLEM_STATUSES = [
    (IDENTIFIED, _("Identifierat")),
    (PRIORITISED, _("Prioriterat")),
    (ANALYSED, _("Orsaksanalys klar")),
    (ADDRESSED, _("Åtgärdas")),
    (CLOSED, _("Avslutat")),
]
PROBLEM_TRANSITIONS: dict[str, set[str]] = {
    IDENTIFIED: {PRIORITISED, CLOSED},
    PRIORITISED: {ANALYSED, IDENTIFIED, CLOSED},
    ANALYSED: {ADDRESSED, PRIORITISED, CLOSED},
    ADDRESSED: {CLOSED, ANALYSED},
    CLOSED: {IDENTIFIED},
}

# Action plans: a draft is adopted by a named body; a new revision starts as a draft again.
# When the partnership asks for two approvers (samverkan.core.approval), the first approval
# is ADOPTING ("godkänd av 1 av 2") and a second, different person's makes it ADOPTED;
# ADOPTING is reached only through adopting, never chosen as a status of its own.
DRAFT, ADOPTING, ADOPTED, ARCHIVED = "draft", "adopting", "adopted", "archived"
PLAN_STATUSES = [
    (DRAFT, _("Utkast")),
    (ADOPTING, _("Godkänd av 1 av 2")),
    (ADOPTED, _("Antagen")),
    (ARCHIVED, _("Arkiverad")),
]
PLAN_TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {ADOPTING, ADOPTED, ARCHIVED},
    ADOPTING: {ADOPTED, DRAFT},
    ADOPTED: {DRAFT, ARCHIVED},
    ARCHIVED: {DRAFT},
}

# Measures.
PLANNED, ONGOING, DONE, CANCELLED = "planned", "ongoing", "done", "cancelled"
MEASURE_STATUSES = [
    (PLANNED, _("Planerad")),
    (ONGOING, _("Pågår")),
    (DONE, _("Genomförd")),
    (CANCELLED, _("Avbruten")),
]
MEASURE_TRANSITIONS: dict[str, set[str]] = {
    PLANNED: {ONGOING, CANCELLED},
    ONGOING: {DONE, CANCELLED, PLANNED},
    DONE: {ONGOING},
    CANCELLED: {PLANNED},
}

TABLES = {
    "problem": PROBLEM_TRANSITIONS,
    "plan": PLAN_TRANSITIONS,
    "measure": MEASURE_TRANSITIONS,
}

PROBLEM = Workflow(PROBLEM_TRANSITIONS, PROBLEM_STATUSES)
PLAN = Workflow(PLAN_TRANSITIONS, PLAN_STATUSES)
MEASURE = Workflow(MEASURE_TRANSITIONS, MEASURE_STATUSES)
WORKFLOWS = {"problem": PROBLEM, "plan": PLAN, "measure": MEASURE}


def allowed(kind: str, current: str) -> set[str]:
    return WORKFLOWS[kind].allowed(current)
