from datetime import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from samverkan.api.permissions import ScopedViewSetMixin
from samverkan.api.serializers import AreaSerializer, IncidentSerializer, OrganisationSerializer
from samverkan.core.models import Area, Organisation
from samverkan.incidents import services
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import Incident, IncidentArea, Precision


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


def _parse_time(value: str, name: str):
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            {name: "Ange tiden i ISO 8601, t.ex. 2025-03-01 eller 2025-03-01T08:00."}
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "area", str, description="Områdeskod (alla områden som innehåller händelsen)"
            ),
            OpenApiParameter("category", str, description="Kategorikod, inklusive underkategorier"),
            OpenApiParameter("source", str, description="Källa, t.ex. polisen eller rapport"),
            OpenApiParameter("status", str, description="new, reviewed, duplicate eller closed"),
            OpenApiParameter("from", str, description="Inträffade från (ISO 8601)"),
            OpenApiParameter("to", str, description="Inträffade före (ISO 8601)"),
        ]
    )
)
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

    def get_queryset(self):
        qs = super().get_queryset()
        p = self.request.query_params
        if p.get("area"):
            qs = qs.filter(
                pk__in=IncidentArea.objects.filter(area__code=p["area"]).values("incident_id")
            )
        if p.get("category"):
            code = p["category"]
            qs = (
                qs.filter(category__code__in=[code])
                | qs.filter(category__parent__code=code)
                | qs.filter(category__parent__parent__code=code)
            )
        for field in ("source", "status"):
            if p.get(field):
                qs = qs.filter(**{field: p[field]})
        if p.get("from"):
            qs = qs.filter(occurred_from__gte=_parse_time(p["from"], "from"))
        if p.get("to"):
            qs = qs.filter(occurred_from__lt=_parse_time(p["to"], "to"))
        return qs

    def perform_create(self, serializer):
        user = self.request.user
        if not user.has_perm("incidents.add_incident"):
            raise PermissionDenied("Din roll får inte rapportera händelser.")
        d = serializer.validated_data
        has_point = d.get("lon") is not None and d.get("lat") is not None
        area = d.get("area")
        row = IncidentRow(
            source=services.REPORT_SOURCE,
            external_id=d.get("external_id", ""),
            occurred_from=d["occurred_from"],
            occurred_to=d.get("occurred_to"),
            category_id=d["category"].pk,
            description=d.get("description", ""),
            lon=d.get("lon") if has_point else None,
            lat=d.get("lat") if has_point else None,
            precision=Precision.POINT if has_point else Precision.DISTRICT,
            place_name=d.get("place_name", ""),
            place_type=d.get("place_type", ""),
            perceived_insecurity=d.get("perceived_insecurity"),
            visibility=d.get("visibility", "partnership"),
            area_ids=[area.pk] if area and not has_point else [],
        )
        try:
            serializer.instance = services.report_incident(user, row, request=self.request)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
