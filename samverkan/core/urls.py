from django.urls import path

from samverkan.core import approval_views, health, own_area_views, views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("omraden/", views.AreaBrowserView.as_view(), name="area-browser"),
    path("omraden/geojson/", views.AreaGeoJSONView.as_view(), name="area-geojson"),
    path("omraden/<int:pk>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("omraden/egna/", own_area_views.OwnAreaListView.as_view(), name="own-area-list"),
    path("omraden/egna/nytt/", own_area_views.OwnAreaCreateView.as_view(), name="own-area-create"),
    path(
        "omraden/egna/<int:pk>/",
        own_area_views.OwnAreaDetailView.as_view(),
        name="own-area-detail",
    ),
    path(
        "omraden/egna/<int:pk>/andra/",
        own_area_views.OwnAreaEditView.as_view(),
        name="own-area-edit",
    ),
    path(
        "omraden/egna/<int:pk>/ta-bort/",
        own_area_views.OwnAreaDeleteView.as_view(),
        name="own-area-delete",
    ),
    path(
        "omraden/egna/<int:pk>/koppling/",
        own_area_views.OwnAreaProgressView.as_view(),
        name="own-area-progress",
    ),
    path("organisationer/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisationer/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "samverkan/<int:pk>/godkannande/",
        approval_views.PartnershipApprovalView.as_view(),
        name="partnership-approval",
    ),
    path("granskningslogg/", views.AuditLogView.as_view(), name="audit-log"),
    path("halsa/", views.health, name="health"),
    path("healthz", health.healthz, name="healthz"),
]
