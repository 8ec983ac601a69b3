"""Lägesbilder in the REST API: the list, and each version's figures exactly as stored.

A report's ``figures`` are its ``snapshot`` unchanged: for a shared or public picture
that is the suppressed aggregate the build made (small counts as ``".."``, incident-level
sections left out), for an internal one the internal figures. Who sees which report is
decided by :func:`~samverkan.core.permissions.scope` and ``situation.view_report``, the
same rules as the report page: reporters only approved or shared pictures of their
partnership, regional viewers only shared pictures whose audience is shared or public.
Nothing is computed again on reading, so the API repeats what was approved.
"""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from samverkan.core.api import CodeFilter, IdFilter, IsoDateFilter, ScopedViewSetMixin
from samverkan.situation.models import Audience, PeriodType, SituationReport, Status


class SituationReportFilter(django_filters.FilterSet):
    area = CodeFilter(field_name="area__code", help_text="Områdeskod")
    partnership = IdFilter(field_name="partnership_id", help_text="Samverkansgruppens id")
    period_type = django_filters.ChoiceFilter(choices=PeriodType.choices)
    status = django_filters.ChoiceFilter(choices=Status.choices)
    audience = django_filters.ChoiceFilter(choices=Audience.choices)
    series = django_filters.UUIDFilter(help_text="Alla versioner av samma lägesbild")
    starts_from = IsoDateFilter(
        field_name="period_start", lookup_expr="date__gte", help_text="Perioden börjar tidigast"
    )
    starts_before = IsoDateFilter(
        field_name="period_start", lookup_expr="date__lt", help_text="Perioden börjar före"
    )

    class Meta:
        model = SituationReport
        fields = ["area", "partnership", "period_type", "status", "audience", "series"]


class SituationReportSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    partnership = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SituationReport
        fields = [
            "id",
            "series",
            "version",
            "area",
            "area_name",
            "partnership",
            "period_type",
            "period_label",
            "period_start",
            "period_end",
            "audience",
            "status",
            "created_at",
            "approved_at",
            "shared_at",
        ]
        read_only_fields = fields


class SituationReportDetailSerializer(SituationReportSerializer):
    figures = serializers.JSONField(
        source="snapshot", read_only=True, help_text="Siffrorna exakt som de lagrades"
    )
    assessments = serializers.JSONField(read_only=True, help_text="Gruppens bedömningar")

    class Meta(SituationReportSerializer.Meta):
        fields = [*SituationReportSerializer.Meta.fields, "figures", "assessments"]
        read_only_fields = fields


class SituationReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Lägesbilder the caller may see; the detail holds the stored figures."""

    queryset = (
        SituationReport.objects.select_related("area")
        .defer("area__geometry")
        .order_by("-period_start", "area__code", "-version", "-id")
    )
    permission_required = "situation.view_report"
    filterset_class = SituationReportFilter

    def get_queryset(self):
        qs = super().get_queryset()
        # The figures can be large; a list leaves them out.
        return qs.defer("snapshot", "assessments") if self.action == "list" else qs

    def get_serializer_class(self):
        if self.action == "list":
            return SituationReportSerializer
        return SituationReportDetailSerializer
