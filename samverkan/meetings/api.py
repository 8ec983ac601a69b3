"""Weekly meetings and their short-term actions in the REST API (read only).

The same access as the meeting pages (:mod:`samverkan.meetings.permissions`):
coordinators and steering-group members of the partnership read meetings, agendas,
prioritised places, actions and, once a meeting is closed, its frozen minutes; reporters
are refused the lists (403) and another partnership's meetings answer 404. Meetings are
held and changed on the pages, whose service functions write the audit events.
"""

from __future__ import annotations

import django_filters
from rest_framework import serializers, viewsets

from samverkan.core.api import IdFilter, IsoDateFilter, ScopedViewSetMixin
from samverkan.meetings import workflow
from samverkan.meetings.models import Meeting, MeetingAction, PrioritisedPlace

LIST_PERMISSION = "meetings.view"
OBJECT_PERMISSION = "meetings.view_object"


class MeetingFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="series__partnership_id", help_text="Samverkans id")
    series = IdFilter(field_name="series_id", help_text="Mötesseriens id")
    status = django_filters.ChoiceFilter(choices=workflow.MEETING_STATUSES)
    starts_from = IsoDateFilter(
        field_name="starts_at", lookup_expr="date__gte", help_text="Möten från och med dagen"
    )
    starts_before = IsoDateFilter(
        field_name="starts_at", lookup_expr="date__lt", help_text="Möten före dagen"
    )

    class Meta:
        model = Meeting
        fields = ["partnership", "series", "status"]


class MeetingActionFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="meeting__series__partnership_id")
    meeting = IdFilter(field_name="meeting_id", help_text="Mötet där åtgärden beslutades")
    status = django_filters.ChoiceFilter(choices=workflow.ACTION_STATUSES)
    due_before = IsoDateFilter(field_name="due_date", lookup_expr="lt")

    class Meta:
        model = MeetingAction
        fields = ["partnership", "meeting", "status"]


class PlaceSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True, default=None)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = PrioritisedPlace
        fields = ["id", "name", "lon", "lat", "area", "reason", "organisation", "when"]
        read_only_fields = fields


class MeetingActionSerializer(serializers.ModelSerializer):
    owner_organisation = serializers.CharField(source="owner_organisation.name", read_only=True)

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "meeting",
            "title",
            "owner_organisation",
            "due_date",
            "status",
            "feedback",
            "updated_at",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    series_name = serializers.CharField(source="series.name", read_only=True)
    partnership = serializers.IntegerField(source="series.partnership_id", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "series",
            "series_name",
            "partnership",
            "starts_at",
            "status",
            "window_start",
            "window_end",
            "closed_at",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    places = PlaceSerializer(many=True, read_only=True)
    actions = MeetingActionSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField(
        help_text="Det frysta protokollet; null tills mötet är avslutat"
    )

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "agenda", "notes", "places", "actions", "minutes"]
        read_only_fields = fields

    def get_minutes(self, meeting) -> dict | None:
        # Minutes exist only once a meeting is closed; an open meeting's are still empty.
        return meeting.minutes if meeting.is_closed else None


class MeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of the caller's partnerships; the detail holds agenda, places, actions and
    the frozen minutes of a closed meeting."""

    queryset = Meeting.objects.select_related("series").order_by("-starts_at", "id")
    filterset_class = MeetingFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            return qs.defer("agenda", "minutes", "minutes_html", "notes")
        return qs.prefetch_related(
            "places__area", "places__organisation", "actions__owner_organisation"
        )

    def get_serializer_class(self):
        return MeetingSerializer if self.action == "list" else MeetingDetailSerializer


class MeetingActionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Short-term actions of the caller's meetings, to follow up by status and due date."""

    queryset = MeetingAction.objects.select_related("owner_organisation").order_by("due_date", "id")
    serializer_class = MeetingActionSerializer
    filterset_class = MeetingActionFilter
    list_permission = LIST_PERMISSION
    permission_required = OBJECT_PERMISSION
