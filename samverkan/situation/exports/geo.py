"""Geometries behind a lägesbild's figures, looked up from the stored areas."""

from __future__ import annotations

from samverkan.core.models import Area


def area_of(figures: dict) -> Area | None:
    a = figures["area"]
    return Area.objects.filter(
        country=a.get("country", "SE"), level=a["level"], code=a["code"]
    ).first()


def child_geometries(figures: dict, area: Area | None) -> dict[str, dict]:
    if area is None:
        return {}
    codes = [r["code"] for r in figures.get("by_child_area") or []]
    return {
        code: geom
        for code, geom in area.children.filter(code__in=codes).values_list("code", "geometry")
        if geom
    }
