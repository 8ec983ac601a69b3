"""Core's part of the REST API: areas and organisations, and what every app's ``api.py``
shares: permissions, scoping and filters.

The shared part lives in ``core`` because the apps' API modules may import ``core`` but
never ``samverkan.api`` (which mounts them): the layers contract in pyproject.toml.

* A list answers what :func:`~samverkan.core.permissions.scope` gives the user, the
  same helper the pages use; an object outside that answers 404, so nobody learns that
  it exists. ``list_permission`` refuses a whole list (403) to roles the pages refuse.
* Each object is checked once more against the rules permission ``permission_required``.
* Query parameters are read by a django-filter ``FilterSet`` per resource; a value that
  cannot be used is a 400 naming the parameter, never a 500 or a silently ignored filter.
"""

from __future__ import annotations

from datetime import date, datetime

import django_filters
from django import forms
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission

from samverkan.core.models import Area, Organisation
from samverkan.core.params import INT64_MAX
from samverkan.core.permissions import scope

TIME_MESSAGE = "Ange tiden i ISO 8601, t.ex. 2025-03-01 eller 2025-03-01T08:00."
DATE_MESSAGE = "Ange ett datum i ISO 8601, t.ex. 2025-03-01."


class RulesPermission(BasePermission):
    """Signed in; ``view.list_permission`` (if any) for lists and creation; the rules
    permission ``view.permission_required`` for each object."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = getattr(view, "list_permission", None)
        if needed and getattr(view, "action", None) in ("list", "create"):
            return user.has_perm(needed)
        return True

    def has_object_permission(self, request, view, obj):
        return request.user.has_perm(view.permission_required, obj)


class ScopedViewSetMixin:
    """Lists and details of an API resource come from :func:`scope` only."""

    permission_classes = [RulesPermission]
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return scope(super().get_queryset(), self.request.user)


class IsoDateTimeField(forms.Field):
    """A moment in ISO 8601; a date alone is its midnight in the deployment's zone."""

    default_error_messages = {"invalid": TIME_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


class IsoDateField(forms.Field):
    default_error_messages = {"invalid": DATE_MESSAGE}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# Typed in the schema even when the filter has a method instead of a model field to read
# the type from.
@extend_schema_field(OpenApiTypes.DATETIME)
class IsoDateTimeFilter(django_filters.Filter):
    field_class = IsoDateTimeField


@extend_schema_field(OpenApiTypes.DATE)
class IsoDateFilter(django_filters.Filter):
    field_class = IsoDateField


class IdFilter(django_filters.NumberFilter):
    """A whole number the database can hold (an id, a year); anything else is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0); django-filter's own boolean ignores any other value,
    which would answer a mistyped filter with the unfiltered list."""

    default_error_messages = {"invalid": "Ange true eller false."}
    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.VALUES[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CodeFilter(django_filters.CharFilter):
    """A short code (area, category, source); longer values cannot match and are a 400."""

    def __init__(self, *args, max_length: int = 100, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)


# --------------------------------------------------------------------------- core's resources


class AreaFilter(django_filters.FilterSet):
    level = CodeFilter(help_text="Nivå, t.ex. municipality eller district")
    country = CodeFilter(help_text="Land: SE eller NO")
    code = CodeFilter(help_text="Områdeskod")

    class Meta:
        model = Area
        fields = ["level", "country", "code"]


class AreaSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "country", "parent", "parent_code", "population"]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "org_number"]


class AreaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Areas (kommuner, län, districts) of every hierarchy."""

    # Codes and names only: the borders are served as GeoJSON by the pages' area-geojson.
    queryset = (
        Area.objects.select_related("parent")
        .defer("geometry", "parent__geometry")
        .order_by("country", "level", "code")
    )
    serializer_class = AreaSerializer
    permission_required = "core.view_area"
    filterset_class = AreaFilter


class OrganisationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations the user belongs to."""

    queryset = Organisation.objects.order_by("name")
    serializer_class = OrganisationSerializer
    permission_required = "core.view_organisation"
