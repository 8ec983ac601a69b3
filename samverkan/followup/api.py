"""Indicators and their values in the REST API: read, and write for external series.

Reading: coordinators and steering-group members of the indicator's partnership (the same
rules as the follow-up pages, :mod:`samverkan.followup.permissions`); reporters are
refused the lists (403), other partnerships' indicators answer 404.

Writing: ``POST /api/indicators/<id>/values/`` with ``{"values": [{"period_start":
"2025-03-01", "months": 1, "value": 12}, ...]}`` creates or updates the values of an
external indicator, keyed by indicator and period, all or nothing, through
:func:`samverkan.followup.values.store_values`, which writes the audit event. Only the
partnership's coordinators (``followup.change_partnership``) may write; a machine client
uses a token of such a user.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from samverkan.core import audit
from samverkan.core.api import (
    BooleanFilter,
    CodeFilter,
    IdFilter,
    IsoDateFilter,
    ScopedViewSetMixin,
)
from samverkan.followup import search
from samverkan.followup import workflow as tertial_flow
from samverkan.followup.models import (
    Design,
    EffectGoal,
    Evaluation,
    ExperienceEntry,
    GoalStatus,
    Indicator,
    IndicatorValue,
    TertialReport,
)
from samverkan.followup.values import MAX_MONTHS, MAX_ROWS, ValueRow, ValuesRefused, store_values

LIST_PERMISSION = "followup.view"
OBJECT_PERMISSION = "followup.view_partnership"
WRITE_PERMISSION = "followup.change_partnership"


class IndicatorFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    kind = django_filters.ChoiceFilter(choices=Indicator.Kind.choices)
    source = django_filters.ChoiceFilter(choices=Indicator.Source.choices)
    area = CodeFilter(field_name="area__code", help_text="Områdeskod")
    series_key = CodeFilter(max_length=200, help_text="Serien i källan")

    class Meta:
        model = Indicator
        fields = ["partnership", "kind", "source", "area", "series_key"]


class ValueFilter(django_filters.FilterSet):
    indicator = IdFilter(field_name="indicator_id")
    months = IdFilter()
    period_from = IsoDateFilter(
        field_name="period_start", lookup_expr="gte", help_text="Perioder som börjar från"
    )
    period_before = IsoDateFilter(
        field_name="period_start", lookup_expr="lt", help_text="Perioder som börjar före"
    )

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "months"]


class IndicatorSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    measures = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Åtgärder som indikatorn följer upp"
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "partnership",
            "name",
            "description",
            "kind",
            "value_type",
            "source",
            "series_key",
            "area",
            "categories",
            "place_types",
            "measures",
            "created_at",
        ]
        read_only_fields = fields


class IndicatorValueSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    period_end = serializers.DateField(read_only=True, help_text="Första dagen efter perioden")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "period_start",
            "months",
            "period_end",
            "label",
            "value",
            "sample_size",
            "rate",
            "preliminary",
            "updated_at",
        ]
        read_only_fields = fields


class ValueInSerializer(serializers.Serializer):
    period_start = serializers.DateField(help_text="Första dagen i periodens första månad")
    months = serializers.IntegerField(min_value=1, max_value=MAX_MONTHS, default=1)
    value = serializers.FloatField()
    sample_size = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    preliminary = serializers.BooleanField(default=False)


class ValuesInSerializer(serializers.Serializer):
    values = ValueInSerializer(many=True, allow_empty=False, max_length=MAX_ROWS)


StoreReportSerializer = inline_serializer(
    "IndicatorValuesStored",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
    },
)


class IndicatorViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Indicators of the caller's partnerships; ``values`` reads and writes their series."""

    queryset = (
        Indicator.objects.select_related("area")
        .defer("area__geometry")
        .prefetch_related("categories", "measures")
        .order_by("name", "id")
    )
    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION

    def filter_queryset(self, queryset):
        # The values action filters values, not indicators.
        return queryset if self.action == "values" else super().filter_queryset(queryset)

    @extend_schema(methods=["GET"], responses=IndicatorValueSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"], request=ValuesInSerializer, responses={200: StoreReportSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="values", url_name="values")
    def values(self, request, pk=None):
        indicator = self.get_object()
        if request.method == "GET":
            values = indicator.values.order_by("period_start", "months")
            return Response(IndicatorValueSerializer(values, many=True).data)
        if not request.user.has_perm(WRITE_PERMISSION, indicator):
            raise PermissionDenied("Bara samverkans samordnare skriver indikatorvärden.")
        body = ValuesInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = [ValueRow(**v) for v in body.validated_data["values"]]
        try:
            report = store_values(indicator, rows, request.user, request=request)
        except ValuesRefused as exc:
            if exc.row is None:
                raise ValidationError({"detail": str(exc)}) from exc
            raise ValidationError({"values": {exc.row: {exc.field: [str(exc)]}}}) from exc
        return Response(
            {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
            status=status.HTTP_200_OK,
        )


class IndicatorValueViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Every value of the caller's indicators, filtered by indicator and period."""

    queryset = IndicatorValue.objects.order_by("indicator_id", "period_start", "months", "id")
    serializer_class = IndicatorValueSerializer
    filterset_class = ValueFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION


class EffectGoalFilter(django_filters.FilterSet):
    indicator = IdFilter(field_name="indicator_id")
    partnership = IdFilter(field_name="indicator__partnership_id")
    status = django_filters.ChoiceFilter(choices=GoalStatus.choices)

    class Meta:
        model = EffectGoal
        fields = ["indicator", "partnership", "status"]


class EvaluationFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    measure = IdFilter(field_name="measure_id", help_text="Den utvärderade åtgärden")
    design = django_filters.ChoiceFilter(choices=Design.choices)

    class Meta:
        model = Evaluation
        fields = ["partnership", "measure", "design"]


class EffectGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = EffectGoal
        fields = [
            "id",
            "indicator",
            "title",
            "baseline_label",
            "baseline_start",
            "baseline_end",
            "baseline_value",
            "direction",
            "target_value",
            "deadline",
            "status",
            "status_details",
            "created_at",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    treated_area = serializers.CharField(source="treated_area.code", read_only=True)
    comparison_area = serializers.CharField(
        source="comparison_area.code", read_only=True, default=None
    )
    buffer_area = serializers.CharField(source="buffer_area.code", read_only=True, default=None)
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "partnership",
            "measure",
            "title",
            "design",
            "categories",
            "treated_area",
            "comparison_area",
            "buffer_area",
            "before_start",
            "before_end",
            "after_start",
            "after_end",
            "counts",
            "results",
            "conclusion",
            "limitations",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EffectGoalViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Effect goals of the caller's indicators, with their last computed status."""

    queryset = EffectGoal.objects.order_by("deadline", "title", "id")
    serializer_class = EffectGoalSerializer
    filterset_class = EffectGoalFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION


class EvaluationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Evaluations of measures: the counts and the results as computed and stored."""

    queryset = (
        Evaluation.objects.select_related("treated_area", "comparison_area", "buffer_area")
        .defer("treated_area__geometry", "comparison_area__geometry", "buffer_area__geometry")
        .prefetch_related("categories")
        .order_by("-after_end", "id")
    )
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION


class TertialReportFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    area = IdFilter(field_name="area_id", help_text="Ett områdes (en stadsdels) rapporter")
    whole = BooleanFilter(
        field_name="area", lookup_expr="isnull", help_text="true: hela samverkans rapporter"
    )
    status = django_filters.ChoiceFilter(choices=tertial_flow.TERTIAL_STATUSES)
    tertial = CodeFilter(max_length=8, help_text="Tertialen, t.ex. 2025-T1")

    class Meta:
        model = TertialReport
        fields = ["partnership", "area", "whole", "status", "tertial"]


class TertialReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = TertialReport
        fields = [
            "id",
            "partnership",
            "area",
            "tertial",
            "period_start",
            "period_end",
            "status",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class TertialReportDetailSerializer(TertialReportSerializer):
    figures = serializers.JSONField(
        source="snapshot",
        read_only=True,
        help_text="Målen, åtgärderna och indikatorvärdena som de stod när rapporten gjordes",
    )

    class Meta(TertialReportSerializer.Meta):
        fields = [*TertialReportSerializer.Meta.fields, "analysis", "figures"]
        read_only_fields = fields


class TertialReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Tertial reports; one report answers its stored figures and the group's analysis, as
    its JSON download does, and is logged as that download is."""

    queryset = TertialReport.objects.order_by("-period_start", "id")
    filterset_class = TertialReportFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION

    def get_serializer_class(self):
        return (
            TertialReportDetailSerializer if self.action == "retrieve" else TertialReportSerializer
        )

    def get_queryset(self):
        qs = super().get_queryset()
        # The list leaves the figures out: a year of reports is read without them.
        return qs if self.action == "retrieve" else qs.defer("snapshot", "analysis")

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        audit.record(
            audit.Action.TERTIAL_REPORT_EXPORT,
            request=request,
            obj=report,
            details={"format": "api"},
        )
        return Response(self.get_serializer(report).data)


class ExperienceEntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=200, help_text="Sökord, bästa träff först"
    )
    category = CodeFilter(field_name="categories__code", distinct=True, help_text="Kategorikod")
    problem_type = CodeFilter(max_length=120)
    method = CodeFilter(max_length=120)
    partnership = IdFilter(field_name="partnership_id")
    language = django_filters.ChoiceFilter(choices=ExperienceEntry.Language.choices)
    origin = django_filters.ChoiceFilter(choices=ExperienceEntry.Origin.choices)

    class Meta:
        model = ExperienceEntry
        fields = ["category", "problem_type", "method", "partnership", "language", "origin"]

    def filter_q(self, qs, name, text):
        # The bank page's search (samverkan.followup.search): the best match first.
        return search.search(qs, text)


class ExperienceEntrySerializer(serializers.ModelSerializer):
    categories = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ExperienceEntry
        fields = [
            "id",
            "title",
            "problem_type",
            "method",
            "setting",
            "categories",
            "description",
            "effect_summary",
            "cost",
            "contacts",
            "language",
            "origin",
            "evaluation",
            "partnership",
            "organisation",
            "shared",
            "public",
            "external_ref",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExperienceEntryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The experience bank: what the caller may read on the bank's pages, searchable."""

    queryset = ExperienceEntry.objects.prefetch_related("categories").order_by("-created_at", "id")
    serializer_class = ExperienceEntrySerializer
    filterset_class = ExperienceEntryFilter
    list_permission = "followup.view_bank"
    permission_required = "followup.view_entry"
