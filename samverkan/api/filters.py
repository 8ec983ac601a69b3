"""Query parameters of the incidents and areas API, one FilterSet per resource."""

from __future__ import annotations

import django_filters

from samverkan.core.api import CodeFilter, IsoDateTimeFilter
from samverkan.core.models import Area
from samverkan.incidents.models import Category, Incident, IncidentArea
from samverkan.incidents.points import category_ids


class AreaFilter(django_filters.FilterSet):
    level = CodeFilter(help_text="Nivå, t.ex. municipality eller district")
    country = CodeFilter(help_text="Land: SE eller NO")
    code = CodeFilter(help_text="Områdeskod")

    class Meta:
        model = Area
        fields = ["level", "country", "code"]


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
