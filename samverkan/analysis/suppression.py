"""Small-count suppression for tables that leave the local group.

A lägesbild shared upward or published must not let a reader single out the one or two
incidents behind a cell (a named school, a small village). Counts from 1 to ``k - 1`` are
replaced by ``"<k"`` (primary suppression). Because totals are published too, a lone
suppressed cell in a row or column could be recovered by subtraction, so further cells are
suppressed (secondary or complementary suppression) until no row or column with a
published total has exactly one suppressed cell.

Zero is not suppressed by default: a zero reveals nothing about any person, and this is
the convention of most official statistics (e.g. Brå's and SCB's tables). Set
``suppress_zero=True`` for the stricter rule.

This is the classic "at least two suppressed cells per line" rule. It stops recovery by
plain subtraction; it does not guarantee that no narrow interval can be derived by linear
programming over many lines, which full statistical disclosure control tools (tau-ARGUS)
check.

References
----------
Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley, ch. 4 (threshold
    rule, primary and secondary cell suppression).
Cox, L. H. (1980). Suppression methodology and statistical disclosure control. *Journal
    of the American Statistical Association*, 75(370), 377-385.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from samverkan.analysis.result import Result

__all__ = ["SuppressionResult", "suppress"]


@dataclass
class SuppressionResult(Result):
    """A table with small counts suppressed.

    ``estimate`` is the masked table as an object array (int or the label ``"<k"``);
    ``primary`` and ``secondary`` are boolean masks of the table's shape;
    ``row_totals`` / ``col_totals`` (2-D) or ``total`` (1-D) are the published totals,
    masked too where a total itself is small or a line could not be protected otherwise.
    """

    primary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    secondary: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    row_totals: np.ndarray | None = None
    col_totals: np.ndarray | None = None
    total: object = None
    label: str = "<3"

    @property
    def mask(self) -> np.ndarray:
        """All suppressed cells (primary or secondary)."""
        return self.primary | self.secondary


def _protect_line(values: np.ndarray, suppressed: np.ndarray) -> int | None:
    """Index of the cell to suppress next in a line with exactly one suppressed cell.

    The smallest non-zero unsuppressed cell, as it hides the least information; a zero
    cell only when no non-zero cell is left. ``None`` if nothing is left to suppress.
    """
    free = ~suppressed
    candidates = np.flatnonzero(free & (values != 0))
    if candidates.size == 0:
        candidates = np.flatnonzero(free)
    if candidates.size == 0:
        return None
    return int(candidates[np.argmin(values[candidates])])


def _masked(values: np.ndarray, mask: np.ndarray, label: str) -> np.ndarray:
    out = np.empty(values.shape, dtype=object)
    flat_v = values.ravel()
    flat_m = mask.ravel()
    flat_o = out.reshape(-1)
    for i in range(flat_v.size):
        flat_o[i] = label if flat_m[i] else int(flat_v[i])
    return out


def suppress(
    table, k: int = 3, *, totals: bool = True, suppress_zero: bool = False
) -> SuppressionResult:
    """Suppress small counts in a 1-D list or a 2-D table, with secondary suppression.

    Parameters
    ----------
    table : array_like of non-negative integers, 1-D or 2-D
        The counts. For 2-D, rows and columns are the two categories (e.g. area x crime
        type) and their totals are assumed to be published.
    k : int
        Threshold: counts ``1 .. k - 1`` are suppressed (default 3, shown as ``"<3"``).
    totals : bool
        Whether row/column totals (2-D) or the total (1-D) are published. Without totals
        no secondary suppression is needed.
    suppress_zero : bool
        Treat 0 as a small count too (default False, see the module docstring).

    Returns
    -------
    SuppressionResult
        ``estimate`` is the masked table; totals are returned masked where they are
        themselves small, or where a line had nothing left to suppress beside its one
        suppressed cell (then the total is withheld instead).

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
    low = 0 if suppress_zero else 1
    primary = (values >= low) & (values < k)
    mask = primary.copy()
    label = f"<{k}"

    if values.ndim == 1:
        total = int(values.sum())
        total_hidden = 0 < total < k or (suppress_zero and total == 0)
        if totals and not total_hidden and mask.sum() == 1:
            nxt = _protect_line(values, mask)
            if nxt is None:
                total_hidden = True
            else:
                mask[nxt] = True
        return SuppressionResult(
            estimate=_masked(values, mask, label),
            method="threshold rule with secondary suppression (Hundepool et al. 2012)",
            parameters={"k": k, "totals": totals, "suppress_zero": suppress_zero},
            primary=primary,
            secondary=mask & ~primary,
            total=(label if total_hidden else total) if totals else None,
            label=label,
        )

    row_sum = values.sum(axis=1)
    col_sum = values.sum(axis=0)
    small = (lambda s: (s >= low) & (s < k)) if suppress_zero else (lambda s: (s > 0) & (s < k))
    row_hidden = small(row_sum)
    col_hidden = small(col_sum)
    if totals:
        changed = True
        # Each pass only adds suppressions, so this stops after at most size passes.
        while changed:
            changed = False
            for axis in (0, 1):
                lines = mask if axis == 0 else mask.T
                vals = values if axis == 0 else values.T
                hidden = row_hidden if axis == 0 else col_hidden
                for i in np.flatnonzero((lines.sum(axis=1) == 1) & ~hidden):
                    nxt = _protect_line(vals[i], lines[i])
                    if nxt is None:
                        hidden[i] = True
                    else:
                        lines[i, nxt] = True
                    changed = True
    return SuppressionResult(
        estimate=_masked(values, mask, label),
        method="threshold rule with secondary suppression (Hundepool et al. 2012)",
        parameters={"k": k, "totals": totals, "suppress_zero": suppress_zero},
        primary=primary,
        secondary=mask & ~primary,
        row_totals=_masked(row_sum, row_hidden, label) if totals else None,
        col_totals=_masked(col_sum, col_hidden, label) if totals else None,
        label=label,
    )
