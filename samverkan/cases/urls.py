from django.urls import path

from samverkan.cases import api, views

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case-list"),
    path("nytt/", views.CaseCreateView.as_view(), name="case-create"),
    path("export.csv", views.CaseExportView.as_view(), name="case-export"),
    path("begaran/", views.RequestListView.as_view(), name="case-requests"),
    path("begaran/<int:pk>/", views.RequestDetailView.as_view(), name="case-request-detail"),
    path(
        "begaran/<int:pk>/<str:action>/",
        views.RequestActionView.as_view(),
        name="case-request-action",
    ),
    path("statistik/", views.StatsView.as_view(), name="case-stats"),
    path("statistik/export.csv", views.StatsExportView.as_view(), name="case-stats-export"),
    path("registerutdrag/", views.AccessLogView.as_view(), name="case-access-log"),
    path("api/", api.CaseApiList.as_view(), name="case-api-list"),
    path("api/<int:pk>/", api.CaseApiDetail.as_view(), name="case-api-detail"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("<int:pk>/syfte/", views.CasePurposeView.as_view(), name="case-purpose"),
    path("<int:pk>/redigera/", views.CaseEditView.as_view(), name="case-edit"),
    path("<int:pk>/<str:action>/", views.CaseActionView.as_view(), name="case-action"),
]
