from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from samverkan.api import views

router = DefaultRouter()
router.register("areas", views.AreaViewSet, basename="api-area")
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("incidents", views.IncidentViewSet, basename="api-incident")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(), name="api-docs"),
    path("", include(router.urls)),
]
