"""The public map: accepted observations counted per H3 hexagon, small counts suppressed."""

from __future__ import annotations

from collections import Counter, defaultdict

import h3

from samverkan.analysis.suppression import suppress
from samverkan.citizens import workflow
from samverkan.citizens.models import Observation

RESOLUTION = 8  # about 0.7 km² per cell: a neighbourhood, not a doorway
K = 3
PUBLIC_STATUSES = workflow.PUBLIC


def _polygon(cell: str) -> dict:
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def public_map(municipality) -> dict:
    """GeoJSON of the cells whose count survives suppression, with what was done there.

    A cell of 1 or 2 observations is left off the map altogether, notes included. No total
    is published, so no cell needs hiding to protect another (no secondary suppression).
    """
    rows = Observation.objects.filter(municipality=municipality, status__in=PUBLIC_STATUSES)
    counts: Counter[str] = Counter()
    notes: dict[str, list[str]] = defaultdict(list)
    for lon, lat, note in rows.values_list("lon", "lat", "public_note"):
        cell = h3.latlng_to_cell(lat, lon, RESOLUTION)
        counts[cell] += 1
        # The same measure noted on several observations is told once.
        if note and note not in notes[cell]:
            notes[cell].append(note)
    cells = sorted(counts)
    features = []
    if cells:
        result = suppress([counts[c] for c in cells], k=K, totals=False)
        hidden = result.primary | result.secondary
        for i, cell in enumerate(cells):
            if hidden[i]:
                continue
            n = int(counts[cell])
            features.append(
                {
                    "type": "Feature",
                    "geometry": _polygon(cell),
                    "properties": {
                        "name": f"{n} observationer",
                        "count": n,
                        "notes": notes[cell],
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}
