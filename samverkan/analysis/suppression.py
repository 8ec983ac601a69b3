"""Small-count suppression for tables that leave the local group, checked by an LP attack.

A lägesbild shared upward or published must not let a reader single out the one or two
incidents behind a cell (a named school, a small village). Counts from 1 to ``k - 1`` are
replaced by ``"<k"`` (primary suppression). Because totals are published too, a lone
suppressed cell could be recovered by subtraction, so further cells are hidden (secondary
or complementary suppression) and labelled ``".."``: their true value may be large, so
``"<k"`` would be false, and it would tell the reader they are small.

Two cells per line are not enough. With ``[1, 1, 10]`` and the total 12 published, the two
hidden cells sum to 2 and each is at least 1: both are pinned to 1. So every table is
attacked as a reader would attack it, by linear programming (Cox 1980; Hundepool et al.
2012, sect. 4.2.3): for each hidden cell, the least and the greatest value it can take
subject to every published equation (cells sum to their totals, totals to the grand
total), cells >= 0, and cells labelled ``"<k"`` in ``[1, k - 1]``. A cell is protected when

* it is labelled ``"<k"`` and its feasible interval is still the whole ``[1, k - 1]``;
* it is labelled ``".."`` and its feasible interval is at least ``k - 1`` wide.

While a cell is not protected, a further published cell of one of its equations is hidden
(the smallest non-zero one, cells before totals, totals before the grand total); when none
is left, a ``"<k"`` label in its equations is weakened to ``".."`` (a total first), which
removes the reader's knowledge that the value is small. Each step only widens the feasible
set, so the loop ends.

The tables of a lägesbild are linked (the same total closes the categories, the child
areas, the time-of-day grid and the coverage): :func:`protect` takes any set of
non-negative integer variables and linear equations between them, so linked tables are
protected together. :func:`suppress` is the common case of one 1-D or 2-D table with its
totals.

Zero is not suppressed by default: a zero reveals nothing about any person, and this is
the convention of most official statistics (e.g. Brå's and SCB's tables). Set
``suppress_zero=True`` for the stricter rule.

Limits: the audit is the linear relaxation. It bounds what an attacker learns with linear
programming; integer programming can, in rare tables, narrow an interval further (e.g.
exclude a fractional vertex). Time grows with the number of hidden cells times the size of
their linked component: tables of tens of rows by tens of columns take well under a second.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4 (threshold
    rule, primary and secondary cell suppression, the audit by linear programming).
Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *Journal
    of the American Statistical Association*, 75(370), 377-385.
Fischetti, M., Salazar González, J. J. (1999). Models and algorithms for the 2-dimensional
    cell suppression problem in statistical disclosure control. *Mathematical
    Programming*, 84(2), 283-312 (protection levels as feasible intervals).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

from samverkan.analysis.result import Result

__all__ = [
    "SECONDARY_LABEL",
    "Protection",
    "SuppressionResult",
    "attack",
    "protect",
    "suppress",
]

SECONDARY_LABEL = ".."
# Tolerance on LP bounds: HiGHS returns vertices to about 1e-9.
_TOL = 1e-6


@dataclass
class Protection(Result):
    """Linked variables with small counts suppressed and the result of the LP attack.

    ``estimate`` holds, per variable, the value or its label (``"<k"`` or ``".."``);
    ``primary`` marks values in ``[low, k - 1]``, ``secondary`` the further hidden ones,
    ``small_label`` the variables shown as ``"<k"``; ``low`` / ``high`` are the attack's
    feasible intervals (NaN for published variables, ``inf`` when unbounded) and
    ``protected`` says whether every hidden variable met the rule.
    """

    primary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    secondary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    small_label: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    low: np.ndarray = field(default_factory=lambda: np.zeros(0))
    high: np.ndarray = field(default_factory=lambda: np.zeros(0))
    protected: bool = True
    label: str = "<3"

    @property
    def mask(self) -> np.ndarray:
        """All hidden variables (primary or secondary)."""
        return self.primary | self.secondary


@dataclass
class SuppressionResult(Result):
    """A table with small counts suppressed.

    ``estimate`` is the masked table as an object array (int, ``"<k"`` or ``".."``);
    ``primary`` and ``secondary`` are boolean masks of the table's shape;
    ``row_totals`` / ``col_totals`` / ``grand_total`` (2-D) or ``total`` (1-D) are the
    published totals, masked too where a total is small or had to be withheld.
    """

    primary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    secondary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    row_totals: np.ndarray | None = None
    col_totals: np.ndarray | None = None
    grand_total: object = None
    total: object = None
    label: str = "<3"

    @property
    def mask(self) -> np.ndarray:
        """All suppressed cells (primary or secondary)."""
        return self.primary | self.secondary


Equation = Mapping[int, float]


def attack(
    values,
    equations: Sequence[Equation],
    hidden,
    small_label,
    *,
    k: int = 3,
    free=None,
    small_low: int = 1,
    only=None,
    exact: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Feasible interval of every hidden variable, as a reader computes it.

    Parameters
    ----------
    values : array_like of int
        True values of all variables (only the published ones are used).
    equations : sequence of mappings ``{index: coefficient}``
        Each says ``sum(coefficient * variable) == 0``.
    hidden : array_like of bool
        Variables not published.
    small_label : array_like of bool
        Hidden variables labelled ``"<k"``: the reader knows they lie in ``[1, k - 1]``.
    k : int
        The threshold.
    free : array_like of bool, optional
        Variables never published and not audited (e.g. the incidents of an area that fall
        in none of its child areas); the reader knows only that they are >= 0.
    small_low : int
        Least value of a ``"<k"`` cell: 1, or 0 when zeros are suppressed too.
    only : array_like of bool, optional
        Attack only these hidden variables (the others get NaN).
    exact : bool
        False lets a ``"<k"`` variable seen at both ends of ``[1, k - 1]`` in two joint
        LPs skip its own two (its interval is then exactly its bounds anyway).

    Returns
    -------
    low, high : ndarray
        Least and greatest feasible value (NaN for published variables, ``inf`` when
        unbounded).

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, sect. 4.2.3.
    """
    values = np.asarray(values, dtype=float)
    n = values.size
    hidden = np.asarray(hidden, bool)
    small = np.asarray(small_label, bool)
    free = np.zeros(n, bool) if free is None else np.asarray(free, bool)
    unknown = hidden | free
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    lb = np.where(small, float(small_low), 0.0)
    ub = np.where(small, float(k - 1), np.inf)
    target = hidden if only is None else hidden & np.asarray(only, bool)
    low[target] = lb[target]
    high[target] = ub[target]

    # Connected components of unknowns through the equations: each is attacked alone.
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows = []
    for eq in equations:
        terms = {int(i): float(c) for i, c in eq.items() if c}
        unk = [i for i in terms if unknown[i]]
        rhs = -sum(c * values[i] for i, c in terms.items() if not unknown[i])
        if not unk:
            continue
        rows.append(({i: terms[i] for i in unk}, rhs))
        for i in unk[1:]:
            parent[find(i)] = find(unk[0])
    groups: dict[int, list[int]] = {}
    for row_index, (terms, _) in enumerate(rows):
        groups.setdefault(find(next(iter(terms))), []).append(row_index)
    for eq_rows in groups.values():
        members = sorted({i for r in eq_rows for i in rows[r][0]})
        if not target[members].any():
            continue
        pos = {v: j for j, v in enumerate(members)}
        a = np.zeros((len(eq_rows), len(members)))
        b = np.zeros(len(eq_rows))
        for r_i, r in enumerate(eq_rows):
            terms, rhs = rows[r]
            for i, c in terms.items():
                a[r_i, pos[i]] = c
            b[r_i] = rhs
        bounds = [(lb[i], None if np.isinf(ub[i]) else ub[i]) for i in members]
        done = set()
        small_targets = [pos[i] for i in members if target[i] and small[i]]
        if small_targets and not exact:
            # Two LPs push all "<k" cells down, then up, together: a cell seen at both
            # ends of its bounds needs no LPs of its own (its interval is the bounds).
            seen = []
            for sign in (1.0, -1.0):
                c = np.zeros(len(members))
                c[small_targets] = sign
                res = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
                if res.status == 0:
                    seen.append(res.x)
            if len(seen) == 2:
                for j in small_targets:
                    i = members[j]
                    lo_seen = min(seen[0][j], seen[1][j])
                    hi_seen = max(seen[0][j], seen[1][j])
                    if lo_seen <= lb[i] + _TOL and hi_seen >= ub[i] - _TOL:
                        done.add(i)
        for i in members:
            if not target[i] or i in done:
                continue
            c = np.zeros(len(members))
            for sign, out in ((1.0, low), (-1.0, high)):
                c[pos[i]] = sign
                res = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
                if res.status == 3:
                    out[i] = -sign * np.inf
                elif res.status == 0:
                    out[i] = sign * res.fun
                else:
                    # Infeasible only if the published figures contradict each other:
                    # then the reader learns nothing consistent; keep the prior bounds.
                    out[i] = lb[i] if sign > 0 else ub[i]
    return low, high


