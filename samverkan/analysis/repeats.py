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

import re
import unicodedata
from collections import Counter
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


# Street-name abbreviations as typed in reports (Swedish "g."/"v.", Norwegian "gt."/"vn.").
# Longer ones first, so that "gt." is not read as "g" + "t".
_ABBREVIATIONS = (("gt", "gate"), ("vn", "veien"), ("g", "gatan"), ("v", "vägen"))
_TOKEN = re.compile(r"[^\W_]+\.?")


def normalise_place_name(name: Any) -> str:
    """A typed place name as a comparable key: case, punctuation and spacing removed.

    Letters of any alphabet are kept (å, ä, ö, æ, ø stay distinct from a, o); a street
    abbreviation with its full stop is written out, attached (``"Vivallag. 12"`` ->
    ``"vivallagatan 12"``) or as a word of its own (``"Karl Johans gt. 5"`` ->
    ``"karl johans gate 5"``); a letter after a house number joins it (``"12 A"`` ->
    ``"12a"``). House numbers are kept, so number 12 and number 14 stay apart. A missing
    or empty name gives ``""``, which never matches anything.
    """
    if name is None:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    words: list[str] = []
    for token in _TOKEN.findall(text):
        word = token.rstrip(".")
        if token.endswith(".") and not word.isdigit():
            for abbr, full in _ABBREVIATIONS:
                if word.endswith(abbr) and not word[: -len(abbr)].isdigit():
                    word = word[: -len(abbr)] + full
                    break
        if len(word) == 1 and word.isalpha() and words and words[-1].isdigit():
            words[-1] += word
        else:
            words.append(word)
    return " ".join(words)


def _leader_split(xy: np.ndarray, radius: float) -> np.ndarray:
    """Split points into groups of diameter <= 2 * radius around the densest reports.

    The unassigned report with most unassigned neighbours within ``radius`` leads a group
    and takes those neighbours; repeat until all are assigned (a leader algorithm,
    Hartigan 1975, seeded by local density as in quality-threshold clustering, Heyer et al.
    1999). Ties go to the earliest report, so the result does not depend on chance.
    """
    from scipy.spatial import cKDTree

    n = len(xy)
    neighbours = cKDTree(xy).query_ball_point(xy, r=radius)
    counts = np.array([len(nb) for nb in neighbours], dtype=np.int64)
    label = np.full(n, -1, dtype=np.int64)
    g = 0
    while (label < 0).any():
        leader = int(np.argmax(np.where(label < 0, counts, -1)))
        members = [j for j in neighbours[leader] if label[j] < 0]
        label[members] = g
        for j in members:
            for k in neighbours[j]:
                counts[k] -= 1
        g += 1
    return label


def _diameter(xy: np.ndarray) -> float:
    from scipy.spatial import ConvexHull, QhullError
    from scipy.spatial.distance import pdist

    if len(xy) < 2:
        return 0.0
    if len(xy) > 3:
        try:
            # The farthest pair lies on the hull, which is small even for large groups.
            xy = xy[ConvexHull(xy).vertices]
        except QhullError:
            # Collinear (or repeated) points: the farthest pair are extremes in x or y.
            xy = xy[[xy[:, 0].argmin(), xy[:, 0].argmax(), xy[:, 1].argmin(), xy[:, 1].argmax()]]
    return float(pdist(xy).max())


