"""Where crime concentrates: grid and H3 aggregation, Getis-Ord Gi*, kernel density, PAI.

One module per statistic, as PySAL's esda: :mod:`.grid` (grid and H3 counts),
:mod:`.weights` (spatial weights), :mod:`.fdr` (Benjamini-Hochberg), :mod:`.gi_star`
(Getis-Ord Gi*), :mod:`.kde` (kernel density) and :mod:`.pai` (Predictive Accuracy Index).
The public names are re-exported here, so ``from samverkan.analysis.hotspots import ...``
is the one import path.

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

from samverkan.analysis.hotspots.fdr import FDRResult, benjamini_hochberg
from samverkan.analysis.hotspots.gi_star import (
    GiStarResult,
    getis_ord_gi_star,
    getis_ord_gi_star_grid,
)
from samverkan.analysis.hotspots.grid import GridCounts, GridSpec, H3Counts, grid_counts, h3_counts
from samverkan.analysis.hotspots.kde import KDEResult, kde_grid
from samverkan.analysis.hotspots.pai import PAIResult, predictive_accuracy_index
from samverkan.analysis.hotspots.weights import distance_band_weights, grid_weights, knn_weights

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