def _failing(low, high, hidden, small, k, small_low=1) -> np.ndarray:
    need = max(k - 1, 1)
    ok_small = (low <= small_low + _TOL) & (high >= k - 1 - _TOL)
    ok_other = (high - low) >= need - _TOL
    with np.errstate(invalid="ignore"):
        return hidden & np.where(small, ~ok_small, ~ok_other)


def protect(
    values,
    equations: Sequence[Equation] = (),
    *,
    k: int = 3,
    suppress_zero: bool = False,
    free=None,
    cost=None,
    exempt=None,
    hidden=None,
    labels=None,
) -> Protection:
    """Suppress small counts among linked variables until an LP attack recovers none.

    Parameters
    ----------
    values : array_like of non-negative integers
        All variables: cells and the totals they sum to, flattened.
    equations : sequence of mappings ``{index: coefficient}``
        Published relations, each ``sum(coefficient * variable) == 0``; a total ``t`` of
        cells ``a, b`` is ``{t: 1, a: -1, b: -1}``.
    k : int
        Threshold: values ``1 .. k - 1`` are suppressed and shown as ``"<k"``.
    suppress_zero : bool
        Treat 0 as a small value too.
    free : array_like of bool, optional
        Unpublished slack variables (see :func:`attack`).
    cost : array_like of float, optional
        Information lost by hiding each variable; cheaper ones are hidden first (give
        totals a higher cost than cells). Default 1.
    exempt : array_like of bool, optional
        Variables that are always published (never chosen for secondary suppression).
    hidden : array_like of bool, optional
        Variables withheld in any case (shown as ``".."``), e.g. a value already hidden
        elsewhere.
    labels : sequence of str or None, optional
        Labels already published, for an audit of figures released earlier: ``"<k"``,
        ``".."`` (any other string counts as ``".."``) or None for a published value. A
        labelled variable stays hidden and keeps its label unless the rule needs it
        weakened; its value is never read (any number will do), so the audit sees only
        what a reader sees. A published value in ``[1, k - 1]`` is hidden as usual.

    Returns
    -------
    Protection

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    Cox, L. H. (1980). *JASA*, 75(370), 377-385.
    """
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError("values must be 1-D; flatten tables and pass their equations")
    if values.size and (np.any(values < 0) or np.any(values != np.round(values))):
        raise ValueError("values must be non-negative integer counts")
    if k < 1:
        raise ValueError("k must be at least 1")
    values = values.astype(np.int64)
    n = values.size
    free = np.zeros(n, bool) if free is None else np.asarray(free, bool).copy()
    cost = np.ones(n) if cost is None else np.asarray(cost, dtype=float)
    exempt = np.zeros(n, bool) if exempt is None else np.asarray(exempt, bool)
    low_value = 0 if suppress_zero else 1
    primary = (values >= low_value) & (values < k) & ~free & ~exempt
    given = np.zeros(n, bool)
    if labels is not None:
        given = np.array([lab is not None for lab in labels], bool) & ~free
        primary = (primary & ~given) | (given & np.array([lab == f"<{k}" for lab in labels]))
    mask = primary | given
    if hidden is not None:
        mask |= np.asarray(hidden, bool) & ~free
    small = primary.copy()
    eqs = [{int(i): float(c) for i, c in eq.items() if c} for eq in equations]
    eqs_of: list[list[int]] = [[] for _ in range(n)]
    for e, eq in enumerate(eqs):
        for i in eq:
            eqs_of[i].append(e)

    def slack_of(e: int, var: int) -> int:
        # Hidden terms of equation e besides var that are free to move beyond [1, k - 1].
        return sum(1 for i in eqs[e] if i != var and (free[i] or (mask[i] and not small[i])))

    def candidates(var: int) -> list[int]:
        """Published terms of var's equations, best first.

        An equation in which var is tied only to "<k" cells is what pins it, so its terms
        come first; then non-zero before zero, cheap before costly, small before large.
        """
        rank: dict[int, int] = {}
        for e in eqs_of[var]:
            tight = slack_of(e, var)
            for i in eqs[e]:
                if not mask[i] and not free[i] and not exempt[i]:
                    rank[i] = min(rank.get(i, tight), tight)
        return sorted(rank, key=lambda i: (values[i] == 0, rank[i], cost[i], values[i], i))

    def close_lines() -> list[int]:
        """The classic rule: no equation without slack keeps exactly one hidden term."""
        added = []
        changed = bool(eqs)
        while changed:
            changed = False
            for eq in eqs:
                if any(free[i] for i in eq):
                    continue
                hid = [i for i in eq if mask[i]]
                if len(hid) == 1:
                    pool = [i for i in candidates(hid[0]) if i in eq]
                    if pool:
                        mask[pool[0]] = True
                        added.append(pool[0])
                        changed = True
        return added

    # The classic rule first, as it settles most tables without a linear program.
    close_lines()

    low = np.full(n, np.nan)
    high = np.full(n, np.nan)

    def attack_some(which: np.ndarray) -> None:
        lo, hi = attack(
            values, eqs, mask, small, k=k, free=free, small_low=low_value, only=which, exact=False
        )
        low[which], high[which] = lo[which], hi[which]

    def fix(var: int) -> list[int]:
        """Hide one more variable for ``var``, or weaken a label; what changed."""
        pool = candidates(var)
        if pool and values[pool[0]] != 0:
            mask[pool[0]] = True
            return [pool[0], *close_lines()]
        # Nothing but zeros left to hide: the "<k" labels pin it (a hidden zero adds no
        # room below). Weaken one, a total first.
        labelled = {i for e in eqs_of[var] for i in eqs[e] if small[i] and mask[i]}
        if small[var]:
            labelled.add(var)
        if labelled:
            pick = max(labelled, key=lambda i: (cost[i], -i))
            small[pick] = False
            return [pick]
        if pool:
            mask[pool[0]] = True
            return [pool[0], *close_lines()]
        # Its own equations publish nothing more, yet a combination of equations pins it
        # (cells outside a published row and column sum to grand - row - column + their
        # crossing): hide a published term farther along, else weaken a label there.
        farther, labels_there = linked(var)
        if farther:
            mask[farther[0]] = True
            return [farther[0], *close_lines()]
        if labels_there:
            pick = max(labels_there, key=lambda i: (cost[i], -i))
            small[pick] = False
            return [pick]
        return []

    def linked(var: int) -> tuple[list[int], list[int]]:
        """Published terms and labelled variables of the equations reached from ``var``
        through hidden variables; the terms best first (as :func:`candidates`)."""
        reached, seen, frontier = {var}, set(), [var]
        terms: set[int] = set()
        while frontier:
            for e in eqs_of[frontier.pop()]:
                if e in seen:
                    continue
                seen.add(e)
                for i in eqs[e]:
                    if mask[i] or free[i]:
                        if i not in reached:
                            reached.add(i)
                            frontier.append(i)
                    elif not exempt[i]:
                        terms.add(i)
        best = sorted(terms, key=lambda i: (values[i] == 0, cost[i], values[i], i))
        return best, [i for i in reached if small[i] and mask[i] and i != var]

    # Hiding more only widens the feasible set, so a variable that passed the attack keeps
    # passing: one pass over the hidden variables, each fixed until it passes, suffices
    # (variables hidden or relabelled on the way join the queue).
    attack_some(mask.copy())
    queue = [int(i) for i in np.flatnonzero(mask)]
    queued = set(queue)
    while queue:
        var = queue.pop(0)
        queued.discard(var)
        one = np.zeros(n, bool)
        one[var] = True
        # A stored pass stays valid; a stored failure may predate later hiding.
        if np.isnan(low[var]) or _failing(low, high, mask, small, k, low_value)[var]:
            attack_some(one)
        while _failing(low, high, mask, small, k, low_value)[var]:
            changed = fix(var)
            if not changed:
                break
            for c in changed:
                if c != var and c not in queued:
                    low[c] = high[c] = np.nan
                    queue.append(c)
                    queued.add(c)
            attack_some(one)
    failing = _failing(low, high, mask, small, k, low_value)
    label = f"<{k}"
    estimate = np.empty(n, dtype=object)
    for i in range(n):
        if free[i]:
            estimate[i] = None
        elif mask[i]:
            estimate[i] = label if small[i] else SECONDARY_LABEL
        else:
            estimate[i] = int(values[i])
    return Protection(
        estimate=estimate,
        method="threshold rule, secondary suppression audited by linear programming "
        "(Cox 1980; Hundepool et al. 2012)",
        parameters={"k": k, "suppress_zero": suppress_zero},
        primary=primary,
        secondary=mask & ~primary,
        small_label=small & mask,
        low=low,
        high=high,
        protected=not bool(failing.any()),
        label=label,
    )


