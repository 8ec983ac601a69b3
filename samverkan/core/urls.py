from django.urls import path

from samverkan.core import health, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("omraden/", views.AreaBrowserView.as_view(), name="area-browser"),
    path("omraden/geojson/", views.AreaGeoJSONView.as_view(), name="area-geojson"),
    path("omraden/<int:pk>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("organisationer/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisationer/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("granskningslogg/", views.AuditLogView.as_view(), name="audit-log"),
    path("halsa/", views.health, name="health"),
    path("healthz", health.healthz, name="healthz"),
]
