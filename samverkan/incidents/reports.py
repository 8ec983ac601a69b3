"""The one way a report becomes an incident row, from the reporter form or the API.

Both take the same fields (the form's ``cleaned_data`` and the serializer's
``validated_data`` use the same names), so one function decides what is stored: a point
when both coordinates are given, else the chosen area with the precision of that area's
level, and the area's name as the place when the reporter named none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from samverkan.core.models import Area
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import Precision
from samverkan.incidents.services import REPORT_SOURCE

# How precisely an incident placed by an area is placed: the statistical and city-district
# levels are parts of a municipality; police areas are about a municipality's size; regions
# about a county's.
_AREA_PRECISION = {
    Area.Level.COUNTRY: Precision.COUNTY,
    Area.Level.COUNTY: Precision.COUNTY,
    Area.Level.POLICE_REGION: Precision.COUNTY,
    Area.Level.MUNICIPALITY: Precision.MUNICIPALITY,
    Area.Level.POLICE_AREA: Precision.MUNICIPALITY,
    Area.Level.LOCAL_POLICE_AREA: Precision.MUNICIPALITY,
}


def area_precision(area: Area) -> str:
    """The precision of an incident placed by ``area`` rather than by a point."""
    return _AREA_PRECISION.get(area.level, Precision.DISTRICT)


def report_row(data: Mapping[str, Any], *, source: str = REPORT_SOURCE) -> IncidentRow:
    """The incident row of one report.

    Parameters
    ----------
    data : Mapping
        Validated fields: ``category`` (a Category), ``occurred_from``, and optionally
        ``occurred_to``, ``lon``/``lat``, ``area`` (an Area), ``place_name``,
        ``place_type``, ``description``, ``perceived_insecurity``, ``visibility``,
        ``external_id``. A point wins over an area when both are given.
    source : str
        The row's source; reports from people are ``"rapport"``.
    """
    area = data.get("area")
    has_point = data.get("lon") is not None and data.get("lat") is not None
    if not has_point and area is None:
        raise ValueError("Markera platsen på kartan eller välj ett område.")
    return IncidentRow(
        source=source,
        external_id=data.get("external_id") or "",
        occurred_from=data["occurred_from"],
        occurred_to=data.get("occurred_to"),
        category_id=data["category"].pk,
        description=data.get("description") or "",
        lon=data["lon"] if has_point else None,
        lat=data["lat"] if has_point else None,
        precision=Precision.POINT if has_point else area_precision(area),
        place_name=data.get("place_name") or (area.name if area is not None else ""),
        place_type=data.get("place_type") or "",
        perceived_insecurity=data.get("perceived_insecurity"),
        visibility=data.get("visibility") or "partnership",
        area_ids=[] if has_point else [area.pk],
    )
