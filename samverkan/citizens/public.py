"""Which area a public safety-walk URL names, and its municipality."""

from __future__ import annotations

from django.http import Http404

from samverkan.core.models import Area

LEVELS = (Area.Level.MUNICIPALITY, Area.Level.DISTRICT)


def resolve(code: str) -> tuple[Area, Area | None]:
    """The municipality and (for a district's URL) the district that ``code`` names."""
    # Without the border: the outline endpoint loads it on first use, no other page needs it.
    area = (
        Area.objects.filter(code=code, level__in=LEVELS, valid_to__isnull=True)
        .defer("geometry")
        .first()
    )
    municipality = area.municipality() if area else None
    if municipality is None:
        raise Http404
    return municipality, (area if area.level == Area.Level.DISTRICT else None)
