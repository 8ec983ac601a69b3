"""Communication activities in the REST API, read only.

The rule of the pages (:mod:`samverkan.communication.permissions`): the partnership's
coordinators and steering group read its activities, a membership limited to areas those
of its areas; reporters are refused the list (403), another partnership's activity is 404.
Activities are planned and followed up on the pages.
"""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from samverkan.communication import workflow
from samverkan.communication.models import Activity
from samverkan.core.api import CodeFilter, IdFilter, IsoDateFilter, ScopedViewSetMixin


class ActivityFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    area = CodeFilter(field_name="area__code", help_text="Områdeskod")
    status = django_filters.ChoiceFilter(choices=workflow.ACTIVITY_STATUSES)
    measure = IdFilter(field_name="measures", help_text="Aktiviteter knutna till åtgärden")
    promise = IdFilter(field_name="promises", help_text="Aktiviteter knutna till löftet")
    planned_from = IsoDateFilter(field_name="planned_on", lookup_expr="gte")
    planned_before = IsoDateFilter(field_name="planned_on", lookup_expr="lt")

    class Meta:
        model = Activity
        fields = ["partnership", "area", "status", "measure", "promise"]


class ActivitySerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True, default=None)
    channel = serializers.CharField(source="channel.name", read_only=True)
    # Only web addresses, as on the pages: a stored "javascript:" never reaches a client.
    link = serializers.CharField(source="safe_link", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "partnership",
            "area",
            "title",
            "audience",
            "message",
            "channel",
            "planned_on",
            "owner",
            "owner_person",
            "measures",
            "promises",
            "status",
            "done_on",
            "outcome",
            "reached",
            "link",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActivityViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The communication plan's activities, with what was done."""

    queryset = (
        Activity.objects.select_related("area", "channel")
        .defer("area__geometry")
        .prefetch_related("measures", "promises")
        .order_by("planned_on", "title", "id")
    )
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    list_permission = "communication.view"
    permission_required = "communication.view_object"
