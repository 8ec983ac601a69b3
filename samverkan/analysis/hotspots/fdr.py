"""False discovery rate control over many cells' p-values.

References
----------
Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and
    powerful approach to multiple testing. *Journal of the Royal Statistical Society B*,
    57(1), 289-300.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from samverkan.analysis.result import Result


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
