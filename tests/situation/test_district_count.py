"""A district's lägesbild counts exactly the incidents inside its border.

The districts are concave, irregular polygons that split Norrby between them; incidents
fall at random across the municipality; the count of each district's picture (and each
district's row in the municipality's picture, its children broken down) must equal a
point-in-polygon count done by hand with shapely on the same points.
"""

from __future__ import annotations

from itertools import count

import numpy as np
import pytest
from shapely.geometry import Point, shape

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.situation.build import build_for_period
from tests.situation.conftest import local

MARCH = periods.parse("2025-03")
_ids = count(1)

# A zigzag border from south to north splits Norrby (15-16 E, 59-60 N) in two.
BORDER = [(15.62, 59.0), (15.38, 59.3), (15.7, 59.55), (15.41, 59.8), (15.55, 60.0)]


def polygon(ring):
    ring = [list(p) for p in ring]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def district(world, code, name, ring):
    geom = polygon(ring)
    lons, lats = zip(*ring, strict=True)
    return Area.objects.create(
        code=code,
        name=name,
        level="district",
        parent=world.m1,
        geometry=geom,
        min_lon=min(lons),
        max_lon=max(lons),
        min_lat=min(lats),
        max_lat=max(lats),
    )


@pytest.fixture
def scattered(world):
    west = district(world, "990111", "Västerkant", [(15.0, 59.0), *BORDER, (15.0, 60.0)])
    east = district(world, "990112", "Österkant", [*BORDER, (16.0, 60.0), (16.0, 59.0)])
    rng = np.random.default_rng(20251205)
    lons = rng.uniform(15.0, 16.0, 400)
    lats = rng.uniform(59.0, 60.0, 400)
    cat = Category.objects.get(code="vandalism").pk
    rows = [
        IncidentRow(
            "rapport",
            local(2025, 3, 1 + i % 28, 12),
            cat,
            external_id=f"dc{next(_ids)}",
            lon=float(lon),
            lat=float(lat),
            organisation_id=world.kommun.pk,
        )
        for i, (lon, lat) in enumerate(zip(lons, lats, strict=True))
    ]
    ingest(rows)
    return world, west, east, list(zip(lons, lats, strict=True))


def by_hand(area, points) -> int:
    border = shape(area.geometry)
    return sum(border.contains(Point(lon, lat)) for lon, lat in points)


def test_district_picture_counts_exactly_the_points_inside(scattered):
    world, west, east, points = scattered
    expected = {a.code: by_hand(a, points) for a in (west, east)}
    # The zigzag makes neither district a box: a bounding-box count would be wrong.
    assert expected["990111"] + expected["990112"] == len(points)
    for area in (west, east):
        figures = build_for_period(area, MARCH, partnership=world.p1)
        assert figures["totals"]["count"] == expected[area.code], area.name
        boxed = sum(
            area.min_lon <= lon <= area.max_lon and area.min_lat <= lat <= area.max_lat
            for lon, lat in points
        )
        assert boxed > expected[area.code]
    whole = build_for_period(world.m1, MARCH, partnership=world.p1)
    assert whole["totals"]["count"] == len(points)
    rows = {r["code"]: r["count"] for r in whole["by_child_area"]}
    assert rows == expected
