"""False alarms of the lägesbild's change flag on unchanged Poisson series (issue 14, item 6).

A flag needs ``|Z| >= threshold`` with the two-sample square-root Z (Huffman 1984; Wheeler
2016) *and* the exact conditional test of the current count against the pooled baseline
(Przyborowski & Wilenski 1940) at p < 0.05. Under "no change" the current period and every
baseline period are Poisson with the same mean; the flag must then fire at most 5 % of the
time, over the baselines the product uses (one period, three seasonal periods, twelve
rolling periods) and both thresholds (2 for one series, 3 for many: Wheeler 2016).

References
----------
Huffman, M. D. (1984). An improved approximate two-sample Poisson test. *Applied
    Statistics*, 33(2), 224-226.
Przyborowski, J. & Wilenski, H. (1940). Homogeneity of results in testing samples from
    Poisson series. *Biometrika*, 31(3/4), 313-323.
Wheeler, A. P. (2016). Tables and graphs for monitoring temporal crime trends.
    *International Journal of Police Science & Management*, 18(3), 159-172.
"""

import numpy as np
import pytest
from scipy import stats

from samverkan.analysis.change import FLAG_ALPHA, compare_many, flag_threshold, two_sample_z

REPLICATES = 20_000
ALPHA = 0.05  # the false-alarm rate the flag must keep (and its p-value cut-off)
MEANS = (0.5, 1, 2, 5, 10, 30, 100, 1000)
BASELINES = {"one period": 1, "three seasonal": 3, "twelve rolling": 12}
SERIES = {"single series": 1, "many series": 10}


def flag_rate(current, baseline_total, m, threshold):
    """Share of series flagged by the product's rule (Z threshold and exact p)."""
    z = two_sample_z(current, baseline_total, m).z
    # The exact p is only needed where Z already passes: the flag needs both.
    candidates = np.abs(z) >= threshold
    res = compare_many(
        current[candidates], baseline_total[candidates], baseline_periods=m, threshold=threshold
    )
    # The flag itself carries both conditions (analysis.change.FLAG_ALPHA).
    assert all(p < FLAG_ALPHA for f, p in zip(res.flags, res.p) if f is not None)
    flagged = sum(1 for f in res.flags if f is not None)
    return flagged / current.size


def simulate(mean, m, seed, ratio=1.0):
    rng = np.random.default_rng(seed)
    return rng.poisson(mean * ratio, REPLICATES), rng.poisson(mean * m, REPLICATES)


def upper_bound(rate):
    """One-sided 99 % Clopper-Pearson upper bound of a simulated rate."""
    k = round(rate * REPLICATES)
    return float(stats.beta.ppf(0.99, k + 1, REPLICATES - k))


@pytest.mark.parametrize("series", SERIES.values(), ids=SERIES.keys())
@pytest.mark.parametrize("m", BASELINES.values(), ids=BASELINES.keys())
def test_unchanged_series_are_flagged_at_most_five_percent(m, series):
    threshold = flag_threshold(series)
    rates = {}
    for i, mean in enumerate(MEANS):
        current, base = simulate(mean, m, seed=1000 * m + 10 * series + i)
        rates[mean] = flag_rate(current, base, m, threshold)
    print(f"m={m} threshold={threshold}: " + ", ".join(f"{k}: {v:.4f}" for k, v in rates.items()))
    assert all(r <= ALPHA for r in rates.values()), rates
    assert all(upper_bound(r) <= ALPHA + 0.006 for r in rates.values()), rates


@pytest.mark.parametrize("m", BASELINES.values(), ids=BASELINES.keys())
def test_the_z_itself_counts_the_baseline_noise(m):
    """Where the normal approximation holds, |Z| >= 2 alone errs at most 5 % of the time.

    A Z that treats the baseline mean as known (``2 (sqrt(c) - sqrt(b))``) errs 16 % of the
    time against one baseline period: the baseline's own noise doubles the variance.
    """
    for i, mean in enumerate((100, 1000)):
        current, base = simulate(mean, m, seed=77 + 10 * m + i)
        z = two_sample_z(current, base, m).z
        assert np.mean(np.abs(z) >= 2.0) <= ALPHA


@pytest.mark.parametrize("m", BASELINES.values(), ids=BASELINES.keys())
def test_a_doubling_at_mean_30_is_flagged_most_of_the_time(m):
    current, base = simulate(30, m, seed=5 + m, ratio=2.0)
    assert flag_rate(current, base, m, flag_threshold(1)) > 0.8
    assert flag_rate(current, base, m, flag_threshold(10)) > 0.5
