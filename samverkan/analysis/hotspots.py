"""Where crime concentrates: grid and H3 aggregation, Getis-Ord Gi*, kernel density, PAI.

Points come in projected metres (SWEREF 99 TM / UTM) for the grid and the KDE, and in
lon/lat for H3. Grids are arrays indexed ``[row, col]`` where row 0 is the *southern*
row (smallest y) and column 0 the western column; flattening is row-major, which is the
cell order of ``libpysal.weights.lat2W(nrows, ncols)``.

References
----------
Getis, A. & Ord, J. K. (1992). The analysis of spatial association by use of distance
    statistics. *Geographical Analysis*, 24(3), 189-206.
Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional
    issues and an application. *Geographical Analysis*, 27(4), 286-306.
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. *Journal of the Royal Statistical Society B*,
    57(1), 289-300.
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman &
    Hall. (Quartic / biweight and Gaussian kernels.)
Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot mapping for predicting
    spatial patterns of crime. *Security Journal*, 21(1-2), 4-28.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import sparse, stats
from scipy.spatial import cKDTree

from samverkan.analysis.result import Result

__all__ = [
    "FDRResult",
    "GiStarResult",
    "GridCounts",
    "GridSpec",
    "H3Counts",
    "KDEResult",
    "PAIResult",
    "benjamini_hochberg",
    "distance_band_weights",
    "getis_ord_gi_star",
    "getis_ord_gi_star_grid",
    "grid_counts",
    "grid_weights",
    "h3_counts",
    "kde_grid",
    "knn_weights",
    "predictive_accuracy_index",
]


# --------------------------------------------------------------------------- grid, H3


@dataclass(frozen=True)
class GridSpec:
    """A regular metric grid: lower-left corner ``(x0, y0)``, square cells, ``nx`` x ``ny``."""

    x0: float
    y0: float
    cell_size: float
    nx: int
    ny: int

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ny, self.nx)

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in metres."""
        return (
            self.x0,
            self.y0,
            self.x0 + self.nx * self.cell_size,
            self.y0 + self.ny * self.cell_size,
        )

    @property
    def cell_area(self) -> float:
        return self.cell_size**2

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """1-D arrays of the x of each column's centre and the y of each row's centre."""
        xs = self.x0 + (np.arange(self.nx) + 0.5) * self.cell_size
        ys = self.y0 + (np.arange(self.ny) + 0.5) * self.cell_size
        return xs, ys

    @classmethod
    def covering(cls, x, y, cell_size: float) -> GridSpec:
        """The smallest grid aligned on multiples of ``cell_size`` that holds all points."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.size == 0:
            raise ValueError("no points")
        x0 = math.floor(x.min() / cell_size) * cell_size
        y0 = math.floor(y.min() / cell_size) * cell_size
        nx = math.floor((x.max() - x0) / cell_size) + 1
        ny = math.floor((y.max() - y0) / cell_size) + 1
        return cls(x0, y0, float(cell_size), nx, ny)


@dataclass
class GridCounts(Result):
    """Point counts per grid cell; ``estimate`` has shape ``grid.shape``."""

    grid: GridSpec | None = None
    n_outside: int = 0


@dataclass
class H3Counts(Result):
    """Point counts per H3 cell; ``estimate`` is the counts, ``cells`` the H3 ids (str)."""

    cells: list = field(default_factory=list)
    resolution: int = 0


def grid_counts(
    x,
    y,
    cell_size: float | None = None,
    *,
    grid: GridSpec | None = None,
    origin: tuple[float, float] | None = None,
    weights=None,
) -> GridCounts:
    """Count projected points per square cell of a metric grid.

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres.
    cell_size : float, optional
        Cell side in metres; with ``origin`` (or the points' extent) it defines the grid.
    grid : GridSpec, optional
        A fixed grid (so several maps share cells); points outside it are counted in
        ``n_outside`` and otherwise ignored.
    origin : (x0, y0), optional
        Lower-left corner when the grid is derived from the points.
    weights : array_like, optional
        Weight per point (default 1).

    Returns
    -------
    GridCounts
        ``estimate`` (ny, nx) counts, ``grid`` the cell geometry and extent.
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if grid is None:
        if cell_size is None:
            raise ValueError("give cell_size or grid")
        grid = GridSpec.covering(x, y, cell_size)
        if origin is not None:
            xmax, ymax = grid.extent[2], grid.extent[3]
            nx = math.ceil((xmax - origin[0]) / cell_size)
            ny = math.ceil((ymax - origin[1]) / cell_size)
            grid = GridSpec(float(origin[0]), float(origin[1]), float(cell_size), nx, ny)
    ix = np.floor((x - grid.x0) / grid.cell_size).astype(np.int64)
    iy = np.floor((y - grid.y0) / grid.cell_size).astype(np.int64)
    inside = (ix >= 0) & (ix < grid.nx) & (iy >= 0) & (iy < grid.ny)
    w = None if weights is None else np.asarray(weights, dtype=float).ravel()[inside]
    counts = np.bincount(
        iy[inside] * grid.nx + ix[inside], weights=w, minlength=grid.nx * grid.ny
    ).reshape(grid.shape)
    return GridCounts(
        estimate=counts,
        method="point counts on a metric grid",
        parameters={"cell_size": grid.cell_size, "origin": (grid.x0, grid.y0)},
        grid=grid,
        n_outside=int((~inside).sum()),
    )


def h3_counts(lon, lat, resolution: int = 9) -> H3Counts:
    """Count lon/lat points per H3 cell (Uber's hexagonal hierarchical index).

    Parameters
    ----------
    lon, lat : array_like
        WGS84 degrees.
    resolution : int
        H3 resolution 0-15 (9: cells of about 0.1 km2, a few city blocks).

    Returns
    -------
    H3Counts
        ``cells`` sorted H3 ids as strings, ``estimate`` their counts.

    References
    ----------
    Uber Technologies (2018). H3: a hexagonal hierarchical geospatial indexing system.
    https://h3geo.org
    """
    import h3  # imported here so the rest of the module works without h3

    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    ids = [h3.latlng_to_cell(float(a), float(b), resolution) for a, b in zip(lat, lon)]
    cells, counts = np.unique(np.asarray(ids, dtype=object).astype(str), return_counts=True)
    return H3Counts(
        estimate=counts,
        method="point counts per H3 cell",
        parameters={"resolution": resolution},
        cells=cells.tolist(),
        resolution=resolution,
    )


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


# --------------------------------------------------------------------------- FDR


@dataclass
class FDRResult(Result):
    """Benjamini-Hochberg: ``estimate`` = adjusted p-values (q), ``reject`` the discoveries."""

    reject: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def benjamini_hochberg(p, alpha: float = 0.05) -> FDRResult:
    """Benjamini-Hochberg step-up procedure controlling the false discovery rate.

    With the p-values sorted ascending, reject the hypotheses up to the largest rank ``i``
    with ``p_(i) <= alpha * i / m``. A map of thousands of cells tested at 0.05 each would
    otherwise show hundreds of spurious hot spots.

    Returns
    -------
    FDRResult
        ``estimate`` = adjusted p-values (reject where ``<= alpha``), ``p`` = input.

    References
    ----------
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical
    and powerful approach to multiple testing. *JRSS B*, 57(1), 289-300.
    """
    p = np.asarray(p, dtype=float)
    flat = p.ravel()
    m = flat.size
    order = np.argsort(flat, kind="stable")
    scaled = flat[order] * m / np.arange(1, m + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(q_sorted, 1.0)
    q = q.reshape(p.shape)
    return FDRResult(
        estimate=q,
        p=p,
        method="Benjamini-Hochberg FDR (1995)",
        parameters={"alpha": alpha},
        reject=q <= alpha,
    )


# --------------------------------------------------------------------------- Gi*


@dataclass
class GiStarResult(Result):
    """Getis-Ord Gi* per cell.

    ``estimate`` = G_i*, ``z`` = analytical z, ``p`` = pseudo p-value from conditional
    permutations (or the normal p-value when ``permutations == 0``); ``p_norm`` the one-
    sided normal p-value of |z| (as esda's ``p_norm``); ``cluster`` is +1 (hot), -1 (cold)
    or 0 after Benjamini-Hochberg at ``alpha`` on ``p``.
    """

    expected: np.ndarray | None = None
    variance: np.ndarray | None = None
    p_norm: np.ndarray | None = None
    p_sim: np.ndarray | None = None
    q: np.ndarray | None = None
    cluster: np.ndarray | None = None


def _gi_moments(y: np.ndarray, wy: np.ndarray, w_sum: np.ndarray, w_sq: np.ndarray):
    # Ord & Getis (1995) eq. for G_i* with the cell itself included: the statistic is
    # sum_j w_ij y_j / sum_j y_j, E = W_i / n and
    # Var = s^2 (n S1_i - W_i^2) / ((n - 1) (sum y)^2), s^2 the population variance.
    n = y.size
    total = y.sum()
    mean = total / n
    s2 = (y**2).mean() - mean**2
    g = wy / total
    expected = w_sum / n
    variance = s2 * (n * w_sq - w_sum**2) / ((n - 1) * total**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (g - expected) / np.sqrt(variance)
    return g, expected, variance, z


def _finish(y, g, expected, variance, z, p_sim, alpha, params, shape) -> GiStarResult:
    p_norm = stats.norm.sf(np.abs(z))
    p = p_sim if p_sim is not None else 2.0 * p_norm
    fdr = benjamini_hochberg(np.nan_to_num(p, nan=1.0), alpha)
    cluster = np.where(fdr.reject, np.sign(z), 0).astype(np.int8)
    r = lambda a: None if a is None else np.asarray(a).reshape(shape)
    return GiStarResult(
        estimate=r(g),
        z=r(z),
        p=r(p),
        method="Getis-Ord Gi* (Ord & Getis 1995), BH FDR (Benjamini & Hochberg 1995)",
        parameters=params,
        expected=r(expected),
        variance=r(variance),
        p_norm=r(p_norm),
        p_sim=r(p_sim),
        q=r(fdr.estimate),
        cluster=r(cluster),
    )


def _pseudo_p(observed: np.ndarray, sims_ge: np.ndarray, permutations: int) -> np.ndarray:
    # Folded one-sided pseudo p-value, as esda: the smaller of the two tails.
    larger = sims_ge.astype(float)
    flip = (permutations - larger) < larger
    larger[flip] = permutations - larger[flip]
    return (larger + 1.0) / (permutations + 1.0)


def _conditional_permutations(
    y, weights: sparse.csr_matrix, observed, permutations, seed, chunk_cells: int = 2048
):
    """Conditional randomisation (Anselin 1995): hold y_i, reshuffle the others.

    As in esda, one set of random draws from the n - 1 other values is shared by every
    cell (index j >= i shifted by one to skip i), which keeps the cost at one draw per
    permutation rather than per cell.
    """
    n = y.size
    w = weights.tocsr()
    diag = w.diagonal()
    off = (w - sparse.diags(diag)).tocsr()
    off.eliminate_zeros()
    counts = np.diff(off.indptr)
    k = int(counts.max()) if n else 0
    # Pad each row's off-diagonal weights to k columns (zeros beyond its neighbours).
    pad = np.zeros((n, k))
    rows = np.repeat(np.arange(n), counts)
    pos = np.arange(off.indices.size) - np.repeat(off.indptr[:-1], counts)
    pad[rows, pos] = off.data
    rng = np.random.default_rng(seed)
    rids = np.stack([rng.choice(n - 1, size=k, replace=False) for _ in range(permutations)])
    total = y.sum()
    ge = np.zeros(n, dtype=np.int64)
    for start in range(0, n, chunk_cells):
        cells = np.arange(start, min(n, start + chunk_cells))
        idx = rids[None, :, :] + (rids[None, :, :] >= cells[:, None, None])
        sims = (y[idx] * pad[cells, None, :]).sum(axis=2) + (diag[cells] * y[cells])[:, None]
        sims /= total
        ge[cells] = (sims >= observed[cells, None] - 1e-12 * np.abs(observed[cells, None])).sum(1)
    return _pseudo_p(observed, ge, permutations)


def getis_ord_gi_star(
    y,
    weights: sparse.spmatrix,
    *,
    permutations: int = 999,
    seed: int | None = 0,
    alpha: float = 0.05,
) -> GiStarResult:
    """Getis-Ord Gi* local statistic for any spatial weights.

    Parameters
    ----------
    y : array_like, shape (n,)
        Value per cell / point (counts).
    weights : scipy sparse matrix, shape (n, n)
        Spatial weights *including* the self weight on the diagonal (see
        :func:`grid_weights`, :func:`distance_band_weights`, :func:`knn_weights`). With
        binary weights plus identity the z equals esda's ``G_Local(y, w, star=True,
        transform="B").Zs``.
    permutations : int
        Conditional permutations for the pseudo p-value; 0 uses the normal p-value.
    seed : int, optional
        Seed of the permutation generator, so maps are reproducible.
    alpha : float
        False discovery rate for the hot/cold classification (Benjamini-Hochberg).

    Returns
    -------
    GiStarResult

    References
    ----------
    Ord, J. K. & Getis, A. (1995). Local spatial autocorrelation statistics: distributional
    issues and an application. *Geographical Analysis*, 27(4), 286-306.
    Anselin, L. (1995). Local indicators of spatial association -- LISA. *Geographical
    Analysis*, 27(2), 93-115 (conditional permutation).
    Benjamini, Y. & Hochberg, Y. (1995). *JRSS B*, 57(1), 289-300.
    """
    yv = np.asarray(y, dtype=float).ravel()
    w = sparse.csr_matrix(weights, dtype=float)
    if w.shape != (yv.size, yv.size):
        raise ValueError("weights must be n x n for n values")
    w_sum = np.asarray(w.sum(axis=1)).ravel()
    w_sq = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    g, expected, variance, z = _gi_moments(yv, w @ yv, w_sum, w_sq)
    p_sim = _conditional_permutations(yv, w, g, permutations, seed) if permutations > 0 else None
    params = {"permutations": permutations, "seed": seed, "alpha": alpha}
    return _finish(yv, g, expected, variance, z, p_sim, alpha, params, yv.shape)


def _box_sum(a: np.ndarray, contiguity: str) -> np.ndarray:
    # Neighbour sums on the lattice by shifted slices (no weights matrix needed), self
    # included; cells outside the grid contribute nothing.
    p = np.pad(a, 1)
    out = p[1:-1, 1:-1] + p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]
    if contiguity == "queen":
        out += p[:-2, :-2] + p[:-2, 2:] + p[2:, :-2] + p[2:, 2:]
    return out


def getis_ord_gi_star_grid(
    counts,
    contiguity: Literal["queen", "rook"] = "queen",
    *,
    permutations: int = 0,
    seed: int | None = 0,
    alpha: float = 0.05,
) -> GiStarResult:
    """Gi* on a 2-D grid of counts with binary queen/rook contiguity, self included.

    Same statistic as :func:`getis_ord_gi_star` with ``grid_weights(...)``, computed by
    shifted array sums in O(n) without a weights matrix (a 1000 x 1000 grid takes well
    under a second). Permutations, when asked for, fall back to the sparse path.

    References
    ----------
    Ord, J. K. & Getis, A. (1995). *Geographical Analysis*, 27(4), 286-306.
    """
    a = np.asarray(counts, dtype=float)
    if a.ndim != 2:
        raise ValueError("counts must be a 2-D grid")
    if contiguity not in ("queen", "rook"):
        raise ValueError("contiguity must be 'queen' or 'rook'")
    wy = _box_sum(a, contiguity).ravel()
    card = _box_sum(np.ones_like(a), contiguity).ravel()
    yv = a.ravel()
    g, expected, variance, z = _gi_moments(yv, wy, card, card)
    p_sim = None
    if permutations > 0:
        w = grid_weights(a.shape[0], a.shape[1], contiguity, self_weight=True)
        p_sim = _conditional_permutations(yv, w, g, permutations, seed)
    params = {
        "contiguity": contiguity,
        "permutations": permutations,
        "seed": seed,
        "alpha": alpha,
    }
    return _finish(yv, g, expected, variance, z, p_sim, alpha, params, a.shape)


# --------------------------------------------------------------------------- KDE


@dataclass
class KDEResult(Result):
    """Kernel density at cell centres; ``estimate`` (ny, nx) in events per square metre."""

    grid: GridSpec | None = None
    kernel: str = "quartic"
    bandwidth: float = 0.0


def _kernel_radius(kernel: str, h: float, tol: float) -> float:
    if kernel == "quartic":
        return h
    if kernel == "gaussian":
        # Beyond this radius each point adds less than tol x its own peak value.
        return h * math.sqrt(2.0 * math.log(1.0 / tol))
    raise ValueError("kernel must be 'quartic' or 'gaussian'")


def kde_grid(
    x,
    y,
    grid: GridSpec,
    bandwidth: float,
    kernel: Literal["quartic", "gaussian"] = "quartic",
    weights=None,
    tol: float = 1e-15,
) -> KDEResult:
    """Kernel density estimate at the centres of a grid, from the exact point positions.

    ``f(c) = sum_i w_i K(|c - p_i|)`` with the quartic (biweight) kernel
    ``K(d) = 3 / (pi h^2) (1 - d^2/h^2)^2`` for ``d < h`` (the default in crime mapping
    software, Chainey et al. 2008), or the Gaussian ``K(d) = exp(-d^2 / 2h^2) / (2 pi h^2)``.
    Both integrate to 1, so the grid sums (times cell area) to about the number of points.

    The result is the direct sum at the cell centres from the exact coordinates, not from
    points snapped to cells.

    *Quartic*: points are sorted by cell, then for each cell offset within the kernel
    radius every point's kernel value is computed exactly and summed per source cell
    (``np.add.reduceat``) before one scatter into the grid; offsets wholly inside the
    support use the source cell's polynomial moments. The cost is O(N x cells in the
    kernel's footprint) and the result equals the direct sum up to rounding.

    *Gaussian*: the kernel is separable, ``exp(-(dx^2 + dy^2) / 2h^2) = g(dx) g(dy)``, so
    on a regular grid the density is a matrix product ``D = Gy^T diag(w) Gx`` of a points x
    rows and a points x columns factor. Points are grouped into tiles of ``B x B`` cells;
    all points of a tile reach the same window of ``B + 2R`` rows and columns (``R`` the
    kernel's reach in cells), so each tile adds one small dense matrix product to its
    window: O(N x R) exponentials instead of O(N x R^2), and the multiply-adds run in BLAS.
    A factor is set to zero where ``|dx|`` (or ``|dy|``) reaches the radius at which the
    kernel falls below ``tol`` times its peak; every term left out then lies at least that
    far from its cell centre, so each cell's error is below ``N x tol x K(0)``, and the
    terms kept are evaluated exactly (up to rounding).

    Parameters
    ----------
    x, y : array_like
        Projected coordinates (metres). Points outside the grid still contribute to the
        cells within their kernel radius.
    grid : GridSpec
        The cells at whose centres the density is evaluated.
    bandwidth : float
        ``h`` in metres: the quartic kernel's radius, the Gaussian's standard deviation.
    kernel : {"quartic", "gaussian"}
    weights : array_like, optional
        Weight per point (default 1).
    tol : float
        Gaussian truncation tolerance (see above); ignored for the quartic kernel.

    Returns
    -------
    KDEResult
        ``estimate`` density per square metre, shape ``grid.shape``.

    References
    ----------
    Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*.
    Chapman & Hall.
    Chainey, S., Tompson, L. & Uhlig, S. (2008). *Security Journal*, 21(1-2), 4-28.
    """
    h = float(bandwidth)
    if h <= 0:
        raise ValueError("bandwidth must be positive")
    cs = grid.cell_size
    radius = _kernel_radius(kernel, h, tol)
    reach = math.ceil(radius / cs) + 1
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    w = None if weights is None else np.asarray(weights, dtype=float).ravel()
    if xs.size != ys.size or (w is not None and w.size != xs.size):
        raise ValueError("x, y and weights must have one value per point")

    fx = (xs - grid.x0) / cs
    fy = (ys - grid.y0) / cs
    bx = np.floor(fx).astype(np.int64)
    by = np.floor(fy).astype(np.int64)
    near = (bx >= -reach) & (bx < grid.nx + reach) & (by >= -reach) & (by < grid.ny + reach)
    if not near.all():
        bx, by, fx, fy = bx[near], by[near], fx[near], fy[near]
        w = None if w is None else w[near]
    if kernel == "gaussian":
        out = _gaussian_tiles(fx, fy, bx, by, w, grid, h, radius, reach)
        return _kde_result(out / (2.0 * math.pi * h * h), grid, kernel, h, tol)
    if w is None:
        w = np.ones(fx.size)
    # Offset from a point to the centre of its own cell; the centre of the cell kx columns
    # further is kx * cs + ux away, exactly.
    ux = (bx + 0.5 - fx) * cs
    uy = (by + 0.5 - fy) * cs

    width = grid.nx + 2 * reach
    key = (by + reach) * width + (bx + reach)
    order = np.argsort(key, kind="stable")
    key, ux, uy, w = key[order], ux[order], uy[order], w[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, int)
    src = key[starts]
    src_x = src % width - reach
    src_y = src // width - reach

    out = np.zeros(grid.ny * grid.nx)
    if key.size == 0:
        return _kde_result(out, grid, kernel, h, tol)
    offsets = np.arange(-reach, reach + 1)
    inv_h = 1.0 / h
    unit = weights is None

    def squared(u: np.ndarray, k: int) -> np.ndarray:
        d = (k * cs + u) * inv_h
        return np.multiply(d, d, out=d)

    norm = 3.0 / (math.pi * h * h)
    moments = _bin_moments(ux * inv_h, uy * inv_h, w, starts)
    dx2: dict = {}
    dy2: dict = {}
    # One scratch buffer reused for every offset: fresh 8 MB temporaries per offset cost
    # more in page faults than the arithmetic itself.
    buf = np.empty(key.size)
    for ky in offsets:
        ty = src_y + ky
        row_ok = (ty >= 0) & (ty < grid.ny)
        if not row_ok.any() or (abs(ky) - 0.5) * cs >= radius:
            continue
        for kx in offsets:
            if (max(abs(kx) - 0.5, 0) ** 2 + max(abs(ky) - 0.5, 0) ** 2) * cs * cs >= radius**2:
                continue
            tx = src_x + kx
            ok = row_ok & (tx >= 0) & (tx < grid.nx)
            if not ok.any():
                continue
            if ((abs(kx) + 0.5) ** 2 + (abs(ky) + 0.5) ** 2) * cs * cs < radius**2:
                # Every point of the source cell is inside the kernel's support here, so
                # the quartic is one polynomial for all of them: use the cell's moments.
                sums = _quartic_from_moments(kx * cs * inv_h, ky * cs * inv_h, moments)
            else:
                if kx not in dx2:
                    dx2[kx] = squared(ux, kx)
                if ky not in dy2:
                    dy2[ky] = squared(uy, ky)
                np.add(dx2[kx], dy2[ky], out=buf)
                np.subtract(1.0, buf, out=buf)
                np.maximum(buf, 0.0, out=buf)
                np.multiply(buf, buf, out=buf)
                if not unit:
                    buf *= w
                sums = np.add.reduceat(buf, starts)
            # Source cells are distinct, so their targets are too: plain fancy indexing.
            out[ty[ok] * grid.nx + tx[ok]] += sums[ok]
    return _kde_result(out * norm, grid, kernel, h, tol)


def _gaussian_tiles(
    fx: np.ndarray,
    fy: np.ndarray,
    bx: np.ndarray,
    by: np.ndarray,
    w: np.ndarray | None,
    grid: GridSpec,
    h: float,
    radius: float,
    reach: int,
    tile: int | None = None,
    chunk_elements: int = 1 << 16,
    gemm_elements: int = 1 << 18,
) -> np.ndarray:
    """Unnormalised Gaussian sums at the cell centres, one GEMM per tile of source cells.

    ``fx, fy`` are the point positions in cell units from the grid's corner and ``bx, by``
    their cells (points may lie up to ``reach`` cells outside the grid; ``reach`` cells
    cover ``radius``). Returns the flat (ny * nx) array of ``sum_p w_p exp(-d^2 / 2h^2)``
    over the terms with both ``|dx|`` and ``|dy|`` below ``radius``.
    """
    cs = grid.cell_size
    if tile is None:
        # Bigger tiles mean fewer Python-level products but a wider window per point
        # (more exponentials and multiply-adds); 8 to 16 cells measured about equal for a
        # reach of 10 cells, and wider windows only add work.
        tile = min(max(reach, 8), 16)
    win = tile + 2 * reach
    # Tile (tx, ty) holds source columns [tx*tile - reach, (tx+1)*tile - reach); its points
    # reach columns [tx*tile - 2*reach, tx*tile + tile), which is [tx*tile, tx*tile + win)
    # of a padded grid shifted by 2*reach. Same for rows.
    ntx = -(-(grid.nx + 2 * reach) // tile)
    nty = -(-(grid.ny + 2 * reach) // tile)
    pad = np.zeros((nty * tile + 2 * reach, ntx * tile + 2 * reach))
    if fx.size:
        tx = (bx + reach) // tile
        ty = (by + reach) // tile
        key = ty * ntx + tx
        # A stable sort of 16-bit keys is a radix sort in numpy, several times faster than
        # sorting int64; the order within a tile does not matter beyond rounding.
        small = ntx * nty <= np.iinfo(np.int16).max
        order = np.argsort(key.astype(np.int16) if small else key, kind="stable")
        key = key[order]
        # Positions in units of h relative to the first row/column of the tile's window,
        # so the distances to the window's cell centres stay small numbers.
        scale = cs / h
        u = (fx[order] - (tx[order] * tile - 2 * reach)) * scale
        v = (fy[order] - (ty[order] * tile - 2 * reach)) * scale
        wo = None if w is None else w[order]
        centres = (np.arange(win) + 0.5) * scale
        cut = (radius / h) ** 2
        step = max(chunk_elements // win, 1)
        cap = max(gemm_elements // (win * win), 128)
        gx = np.empty((min(step, key.size), win))
        gy = np.empty_like(gx)
        d2 = np.empty_like(gx)
        for s in range(0, key.size, step):
            e = min(s + step, key.size)
            m = e - s
            for pos, g in ((u, gx), (v, gy)):
                d = d2[:m]
                np.subtract(centres, pos[s:e, None], out=d)
                np.multiply(d, d, out=d)
                # Clamped first: exp of large negative numbers takes a slow path in
                # numpy. Then exact zeros beyond the radius: the truncation contract, and
                # no subnormal products slowing the matrix products down.
                np.minimum(d, cut, out=g[:m])
                np.multiply(g[:m], -0.5, out=g[:m])
                np.exp(g[:m], out=g[:m])
                np.copyto(g[:m], 0.0, where=d >= cut)
            if wo is not None:
                gx[:m] *= wo[s:e, None]
            k = key[s:e]
            # Splitting a tile's points over several products costs little, and keeping
            # each product small (``cap`` points) keeps OpenBLAS on one thread: its threads
            # stall badly when other processes share the cores (several times slower). Wide
            # windows keep at least 128 points, below which the products are bound by
            # reading and writing the window rather than by arithmetic.
            bounds = np.union1d(np.flatnonzero(k[1:] != k[:-1]) + 1, np.arange(cap, m, cap))
            for a, b, t in zip(
                [0, *bounds.tolist()], [*bounds.tolist(), m], k[np.r_[0, bounds]].tolist()
            ):
                r0 = (t // ntx) * tile
                c0 = (t % ntx) * tile
                pad[r0 : r0 + win, c0 : c0 + win] += gy[a:b].T @ gx[a:b]
    return pad[2 * reach : 2 * reach + grid.ny, 2 * reach : 2 * reach + grid.nx].ravel()


def _bin_moments(u: np.ndarray, v: np.ndarray, w: np.ndarray, starts: np.ndarray) -> dict:
    """Per source cell, sum of w u^a v^b for a + b <= 4 (u, v in bandwidth units)."""
    upow = [np.ones_like(u), u]
    vpow = [np.ones_like(v), v]
    for _ in range(3):
        upow.append(upow[-1] * u)
        vpow.append(vpow[-1] * v)
    return {
        (a, b): np.add.reduceat(w * upow[a] * vpow[b], starts)
        for a in range(5)
        for b in range(5 - a)
    }


def _poly_mul(p: dict, q: dict) -> dict:
    out: dict = {}
    for (a1, b1), c1 in p.items():
        for (a2, b2), c2 in q.items():
            out[(a1 + a2, b1 + b2)] = out.get((a1 + a2, b1 + b2), 0.0) + c1 * c2
    return out


def _quartic_from_moments(gx: float, gy: float, moments: dict) -> np.ndarray:
    # (1 - (gx + u)^2 - (gy + v)^2)^2 expanded as a polynomial in (u, v): coordinates are
    # relative to the cell centre and in bandwidth units, so the terms stay of order 1 and
    # the expansion loses no precision.
    q = {
        (0, 0): 1.0 - gx * gx - gy * gy,
        (1, 0): -2.0 * gx,
        (0, 1): -2.0 * gy,
        (2, 0): -1.0,
        (0, 2): -1.0,
    }
    total = 0.0
    for ab, c in _poly_mul(q, q).items():
        if c != 0.0:
            total = total + c * moments[ab]
    return total


def _kde_result(out, grid, kernel, h, tol) -> KDEResult:
    return KDEResult(
        estimate=out.reshape(grid.shape),
        method=f"kernel density, {kernel} kernel (Silverman 1986)",
        parameters={"bandwidth": h, "kernel": kernel, "cell_size": grid.cell_size, "tol": tol},
        grid=grid,
        kernel=kernel,
        bandwidth=h,
    )


# --------------------------------------------------------------------------- PAI


@dataclass
class PAIResult(Result):
    """Predictive Accuracy Index; ``estimate`` = PAI, ``hit_rate`` = n/N, ``area_share`` = a/A."""

    hit_rate: float = 0.0
    area_share: float = 0.0
    n_hits: float = 0.0
    n_events: float = 0.0


def predictive_accuracy_index(hotspot, later_counts, study_area=None, cell_area=None) -> PAIResult:
    """Predictive Accuracy Index of a hotspot map against later events.

    ``PAI = (n / N) / (a / A)``: the share of the later events ``n / N`` that fell in the
    hotspot cells, divided by the share of the study area ``a / A`` those cells cover.
    PAI = 1 is no better than chance; higher is a more useful map.

    Parameters
    ----------
    hotspot : array_like of bool
        Cells marked as hot spots (e.g. the top 5% of a KDE, or Gi* hot cells).
    later_counts : array_like
        Count of later (test-period) events per cell, same shape.
    study_area : array_like of bool, optional
        Cells that belong to the study area (default: all); ``A`` counts only these.
    cell_area : array_like or float, optional
        Area per cell (for unequal cells such as H3 near the poles); default equal cells.

    Returns
    -------
    PAIResult

    References
    ----------
    Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot mapping for
    predicting spatial patterns of crime. *Security Journal*, 21(1-2), 4-28.
    """
    hot = np.asarray(hotspot, dtype=bool)
    counts = np.asarray(later_counts, dtype=float)
    if hot.shape != counts.shape:
        raise ValueError("hotspot and later_counts must have the same shape")
    area = np.ones(hot.shape) if cell_area is None else np.broadcast_to(cell_area, hot.shape)
    inside = np.ones(hot.shape, bool) if study_area is None else np.asarray(study_area, bool)
    hot = hot & inside
    n = counts[hot].sum()
    total = counts[inside].sum()
    a = area[hot].sum()
    big_a = area[inside].sum()
    if total == 0 or a == 0:
        pai = float("nan")
    else:
        pai = (n / total) / (a / big_a)
    return PAIResult(
        estimate=float(pai),
        method="Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008)",
        parameters={},
        hit_rate=float(n / total) if total else float("nan"),
        area_share=float(a / big_a) if big_a else float("nan"),
        n_hits=float(n),
        n_events=float(total),
    )
