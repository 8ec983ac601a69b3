from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rest_framework import viewsets

from samverkan.api.permissions import ScopedViewSetMixin
from samverkan.api.serializers import AreaSerializer, OrganisationSerializer
from samverkan.core.models import Area, Organisation


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Areas (kommuner, län, districts) of every hierarchy."""

    queryset = Area.objects.select_related("parent").order_by("country", "level", "code")
    serializer_class = AreaSerializer
    permission_required = "core.view_area"
    filterset_fields = ["level", "country"]

    def get_queryset(self):
        qs = super().get_queryset()
        for field in ("level", "country", "code"):
            if self.request.query_params.get(field):
                qs = qs.filter(**{field: self.request.query_params[field]})
        return qs


class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations the user belongs to."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    permission_required = "core.view_organisation"


class ApiDocsView(LoginRequiredMixin, TemplateView):
    """API documentation rendered from the OpenAPI schema, without any CDN."""

    template_name = "api/docs.html"
    permission_required = "authenticated"
