"""Pages of preventive cases. Every page that shows case data writes an audit event with
the purpose the user stated (or that their assignment implies): see purposes.py.

By concept: :mod:`.cases` (list, search, opening, detail, editing, export), :mod:`.actions`
(the changes of one case, a dispatch table), :mod:`.requests` (information requests),
:mod:`.stats` (outcome statistics) and :mod:`.access_log`; which rows a page starts from is
decided in :mod:`samverkan.cases.scope`, not here.
"""

from samverkan.cases.scope import stats_cases
from samverkan.cases.views.access_log import AccessLogView
from samverkan.cases.views.actions import CASE_ACTIONS, CaseAction, CaseActionView
from samverkan.cases.views.cases import (
    CaseCreateView,
    CaseDetailView,
    CaseEditView,
    CaseExportView,
    CaseListView,
    CasePurposeView,
)
from samverkan.cases.views.mixins import CaseObjectMixin, HiddenMixin, PurposeRequiredMixin
from samverkan.cases.views.requests import (
    RequestActionView,
    RequestDetailView,
    RequestListView,
    RequestObjectMixin,
)
from samverkan.cases.views.stats import StatsExportView, StatsView

__all__ = [
    "CASE_ACTIONS",
    "AccessLogView",
    "CaseAction",
    "CaseActionView",
    "CaseCreateView",
    "CaseDetailView",
    "CaseEditView",
    "CaseExportView",
    "CaseListView",
    "CaseObjectMixin",
    "CasePurposeView",
    "HiddenMixin",
    "PurposeRequiredMixin",
    "RequestActionView",
    "RequestDetailView",
    "RequestListView",
    "RequestObjectMixin",
    "StatsExportView",
    "StatsView",
    "stats_cases",
]
