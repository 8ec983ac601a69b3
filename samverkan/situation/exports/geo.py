"""Geometries behind a lägesbild's figures, looked up from the stored areas."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from samverkan.core.models import Area, AreaBorder


def _built_at(figures: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(figures["generated_at"])
    except (KeyError, TypeError, ValueError):
        return None


def area_geometry(figures: dict, area: Area | None) -> dict | None:
    """The area's border as the figures were counted in (a re-import may have moved it)."""
    if area is None:
        return None
    return area.border_geometry(figures["area"].get("border_id"), at=_built_at(figures))


def area_of(figures: dict) -> Area | None:
    a = figures["area"]
    return Area.objects.filter(
        country=a.get("country", "SE"), level=a["level"], code=a["code"]
    ).first()


def child_geometries(figures: dict, area: Area | None) -> dict[str, dict]:
    if area is None:
        return {}
    codes = [r["code"] for r in figures.get("by_child_area") or []]
    children = area.children.filter(code__in=codes)
    current = dict(children.values_list("code", "geometry"))
    at = _built_at(figures)
    if at is not None:
        # Borders that have since been replaced: the one in force when the figures were built.
        current.update(
            AreaBorder.objects.filter(area__in=children, valid_to__gt=at)
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=at))
            .order_by("pk")
            .values_list("area__code", "geometry")
        )
    return {code: geom for code, geom in current.items() if geom}
