"""Hot spots checked against PySAL esda/libpysal, a direct KDE sum and scipy's FDR."""

import warnings

import numpy as np
import pytest
from scipy import stats

from samverkan.analysis.hotspots import (
    GridSpec,
    benjamini_hochberg,
    distance_band_weights,
    getis_ord_gi_star,
    getis_ord_gi_star_grid,
    grid_counts,
    grid_weights,
    h3_counts,
    kde_grid,
    knn_weights,
    predictive_accuracy_index,
)

esda = pytest.importorskip("esda")
libpysal = pytest.importorskip("libpysal")


def _esda_gstar(y, w, **kw):
    # esda adds a self-weight of 1 to binary weights when star=True, transform="B".
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return esda.G_Local(y, w, star=True, transform="B", **kw)


@pytest.mark.parametrize("rook", [False, True])
def test_gi_star_grid_equals_esda(rook):
    """Reference: esda.G_Local(y, lat2W(...), star=True, transform='B').Zs within 1e-9."""
    rng = np.random.default_rng(4)
    counts = rng.poisson(1.5, (9, 13)).astype(float)
    counts[3:5, 6:9] += 6
    w = libpysal.weights.lat2W(9, 13, rook=rook)
    ref = _esda_gstar(counts.ravel(), w, permutations=999, seed=1)
    contiguity = "rook" if rook else "queen"
    fast = getis_ord_gi_star_grid(counts, contiguity, permutations=999, seed=2)
    np.testing.assert_allclose(fast.z.ravel(), ref.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(fast.estimate.ravel(), ref.Gs, rtol=0, atol=1e-12)
    sparse_path = getis_ord_gi_star(
        counts.ravel(), grid_weights(9, 13, contiguity), permutations=999, seed=2
    )
    np.testing.assert_allclose(sparse_path.z, ref.Zs, rtol=0, atol=1e-9)
    # Pseudo p-values are random: compare loosely (different seeds, 999 permutations).
    assert np.max(np.abs(fast.p_sim.ravel() - ref.p_sim)) < 0.06
    assert np.corrcoef(fast.p_sim.ravel(), ref.p_sim)[0, 1] > 0.95
    assert fast.z[3, 7] > 3
    np.testing.assert_array_equal(fast.cluster != 0, fast.q <= 0.05)
    np.testing.assert_array_equal(
        fast.cluster[fast.cluster != 0], np.sign(fast.z)[fast.cluster != 0]
    )


def test_gi_star_point_weights_equal_esda():
    """Distance band and k-nearest weights against libpysal's DistanceBand and KNN."""
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 1000, (150, 2))
    y = rng.poisson(3, 150).astype(float)
    wd = libpysal.weights.DistanceBand(pts, threshold=150, binary=True, silence_warnings=True)
    ours = getis_ord_gi_star(y, distance_band_weights(pts[:, 0], pts[:, 1], 150), permutations=0)
    np.testing.assert_allclose(ours.z, _esda_gstar(y, wd, permutations=0).Zs, atol=1e-9)
    wk = libpysal.weights.KNN(pts, k=6)
    ours_k = getis_ord_gi_star(y, knn_weights(pts[:, 0], pts[:, 1], 6), permutations=0)
    np.testing.assert_allclose(ours_k.z, _esda_gstar(y, wk, permutations=0).Zs, atol=1e-9)


def test_grid_weights_equal_lat2w_plus_identity():
    w = libpysal.weights.lat2W(5, 7, rook=False).sparse.toarray() + np.eye(35)
    np.testing.assert_array_equal(grid_weights(5, 7, "queen").toarray(), w)


def test_permutation_p_is_seeded():
    counts = np.random.default_rng(0).poisson(2, (6, 6))
    a = getis_ord_gi_star_grid(counts, permutations=99, seed=7).p
    b = getis_ord_gi_star_grid(counts, permutations=99, seed=7).p
    np.testing.assert_array_equal(a, b)


def test_benjamini_hochberg_matches_scipy():
    """Reference: scipy.stats.false_discovery_control (Benjamini & Hochberg 1995)."""
    p = np.random.default_rng(1).uniform(0, 0.2, 300) ** 2
    r = benjamini_hochberg(p, 0.05)
    np.testing.assert_allclose(r.estimate, stats.false_discovery_control(p), rtol=1e-12)
    # The original paper's rule: reject up to the largest i with p_(i) <= i/m * alpha.
    s = np.sort(p)
    ok = np.flatnonzero(s <= np.arange(1, 301) / 300 * 0.05)
    assert r.reject.sum() == (ok[-1] + 1 if ok.size else 0)


