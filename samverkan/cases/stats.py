"""Aggregated outcome statistics of preventive cases: no personal data leaves here.

For each case type and period (the year the case was opened), the follow-up at 3, 6 or 12
months is counted as *ceased* (no new threats, violence or crime), *continued* (any of
them) or *unknown*. The share that ceased is estimated among the cases with a known
outcome, with a Wilson score interval, and every count from 1 to ``K - 1`` is suppressed
as ``"<3"`` (:func:`samverkan.analysis.suppression.suppress`), so that no reader can single
out a person's outcome. Further cells of the row (the partner cell, the known-outcome
total) are hidden as ``".."`` until a linear-programming attack on the row narrows no hidden
cell (``docs/methods/suppression.md``): a ``"<3"`` cell keeps the whole ``[1, 2]``, a ``".."``
cell a range at least ``K - 1`` wide. A ``".."`` cell is never labelled ``"<3"``: its true
value may be large. A share is shown only when neither of its two counts is hidden. No
totals across rows are published: with them a hidden row could be recovered by
subtraction.

References
----------
Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. *Journal of the American Statistical Association*, 22(158), 209-212.
Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion:
    comparison of seven methods. *Statistics in Medicine*, 17(8), 857-872 (method 3).
Brown, L. D., Cai, T. T., DasGupta, A. (2001). Interval estimation for a binomial
    proportion. *Statistical Science*, 16(2), 101-133.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _
from scipy.stats import norm

from samverkan.analysis.suppression import suppress
from samverkan.cases.models import Answer, CaseType, OutcomeFollowUp

K = 3  # counts 1 .. K-1 are suppressed

# Named on the statistics page under the table, in the reader's language.
METHOD = _("Andelarnas 95-procentiga konfidensintervall: Wilsons intervall (Wilson 1927).")


def wilson_interval(x: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``x / n`` (no continuity correction).

    ``p~ = (x + z²/2) / (n + z²)`` with half-width
    ``z / (n + z²) * sqrt(x (n - x) / n + z² / 4)``.
    """
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= x <= n:
        raise ValueError("x must lie in 0 .. n")
    z = float(norm.ppf(1 - (1 - confidence) / 2))
    centre = (x + z * z / 2) / (n + z * z)
    half = z / (n + z * z) * math.sqrt(x * (n - x) / n + z * z / 4)
    return max(0.0, centre - half), min(1.0, centre + half)


def classify(threats: str, violence: str, crime: str) -> str:
    answers = {threats, violence, crime}
    if Answer.YES in answers:
        return "continued"
    if answers == {Answer.NO}:
        return "ceased"
    return "unknown"


COLUMNS = ("ceased", "continued", "unknown")


@dataclass
class Row:
    case_type: str
    label: str
    period: int | str
    ceased: int | str
    continued: int | str
    unknown: int | str
    total: int | str  # cases with a known outcome (ceased + continued)
    share: float | None = None
    low: float | None = None
    high: float | None = None


def outcome_table(cases, months: int = 6, k: int = K) -> dict:
    """Aggregate the outcomes at ``months`` of the cases in ``cases`` (a queryset).

    Returns ``{"rows": [Row], "months", "k", "method"}``; small cells hold the label
    ``"<k"``, cells hidden to protect them ``".."``.
    """
    grouped = (
        OutcomeFollowUp.objects.filter(case__in=cases.values("pk"), months=months)
        .values("case__case_type", "new_threats", "new_violence", "new_crime")
        .annotate(year=ExtractYear("case__opened_on"), n=Count("id"))
    )
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for g in grouped:
        key = (g["case__case_type"], g["year"])
        cell = counts.setdefault(key, dict.fromkeys(COLUMNS, 0))
        cell[classify(g["new_threats"], g["new_violence"], g["new_crime"])] += g["n"]
    labels = dict(CaseType.choices)
    keys = sorted(counts, key=lambda key: (list(labels).index(key[0]), key[1]))
    rows: list[Row] = []
    for key in keys:
        cell = counts[key]
        # Ceased and continued are published with their total (the cases with a known
        # outcome), so a lone small cell would be recovered by subtraction: the partner,
        # and where that is not enough the total, is hidden too. No totals across rows are
        # published, for the same reason across rows.
        known = suppress([cell["ceased"], cell["continued"]], k=k, totals=True)
        unknown = suppress([cell["unknown"]], k=k, totals=False)
        row = Row(
            key[0],
            str(labels[key[0]]),
            key[1],
            ceased=known.estimate[0],
            continued=known.estimate[1],
            unknown=unknown.estimate[0],
            total=known.total,
        )
        _add_share(row)
        rows.append(row)
    return {
        "rows": rows,
        "months": months,
        "k": k,
        "method": str(METHOD),
    }


def _add_share(row: Row) -> None:
    if isinstance(row.ceased, int) and isinstance(row.continued, int):
        known = row.ceased + row.continued
        if known:
            row.share = row.ceased / known
            row.low, row.high = wilson_interval(row.ceased, known)
