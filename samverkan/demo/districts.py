"""Approximate demo districts of Örebro municipality, built without a boundary file.

No open district boundary file can be bundled (the demo runs offline from a fresh clone), so
the demo draws its own: one Voronoi cell around the public centre coordinate of each real
district, computed in SWEREF 99 TM (metres, so that the cells are not stretched east-west
as they would be in degrees) and clipped to the bundled municipality border. Every name says
"(ungefärlig demo-indelning)": the cells only resemble the real districts, and no one must
mistake them for the municipality's own division.

The districts go through :func:`samverkan.core.area_import.import_areas` like any imported
file, so a second run finds every district unchanged and writes nothing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape

from samverkan.core.area_import import import_areas
from samverkan.core.geo import project, to_wgs84
from samverkan.core.models import Area, Partnership

MUNICIPALITY = "1880"  # Örebro
LABEL = "(ungefärlig demo-indelning)"
CODE_PREFIX = "1880-demo-"
# Approximate public centre points (lon, lat) of districts and rural parts of the municipality.
CENTRES = [
    ("Centrum", 15.213, 59.273),
    ("Vivalla", 15.172, 59.295),
    ("Varberga", 15.249, 59.268),
    ("Baronbackarna", 15.193, 59.286),
    ("Brickebacken", 15.196, 59.246),
    ("Oxhagen", 15.232, 59.285),
    ("Mellringe", 15.208, 59.300),
    ("Adolfsberg", 15.214, 59.236),
    ("Västhaga", 15.183, 59.275),
    ("Lillån", 15.232, 59.310),
    ("Rynninge", 15.272, 59.272),
    ("Marieberg", 15.146, 59.226),
    ("Tybble", 15.178, 59.260),
    ("Hovsta", 15.218, 59.352),
    ("Glanshammar", 15.402, 59.322),
    ("Odensbacken", 15.527, 59.166),
    ("Garphyttan", 14.943, 59.280),
    ("Kilsmo", 15.642, 59.106),
]


def _code(number: int) -> str:
    return f"{CODE_PREFIX}{number:02d}"


def district_features(municipality_geometry: dict) -> list[dict]:
    """GeoJSON features of the demo districts: Voronoi cells clipped to the municipality.

    Centres outside the municipality border are left out rather than given a cell that the
    clipping would empty.
    """
    border_wgs = shape(municipality_geometry)
    border = shapely.transform(border_wgs, lambda xy: _projected(xy))
    points = [
        (name, shapely.Point(project(lon, lat)))
        for name, lon, lat in CENTRES
        if border_wgs.contains(shapely.Point(lon, lat))
    ]
    cells = shapely.voronoi_polygons(
        shapely.MultiPoint([p for _, p in points]), extend_to=border.envelope
    )
    features = []
    for number, (name, point) in enumerate(points, start=1):
        cell = next(c for c in cells.geoms if c.contains(point))
        # Clipped in WGS84, against the border's own vertices: a round trip of the border
        # through the projection would move it by a hair and let cells stick out of it.
        clipped = shapely.make_valid(shapely.transform(cell, _wgs84).intersection(border_wgs))
        polygons = [g for g in getattr(clipped, "geoms", [clipped]) if g.area > 0]
        # Clipping may leave slivers apart from the cell's main part: keep only the part
        # around the centre, so each district is one connected place on the map.
        centre = shapely.transform(point, _wgs84)
        part = next(
            (g for g in polygons if g.contains(centre)), max(polygons, key=lambda g: g.area)
        )
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": _code(number),
                    "name": f"{name} {LABEL}",
                    "kommun": MUNICIPALITY,
                },
                "geometry": mapping(shapely.orient_polygons(part)),
            }
        )
    return features


def _projected(xy):
    import numpy as np

    x, y = project(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _wgs84(xy):
    import numpy as np

    lon, lat = to_wgs84(xy[:, 0], xy[:, 1], "EPSG:3006")
    return np.column_stack([lon, lat])


def link_point_incidents(areas) -> int:
    """Link the point incidents that lie in ``areas`` and are not yet linked to them.

    ``import_areas`` relinks the areas it creates or moves; this also covers districts whose
    borders did not change but whose links are missing (a database restored or edited by
    hand), so that a rerun of the demo always leaves the districts counted in full.
    Returns the number of links created.
    """
    # Imported here: core imports no domain app at module level.
    from samverkan.incidents.area_links import relink_areas

    added, _removed = relink_areas([a.pk for a in areas if a.geometry])
    return added


def load_districts(partnership_name: str | None = None, log=print) -> list[Area]:
    """Create (or leave unchanged) the demo districts and give them to the partnership."""
    municipality = Area.objects.get(country="SE", level="municipality", code=MUNICIPALITY)
    features = district_features(municipality.geometry)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orebro-demo-stadsdelar.geojson"
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )
        report = import_areas(
            path,
            level="district",
            code_field="code",
            name_field="name",
            country="SE",
            parent_level="municipality",
            parent_field="kommun",
        )
    log(
        f"  Stadsdelar i Örebro {LABEL}: {report.created} nya, {report.updated} uppdaterade, "
        f"{report.unchanged} oförändrade"
    )
    districts = list(
        Area.objects.filter(country="SE", level="district", code__startswith=CODE_PREFIX)
    )
    if partnership_name:
        partnership = Partnership.objects.filter(name=partnership_name).first()
        if partnership is not None:
            partnership.areas.add(*districts)
    linked = link_point_incidents(districts)
    if linked:
        log(f"  {linked} händelser kopplade till stadsdelarna")
    return districts
