"""Internal pages: problems, cause analyses, action plans, measures, promises, agreements.

Split by concept; the page classes are re-exported here for ``plans/urls.py``.
"""

from samverkan.plans.views.action_plans import (
    PlanCreateView,
    PlanDetailView,
    PlanEditView,
    PlanExportView,
    PlanStatusView,
    PlanTimelineView,
)
from samverkan.plans.views.agreements import (
    AgreementCreateView,
    AgreementDetailView,
    AgreementDocumentView,
    AgreementEditView,
)
from samverkan.plans.views.common import ObjectEditView, ObjectView, PlansView
from samverkan.plans.views.measures import MeasureCreateView, MeasureEditView, MeasureStatusView
from samverkan.plans.views.overview import HomeView
from samverkan.plans.views.problems import (
    CauseAnalysisPDFView,
    CauseAnalysisView,
    ProblemCreateView,
    ProblemDetailView,
    ProblemEditView,
    ProblemStatusView,
)
from samverkan.plans.views.promises import (
    PromiseCreateView,
    PromiseDetailView,
    PromiseEditView,
    PromisePosterView,
    PromisePublishView,
    PromiseUpdateView,
)

__all__ = [
    "AgreementCreateView",
    "AgreementDetailView",
    "AgreementDocumentView",
    "AgreementEditView",
    "CauseAnalysisPDFView",
    "CauseAnalysisView",
    "HomeView",
    "MeasureCreateView",
    "MeasureEditView",
    "MeasureStatusView",
    "ObjectEditView",
    "ObjectView",
    "PlanCreateView",
    "PlanDetailView",
    "PlanEditView",
    "PlanExportView",
    "PlanStatusView",
    "PlanTimelineView",
    "PlansView",
    "ProblemCreateView",
    "ProblemDetailView",
    "ProblemEditView",
    "ProblemStatusView",
    "PromiseCreateView",
    "PromiseDetailView",
    "PromiseEditView",
    "PromisePosterView",
    "PromisePublishView",
    "PromiseUpdateView",
]