def test_grid_counts_and_extent():
    g = GridSpec(0.0, 0.0, 100.0, 3, 2)
    r = grid_counts([50, 150, 150, 299.9, 10, 500], [50, 50, 60, 199, 150, 50], grid=g)
    np.testing.assert_array_equal(r.estimate, [[1, 2, 0], [1, 0, 1]])
    assert r.n_outside == 1
    assert r.grid.extent == (0.0, 0.0, 300.0, 200.0)
    auto = grid_counts([1010, 1290], [5, 5], cell_size=100)
    assert auto.grid.x0 == 1000 and auto.grid.nx == 3 and auto.estimate.sum() == 2


def test_h3_counts_match_h3_package():
    h3 = pytest.importorskip("h3")
    lat = np.array([59.3293, 59.3294, 57.7089, 55.6050])
    lon = np.array([18.0686, 18.0687, 11.9746, 13.0038])
    r = h3_counts(lon, lat, resolution=8)
    expected = {}
    for a, b in zip(lat, lon):
        c = h3.latlng_to_cell(a, b, 8)
        expected[c] = expected.get(c, 0) + 1
    assert dict(zip(r.cells, r.estimate.tolist())) == expected
    assert r.estimate.sum() == 4


def _direct_kde(x, y, grid, h, kernel):
    xs, ys = grid.centres()
    d2 = (xs[None, :, None] - x) ** 2 + (ys[:, None, None] - y) ** 2
    if kernel == "quartic":
        k = np.where(d2 < h * h, (1 - d2 / (h * h)) ** 2, 0.0) * 3 / (np.pi * h * h)
    else:
        k = np.exp(-d2 / (2 * h * h)) / (2 * np.pi * h * h)
    return k.sum(axis=-1)


@pytest.mark.parametrize("kernel,h", [("quartic", 75.0), ("quartic", 260.0), ("gaussian", 40.0)])
def test_kde_equals_direct_sum(kernel, h):
    """Reference: the direct sum over all points at every cell centre (Silverman 1986)."""
    rng = np.random.default_rng(2)
    grid = GridSpec(500.0, 1000.0, 25.0, 41, 29)
    x = np.r_[rng.uniform(400, 1600, 500), rng.normal(900, 30, 200)]
    y = np.r_[rng.uniform(900, 1800, 500), rng.normal(1300, 30, 200)]
    got = kde_grid(x, y, grid, h, kernel).estimate
    ref = _direct_kde(x, y, grid, h, kernel)
    assert np.max(np.abs(got - ref)) <= 1e-9 * ref.max()
    big = ref > 1e-6 * ref.max()
    np.testing.assert_allclose(got[big], ref[big], rtol=1e-9)


def test_kde_integrates_to_number_of_points():
    rng = np.random.default_rng(3)
    grid = GridSpec(0.0, 0.0, 10.0, 100, 100)
    x, y = rng.uniform(300, 700, 200), rng.uniform(300, 700, 200)
    for kernel in ("quartic", "gaussian"):
        r = kde_grid(x, y, grid, 50.0, kernel)
        assert r.estimate.sum() * grid.cell_area == pytest.approx(200, rel=1e-2)


def test_kde_weights():
    grid = GridSpec(0.0, 0.0, 10.0, 20, 20)
    one = kde_grid([100.0], [100.0], grid, 30.0).estimate
    two = kde_grid([100.0], [100.0], grid, 30.0, weights=[2.0]).estimate
    np.testing.assert_allclose(two, 2 * one)


def _direct_gaussian(x, y, grid, h, weights=None, chunk=256):
    """Direct summation of the Gaussian KDE (Silverman 1986): every point at every centre."""
    xs, ys = grid.centres()
    w = np.ones(len(x)) if weights is None else np.asarray(weights, float)
    out = np.zeros(grid.shape)
    for s in range(0, len(x), chunk):
        px, py, pw = x[s : s + chunk], y[s : s + chunk], w[s : s + chunk]
        d2 = (xs[None, None, :] - px[:, None, None]) ** 2 + (
            ys[None, :, None] - py[:, None, None]
        ) ** 2
        out += np.einsum("p,pij->ij", pw, np.exp(-d2 / (2 * h * h)))
    return out / (2 * np.pi * h * h)


