"""Where and when an incident can have happened: one rule for form, API and imports.

A report at ``lon=1e308, lat=1e308`` was once stored and blanked the coordinator's map
(Leaflet fits its view to every point); a date in year 1 or 3000 breaks periods and charts
the same way. A point must lie within the extent of a country of the deployment (the
countries of its loaded areas, and ``SAMVERKAN_COUNTRY``), a time between 1900 and one
day from now (clocks and time zones of reporters differ; further ahead is a typo).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from samverkan.core.models import Area
from samverkan.incidents.area_links import area_version

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_LIMIT = timedelta(days=1)


def deployment_countries() -> list[str]:
    """The configured country first, then every other country with areas loaded."""
    loaded = sorted(set(Area.objects.values_list("country", flat=True).distinct()))
    return [settings.COUNTRY] + [c for c in loaded if c != settings.COUNTRY]


def _extent(country: str) -> tuple[float, float, float, float]:
    # The loaded counties can extend a country beyond the fixed box (islands, Svalbard is
    # not in it), never shrink it: synthetic or partial area sets must not refuse real places.
    from samverkan.incidents.importers.tabular import COUNTRY_BBOX, country_bbox

    fixed = COUNTRY_BBOX.get(country)
    x0, y0, x1, y1 = country_bbox(country)
    if fixed is None:
        return x0, y0, x1, y1
    return min(x0, fixed[0]), min(y0, fixed[1]), max(x1, fixed[2]), max(y1, fixed[3])


# (key the areas had, [(country, extent), ...]) of the last look-up in this process.
_extents: tuple | None = None


def deployment_extents() -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each deployment country with its extent, read again only when the areas change.

    Every report post checks its point against these (in the API's validation and again in
    the service); the key is the one the per-process area index uses, one small query.
    """
    global _extents
    key = (area_version(), settings.COUNTRY)
    found = _extents
    if found is None or found[0] != key:
        found = (key, [(c, _extent(c)) for c in deployment_countries()])
        _extents = found
    return found[1]


def point_problem(lon: float | None, lat: float | None) -> str | None:
    """Why ``(lon, lat)`` cannot be an incident's place, or None when it can."""
    # Imported lazily: the importers use this module's time rule.
    from samverkan.incidents.importers.tabular import COUNTRY_NAME

    if lon is None or lat is None:
        return None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "Koordinaterna är inga ändliga tal."
    extents = deployment_extents()
    for _country, (x0, y0, x1, y1) in extents:
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            return None
    countries = [country for country, _ in extents]
    names = " eller ".join(COUNTRY_NAME.get(c, c) for c in countries)
    return f"Platsen ({lon:.6g}, {lat:.6g}) ligger utanför {names}."


def time_problem(value: datetime | None, now: datetime | None = None) -> str | None:
    """Why ``value`` cannot be when an incident happened, or None when it can."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value < EARLIEST:
        return "Tiden ligger före år 1900."
    if value > (now or timezone.now()) + FUTURE_LIMIT:
        return "Tiden ligger mer än ett dygn i framtiden."
    return None
