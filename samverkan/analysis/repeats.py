"""Repeat places and repeat victims, crime concentration and time to repeat.

A small share of places and victims accounts for a large share of crime (Farrell & Pease
1993; Weisburd 2015), and a repeat tends to come soon after the first event (Johnson et
al. 2007). These functions measure both from incident lists.

References
----------
Farrell, G., & Pease, K. (1993). Once bitten, twice bitten: repeat victimisation and its
implications for crime prevention. Crime Prevention Unit Paper 46. London: Home Office.
Weisburd, D. (2015). The law of crime concentration and the criminology of place.
Criminology 53(2), 133-157.
Gini, C. (1912). Variabilità e mutabilità. Bologna: Tipografia di Paolo Cuppini.
Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. Publications of the
American Statistical Association 9(70), 209-219.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from samverkan.analysis.result import Result


@dataclass
class RepeatResult(Result):
    """Repeats per place (or victim); ``estimate`` is the share of incidents that are repeats.

    Attributes
    ----------
    keys : list
        The place (or victim) key of each group, most incidents first.
    counts : ndarray
        Incidents per key, same order.
    group : ndarray
        For each input incident, the index into ``keys`` of its group.
    n_incidents, n_places, n_repeat_places : int
        Incidents, distinct places, places with two or more incidents.
    share_at_repeat_places : float
        Share of incidents that happened at a place with two or more incidents.
    frequency : dict
        Number of places with exactly k incidents, for each k.
    """

    keys: list = field(default_factory=list)
    counts: Any = None
    group: Any = None
    n_incidents: int = 0
    n_places: int = 0
    n_repeat_places: int = 0
    share_at_repeat_places: float = float("nan")
    frequency: dict = field(default_factory=dict)


@dataclass
class ConcentrationResult(Result):
    """Lorenz curve and Gini coefficient; ``estimate`` is the Gini coefficient.

    Attributes
    ----------
    lorenz_places, lorenz_incidents : ndarray
        Cumulative share of places (ascending by count) and of incidents, from (0, 0).
    gini : float
    top_shares : dict
        Share of incidents at the top fraction of places, e.g. ``{0.05: 0.5, 0.1: 0.63}``.
    places_for_half : float
        Smallest share of places that accounts for 50 % of incidents (Weisburd 2015).
    n_places, n_incidents : int
    """

    lorenz_places: Any = None
    lorenz_incidents: Any = None
    gini: float = float("nan")
    top_shares: dict = field(default_factory=dict)
    places_for_half: float = float("nan")
    n_places: int = 0
    n_incidents: int = 0


@dataclass
class TimeToRepeatResult(Result):
    """Days between consecutive incidents at the same place; ``estimate`` is the median.

    Attributes
    ----------
    intervals : ndarray
        Every gap in days.
    edges : ndarray
        Histogram bin edges in days (the last may be ``inf``); bins are [lo, hi).
    counts : ndarray
        Gaps per bin.
    share : ndarray
        Share of gaps per bin.
    """

    intervals: Any = None
    edges: Any = None
    counts: Any = None
    share: Any = None


def place_keys(
    x: Sequence[float] | None = None,
    y: Sequence[float] | None = None,
    keys: Sequence[Any] | None = None,
    tolerance: float = 1.0,
) -> np.ndarray:
    """One key per incident: the given keys, or coordinates snapped to a ``tolerance`` grid.

    Snapping (rather than exact equality) treats geocodes of the same address that differ
    by centimetres as one place.
    """
    if keys is not None:
        return np.asarray([str(k).strip().casefold() for k in keys], dtype=object)
    if x is None or y is None:
        raise ValueError("give either keys or both x and y")
    if tolerance <= 0:
        raise ValueError("tolerance must be positive")
    gx = np.round(np.asarray(x, dtype=float) / tolerance).astype(np.int64)
    gy = np.round(np.asarray(y, dtype=float) / tolerance).astype(np.int64)
    return np.asarray([f"{a}:{b}" for a, b in zip(gx.tolist(), gy.tolist())], dtype=object)


def repeat_places(
    x: Sequence[float] | None = None,
    y: Sequence[float] | None = None,
    keys: Sequence[Any] | None = None,
    tolerance: float = 1.0,
    *,
    _method: str = "Repeat places (Farrell & Pease 1993)",
) -> RepeatResult:
    """Repeat places: incidents grouped by address key or by coordinates within a tolerance.

    Parameters
    ----------
    x, y : array_like, optional
        Projected coordinates in metres.
    keys : array_like, optional
        Address or place keys (compared case-insensitively, trimmed); used instead of x, y.
    tolerance : float
        Grid size in metres for snapping coordinates.

    Returns
    -------
    RepeatResult

    References
    ----------
    Farrell & Pease (1993), Once bitten, twice bitten, Home Office CPU paper 46.
    """
    k = place_keys(x, y, keys, tolerance)
    uniq, inverse, counts = np.unique(k, return_inverse=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    counts_sorted = counts[order]
    n = int(counts.sum())
    repeat_mask = counts_sorted >= 2
    share = float(counts_sorted[repeat_mask].sum() / n) if n else float("nan")
    repeats = float((counts_sorted - 1).sum() / n) if n else float("nan")
    values, freq = np.unique(counts_sorted, return_counts=True)
    return RepeatResult(
        estimate=repeats,
        method=_method,
        parameters={
            "tolerance": tolerance if keys is None else None,
            "by": "key" if keys is not None else "xy",
        },
        keys=uniq[order].tolist(),
        counts=counts_sorted,
        group=rank[inverse],
        n_incidents=n,
        n_places=len(uniq),
        n_repeat_places=int(repeat_mask.sum()),
        share_at_repeat_places=share,
        frequency={int(v): int(f) for v, f in zip(values, freq)},
    )


def repeat_victims(victim_keys: Sequence[Any]) -> RepeatResult:
    """Repeat victims: incidents grouped by a victim key (person, business, flat).

    The key should be a pseudonymous identifier, never a name or personal number.
    ``estimate`` is the share of incidents that are repeats against a victim already hit.

    References
    ----------
    Farrell & Pease (1993), Once bitten, twice bitten, Home Office CPU paper 46.
    """
    return repeat_places(keys=victim_keys, _method="Repeat victims (Farrell & Pease 1993)")


def gini(counts: Sequence[float]) -> float:
    """Gini coefficient of non-negative values: G = 2 sum_i i x_(i) / (n sum x) - (n + 1) / n.

    With x sorted ascending and i = 1..n; equal to the mean absolute difference over twice
    the mean (Gini 1912). 0 is perfect equality, (n - 1) / n all in one place.
    """
    x = np.sort(np.asarray(counts, dtype=float))
    n = len(x)
    total = x.sum()
    if n == 0 or total == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(2 * (i * x).sum() / (n * total) - (n + 1) / n)


def concentration(
    counts: Sequence[float],
    n_places: int | None = None,
    top: Sequence[float] = (0.05, 0.10),
) -> ConcentrationResult:
    """Lorenz curve, Gini coefficient and share of incidents at the top places.

    Parameters
    ----------
    counts : array_like
        Incidents per place (e.g. ``repeat_places(...).counts``, or counts per street
        segment).
    n_places : int, optional
        Total number of places including those without incidents; Weisburd (2015) measures
        concentration over all places, so the crime-free ones must be counted.
    top : sequence of float
        Fractions of places for which to report the share of incidents.

    Returns
    -------
    ConcentrationResult

    Notes
    -----
    Top shares are read off the Lorenz curve with linear interpolation, so the top 5 % of
    30 places (1.5 places) counts the top place and half of the second.

    References
    ----------
    Lorenz (1905); Gini (1912); Weisburd (2015), Criminology 53(2), 133-157.
    """
    c = np.asarray(counts, dtype=float)
    if (c < 0).any():
        raise ValueError("counts must be non-negative")
    if n_places is not None:
        if n_places < len(c):
            raise ValueError("n_places is smaller than the number of counts")
        c = np.concatenate([c, np.zeros(n_places - len(c))])
    n = len(c)
    total = c.sum()
    asc = np.sort(c)
    places = np.concatenate([[0.0], np.arange(1, n + 1) / n]) if n else np.array([0.0])
    incidents = np.concatenate([[0.0], np.cumsum(asc) / total]) if total else np.zeros(n + 1)
    desc_cum = np.concatenate([[0.0], np.cumsum(asc[::-1]) / total]) if total else np.zeros(n + 1)
    shares = {float(f): float(np.interp(f, places, desc_cum)) for f in top}
    half = float(np.interp(0.5, desc_cum, places)) if total else float("nan")
    g = gini(c)
    return ConcentrationResult(
        estimate=g,
        method="Lorenz curve and Gini coefficient; crime concentration (Weisburd 2015)",
        parameters={"n_places": n, "top": list(top)},
        lorenz_places=places,
        lorenz_incidents=incidents,
        gini=g,
        top_shares=shares,
        places_for_half=half,
        n_places=n,
        n_incidents=round(total),
    )


DEFAULT_EDGES = (0, 1, 2, 3, 4, 5, 6, 7, 14, 30, 60, 90, 180, 365, np.inf)


def time_to_repeat(
    keys: Sequence[Any],
    t: Any,
    edges: Sequence[float] = DEFAULT_EDGES,
) -> TimeToRepeatResult:
    """Distribution of days between consecutive incidents at the same place (or victim).

    Parameters
    ----------
    keys : array_like
        Place or victim key per incident (see :func:`place_keys`).
    t : array_like
        Dates or datetimes (numpy datetime64 or parseable), or numbers in days.
    edges : sequence of float
        Bin edges in days; bins are [lo, hi) and the last edge may be ``inf``.

    Returns
    -------
    TimeToRepeatResult

    References
    ----------
    Johnson et al. (2007), J Quant Criminol 23, 201-219; Farrell & Pease (1993).
    """
    k = np.asarray(keys, dtype=object)
    tt = np.asarray(t)
    if tt.dtype.kind in "MOUS":
        days = np.asarray(tt, dtype="datetime64[s]").astype(np.int64) / 86400.0
    else:
        days = tt.astype(float)
    if len(k) != len(days):
        raise ValueError("keys and t must have the same length")
    _, code = np.unique(k.astype(str), return_inverse=True)
    order = np.lexsort((days, code))
    same = code[order][1:] == code[order][:-1]
    gaps = np.diff(days[order])[same]
    e = np.asarray(edges, dtype=float)
    # [lo, hi) for every bin, the last one included: np.histogram closes its last bin.
    idx = np.searchsorted(e, gaps, side="right") - 1
    inside = (idx >= 0) & (idx < len(e) - 1)
    counts = np.bincount(idx[inside], minlength=len(e) - 1)
    share = counts / len(gaps) if len(gaps) else np.full(len(counts), np.nan)
    return TimeToRepeatResult(
        estimate=float(np.median(gaps)) if len(gaps) else float("nan"),
        method="Time to repeat (Johnson et al. 2007; Farrell & Pease 1993)",
        parameters={"edges": e.tolist()},
        intervals=gaps,
        edges=e,
        counts=counts,
        share=share,
    )


__all__ = [
    "ConcentrationResult",
    "RepeatResult",
    "TimeToRepeatResult",
    "concentration",
    "gini",
    "place_keys",
    "repeat_places",
    "repeat_victims",
    "time_to_repeat",
]
