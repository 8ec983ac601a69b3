"""Follow-up pages: indicators and goals per partnership, tertial reports, evaluations and
the experience bank (with a public page for entries marked public).

Split by concept; the page classes are re-exported here for ``followup/urls.py``.
"""

from samverkan.followup.views.bank import (
    AttachmentView,
    BankImportView,
    BankView,
    EntryCreateView,
    EntryEditView,
    EntryView,
    PublicBankView,
    PublicEntryView,
)
from samverkan.followup.views.common import ObjectPermissionMixin
from samverkan.followup.views.evaluations import (
    EvaluationCreateView,
    EvaluationPdfView,
    EvaluationShareView,
    EvaluationView,
)
from samverkan.followup.views.indicators import GoalCreateView, IndicatorRefreshView, IndicatorView
from samverkan.followup.views.partnerships import (
    HomeView,
    ImportView,
    IndicatorCreateView,
    PartnershipView,
    TertialCreateView,
)
from samverkan.followup.views.tertials import TertialJsonView, TertialPdfView, TertialView

__all__ = [
    "AttachmentView",
    "BankImportView",
    "BankView",
    "EntryCreateView",
    "EntryEditView",
    "EntryView",
    "EvaluationCreateView",
    "EvaluationPdfView",
    "EvaluationShareView",
    "EvaluationView",
    "GoalCreateView",
    "HomeView",
    "ImportView",
    "IndicatorCreateView",
    "IndicatorRefreshView",
    "IndicatorView",
    "ObjectPermissionMixin",
    "PartnershipView",
    "PublicBankView",
    "PublicEntryView",
    "TertialCreateView",
    "TertialJsonView",
    "TertialPdfView",
    "TertialView",
]
