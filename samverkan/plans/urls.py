"""Internal plans pages, mounted at /planer/. Rows in tests/plans/matrix.py."""

from django.urls import path

from samverkan.plans import docx_views, views
from samverkan.plans.views import sharing as sharing_views

urlpatterns = [
    path("", views.HomeView.as_view(), name="plans-home"),
    path("problem/ny/", views.ProblemCreateView.as_view(), name="problem-create"),
    path("problem/<int:pk>/", views.ProblemDetailView.as_view(), name="problem-detail"),
    path("problem/<int:pk>/andra/", views.ProblemEditView.as_view(), name="problem-edit"),
    path("problem/<int:pk>/status/", views.ProblemStatusView.as_view(), name="problem-status"),
    path(
        "problem/<int:pk>/orsaksanalys/",
        views.CauseAnalysisView.as_view(),
        name="analysis-edit",
    ),
    path(
        "problem/<int:pk>/orsaksanalys.pdf",
        views.CauseAnalysisPDFView.as_view(),
        name="analysis-pdf",
    ),
    path("atgardsplaner/ny/", views.PlanCreateView.as_view(), name="plan-create"),
    path("atgardsplaner/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("atgardsplaner/<int:pk>/andra/", views.PlanEditView.as_view(), name="plan-edit"),
    path("atgardsplaner/<int:pk>/status/", views.PlanStatusView.as_view(), name="plan-status"),
    path(
        "atgardsplaner/<int:pk>/tidslinje/",
        views.PlanTimelineView.as_view(),
        name="plan-timeline",
    ),
    path(
        "atgardsplaner/<int:pk>/atgardsplan.pdf",
        views.PlanExportView.as_view(fmt="pdf"),
        name="plan-pdf",
    ),
    path(
        "atgardsplaner/<int:pk>/atgardsplan.xlsx",
        views.PlanExportView.as_view(fmt="xlsx"),
        name="plan-xlsx",
    ),
    path(
        "atgardsplaner/<int:pk>/atgardsplan.docx",
        docx_views.PlanDocxView.as_view(),
        name="plan-docx",
    ),
    path(
        "atgardsplaner/<int:pk>/atgarder/ny/",
        views.MeasureCreateView.as_view(),
        name="measure-create",
    ),
    path("problem/<int:pk>/dela/", sharing_views.ProblemShareView.as_view(), name="problem-share"),
    path("atgardsplaner/<int:pk>/dela/", sharing_views.PlanShareView.as_view(), name="plan-share"),
    path("delningar/<int:pk>/", sharing_views.ShareDetailView.as_view(), name="share-detail"),
    path("delningar/<int:pk>/andra/", sharing_views.ShareEditView.as_view(), name="share-edit"),
    path(
        "delningar/<int:pk>/aterkalla/",
        sharing_views.ShareWithdrawView.as_view(),
        name="share-withdraw",
    ),
    path("delningar/<int:pk>/svar/", sharing_views.ShareAnswerView.as_view(), name="share-answer"),
    path(
        "delningar/<int:pk>/samordna/",
        sharing_views.ShareCoordinateView.as_view(),
        name="share-coordinate",
    ),
    path("atgarder/<int:pk>/andra/", views.MeasureEditView.as_view(), name="measure-edit"),
    path("atgarder/<int:pk>/status/", views.MeasureStatusView.as_view(), name="measure-status"),
    path("medborgarloften/ny/", views.PromiseCreateView.as_view(), name="promise-create"),
    path("medborgarloften/<int:pk>/", views.PromiseDetailView.as_view(), name="promise-detail"),
    path("medborgarloften/<int:pk>/andra/", views.PromiseEditView.as_view(), name="promise-edit"),
    path(
        "medborgarloften/<int:pk>/publicera/",
        views.PromisePublishView.as_view(),
        name="promise-publish",
    ),
    path(
        "medborgarloften/<int:pk>/lagesrapport/",
        views.PromiseUpdateView.as_view(),
        name="promise-update",
    ),
    path(
        "medborgarloften/<int:pk>/affisch.pdf",
        views.PromisePosterView.as_view(),
        name="promise-poster",
    ),
    path("overenskommelser/ny/", views.AgreementCreateView.as_view(), name="agreement-create"),
    path(
        "overenskommelser/<int:pk>/",
        views.AgreementDetailView.as_view(),
        name="agreement-detail",
    ),
    path(
        "overenskommelser/<int:pk>/andra/",
        views.AgreementEditView.as_view(),
        name="agreement-edit",
    ),
    path(
        "overenskommelser/<int:pk>/dokument.pdf",
        views.AgreementDocumentView.as_view(),
        name="agreement-document",
    ),
]
