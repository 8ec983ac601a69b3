"""What the report page and its map show of a lägesbild's frozen figures.

The figures are frozen in the report's snapshot; these functions only select, label and
link them for one reader (the map layers and the tables of the report page), so the view
stays a view and the API or another page can show the same.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from samverkan.core.models import Organisation
from samverkan.situation.build import PUBLIC_SOURCE_KIND, SHARED
from samverkan.situation.exports.geojson import features as geojson_features
from samverkan.situation.models import SituationReport
from samverkan.situation.scope import sees_incidents

# Hot-spot cells listed under the map, the most significant first.
HOT_CELLS_SHOWN = 15


def report_geojson(report: SituationReport, user) -> dict:
    """The report's map layers: area, child areas with counts, hot-spot cells, and for
    those allowed, point incidents, near-repeat zones and repeat places."""
    snap = report.snapshot
    allowed = sees_incidents(user, report)
    # Point incidents are read live by the exporter only for internal pictures.
    feats = geojson_features(snap if allowed else {**snap, "audience": SHARED})
    for z in (snap.get("near_repeat") or {}).get("zones", []):
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [z["lon"], z["lat"]]},
                "properties": {"kind": "near_repeat_zone", **z},
            }
        )
    for r in snap.get("repeat_places") or []:
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {
                    "kind": "repeat_place",
                    "place": r.get("place"),
                    "count": r["count"],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"lagesbild-{snap['area']['code']}-{snap['period']['label']}",
        "features": feats,
    }


def report_tables(figures: dict, links: dict | None, lang: str) -> dict:
    """The tables of the report page from ``figures``.

    Categories get their label in ``lang`` and, with ``links`` (see
    :func:`samverkan.situation.clickthrough.incident_links`), the address of their
    incidents, as do child areas; hot cells are the significant ones, most significant
    first; coverage rows name the kind of organisation; notable events carry their time.
    """
    kinds = dict(Organisation.Kind.choices) | {PUBLIC_SOURCE_KIND: _("Öppen källa")}
    hot = [c for c in (figures.get("hotspots") or {}).get("cells", []) if c.get("hot")]
    return {
        "categories": [
            dict(
                r,
                display_label=(r.get("labels") or {}).get(lang) or r["label"],
                incidents_url=links["categories"].get(r["code"]) if links else None,
            )
            for r in figures.get("by_category") or []
        ],
        "child_areas": [
            dict(r, incidents_url=links["children"].get(r["code"]) if links else None)
            for r in figures.get("by_child_area") or []
        ],
        "hot_cells": sorted(hot, key=lambda c: -(c.get("z") or 0))[:HOT_CELLS_SHOWN],
        "coverage": [
            dict(r, kind_label=kinds.get(r["kind"], r["kind"]))
            for r in (figures.get("coverage") or {}).get("by_organisation", [])
        ],
        "notable": [
            dict(n, when=datetime.fromisoformat(n["date"])) for n in figures.get("notable") or []
        ],
    }
