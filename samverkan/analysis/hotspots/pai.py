"""Predictive Accuracy Index: how much crime a hot-spot map catches per unit of area.

References
----------
Chainey, S., Tompson, L. & Uhlig, S. (2008). The utility of hotspot mapping for predicting
    spatial patterns of crime. *Security Journal*, 21(1-2), 4-28.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from samverkan.analysis.result import Result


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
