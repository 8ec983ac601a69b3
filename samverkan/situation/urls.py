from django.urls import path

from samverkan.situation import views

urlpatterns = [
    path("", views.ReportListView.as_view(), name="situation-list"),
    path("ny/", views.BuildView.as_view(), name="situation-create"),
    path("bestallningar/", views.ScheduleListView.as_view(), name="situation-schedules"),
    path(
        "bestallningar/<int:pk>/<str:action>/",
        views.ScheduleActionView.as_view(),
        name="situation-schedule-action",
    ),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="situation-detail"),
    path("<int:pk>/karta.geojson", views.ReportGeoJSONView.as_view(), name="situation-geojson"),
    path("<int:pk>/hamta/", views.ReportExportView.as_view(), name="situation-export"),
    path("<int:pk>/<str:action>/", views.ReportActionView.as_view(), name="situation-action"),
]
