"""Kernel density of points on a grid (quartic / biweight and Gaussian kernels).

References
----------
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. Chapman &
    Hall. (Quartic / biweight and Gaussian kernels.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from samverkan.analysis.hotspots.grid import GridSpec
from samverkan.analysis.result import Result


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
