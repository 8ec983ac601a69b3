"""Change detection: is this period's count unusual against its baseline?

A lägesbild flags categories and areas whose count this period stands out from what was
expected. Two complementary tests are provided:

* the Poisson Z score on the square-root scale, ``Z = 2 (sqrt(current) - sqrt(baseline))``,
  which Wheeler (2016) recommends for monitoring many crime series at once because it is
  quick, needs no tables and behaves well for small counts; when the baseline is itself a
  count (the mean of ``m`` earlier periods) its noise is added to the denominator,
  ``Z = (sqrt(current) - sqrt(B / m)) / sqrt(1/4 + 1/(4 m))``, the two-sample square-root
  comparison of two Poisson counts (Huffman 1984, without his 3/8 offset);
* the exact conditional test of two Poisson counts (Przyborowski & Wilenski 1940), which
  gives an exact p-value when a single comparison matters (e.g. in an evaluation).

References
----------
Wheeler, A. P. (2016). Tables and graphs for monitoring temporal crime trends: translating
    theory into practical crime analysis advice. *International Journal of Police Science &
    Management*, 18(3), 159-172.
Anscombe, F. J. (1948). The transformation of Poisson, binomial and negative-binomial data.
    *Biometrika*, 35(3/4), 246-254. (Square root as variance-stabilising transform.)
Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. *Biometrika*, 31(3/4), 313-323.
Huffman, M. D. (1984). An improved approximate two-sample Poisson test. *Journal of the
    Royal Statistical Society, Series C (Applied Statistics)*, 33(2), 224-226.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from samverkan.analysis.result import Result

BaselineKind = Literal["previous", "seasonal", "rolling"]

__all__ = [
    "FLAG_ALPHA",
    "BaselineResult",
    "ChangeManyResult",
    "ChangeResult",
    "ExactPoissonResult",
    "PoissonZResult",
    "baseline",
    "compare",
    "compare_many",
    "exact_poisson_test",
    "flag_threshold",
    "poisson_z",
    "two_sample_z",
]


@dataclass
class PoissonZResult(Result):
    """Square-root Poisson Z score; ``estimate`` and ``z`` are the same Z."""


@dataclass
class ExactPoissonResult(Result):
    """Exact conditional test of two Poisson rates.

    ``estimate`` is the rate ratio ``(k1 / t1) / (k2 / t2)``; ``p`` the exact p-value.
    """

    k1: int = 0
    k2: int = 0
    expected_k1: float = 0.0


@dataclass
class BaselineResult(Result):
    """A baseline: ``estimate`` is the mean count of the baseline ``counts``."""

    counts: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class ChangeResult(Result):
    """One period compared with its baseline.

    ``estimate`` and ``z`` are the Poisson Z, ``p`` is the exact conditional p-value of the
    current count against the pooled baseline counts.
    """

    current: float = 0.0
    baseline_mean: float = 0.0
    threshold: float = 2.0
    flag: str | None = None


@dataclass
class ChangeManyResult(Result):
    """Many series compared at once; every field is an array with one entry per series."""

    current: np.ndarray = field(default_factory=lambda: np.zeros(0))
    baseline_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    threshold: float = 3.0
    flags: list = field(default_factory=list)
    labels: list | None = None


def poisson_z(current, baseline_mean) -> PoissonZResult:
    """Poisson Z score of a count against a baseline mean on the square-root scale.

    ``Z = 2 * (sqrt(current) - sqrt(baseline_mean))``. For a Poisson count the square root
    has variance close to 1/4 whatever the mean (Anscombe 1948), so ``2 sqrt(x)`` has unit
    variance and the difference is approximately standard normal under "no change"
    (Wheeler 2016). Works element-wise on arrays.

    Parameters
    ----------
    current : float or array_like
        Count in the period of interest.
    baseline_mean : float or array_like
        Expected count (mean of the baseline periods).

    Returns
    -------
    PoissonZResult
        ``estimate`` = ``z`` = the Z score, ``p`` = two-sided normal p-value.

    References
    ----------
    Wheeler, A. P. (2016). Tables and graphs for monitoring temporal crime trends.
    *International Journal of Police Science & Management*, 18(3), 159-172.
    """
    c = np.asarray(current, dtype=float)
    b = np.asarray(baseline_mean, dtype=float)
    if np.any(c < 0) or np.any(b < 0):
        raise ValueError("counts and baseline means must be non-negative")
    z = 2.0 * (np.sqrt(c) - np.sqrt(b))
    p = 2.0 * stats.norm.sf(np.abs(z))
    if z.ndim == 0:
        z, p = float(z), float(p)
    return PoissonZResult(
        estimate=z,
        z=z,
        p=p,
        method="Poisson Z, square-root transform (Wheeler 2016)",
        parameters={},
    )


def two_sample_z(current, baseline_total, baseline_periods) -> PoissonZResult:
    """Square-root Z of a count against a baseline that is itself a Poisson count.

    ``Z = (sqrt(c) - sqrt(B / m)) / sqrt(1/4 + 1/(4 m))`` for the current count ``c``
    (one period) and the pooled count ``B`` of ``m`` baseline periods. :func:`poisson_z`
    treats the baseline mean as known; here ``sqrt(B / m)`` has variance about
    ``1 / (4 m)`` too (Anscombe 1948), so a baseline of one period doubles the variance of
    the difference and ignoring it flags about three times too often at ``|Z| >= 2``.
    This is the variance-stabilised two-sample comparison of Poisson counts (Huffman
    1984, who adds 3/8 to each count; the plain root keeps ``Z`` comparable with
    Wheeler's). Works element-wise on arrays.

    Parameters
    ----------
    current : float or array_like
        Count in the period of interest.
    baseline_total : float or array_like
        Sum of the counts of the baseline periods.
    baseline_periods : int or array_like
        Number ``m`` of baseline periods behind ``baseline_total`` (its exposure).

    Returns
    -------
    PoissonZResult
        ``estimate`` = ``z`` = the Z score, ``p`` = two-sided normal p-value.

    References
    ----------
    Huffman, M. D. (1984). An improved approximate two-sample Poisson test. *Applied
    Statistics*, 33(2), 224-226.
    Wheeler, A. P. (2016). Tables and graphs for monitoring temporal crime trends.
    *International Journal of Police Science & Management*, 18(3), 159-172.
    """
    c = np.asarray(current, dtype=float)
    b = np.asarray(baseline_total, dtype=float)
    m = np.asarray(baseline_periods, dtype=float)
    if np.any(c < 0) or np.any(b < 0):
        raise ValueError("counts must be non-negative")
    if np.any(m <= 0):
        raise ValueError("baseline_periods must be positive")
    z = (np.sqrt(c) - np.sqrt(b / m)) / np.sqrt(0.25 + 0.25 / m)
    p = 2.0 * stats.norm.sf(np.abs(z))
    if z.ndim == 0:
        z, p = float(z), float(p)
    return PoissonZResult(
        estimate=z,
        z=z,
        p=p,
        method="Two-sample square-root Z of Poisson counts (Huffman 1984; Wheeler 2016)",
        parameters={},
    )


def _binom_two_sided(k: int, n: int, prob: float, how: str) -> float:
    if how == "double":
        # Doubling the smaller tail, as in many textbooks and calculators.
        tail = min(stats.binom.cdf(k, n, prob), stats.binom.sf(k - 1, n, prob))
        return float(min(1.0, 2.0 * tail))
    # Sum of all outcomes no more likely than the observed one (the "minlike" rule of
    # R's binom.test and scipy.stats.binomtest); the relative tolerance guards against
    # outcomes that tie with the observed one but differ in the last bits.
    pmf = stats.binom.pmf(np.arange(n + 1), n, prob)
    observed = pmf[k]
    return float(min(1.0, pmf[pmf <= observed * (1 + 1e-7)].sum()))


def exact_poisson_test(
    k1: int,
    k2: int,
    t1: float = 1.0,
    t2: float = 1.0,
    alternative: Literal["two-sided", "greater", "less"] = "two-sided",
    two_sided: Literal["minlike", "double"] = "minlike",
) -> ExactPoissonResult:
    """Exact conditional test that two Poisson counts share the same rate.

    Given ``k1 + k2 = n``, under the null hypothesis of equal rates ``k1`` is binomial with
    ``n`` trials and success probability ``t1 / (t1 + t2)`` (Przyborowski & Wilenski 1940),
    so the p-value is a binomial test. It is exact for small counts, where the Z score's
    normal approximation is weakest.

    Parameters
    ----------
    k1, k2 : int
        The two counts (e.g. this period, and the pooled baseline periods).
    t1, t2 : float
        Exposures (e.g. number of periods, or population) behind each count.
    alternative : {"two-sided", "greater", "less"}
        "greater" tests whether the first rate is higher.
    two_sided : {"minlike", "double"}
        How to form the two-sided p-value: "minlike" sums outcomes no more likely than the
        observed one (as R's ``poisson.test`` and ``scipy.stats.binomtest``), "double"
        doubles the smaller one-sided tail.

    Returns
    -------
    ExactPoissonResult
        ``estimate`` = rate ratio (``inf`` if ``k2 == 0 < k1``, ``nan`` if both are zero),
        ``p`` = exact p-value, ``z`` = None.

    References
    ----------
    Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. *Biometrika*, 31(3/4), 313-323.
    """
    k1, k2 = int(k1), int(k2)
    if k1 < 0 or k2 < 0:
        raise ValueError("counts must be non-negative")
    if t1 <= 0 or t2 <= 0:
        raise ValueError("exposures must be positive")
    n = k1 + k2
    prob = t1 / (t1 + t2)
    if n == 0:
        p = 1.0
    elif alternative == "greater":
        p = float(stats.binom.sf(k1 - 1, n, prob))
    elif alternative == "less":
        p = float(stats.binom.cdf(k1, n, prob))
    elif alternative == "two-sided":
        p = _binom_two_sided(k1, n, prob, two_sided)
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.float64(k1 / t1) / np.float64(k2 / t2))
    return ExactPoissonResult(
        estimate=ratio,
        z=None,
        p=p,
        method="Exact conditional test of two Poisson rates (Przyborowski & Wilenski 1940)",
        parameters={"t1": t1, "t2": t2, "alternative": alternative, "two_sided": two_sided},
        k1=k1,
        k2=k2,
        expected_k1=n * prob,
    )


def baseline(
    history: Sequence[float] | np.ndarray,
    kind: BaselineKind = "seasonal",
    *,
    periods_per_year: int = 12,
    years: int = 3,
    window: int = 3,
) -> BaselineResult:
    """Baseline expected count for the period right after ``history``.

    Parameters
    ----------
    history : sequence of counts
        Counts of earlier periods, oldest first; ``history[-1]`` is the period immediately
        before the one being judged.
    kind : {"previous", "seasonal", "rolling"}
        ``"previous"``: the previous period alone. ``"seasonal"``: the same period in up to
        ``years`` earlier years (``history[-periods_per_year]``, ``history[-2 *
        periods_per_year]``, ...), which removes the seasonal cycle (Wheeler 2016 prefers
        it for monthly crime counts). ``"rolling"``: mean of the last ``window`` periods.
    periods_per_year : int
        12 for months, 52 for weeks, 3 for tertials, 4 for quarters.
    years : int
        Maximum number of earlier years in the seasonal baseline; fewer are used when the
        history is shorter.
    window : int
        Number of periods in the rolling mean.

    Returns
    -------
    BaselineResult
        ``estimate`` = mean of the baseline counts, ``counts`` = the counts used.

    References
    ----------
    Wheeler, A. P. (2016). Tables and graphs for monitoring temporal crime trends.
    *International Journal of Police Science & Management*, 18(3), 159-172.
    """
    h = np.asarray(history, dtype=float)
    if h.ndim != 1:
        raise ValueError("history must be one-dimensional")
    if kind == "previous":
        used = h[-1:]
        params: dict = {}
    elif kind == "seasonal":
        if periods_per_year < 1 or years < 1:
            raise ValueError("periods_per_year and years must be positive")
        idx = len(h) - periods_per_year * np.arange(1, years + 1)
        used = h[idx[idx >= 0]]
        params = {"periods_per_year": periods_per_year, "years": years}
    elif kind == "rolling":
        if window < 1:
            raise ValueError("window must be positive")
        used = h[-window:]
        params = {"window": window}
    else:
        raise ValueError(f"unknown baseline kind {kind!r}")
    if used.size == 0:
        raise ValueError(f"history too short for a {kind} baseline")
    return BaselineResult(
        estimate=float(used.mean()),
        method=f"{kind} baseline (Wheeler 2016)",
        parameters={"kind": kind, **params},
        counts=used,
    )


def flag_threshold(
    n_series: int = 1, rule: Literal["wheeler", "bonferroni"] = "wheeler", alpha: float = 0.05
) -> float:
    """|Z| above which a change is flagged, adapted to how many series are tested at once.

    A building block, so it returns a plain float rather than a :class:`Result`.

    ``rule="wheeler"`` (default): 2 when one series is monitored, 3 when more than one.
    Wheeler (2016) recommends the stricter ±3 when many series are scanned every period,
    because at ±2 about one in twenty unchanged series would be flagged by chance.
    ``rule="bonferroni"``: the two-sided normal quantile at ``alpha / n_series``, which
    keeps the family-wise error rate at ``alpha`` (about 2.8 for 10 series, 3.5 for 100).
    """
    if n_series < 1:
        raise ValueError("n_series must be at least 1")
    if rule == "wheeler":
        return 2.0 if n_series == 1 else 3.0
    if rule == "bonferroni":
        return float(stats.norm.isf(alpha / (2.0 * n_series)))
    raise ValueError(f"unknown rule {rule!r}")


# A flag needs the exact p-value below this as well as |Z| at the threshold: the root Z
# errs at small counts (3 against 0 gives Z = 2.45 while the exact p is 0.25, and at a
# mean of 1 an unchanged series passes |Z| >= 2 in 17 % of periods).
FLAG_ALPHA = 0.05


def _flag(z: float, threshold: float, p: float) -> str | None:
    # NaN fails every comparison: no flag without a p-value.
    if not p < FLAG_ALPHA:
        return None
    if z >= threshold:
        return "increase"
    if z <= -threshold:
        return "decrease"
    return None


def compare(
    current: float,
    baseline_counts: Sequence[float] | np.ndarray | float,
    *,
    n_series: int = 1,
    threshold: float | None = None,
    baseline_periods: int | None = None,
) -> ChangeResult:
    """Compare one period's count with baseline periods and flag a notable change.

    The Z score is :func:`two_sample_z` of the current count against the pooled baseline
    counts, so the noise of the baseline counts as well as the current one's; the p-value
    is the exact conditional test (:func:`exact_poisson_test`) of the current count
    (exposure 1 period) against the pooled baseline counts (exposure = number of baseline
    periods).

    Parameters
    ----------
    current : float
        This period's count.
    baseline_counts : float or sequence
        Counts of the baseline periods (e.g. ``baseline(history).counts``).
    n_series : int
        How many series are being tested together; sets the default threshold through
        :func:`flag_threshold`.
    threshold : float, optional
        Explicit |Z| threshold, overriding ``n_series``.
    baseline_periods : int, optional
        If given, ``baseline_counts`` is one pooled count over this many periods.

    Returns
    -------
    ChangeResult
        ``flag`` is ``"increase"`` or ``"decrease"`` when ``|Z| >= threshold`` **and**
        ``p < FLAG_ALPHA`` (0.05), else ``None``: the Z alone errs at small counts.

    References
    ----------
    Wheeler (2016); Przyborowski & Wilenski (1940) -- see the module docstring.
    """
    b = np.atleast_1d(np.asarray(baseline_counts, dtype=float))
    if b.size == 0:
        raise ValueError("baseline_counts is empty")
    if baseline_periods is not None:
        if b.size != 1:
            raise ValueError("a pooled baseline is one count")
        m = int(baseline_periods)
    else:
        m = int(b.size)
    thr = flag_threshold(n_series) if threshold is None else float(threshold)
    total = float(b.sum())
    mean = total / m
    zres = two_sample_z(current, total, m)
    if float(current).is_integer() and total.is_integer():
        p = exact_poisson_test(int(current), int(total), 1.0, float(m)).p
    else:
        p = zres.p
    return ChangeResult(
        estimate=zres.z,
        z=zres.z,
        p=p,
        method="Two-sample square-root Z against the pooled baseline (Huffman 1984; "
        "Wheeler 2016); exact conditional p-value (Przyborowski & Wilenski 1940)",
        parameters={"n_series": n_series, "threshold": thr, "baseline_periods": m},
        current=float(current),
        baseline_mean=mean,
        threshold=thr,
        flag=_flag(zres.z, thr, p),
    )


def compare_many(
    current: Sequence[float] | np.ndarray,
    baseline_counts: Sequence[Sequence[float]] | np.ndarray,
    *,
    labels: Sequence[str] | None = None,
    threshold: float | None = None,
    rule: Literal["wheeler", "bonferroni"] = "wheeler",
    exact: bool = True,
    baseline_periods: int | None = None,
) -> ChangeManyResult:
    """Vectorised :func:`compare` for many series (categories, areas) at once.

    Parameters
    ----------
    current : array_like, shape (n,)
        This period's count per series.
    baseline_counts : array_like, shape (n,) or (n, m)
        Baseline count per series: one column (a mean or a single period) or ``m`` baseline
        periods per series, whose mean is the expected count.
    labels : sequence of str, optional
        Names of the series, carried into the result.
    threshold : float, optional
        Explicit |Z| threshold; by default :func:`flag_threshold` for ``n`` series.
    rule : {"wheeler", "bonferroni"}
        Passed to :func:`flag_threshold`.
    exact : bool
        Also compute the exact conditional p-value per series (needs integer counts);
        otherwise ``p`` is the normal p-value of Z.
    baseline_periods : int, optional
        If given, ``baseline_counts`` has shape (n,) and holds each series' pooled count
        over this many periods.

    Returns
    -------
    ChangeManyResult
        Arrays ``z``, ``p``, ``current``, ``baseline_mean`` and a list of ``flags``, each
        flag set as :func:`compare` sets it (Z at the threshold and ``p < FLAG_ALPHA``).

    References
    ----------
    Wheeler (2016); Przyborowski & Wilenski (1940) -- see the module docstring.
    """
    c = np.asarray(current, dtype=float).ravel()
    b = np.asarray(baseline_counts, dtype=float)
    if b.ndim == 1:
        b = b[:, None]
    elif baseline_periods is not None:
        raise ValueError("a pooled baseline has one count per series")
    if b.shape[0] != c.size:
        raise ValueError("current and baseline_counts must have one row per series")
    if labels is not None and len(labels) != c.size:
        raise ValueError("labels must have one entry per series")
    m = int(baseline_periods) if baseline_periods is not None else int(b.shape[1])
    thr = flag_threshold(c.size, rule) if threshold is None else float(threshold)
    totals = b.sum(axis=1)
    mean = totals / m
    zres = two_sample_z(c, totals, m)
    z = np.atleast_1d(zres.z)
    if exact and np.all(np.mod(c, 1) == 0) and np.all(np.mod(totals, 1) == 0):
        p = _exact_many(c.astype(np.int64), totals.astype(np.int64), m)
    else:
        p = np.atleast_1d(zres.p)
    flags = [_flag(v, thr, pv) for v, pv in zip(z, p, strict=True)]
    return ChangeManyResult(
        estimate=z,
        z=z,
        p=p,
        method="Two-sample square-root Z against the pooled baseline (Huffman 1984; "
        "Wheeler 2016); exact conditional p-value (Przyborowski & Wilenski 1940)",
        parameters={"threshold": thr, "rule": rule, "baseline_periods": m},
        current=c,
        baseline_mean=mean,
        threshold=thr,
        flags=flags,
        labels=list(labels) if labels is not None else None,
    )


def _exact_many(k1: np.ndarray, k2: np.ndarray, t2: float) -> np.ndarray:
    # Series with identical (k1, k2) share one p-value; monitoring tables repeat a lot of
    # small counts, so this avoids recomputing the same binomial sums.
    pairs, inverse = np.unique(np.stack([k1, k2], axis=1), axis=0, return_inverse=True)
    values = np.array([exact_poisson_test(a, b, 1.0, t2).p for a, b in pairs])
    return values[inverse.ravel()]
