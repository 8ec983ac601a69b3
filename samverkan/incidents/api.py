"""Incidents in the REST API: the list and details the caller may see, and new reports.

The same scope as the incident pages (:func:`~samverkan.core.permissions.scope`); a POST
files a report like the reporter form does, through :func:`incidents.reports.report_row`
and :func:`incidents.services.report_incident`, which writes the audit event. Mounted by
``samverkan/api/urls.py``.
"""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from samverkan.core.api import CodeFilter, IsoDateTimeFilter, ScopedViewSetMixin
from samverkan.incidents import services
from samverkan.incidents.models import Category, Incident, IncidentArea
from samverkan.incidents.permissions import count_visible
from samverkan.incidents.points import category_ids
from samverkan.incidents.report_scope import report_area, visibility_problem
from samverkan.incidents.reports import report_row
from samverkan.incidents.validation import point_problem, time_problem


class IncidentSerializer(serializers.ModelSerializer):
    """Incidents in the API. Coordinates of centroid-placed incidents are left out: they
    mark a municipality's centre, not the event."""

    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.all(), help_text="Kategorikod"
    )
    organisation = serializers.CharField(source="organisation.name", read_only=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    area = serializers.CharField(
        required=False,
        write_only=True,
        max_length=40,
        help_text="Områdeskod, när platsen inte är en punkt (ett område i din samverkansgrupp)",
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "source",
            "external_id",
            "occurred_from",
            "occurred_to",
            "reported_at",
            "category",
            "place_type",
            "place_name",
            "description",
            "perceived_insecurity",
            "lon",
            "lat",
            "precision",
            "status",
            "visibility",
            "organisation",
            "feedback",
            "area",
        ]
        read_only_fields = ["id", "source", "reported_at", "precision", "status", "feedback"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.is_point:
            data["lon"] = data["lat"] = None
        return data

    def validate_area(self, code):
        # The same areas the reporter form offers; codes repeat across levels and countries.
        try:
            return report_area(self.context["request"].user, code)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_visibility(self, value):
        if problem := visibility_problem(value):
            raise serializers.ValidationError(problem)
        return value

    def validate(self, attrs):
        has_point = attrs.get("lon") is not None and attrs.get("lat") is not None
        if not has_point and not attrs.get("area"):
            raise serializers.ValidationError("Ange lon och lat, eller en områdeskod (area).")
        if has_point and (problem := point_problem(attrs["lon"], attrs["lat"])):
            raise serializers.ValidationError({"lon": problem, "lat": problem})
        for field in ("occurred_from", "occurred_to"):
            if problem := time_problem(attrs.get(field)):
                raise serializers.ValidationError({field: problem})
        end = attrs.get("occurred_to")
        if end and end <= attrs["occurred_from"]:
            raise serializers.ValidationError({"occurred_to": "Måste vara efter occurred_from."})
        if attrs.get("perceived_insecurity") not in (None, 1, 2, 3, 4, 5):
            raise serializers.ValidationError({"perceived_insecurity": "Ett värde 1–5."})
        return attrs


class IncidentFilter(django_filters.FilterSet):
    area = CodeFilter(
        method="filter_area", help_text="Områdeskod (alla områden som innehåller händelsen)"
    )
    category = CodeFilter(
        method="filter_category", help_text="Kategorikod, inklusive underkategorier"
    )
    source = CodeFilter(help_text="Källa, t.ex. polisen eller rapport")
    status = CodeFilter(help_text="new, reviewed, duplicate eller closed")
    # "from" is a Python keyword: declared through the dict below.

    class Meta:
        model = Incident
        fields = ["area", "category", "source", "status"]

    def filter_area(self, qs, name, code):
        # Through the join table: an incident lies in its area and in every area above it.
        return qs.filter(pk__in=IncidentArea.objects.filter(area__code=code).values("incident_id"))

    def filter_category(self, qs, name, code):
        try:
            return qs.filter(category_id__in=category_ids(code))
        except Category.DoesNotExist:
            return qs.none()


IncidentFilter.base_filters["from"] = IsoDateTimeFilter(
    field_name="occurred_from", lookup_expr="gte", help_text="Inträffade från (ISO 8601)"
)
IncidentFilter.base_filters["to"] = IsoDateTimeFilter(
    field_name="occurred_from", lookup_expr="lt", help_text="Inträffade före (ISO 8601)"
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
    filterset_class = IncidentFilter

    def paginate_queryset(self, queryset):
        # The total is counted as on the incident list page: the same filters before the
        # scope, the scope's arms as a UNION that each index can answer.
        unscoped = self.filter_queryset(Incident.objects.all())
        user = self.request.user
        if self.paginator is not None:
            self.paginator.count_source = lambda: count_visible(unscoped, user)
        return super().paginate_queryset(queryset)

    def perform_create(self, serializer):
        user = self.request.user
        if not user.has_perm("incidents.add_incident"):
            raise PermissionDenied("Din roll får inte rapportera händelser.")
        try:
            row = report_row(serializer.validated_data)
            serializer.instance = services.report_incident(user, row, request=self.request)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
