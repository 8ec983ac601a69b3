"""Point-in-area lookup (`AreaIndex`) against a brute-force reference.

The reference is shapely's own ``intersects`` of every point with every polygon, without
the tree and without prepared geometries: the index must find exactly the same pairs,
boundaries included (a point on the border between two municipalities is in both).
"""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from samverkan import demo_data
from samverkan.core.geo import AreaIndex


@pytest.fixture(scope="module")
def municipalities():
    with gzip.open(demo_data.path(demo_data.SE_MUNICIPALITIES), "rt", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    # Gotland, Stockholm and their neighbours: islands, archipelagos and shared borders.
    wanted = {"0180", "0980", "0182", "0184", "0186", "0160", "0162", "0183", "0188"}
    return [
        (int(f["properties"]["code"]), f["geometry"])
        for f in features
        if f["properties"]["code"] in wanted
    ]


def _reference(areas, lon, lat) -> set[tuple[int, int]]:
    geoms = [shape(g) for _, g in areas]
    pairs = set()
    for i, (x, y) in enumerate(zip(lon, lat)):
        point = shapely.Point(x, y)
        for (area_id, _), geom in zip(areas, geoms):
            if geom.intersects(point):
                pairs.add((i, area_id))
    return pairs


def test_pairs_match_brute_force_with_border_points(municipalities):
    index = AreaIndex(municipalities)
    rng = np.random.default_rng(7)
    lon = list(rng.uniform(17.5, 19.5, 1500))
    lat = list(rng.uniform(57.0, 60.0, 1500))
    # Vertices of the polygons: on the border, shared by neighbours.
    for _, geom in municipalities[:4]:
        ring = shape(geom).geoms[0].exterior if geom["type"] == "MultiPolygon" else None
        ring = ring or shape(geom).exterior
        for x, y in list(ring.coords)[::10]:
            lon.append(x)
            lat.append(y)
    lon.append(float("nan"))
    lat.append(float("nan"))
    point_idx, area_ids = index.pairs(lon, lat)
    found = set(zip(point_idx.tolist(), area_ids.tolist()))
    assert found == _reference(municipalities, lon, lat)
    border = [p for p, _ in found if p >= 1500]
    assert len(border) >= 10
    assert len(border) > len(set(border))  # some lie on a border shared by two areas
    # Sorted by point, then area.
    assert list(zip(point_idx.tolist(), area_ids.tolist())) == sorted(found)
    # containing() is the same, as lists per point.
    containing = index.containing(lon, lat)
    assert {(i, a) for i, ids in enumerate(containing) for a in ids} == found
    assert containing[-1] == []


def _square(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


@pytest.mark.parametrize(
    "ids",
    [
        (1, 2, 3),  # up to three areas a point: the general path
        (1, 2, 2**40),  # ids beyond 32 bits: the general path as well
    ],
)
def test_groups_give_each_point_its_sorted_set(ids):
    a, b, c = ids
    index = AreaIndex(
        [(c, _square(0, 0, 10, 10)), (a, _square(0, 0, 5, 5)), (b, _square(4, 4, 6, 6))]
    )
    lon = [1, 4.5, 5.5, 8, 20, 1.5, 4.5]
    lat = [1, 4.5, 5.5, 8, 20, 1.5, 4.5]
    sets, which = index.groups(lon, lat)
    got = [sets[k] for k in which.tolist()]
    assert got == [
        tuple(sorted((a, c))),
        tuple(sorted((a, b, c))),
        tuple(sorted((b, c))),
        (c,),
        (),
        tuple(sorted((a, c))),
        tuple(sorted((a, b, c))),
    ]
    assert len(sets) == 5  # one entry per distinct set


def test_groups_two_areas_a_point_fast_path_matches_the_general_one(municipalities):
    index = AreaIndex(municipalities + [(10**6, _square(17.0, 57.0, 20.0, 61.0))])
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(17.5, 19.5, 3000), rng.uniform(57.0, 60.0, 3000)
    sets, which = index.groups(lon, lat)
    reference = index.containing(lon, lat)
    assert [sets[k] for k in which.tolist()] == [tuple(sorted(r)) for r in reference]
    assert max(len(s) for s in sets) == 2


def test_empty_inputs():
    index = AreaIndex([(1, _square(0, 0, 1, 1))])
    sets, which = index.groups([], [])
    assert len(which) == 0 and sets in ([], [()])
    assert index.containing([], []) == []
    assert AreaIndex([]).containing([0.5], [0.5]) == [[]]
