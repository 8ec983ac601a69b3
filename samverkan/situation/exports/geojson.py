"""The lägesbild as GeoJSON (WGS84): the area, its child areas with counts, hot-spot cells
as H3 polygons and, for the internal audience only, the incidents placed at a point or an
address (never those placed at an area's centroid)."""

from __future__ import annotations

import json

from samverkan.core import periods
from samverkan.core.models import Partnership
from samverkan.situation.exports.geo import area_geometry, area_of, child_geometries


def _cell_polygon(cell: str) -> dict:
    import h3

    ring = [[round(lng, 7), round(lat, 7)] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def features(figures: dict) -> list[dict]:
    area = area_of(figures)
    out = []
    border = area_geometry(figures, area)
    if border:
        out.append(
            {
                "type": "Feature",
                "geometry": border,
                "properties": {
                    "kind": "area",
                    "code": area.code,
                    "name": area.name,
                    "level": area.level,
                    "count": figures["totals"]["count"],
                    "previous": figures["totals"]["previous"],
                    "last_year": figures["totals"]["last_year"],
                },
            }
        )
    geoms = child_geometries(figures, area)
    for r in figures.get("by_child_area") or []:
        out.append(
            {
                "type": "Feature",
                "geometry": geoms.get(r["code"]),
                "properties": {"kind": "child_area", **r},
            }
        )
    for c in (figures.get("hotspots") or {}).get("cells", []):
        out.append(
            {
                "type": "Feature",
                "geometry": _cell_polygon(c["cell"]),
                "properties": {"kind": "hotspot_cell", **c},
            }
        )
    if figures.get("audience") == "internal" and area is not None:
        from samverkan.situation.build import point_incidents

        p = figures.get("partnership")
        partnership = Partnership.objects.filter(pk=p["id"]).first() if p else None
        period = periods.parse(f"{figures['period']['first_day']}..{figures['period']['last_day']}")
        for pt in point_incidents(area, period, partnership):
            out.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [pt["lon"], pt["lat"]]},
                    "properties": {
                        "kind": "incident",
                        **{k: v for k, v in pt.items() if k not in ("lon", "lat")},
                    },
                }
            )
    return out


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    data = {
        "type": "FeatureCollection",
        "name": f"lagesbild-{figures['area']['code']}-{figures['period']['label']}",
        "features": features(figures),
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
