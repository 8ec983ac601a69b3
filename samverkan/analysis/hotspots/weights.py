"""Spatial weights as sparse matrices: grid contiguity, distance band, k nearest neighbours.

The cell order of grid weights is that of :class:`~samverkan.analysis.hotspots.grid.GridSpec`
(row-major, row 0 southern), as ``libpysal.weights.lat2W``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

# --------------------------------------------------------------------------- weights
# Weights builders return scipy.sparse CSR matrices, not Results: they are inputs to the
# statistics, not statistics themselves.


def grid_weights(
    nrows: int,
    ncols: int,
    contiguity: Literal["queen", "rook"] = "queen",
    self_weight: bool = True,
) -> sparse.csr_matrix:
    """Binary contiguity weights of a ``nrows`` x ``ncols`` lattice, row-major cell order.

    ``self_weight=True`` puts 1 on the diagonal, which Gi* needs (the cell counts itself).
    Equals ``libpysal.weights.lat2W(nrows, ncols, rook=...)`` plus the identity.
    """
    if contiguity not in ("queen", "rook"):
        raise ValueError("contiguity must be 'queen' or 'rook'")
    offsets = [(0, 1), (1, 0)] + ([(1, 1), (1, -1)] if contiguity == "queen" else [])
    idx = np.arange(nrows * ncols).reshape(nrows, ncols)
    rows, cols = [], []
    for dr, dc in offsets:
        r0, r1 = max(0, -dr), nrows - max(0, dr)
        c0, c1 = max(0, -dc), ncols - max(0, dc)
        a = idx[r0:r1, c0:c1].ravel()
        b = idx[r0 + dr : r1 + dr, c0 + dc : c1 + dc].ravel()
        rows += [a, b]
        cols += [b, a]
    if self_weight:
        rows.append(idx.ravel())
        cols.append(idx.ravel())
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    n = nrows * ncols
    return sparse.csr_matrix((np.ones(r.size), (r, c)), shape=(n, n))


def distance_band_weights(x, y, threshold: float, self_weight: bool = True) -> sparse.csr_matrix:
    """Binary weights: 1 between points at most ``threshold`` metres apart.

    Equals ``libpysal.weights.DistanceBand(coords, threshold, binary=True)`` (plus the
    identity with ``self_weight``).
    """
    pts = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
    tree = cKDTree(pts)
    pairs = tree.query_pairs(threshold, output_type="ndarray")
    n = len(pts)
    r = np.concatenate([pairs[:, 0], pairs[:, 1]])
    c = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if self_weight:
        r = np.concatenate([r, np.arange(n)])
        c = np.concatenate([c, np.arange(n)])
    return sparse.csr_matrix((np.ones(r.size), (r, c)), shape=(n, n))


def knn_weights(x, y, k: int, self_weight: bool = True) -> sparse.csr_matrix:
    """Binary k-nearest-neighbour weights (row i marks i's k nearest other points).

    Not symmetric in general, like ``libpysal.weights.KNN``. Ties at the k-th distance are
    broken by the k-d tree's order.
    """
    pts = np.column_stack([np.asarray(x, float), np.asarray(y, float)])
    n = len(pts)
    if not 0 < k < n:
        raise ValueError("k must be between 1 and n - 1")
    _, nn = cKDTree(pts).query(pts, k=k + 1)
    rows = np.repeat(np.arange(n), k + 1)
    cols = nn.ravel()
    keep = cols != rows
    rows, cols = rows[keep], cols[keep]
    # A duplicated location can push a point out of its own list; keep exactly k others.
    order = np.lexsort((np.arange(rows.size), rows))
    rows, cols = rows[order], cols[order]
    rank = np.arange(rows.size) - np.searchsorted(rows, rows)
    rows, cols = rows[rank < k], cols[rank < k]
    if self_weight:
        rows = np.concatenate([rows, np.arange(n)])
        cols = np.concatenate([cols, np.arange(n)])
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