def place_groups(
    x: Sequence[float],
    y: Sequence[float],
    names: Sequence[Any] | None = None,
    areas: Sequence[Any] | None = None,
    radius: float = 25.0,
    name_radius: float | None = 250.0,
) -> np.ndarray:
    """Group reports of the same place: by distance on the map and by typed place name.

    Parameters
    ----------
    x, y : array_like
        Projected coordinates in metres; ``nan`` where a report has no point (it can then
        join a place only by its name).
    names : array_like, optional
        Place names as typed; compared after :func:`normalise_place_name`.
    areas : array_like, optional
        The area of each report (e.g. its district); names match only within one area, so
        "Skolgården" in two districts stays two places. ``None`` puts all in one area.
    radius : float
        Reports within this distance (metres) of each other are one place, as long as the
        group stays within ``2 * radius`` across (see Notes).
    name_radius : float or None
        Reports with the same name join only if they are at most this far apart (when both
        have a point), so that a generic name ("Centrum") does not join places across a
        district; ``None`` joins equal names anywhere in the area.

    Returns
    -------
    ndarray of int
        A group label per report, ``0 .. n_groups - 1``, numbered by first report.

    Notes
    -----
    Spatial joining is single-linkage clustering at ``radius`` (Gower & Ross 1969): the
    pairs within ``radius`` (a k-d tree, ``cKDTree.query_pairs``) and their connected
    components (``scipy.sparse.csgraph``). Single linkage alone chains: reports every 10 m
    along a street would become one 500 m "place". Hence the guard: a component wider than
    ``2 * radius`` is split by a density-seeded leader rule (Hartigan 1975; Heyer, Kruglyak
    & Yooseph 1999), so every spatial group fits in a circle of ``radius`` around one of its
    reports. Phone taps on the same spot scatter by some tens of metres, so a natural group
    is rarely wider than ``2 * radius`` and is kept whole. Groups with the same normalised
    name in the same area (within ``name_radius``) are then joined; such a joined place may
    be wider, because the typed name is evidence of its own.

    References
    ----------
    Gower, J. C., & Ross, G. J. S. (1969). Minimum spanning trees and single linkage
    cluster analysis. Journal of the Royal Statistical Society C 18(1), 54-64.
    Hartigan, J. A. (1975). Clustering Algorithms. New York: Wiley (the leader algorithm).
    Heyer, L. J., Kruglyak, S., & Yooseph, S. (1999). Exploring expression data:
    identification and analysis of coexpressed genes. Genome Research 9, 1106-1115.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    if radius <= 0:
        raise ValueError("radius must be positive")
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    n = len(xs)
    if len(ys) != n or (names is not None and len(names) != n):
        raise ValueError("x, y and names must have the same length")
    if areas is not None and len(areas) != n:
        raise ValueError("areas must have one value per report")
    xy = np.column_stack([xs, ys]) if n else np.zeros((0, 2))
    located = np.flatnonzero(~np.isnan(xy).any(axis=1))

    # One graph over the reports: spatial groups as chains of edges, joins by name added.
    a: list[np.ndarray] = []
    b: list[np.ndarray] = []
    if len(located) > 1:
        pairs = cKDTree(xy[located]).query_pairs(r=radius, output_type="ndarray")
        m = len(located)
        graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), (m, m))
        _, comp = connected_components(graph, directed=False)
        for c in np.flatnonzero(np.bincount(comp) > 1):
            members = located[comp == c]
            if _diameter(xy[members]) <= 2 * radius:
                a.append(members[:-1])
                b.append(members[1:])
                continue
            sub = _leader_split(xy[members], radius)
            for s in range(int(sub.max()) + 1):
                part = members[sub == s]
                a.append(part[:-1])
                b.append(part[1:])
    if names is not None:
        area_of = [None] * n if areas is None else list(areas)
        by_key: dict[tuple, list[int]] = {}
        for i, name in enumerate(names):
            k = normalise_place_name(name)
            if k:
                by_key.setdefault((area_of[i], k), []).append(i)
        for members in by_key.values():
            if len(members) < 2:
                continue
            idx = np.asarray(members, dtype=np.int64)
            has_point = ~np.isnan(xy[idx]).any(axis=1)
            if name_radius is None:
                a.append(idx[:-1])
                b.append(idx[1:])
                continue
            on_map = idx[has_point]
            if len(on_map) > 1:
                near = cKDTree(xy[on_map]).query_pairs(r=name_radius, output_type="ndarray")
                a.append(on_map[near[:, 0]])
                b.append(on_map[near[:, 1]])
            # A report without a point has only its name: it joins the first that has one.
            off_map = idx[~has_point]
            anchor = on_map[0] if len(on_map) else off_map[0]
            a.append(np.full(len(off_map), anchor, dtype=np.int64))
            b.append(off_map)
    ea = np.concatenate(a) if a else np.zeros(0, dtype=np.int64)
    eb = np.concatenate(b) if b else np.zeros(0, dtype=np.int64)
    graph = sparse.coo_matrix((np.ones(len(ea)), (ea, eb)), (n, n))
    _, comp = connected_components(graph, directed=False)
    # Number groups by their first report, so labels do not depend on scipy's order.
    _, first = np.unique(comp, return_index=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    return renumber[comp]


def _group_keys(labels: np.ndarray, x, y, names) -> np.ndarray:
    """A readable, unique key per group: its commonest normalised name, else its centre."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    n_groups = int(labels.max()) + 1 if len(labels) else 0
    located = ~(np.isnan(xs) | np.isnan(ys))
    n_located = np.bincount(labels[located], minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = np.bincount(labels[located], xs[located], minlength=n_groups) / n_located
        cy = np.bincount(labels[located], ys[located], minlength=n_groups) / n_located
    named: list[Counter] = [Counter() for _ in range(n_groups)]
    if names is not None:
        for g, name in zip(labels.tolist(), names):
            key = normalise_place_name(name)
            if key:
                named[g][key] += 1
    heads = [
        c.most_common(1)[0][0] if c else ("" if np.isnan(cx[g]) else f"{cx[g]:.0f}:{cy[g]:.0f}")
        for g, c in enumerate(named)
    ]
    # The group number keeps keys unique when two groups share a name far apart.
    return np.asarray([f"{heads[g]}#{g}" for g in labels.tolist()], dtype=object)


def repeat_places(
    x: Sequence[float] | None = None,
    y: Sequence[float] | None = None,
    keys: Sequence[Any] | None = None,
    tolerance: float = 1.0,
    *,
    radius: float | None = None,
    names: Sequence[Any] | None = None,
    areas: Sequence[Any] | None = None,
    name_radius: float | None = 250.0,
    _method: str = "Repeat places (Farrell & Pease 1993)",
) -> RepeatResult:
    """Repeat places: incidents grouped by place, and how many places have repeats.

    Three ways to say which incidents share a place: exact address keys (``keys``),
    coordinates snapped to a ``tolerance`` grid, or, as reports are actually made (taps
    on a phone map tens of metres apart, names typed freely), a ``radius`` with place
    ``names`` (:func:`place_groups`).

    Parameters
    ----------
    x, y : array_like, optional
        Projected coordinates in metres.
    keys : array_like, optional
        Address or place keys (compared case-insensitively, trimmed); used instead of x, y.
    tolerance : float
        Grid size in metres for snapping coordinates (when no ``radius`` is given).
    radius : float, optional
        Join reports within this many metres, with the chaining guard of
        :func:`place_groups`; ``nan`` coordinates are allowed and join by name only.
    names, areas, name_radius
        Typed place names, the area of each report and the greatest distance for a join
        by name; see :func:`place_groups`. ``names`` alone (no ``radius``) implies the
        default radius of 25 m.

    Returns
    -------
    RepeatResult

    References
    ----------
    Farrell & Pease (1993), Once bitten, twice bitten, Home Office CPU paper 46.
    """
    clustered = keys is None and (radius is not None or names is not None)
    if clustered:
        if x is None or y is None:
            raise ValueError("give x and y with radius or names")
        radius = 25.0 if radius is None else radius
        labels = place_groups(x, y, names, areas, radius=radius, name_radius=name_radius)
        k = _group_keys(labels, x, y, names)
    else:
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
        parameters=(
            {
                "radius": radius,
                "name_radius": name_radius if names is not None else None,
                "by": "radius+name" if names is not None else "radius",
            }
            if clustered
            else {
                "tolerance": tolerance if keys is None else None,
                "by": "key" if keys is not None else "xy",
            }
        ),
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
    "normalise_place_name",
    "place_groups",
    "place_keys",
    "repeat_places",
    "repeat_victims",
    "time_to_repeat",
]