def _assert_matches_direct(got, ref):
    assert got.shape == ref.shape
    assert np.max(np.abs(got - ref)) <= 1e-9 * ref.max()
    big = ref > 1e-6 * ref.max()
    np.testing.assert_allclose(got[big], ref[big], rtol=1e-9)


@pytest.mark.parametrize("h", [6.0, 20.0, 130.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_kde_equals_direct_sum_outside_points_weights_non_square(h, weighted):
    """Reference: direct summation per Silverman (1986), on a 37 x 23 grid of 20 m cells
    with a bandwidth under a cell, of one cell and of 6.5 cells; about half of the points
    lie outside the grid, some near enough to reach into it, some far beyond the kernel."""
    rng = np.random.default_rng(6)
    grid = GridSpec(1000.0, -500.0, 20.0, 37, 23)  # extent x 1000-1740, y -500 to -40
    x = np.r_[rng.uniform(850, 1900, 1500), rng.normal(1300, 15, 400), [1e6, -3e5]]
    y = np.r_[rng.uniform(-650, 110, 1500), rng.normal(-300, 15, 400), [0.0, -3e5]]
    w = rng.uniform(0, 3, x.size) if weighted else None
    if weighted:
        w[::7] = 0.0
    outside = (x < 1000) | (x >= 1740) | (y < -500) | (y >= -40)
    assert 0.3 < outside.mean() < 0.6
    got = kde_grid(x, y, grid, h, "gaussian", weights=w).estimate
    _assert_matches_direct(got, _direct_gaussian(x, y, grid, h, w))


def test_gaussian_kde_dense_cluster_equals_direct_sum():
    """Reference: direct summation per Silverman (1986). 20,000 points within a few cells
    are more than one batch and one matrix product hold, so the work is split."""
    rng = np.random.default_rng(7)
    grid = GridSpec(0.0, 0.0, 10.0, 31, 27)
    x, y = rng.normal(150, 12, 20_000), rng.normal(130, 12, 20_000)
    w = rng.uniform(0.5, 1.5, x.size)
    got = kde_grid(x, y, grid, 10.0, "gaussian", weights=w).estimate
    _assert_matches_direct(got, _direct_gaussian(x, y, grid, 10.0, w))


@pytest.mark.parametrize("tol", [1e-2, 1e-6])
def test_gaussian_kde_truncation_bound(tol):
    """Each cell loses less than N x tol x K(0) to the truncation, and only loses."""
    rng = np.random.default_rng(8)
    grid = GridSpec(0.0, 0.0, 10.0, 40, 30)
    x, y = rng.uniform(-100, 500, 800), rng.uniform(-100, 400, 800)
    h = 25.0
    got = kde_grid(x, y, grid, h, "gaussian", tol=tol).estimate
    ref = _direct_gaussian(x, y, grid, h)
    k0 = 1 / (2 * np.pi * h * h)
    assert np.all(ref - got < x.size * tol * k0)
    assert np.all(got <= ref * (1 + 1e-12))
    assert np.max(ref - got) > 0  # a tolerance this loose does cut something


def test_gaussian_kde_no_points_in_reach():
    grid = GridSpec(0.0, 0.0, 10.0, 6, 4)
    for x, y in (([], []), ([1e5], [50.0])):
        r = kde_grid(np.asarray(x, float), np.asarray(y, float), grid, 10.0, "gaussian")
        assert r.estimate.shape == (4, 6)
        assert not r.estimate.any()


def test_pai_worked_example():
    """Chainey, Tompson & Uhlig (2008): PAI = (n/N)/(a/A). A map whose hot spots cover
    10 of 100 equal cells (a/A = 0.1) and capture 30 of 60 later crimes (n/N = 0.5) has
    PAI = 0.5 / 0.1 = 5."""
    hot = np.zeros((10, 10), bool)
    hot[0, :] = True
    later = np.zeros((10, 10))
    later[0, :3] = 10
    later[5, :3] = 10
    r = predictive_accuracy_index(hot, later)
    assert r.estimate == pytest.approx(5.0)
    assert r.hit_rate == pytest.approx(0.5) and r.area_share == pytest.approx(0.1)
    # Limiting the study area to half the grid halves A and so halves the PAI.
    area = np.zeros((10, 10), bool)
    area[:5] = True
    r2 = predictive_accuracy_index(hot, later, study_area=area)
    assert r2.estimate == pytest.approx((30 / 30) / (10 / 50))
