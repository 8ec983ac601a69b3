"""Change detection checked against scipy and a published worked example."""

import math

import numpy as np
import pytest
from scipy import stats

from samverkan.analysis.change import (
    FLAG_ALPHA,
    baseline,
    compare,
    compare_many,
    exact_poisson_test,
    flag_threshold,
    poisson_z,
    two_sample_z,
)


def test_poisson_z_matches_formula_from_wheeler_2016():
    """Wheeler (2016): Z = 2 (sqrt(current) - sqrt(baseline)); 25 vs mean 16 gives 2."""
    r = poisson_z(25, 16)
    assert r.z == pytest.approx(2.0)
    assert r.p == pytest.approx(2 * stats.norm.sf(2.0))
    arr = poisson_z([0, 9, 100], [4, 9, 64])
    np.testing.assert_allclose(arr.z, [-4.0, 0.0, 4.0])


def test_poisson_z_has_unit_variance_under_no_change():
    """The square-root transform stabilises the variance (Anscombe 1948): simulate."""
    rng = np.random.default_rng(0)
    for mean in (20, 200):
        z = poisson_z(rng.poisson(mean, 50_000), mean).z
        assert np.std(z) == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize(
    "k1,k2,t1,t2",
    [(209, 230, 40, 60), (11, 21, 800, 3011), (0, 5, 1, 3), (7, 0, 1, 1), (3, 12, 1, 3)],
)
def test_exact_test_matches_scipy_binomtest(k1, k2, t1, t2):
    """Przyborowski & Wilenski (1940): k1 | k1+k2 ~ Bin(n, t1/(t1+t2)); reference scipy."""
    ref = stats.binomtest(k1, k1 + k2, t1 / (t1 + t2))
    r = exact_poisson_test(k1, k2, t1, t2)
    assert r.p == pytest.approx(ref.pvalue, rel=1e-9)
    for alt in ("greater", "less"):
        ref_alt = stats.binomtest(k1, k1 + k2, t1 / (t1 + t2), alternative=alt)
        assert exact_poisson_test(k1, k2, t1, t2, alternative=alt).p == pytest.approx(
            ref_alt.pvalue, rel=1e-9
        )


def test_exact_test_published_example_statext():
    """Worked example "Tests for two Poisson rates" (StaTable/Statext, statext.com):
    209 events in 40 units vs 230 in 60 units, exact binomial C-test P = 0.001466
    (doubled one-sided tail), and a normal-theory chi-square of 10.5881."""
    r = exact_poisson_test(209, 230, 40, 60, two_sided="double")
    assert r.p == pytest.approx(0.001466, abs=5e-7)
    assert r.estimate == pytest.approx((209 / 40) / (230 / 60))
    assert r.expected_k1 == pytest.approx(175.6)


def test_baselines():
    history = np.arange(1, 37)  # 36 months, value = month number
    assert baseline(history, "previous").estimate == 36
    r = baseline(history, "seasonal", periods_per_year=12, years=3)
    # The month after month 36 is month 37; the same month in the three earlier years
    # are months 25, 13 and 1.
    np.testing.assert_array_equal(np.sort(r.counts), [1, 13, 25])
    assert r.estimate == pytest.approx(13)
    assert baseline(history, "rolling", window=4).estimate == pytest.approx(34.5)
    short = baseline(history[:20], "seasonal", years=3)
    np.testing.assert_array_equal(np.sort(short.counts), [9])
    with pytest.raises(ValueError):
        baseline(history[:5], "seasonal")


def test_flag_threshold_adapts_to_number_of_series():
    assert flag_threshold(1) == 2.0
    assert flag_threshold(2) == 3.0
    b = flag_threshold(100, rule="bonferroni")
    assert b == pytest.approx(stats.norm.isf(0.05 / 200))
    assert flag_threshold(1, rule="bonferroni") == pytest.approx(1.959964, abs=1e-5)


def test_compare_flags_and_exact_p():
    r = compare(40, [16, 16, 16])
    # Two-sample square-root Z (Huffman 1984): the three baseline months are noisy too.
    assert r.z == pytest.approx((math.sqrt(40) - 4) / math.sqrt(0.25 + 0.25 / 3))
    assert r.flag == "increase"
    assert r.p == pytest.approx(stats.binomtest(40, 88, 0.25).pvalue)
    assert compare(16, [16, 16]).flag is None
    assert compare(4, [16, 16]).flag == "decrease"
    # Z = (sqrt(32) - 4) / sqrt(1/2) = 2.34, exact p = 0.029: flagged alone, not among
    # many series.
    assert compare(32, [16], n_series=1).flag == "increase"
    assert compare(32, [16], n_series=10).flag is None
    assert compare(32, [16]).to_dict()["flag"] == "increase"
    # Z = (sqrt(30) - 4) / sqrt(1/2) = 2.09 passes, but the exact p = 0.054 does not: a flag
    # needs both (FLAG_ALPHA).
    r = compare(30, [16], n_series=1)
    assert r.z >= 2 and r.p == pytest.approx(stats.binomtest(30, 46, 0.5).pvalue)
    assert r.p > FLAG_ALPHA and r.flag is None
    # The root Z of tiny counts: 0 against 2 gives |Z| = 2.0, the exact p is 0.5.
    assert compare(0, [2]).z == pytest.approx(-2.0) and compare(0, [2]).flag is None


def test_compare_many_equals_compare_in_a_loop():
    rng = np.random.default_rng(3)
    current = rng.poisson(20, 50)
    base = rng.poisson(15, (50, 3))
    many = compare_many(current, base)
    assert many.threshold == 3.0
    for i in range(50):
        one = compare(current[i], base[i], n_series=50)
        assert many.z[i] == pytest.approx(one.z)
        assert many.p[i] == pytest.approx(one.p)
        assert many.flags[i] == one.flag


def test_a_pooled_baseline_equals_its_periods():
    """Pooled count over m periods gives the same Z and p as the m counts themselves."""
    split = compare(25, [10, 14, 12])
    pooled = compare(25, [36], baseline_periods=3)
    assert pooled.z == pytest.approx(split.z) and pooled.p == pytest.approx(split.p)
    assert pooled.baseline_mean == pytest.approx(12.0)
    many = compare_many([25, 3], [36, 9], baseline_periods=3)
    assert many.z[0] == pytest.approx(split.z)
    assert many.baseline_mean[1] == pytest.approx(3.0)


def test_baseline_noise_widens_the_z():
    """One baseline period: the difference of two roots has variance 1/4 + 1/4 (Huffman 1984)."""
    one = two_sample_z(30, 16, 1)
    assert one.z == pytest.approx((math.sqrt(30) - 4) / math.sqrt(0.5))
    # Many baseline periods: the baseline mean is nearly known, Z tends to Wheeler's.
    assert two_sample_z(30, 16 * 10_000, 10_000).z == pytest.approx(poisson_z(30, 16).z, rel=1e-3)
