"""Partners' resource rows in the REST API: read, enter, change and remove.

A municipality's time-reporting or finance system can feed the hours and money that
partners put into each area and month, and read them back, instead of someone typing
them in. The rules are the pages' (:mod:`samverkan.resources.permissions`): coordinators
of a partnership see and write every row of the areas their membership reaches, other
members of a partner organisation only their organisation's rows; reporters and the
county board are refused the list (403), and a row outside the caller's scope is 404.
Every write goes through :mod:`samverkan.resources.services`, which checks the row's
partnership, organisation and area and writes the audit event, as the form does.
"""

from __future__ import annotations

from datetime import date

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from samverkan.core import periods
from samverkan.core.api import CodeFilter, IdFilter, IsoDateFilter, ScopedViewSetMixin
from samverkan.core.models import Area, Organisation
from samverkan.core.permissions import scope
from samverkan.resources import permissions, services
from samverkan.resources.models import Kind, ResourceEntry

PERMISSION = "resources.view"


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$", "example": "2025-03"})
class MonthField(serializers.Field):
    """A month as ``YYYY-MM`` (a date within it is accepted: rows are kept per month)."""

    default_error_messages = {"invalid": "Ange månaden som ÅÅÅÅ-MM, t.ex. 2025-03."}

    def to_representation(self, value: date) -> str:
        return value.strftime("%Y-%m")

    def to_internal_value(self, data) -> date:
        # The one reading of periods (core.periods): a day gives the month that holds it.
        try:
            return periods.parse(str(data), periods.MONTH).first_day
        except periods.PeriodError:
            self.fail("invalid")


class ResourceEntryFilter(django_filters.FilterSet):
    partnership = IdFilter(field_name="partnership_id")
    organisation = IdFilter(field_name="organisation_id")
    area = IdFilter(field_name="area_id", help_text="Områdets id")
    area_code = CodeFilter(field_name="area__code", help_text="Områdeskod")
    kind = django_filters.ChoiceFilter(choices=Kind.choices)
    month_from = IsoDateFilter(field_name="month", lookup_expr="gte", help_text="Månader från")
    month_before = IsoDateFilter(field_name="month", lookup_expr="lt", help_text="Månader före")

    class Meta:
        model = ResourceEntry
        fields = ["partnership", "organisation", "area", "kind"]


class ResourceEntrySerializer(serializers.ModelSerializer):
    month = MonthField(help_text="Månaden, ÅÅÅÅ-MM")
    area_code = serializers.CharField(source="area.code", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    unit = serializers.CharField(read_only=True, help_text="h, kr eller tomt (Annat)")

    class Meta:
        model = ResourceEntry
        fields = [
            "id",
            "partnership",
            "organisation",
            "area",
            "area_code",
            "area_name",
            "month",
            "kind",
            "amount",
            "unit",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:
            return
        # Only what the caller may name: an unknown or hidden id is "does not exist" (400),
        # never a hint that another partnership's row or area is there.
        user = request.user
        self.fields["partnership"].queryset = permissions.partnerships_for(user)
        self.fields["organisation"].queryset = Organisation.objects.all()
        self.fields["area"].queryset = scope(Area.objects.all(), user)


def _refused_as_400(call):
    try:
        return call()
    except DjangoValidationError as exc:
        raise ValidationError(getattr(exc, "message_dict", None) or exc.messages) from exc
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class ResourceEntryViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Resource rows the caller may see; writes as the resource form makes them."""

    queryset = (
        ResourceEntry.objects.select_related("area")
        .defer("area__geometry")
        .order_by("-month", "area__code", "id")
    )
    serializer_class = ResourceEntrySerializer
    filterset_class = ResourceEntryFilter
    list_permission = PERMISSION
    permission_required = PERMISSION

    def perform_create(self, serializer):
        request = self.request
        serializer.instance = _refused_as_400(
            lambda: services.create_entry(
                request.user, request=request, **serializer.validated_data
            )
        )

    def perform_update(self, serializer):
        request = self.request
        serializer.instance = _refused_as_400(
            lambda: services.update_entry(
                serializer.instance, request.user, request=request, **serializer.validated_data
            )
        )

    def perform_destroy(self, instance):
        services.delete_entry(instance, self.request.user, request=self.request)
