"""Problems, action plans, measures, citizen promises and agreements in the REST API (read
only).

The same access as the plans pages (:mod:`samverkan.plans.permissions`): coordinators and
steering-group members of the owning partnership read them; reporters are refused the
lists (403) and never find an object (404); another partnership's objects answer 404.
Changes go through the pages, whose service functions write the audit events. An
agreement's signed PDF is served by ``/api/agreements/{id}/document/`` and logged as the
page's download is.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.reverse import reverse

from samverkan.core.api import (
    BooleanFilter,
    CodeFilter,
    IdFilter,
    IsoDateFilter,
    ScopedViewSetMixin,
)
from samverkan.plans import services, workflow
from samverkan.plans.models import (
    ActionPlan,
    Agreement,
    CitizenPromise,
    Measure,
    Problem,
    PromiseStatus,
)

LIST_PERMISSION = "plans.view"
OBJECT_PERMISSION = "plans.view_object"


def _partnership_filter():
    return IdFilter(field_name="partnership_id", help_text="Samverkans id")


class ProblemFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    status = django_filters.ChoiceFilter(choices=workflow.PROBLEM_STATUSES)
    area = CodeFilter(field_name="area__code", help_text="Områdeskod")

    class Meta:
        model = Problem
        fields = ["partnership", "status", "area"]


class ActionPlanFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    status = django_filters.ChoiceFilter(choices=workflow.PLAN_STATUSES)
    year = IdFilter(method="filter_year", help_text="Planer som gäller året")

    class Meta:
        model = ActionPlan
        fields = ["partnership", "status", "year"]

    def filter_year(self, qs, name, year):
        return qs.filter(start_year__lte=year, end_year__gte=year)


class MeasureFilter(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", help_text="Åtgärdsplanens id")
    partnership = IdFilter(field_name="plan__partnership_id")
    status = django_filters.ChoiceFilter(choices=workflow.MEASURE_STATUSES)

    class Meta:
        model = Measure
        fields = ["plan", "partnership", "status"]


class PromiseFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    year = IdFilter()
    status = django_filters.ChoiceFilter(choices=PromiseStatus.choices)
    published = BooleanFilter()

    class Meta:
        model = CitizenPromise
        fields = ["partnership", "year", "status", "published"]


class AgreementFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    area = CodeFilter(field_name="area__code", help_text="Områdeskod")
    valid_on = IsoDateFilter(
        method="filter_valid_on", help_text="Överenskommelser som gäller dagen (ÅÅÅÅ-MM-DD)"
    )

    class Meta:
        model = Agreement
        fields = ["partnership", "area", "valid_on"]

    def filter_valid_on(self, qs, name, day):
        return qs.filter(start__lte=day, end__gte=day)


class ProblemSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True, default=None)
    category = serializers.CharField(source="category.code", read_only=True, default=None)

    class Meta:
        model = Problem
        fields = [
            "id",
            "partnership",
            "title",
            "description",
            "priority",
            "status",
            "situation_report",
            "category",
            "area",
            "period_label",
            "period_start",
            "period_end",
            "figures",
            "evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MeasureSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.name", read_only=True)
    area = serializers.CharField(
        source="where.code",
        read_only=True,
        default=None,
        help_text="Där åtgärden görs: dess eget område, annars planens (null: hela samverkan)",
    )
    partners = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "title",
            "description",
            "problems",
            "area",
            "target_side",
            "owner",
            "responsible_person",
            "partners",
            "start",
            "end",
            "resources",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActionPlanSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True, default=None)
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ActionPlan
        fields = [
            "id",
            "partnership",
            "area",
            "title",
            "summary",
            "start_year",
            "end_year",
            "status",
            "adopted_by",
            "adopted_on",
            "measures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PromiseUpdateSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    text = serializers.CharField(read_only=True)


class CitizenPromiseSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    updates = PromiseUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = CitizenPromise
        fields = [
            "id",
            "partnership",
            "area",
            "year",
            "title",
            "text",
            "signatory_municipality",
            "signatory_police",
            "signed_on",
            "measures",
            "status",
            "published",
            "published_at",
            "updates",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FollowUpDateSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True)
    description = serializers.CharField(read_only=True)


class AgreementSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    parties = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    focus_areas = serializers.ListField(
        source="focus_list",
        child=serializers.CharField(),
        read_only=True,
        help_text="Fokusområdena, ett per rad i formuläret",
    )
    followups = FollowUpDateSerializer(many=True, read_only=True)
    document = serializers.SerializerMethodField(
        help_text="Adressen till det undertecknade dokumentet (PDF), null utan dokument"
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "partnership",
            "area",
            "title",
            "parties",
            "start",
            "end",
            "focus_areas",
            "signed_on",
            "followups",
            "document",
            "document_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_document(self, agreement) -> str | None:
        if not agreement.document:
            return None
        request = self.context.get("request")
        return reverse("api-agreement-document", args=[agreement.pk], request=request)


class _PlansViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION


class ProblemViewSet(_PlansViewSet):
    """Prioritised problems of the caller's partnerships."""

    queryset = (
        Problem.objects.select_related("area", "category")
        .defer("area__geometry")
        .order_by("priority", "-id")
    )
    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter


class ActionPlanViewSet(_PlansViewSet):
    """Action plans of the caller's partnerships, with the ids of their measures."""

    queryset = (
        ActionPlan.objects.select_related("area")
        .defer("area__geometry")
        .prefetch_related("measures")
        .order_by("-start_year", "title", "id")
    )
    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilter


class MeasureViewSet(_PlansViewSet):
    """Measures of the caller's action plans."""

    queryset = (
        Measure.objects.select_related("owner", "plan", "area", "plan__area")
        .defer("area__geometry", "plan__area__geometry")
        .prefetch_related("partners", "problems")
        .order_by("start", "title", "id")
    )
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter


class CitizenPromiseViewSet(_PlansViewSet):
    """Citizen promises of the caller's partnerships, published or not, with updates."""

    queryset = (
        CitizenPromise.objects.select_related("area")
        .defer("area__geometry")
        .prefetch_related("measures", "updates")
        .order_by("-year", "title", "id")
    )
    serializer_class = CitizenPromiseSerializer
    filterset_class = PromiseFilter


class AgreementViewSet(_PlansViewSet):
    """Collaboration agreements of the caller's partnerships, with their follow-up dates."""

    queryset = (
        Agreement.objects.select_related("area")
        .defer("area__geometry")
        .prefetch_related("parties", "followups")
        .order_by("-start", "title", "id")
    )
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        filters=False,
        description="Det undertecknade dokumentet (PDF); loggas som nedladdningen på sidan.",
    )
    @action(detail=True, methods=["get"], url_path="document", url_name="document")
    def document(self, request, pk=None):
        return services.agreement_document_response(self.get_object(), request)
