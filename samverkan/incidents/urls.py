from django.urls import path

from samverkan.incidents import triage_views, views
from samverkan.incidents import web_import_views as imports

urlpatterns = [
    path("rapportera/", views.ReportView.as_view(), name="incident-report"),
    path("mina/", views.MyReportsView.as_view(), name="incident-mine"),
    path("mina/epost/", triage_views.FeedbackMailView.as_view(), name="incident-feedback-mail"),
    path("foto/<int:pk>/", triage_views.PhotoView.as_view(), name="incident-photo"),
    path("", views.TriageView.as_view(), name="incident-triage"),
    path("karta.geojson", views.IncidentGeoJSONView.as_view(), name="incident-geojson"),
    path("status/", views.BulkStatusView.as_view(), name="incident-bulk-status"),
    path("export.<str:fmt>", views.ExportView.as_view(), name="incident-export"),
    path("import/", imports.ImportListView.as_view(), name="incident-import"),
    path("import/<int:pk>/", imports.ImportDetailView.as_view(), name="incident-import-detail"),
    path(
        "import/<int:pk>/provkor/", imports.ImportCheckView.as_view(), name="incident-import-check"
    ),
    path(
        "import/<int:pk>/starta/", imports.ImportStartView.as_view(), name="incident-import-start"
    ),
    path(
        "import/<int:pk>/status/",
        imports.ImportProgressView.as_view(),
        name="incident-import-progress",
    ),
    path(
        "import/<int:pk>/avvisade.csv",
        imports.ImportRejectsView.as_view(),
        name="incident-import-rejects",
    ),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path("<int:pk>/foton/", triage_views.AddPhotosView.as_view(), name="incident-add-photos"),
    path(
        "<int:pk>/<str:action>/",
        views.IncidentActionView.as_view(),
        name="incident-action",
    ),
]
