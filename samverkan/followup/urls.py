from django.urls import path

from samverkan.followup import approval_views, docx_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="followup-home"),
    path("samverkan/<int:pk>/", views.PartnershipView.as_view(), name="followup-partnership"),
    path(
        "samverkan/<int:pk>/indikator/ny/",
        views.IndicatorCreateView.as_view(),
        name="followup-indicator-create",
    ),
    path("samverkan/<int:pk>/import/", views.ImportView.as_view(), name="followup-import"),
    path(
        "samverkan/<int:pk>/tertial/",
        views.TertialCreateView.as_view(),
        name="followup-tertial-create",
    ),
    path("indikator/<int:pk>/", views.IndicatorView.as_view(), name="followup-indicator"),
    path(
        "indikator/<int:pk>/uppdatera/",
        views.IndicatorRefreshView.as_view(),
        name="followup-indicator-refresh",
    ),
    path("indikator/<int:pk>/mal/", views.GoalCreateView.as_view(), name="followup-goal-create"),
    path("tertial/<int:pk>/", views.TertialView.as_view(), name="followup-tertial"),
    path(
        "tertial/<int:pk>/godkann/",
        approval_views.TertialApproveView.as_view(),
        name="followup-tertial-approve",
    ),
    path("tertial/<int:pk>/pdf/", views.TertialPdfView.as_view(), name="followup-tertial-pdf"),
    path("tertial/<int:pk>/json/", views.TertialJsonView.as_view(), name="followup-tertial-json"),
    path(
        "tertial/<int:pk>/docx/",
        docx_views.TertialDocxView.as_view(),
        name="followup-tertial-docx",
    ),
    path(
        "atgard/<int:pk>/utvardera/",
        views.EvaluationCreateView.as_view(),
        name="followup-evaluation-create",
    ),
    path("utvardering/<int:pk>/", views.EvaluationView.as_view(), name="followup-evaluation"),
    path(
        "utvardering/<int:pk>/pdf/",
        views.EvaluationPdfView.as_view(),
        name="followup-evaluation-pdf",
    ),
    path(
        "utvardering/<int:pk>/erfarenhetsbank/",
        views.EvaluationShareView.as_view(),
        name="followup-evaluation-share",
    ),
    path("erfarenhetsbank/", views.BankView.as_view(), name="followup-bank"),
    path("erfarenhetsbank/ny/", views.EntryCreateView.as_view(), name="followup-entry-create"),
    path("erfarenhetsbank/import/", views.BankImportView.as_view(), name="followup-bank-import"),
    path("erfarenhetsbank/<int:pk>/", views.EntryView.as_view(), name="followup-entry"),
    path(
        "erfarenhetsbank/<int:pk>/andra/", views.EntryEditView.as_view(), name="followup-entry-edit"
    ),
    path(
        "erfarenhetsbank/bilaga/<int:pk>/",
        views.AttachmentView.as_view(),
        name="followup-attachment",
    ),
    path("publik/erfarenhetsbank/", views.PublicBankView.as_view(), name="followup-public-bank"),
    path(
        "publik/erfarenhetsbank/<int:pk>/",
        views.PublicEntryView.as_view(),
        name="followup-public-entry",
    ),
]
