from django.urls import path

from samverkan.incidents import views

urlpatterns = [
    path("rapportera/", views.ReportView.as_view(), name="incident-report"),
    path("mina/", views.MyReportsView.as_view(), name="incident-mine"),
    path("", views.TriageView.as_view(), name="incident-triage"),
    path("karta.geojson", views.IncidentGeoJSONView.as_view(), name="incident-geojson"),
    path("status/", views.BulkStatusView.as_view(), name="incident-bulk-status"),
    path("export.<str:fmt>", views.ExportView.as_view(), name="incident-export"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path(
        "<int:pk>/<str:action>/",
        views.IncidentActionView.as_view(),
        name="incident-action",
    ),
]
