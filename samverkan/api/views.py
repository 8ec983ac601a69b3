from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from samverkan.api.filters import AreaFilter, IncidentFilter
from samverkan.api.serializers import AreaSerializer, IncidentSerializer, OrganisationSerializer
from samverkan.core.api import ScopedViewSetMixin
from samverkan.core.models import Area, Organisation
from samverkan.incidents import services
from samverkan.incidents.models import Incident
from samverkan.incidents.reports import report_row


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Areas (kommuner, län, districts) of every hierarchy."""

    queryset = Area.objects.select_related("parent").order_by("country", "level", "code")
    serializer_class = AreaSerializer
    permission_required = "core.view_area"
    filterset_class = AreaFilter


class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations the user belongs to."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    permission_required = "core.view_organisation"


class ApiDocsView(LoginRequiredMixin, TemplateView):
    """API documentation rendered from the OpenAPI schema, without any CDN."""

    template_name = "api/docs.html"
    permission_required = "authenticated"


class IncidentViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents the caller may see; POST files a report like the reporter form does."""

    queryset = Incident.objects.select_related("category", "organisation").order_by(
        "-occurred_from", "-id"
    )
    serializer_class = IncidentSerializer
    permission_required = "incidents.view_incident"
    filterset_class = IncidentFilter

    def perform_create(self, serializer):
        user = self.request.user
        if not user.has_perm("incidents.add_incident"):
            raise PermissionDenied("Din roll får inte rapportera händelser.")
        try:
            row = report_row(serializer.validated_data)
            serializer.instance = services.report_incident(user, row, request=self.request)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
