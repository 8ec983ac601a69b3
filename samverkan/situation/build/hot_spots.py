"""The hot-spot section of a lägesbild: Getis-Ord Gi* over H3 cells."""

from __future__ import annotations

from collections import Counter
from itertools import chain

import numpy as np

from samverkan.analysis import hotspots
from samverkan.situation.build.common import SUPPRESS_K, _float

HOTSPOT_RESOLUTION = 9
# Analytical z (normal p) with Benjamini-Hochberg, as ArcGIS's Hot Spot Analysis: the
# conditional permutations cost seconds for a municipality's few thousand cells, which a
# lägesbild built on request cannot afford. Set > 0 for pseudo p-values.
HOTSPOT_PERMUTATIONS = 0
# Cells kept besides the significant ones: the busiest, for the map and the table.
HOTSPOT_MAX_CELLS = 300


class HotSpotsMixin:
    """Hot spots of the point-precision incidents."""

    def hotspots(self, pts) -> dict:
        import h3
        from h3.api import basic_int as h3_int
        from scipy import sparse

        empty = {"cells": [], "resolution": HOTSPOT_RESOLUTION, "method": None, "n_points": 0}
        if not pts:
            return empty
        cells_of = [
            c or h3.latlng_to_cell(la, lo, HOTSPOT_RESOLUTION)
            for c, lo, la in zip(pts["h3"].tolist(), pts["lon"].tolist(), pts["lat"].tolist())
        ]
        occupied = Counter(cells_of)
        n_points, n_cells = len(cells_of), len(occupied)
        min_count = 1 if self.internal else SUPPRESS_K
        if any(n < min_count for n in occupied.values()):
            # The number of hidden cells is not given: with n_points it would bound what
            # they hold.
            self.suppressed.append(
                {"section": "hotspots", "reason": f"celler med färre än {min_count}"}
            )
        if not self.internal:
            # Shared pictures compute Gi* from the published cells only (and their
            # neighbourhoods): a cell's z sums its neighbours and the mean and variance
            # run over every cell, so a hidden small cell would show through both.
            occupied = Counter({c: n for c, n in occupied.items() if n >= min_count})
            if not occupied:
                return {**empty, "n_points": n_points}
        # Neighbourhoods through h3's integer API: a county-year has ~90,000 cells, and the
        # string API spends most of its time converting cell names.
        disk_of = {}
        for name in occupied:
            cell = h3.str_to_int(name)
            disk_of[cell] = h3_int.grid_disk(cell, 1)
        cells_int = np.unique(np.fromiter(chain.from_iterable(disk_of.values()), dtype=np.uint64))
        disks = [disk_of[c] if c in disk_of else h3_int.grid_disk(c, 1) for c in cells_int.tolist()]
        sizes = np.fromiter(map(len, disks), dtype=np.int64, count=len(disks))
        nbrs = np.fromiter(chain.from_iterable(disks), dtype=np.uint64, count=int(sizes.sum()))
        rows = np.repeat(np.arange(cells_int.size), sizes)
        cols = np.minimum(np.searchsorted(cells_int, nbrs), cells_int.size - 1)
        inside = cells_int[cols] == nbrs
        rows, cols = rows[inside], cols[inside]
        count_of = {h3.str_to_int(c): n for c, n in occupied.items()}
        y = np.array([count_of.get(c, 0) for c in cells_int.tolist()], dtype=float)
        w = sparse.csr_matrix(
            (np.ones(rows.size), (rows, cols)), shape=(cells_int.size, cells_int.size)
        )
        if cells_int.size < 3 or y.sum() == 0:
            return {**empty, "n_points": n_points}
        # Equal counts in every cell give a zero variance: z is undefined (NaN), no cluster.
        with np.errstate(invalid="ignore", divide="ignore"):
            gi = hotspots.getis_ord_gi_star(y, w, permutations=HOTSPOT_PERMUTATIONS, seed=0)
        # A county-year has tens of thousands of occupied cells; the picture needs the
        # significant ones and the busiest, not every cell with one incident.
        busiest = set(np.argsort(-y, kind="stable")[:HOTSPOT_MAX_CELLS].tolist())
        out = []
        for i in range(cells_int.size):
            cluster = int(gi.cluster[i])
            if y[i] < min_count and not (self.internal and cluster != 0):
                continue
            if cluster == 0 and i not in busiest:
                continue
            c = h3.int_to_str(int(cells_int[i]))
            lat, lon = h3.cell_to_latlng(c)
            out.append(
                {
                    "cell": c,
                    "lon": round(lon, 6),
                    "lat": round(lat, 6),
                    "count": int(y[i]),
                    "z": _float(gi.z[i], 3),
                    "p": _float(gi.p[i], 4),
                    "q": _float(gi.q[i], 4),
                    "hot": {1: "hot", -1: "cold"}.get(cluster),
                }
            )
        out.sort(key=lambda r: (-(r["z"] or 0), r["cell"]))
        return {
            "cells": out,
            "resolution": HOTSPOT_RESOLUTION,
            "method": gi.method,
            "permutations": HOTSPOT_PERMUTATIONS,
            "n_points": n_points,
            "n_cells": n_cells,
            "max_cells": HOTSPOT_MAX_CELLS,
        }
