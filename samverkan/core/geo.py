"""Geometry helpers: projection to metres and point-in-area lookup.

No GeoDjango and no system GDAL (DESIGN §2): geometries are GeoJSON in the database, and
the point-in-area join is computed once at ingestion with a shapely STRtree.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import shape

# SWEREF 99 TM in Sweden, ETRS89 / UTM 33N in Norway: the national metric grids.
PROJECTED_CRS = {"SE": "EPSG:3006", "NO": "EPSG:25833"}


@lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def project(lon, lat, country: str = "SE"):
    """Project WGS84 lon/lat (scalars or arrays) to the country's metric CRS."""
    return _transformer("EPSG:4326", PROJECTED_CRS.get(country, "EPSG:3006")).transform(lon, lat)


def to_wgs84(x, y, crs: str):
    """Transform coordinates in ``crs`` (e.g. ``"EPSG:3006"``) to WGS84 lon/lat."""
    return _transformer(crs, "EPSG:4326").transform(x, y)


def bbox(geometry: dict) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in shape(geometry).bounds)


class AreaIndex:
    """Which areas contain a point, for many points at once.

    Parameters
    ----------
    areas : iterable of (area_id, geojson_geometry)
    """

    def __init__(self, areas):
        ids, geoms = [], []
        for area_id, geometry in areas:
            if not geometry:
                continue
            ids.append(area_id)
            geoms.append(shape(geometry))
        self.ids = np.asarray(ids, dtype=np.int64)
        self.geoms = np.asarray(geoms, dtype=object)
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)

    def containing(self, lon, lat) -> list[list[int]]:
        """For each point, the ids of the areas that contain it (boundary included)."""
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        result: list[list[int]] = [[] for _ in range(len(lon))]
        if len(self.ids) == 0 or len(lon) == 0:
            return result
        points = shapely.points(lon, lat)
        point_idx, area_idx = self.tree.query(points, predicate="intersects")
        for p, a in zip(point_idx.tolist(), self.ids[area_idx].tolist()):
            result[p].append(a)
        return result

    @classmethod
    def from_queryset(cls, queryset) -> AreaIndex:
        return cls(queryset.values_list("id", "geometry").iterator(chunk_size=200))
