"""Counting points on a regular grid (projected metres) and in H3 cells (lon/lat).

Grids are arrays indexed ``[row, col]`` where row 0 is the *southern* row (smallest y) and
column 0 the western column; flattening is row-major, which is the cell order of
``libpysal.weights.lat2W(nrows, ncols)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from samverkan.analysis.result import Result


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