def suppress(
    table, k: int = 3, *, totals: bool = True, suppress_zero: bool = False
) -> SuppressionResult:
    """Suppress small counts in a 1-D list or a 2-D table, protected against an LP attack.

    Parameters
    ----------
    table : array_like of non-negative integers, 1-D or 2-D
        The counts. For 2-D, rows and columns are the two categories (e.g. area x crime
        type) and their totals and grand total are assumed to be published.
    k : int
        Threshold: counts ``1 .. k - 1`` are suppressed (default 3, shown as ``"<3"``).
    totals : bool
        Whether row/column totals and the grand total (2-D) or the total (1-D) are
        published. Without totals no secondary suppression is needed.
    suppress_zero : bool
        Treat 0 as a small count too (default False, see the module docstring).

    Returns
    -------
    SuppressionResult
        ``estimate`` is the masked table; totals are returned masked where they are
        themselves small, or where they had to be withheld to protect a cell.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4.
    """
    values = np.asarray(table)
    if values.ndim not in (1, 2):
        raise ValueError("table must be 1-D or 2-D")
    if values.size and (np.any(values < 0) or np.any(values != np.round(values))):
        raise ValueError("table must hold non-negative integer counts")
    if k < 1:
        raise ValueError("k must be at least 1")
    values = values.astype(np.int64)
    method = "threshold rule, secondary suppression audited by linear programming"
    params = {"k": k, "totals": totals, "suppress_zero": suppress_zero}
    size = values.size

    if values.ndim == 1:
        flat = np.append(values, values.sum()) if totals else values
        eqs = [{size: 1.0, **{i: -1.0 for i in range(size)}}] if totals else []
        cost = np.append(np.ones(size), 2.0) if totals else np.ones(size)
        res = protect(flat, eqs, k=k, suppress_zero=suppress_zero, cost=cost)
        return SuppressionResult(
            estimate=res.estimate[:size],
            method=method,
            parameters=params,
            primary=res.primary[:size],
            secondary=res.secondary[:size],
            total=res.estimate[size] if totals else None,
            label=res.label,
        )

    n_rows, n_cols = values.shape
    cells = values.ravel()
    if not totals:
        res = protect(cells, k=k, suppress_zero=suppress_zero)
        return SuppressionResult(
            estimate=res.estimate.reshape(values.shape),
            method=method,
            parameters=params,
            primary=res.primary.reshape(values.shape),
            secondary=res.secondary.reshape(values.shape),
            label=res.label,
        )
    r0 = size
    c0 = r0 + n_rows
    g = c0 + n_cols
    flat = np.concatenate([cells, values.sum(axis=1), values.sum(axis=0), [values.sum()]])
    eqs: list[dict[int, float]] = []
    for r in range(n_rows):
        eqs.append({r0 + r: 1.0, **{r * n_cols + c: -1.0 for c in range(n_cols)}})
    for c in range(n_cols):
        eqs.append({c0 + c: 1.0, **{r * n_cols + c: -1.0 for r in range(n_rows)}})
    eqs.append({g: 1.0, **{r0 + r: -1.0 for r in range(n_rows)}})
    eqs.append({g: 1.0, **{c0 + c: -1.0 for c in range(n_cols)}})
    cost = np.concatenate([np.ones(size), np.full(n_rows + n_cols, 2.0), [4.0]])
    res = protect(flat, eqs, k=k, suppress_zero=suppress_zero, cost=cost)
    return SuppressionResult(
        estimate=res.estimate[:size].reshape(values.shape),
        method=method,
        parameters=params,
        primary=res.primary[:size].reshape(values.shape),
        secondary=res.secondary[:size].reshape(values.shape),
        row_totals=res.estimate[r0:c0],
        col_totals=res.estimate[c0:g],
        grand_total=res.estimate[g],
        label=res.label,
    )
