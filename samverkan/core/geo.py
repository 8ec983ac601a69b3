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

    def pairs(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Every (point index, area id) with the area containing the point (boundary included).

        Sorted by point index, then area id. Candidates come from the tree by bounding
        box; the exact test then runs against the prepared polygons, which index their
        edges: five times faster than letting the tree evaluate the predicate, which
        prepares the query points instead (nothing to gain for a point).
        """
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        if len(self.ids) == 0 or len(lon) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        point_idx, area_idx = self.tree.query(shapely.points(lon, lat))
        inside = shapely.intersects_xy(self.geoms[area_idx], lon[point_idx], lat[point_idx])
        point_idx, area_ids = point_idx[inside], self.ids[area_idx[inside]]
        order = np.lexsort((area_ids, point_idx))
        return point_idx[order], area_ids[order]

    def groups(self, lon, lat) -> tuple[list[tuple[int, ...]], np.ndarray]:
        """The distinct sets of containing areas, and which set each point has.

        Returns ``(sets, which)``: ``sets`` a list of sorted tuples of area ids (``()``
        for points outside every area), ``which`` an integer array with, for each point,
        its index into ``sets``. Points in the same areas share one tuple, so callers
        work per set instead of per point.
        """
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        n = len(lon)
        point_idx, area_ids = self.pairs(lon, lat)
        counts = np.bincount(point_idx, minlength=n)
        width = int(counts.max()) if len(point_idx) else 0
        # One row per point, its area ids left-aligned and padded with -1: equal rows are
        # equal sets (the ids are sorted), so np.unique over rows finds the sets.
        table = np.full((n, max(width, 1)), -1, dtype=np.int64)
        if len(point_idx):
            first = np.cumsum(counts) - counts
            table[point_idx, np.arange(len(point_idx)) - first[point_idx]] = area_ids
        if table.shape[1] <= 2 and (len(area_ids) == 0 or int(area_ids.max()) < 2**31):
            # Up to two ids below 2**31 (a municipality and its county: the usual case)
            # fit in one int64, and a 1-d unique is many times faster than one over rows.
            key = (
                (table[:, 0] << 32) | (table[:, -1] & 0xFFFFFFFF)
                if table.shape[1] == 2
                else table[:, 0]
            )
            _, first_of, which = np.unique(key, return_index=True, return_inverse=True)
            rows = table[first_of]
        else:
            rows, which = np.unique(table, axis=0, return_inverse=True)
        sets = [tuple(int(v) for v in row if v >= 0) for row in rows.tolist()]
        return sets, which.reshape(-1)

    def containing(self, lon, lat) -> list[list[int]]:
        """For each point, the ids of the areas that contain it (boundary included)."""
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        result: list[list[int]] = [[] for _ in range(len(lon))]
        for p, a in zip(*(v.tolist() for v in self.pairs(lon, lat))):
            result[p].append(a)
        return result

    @classmethod
    def from_queryset(cls, queryset) -> AreaIndex:
        return cls(queryset.values_list("id", "geometry").iterator(chunk_size=200))
