"""Repeat places and victims, crime concentration (Lorenz, Gini) and time to repeat."""

from __future__ import annotations

import numpy as np
import pytest

from samverkan.analysis.repeats import (
    concentration,
    gini,
    place_keys,
    repeat_places,
    repeat_victims,
    time_to_repeat,
)
from samverkan.analysis.result import Result


def _gini_mean_difference(x):
    """Reference formula: mean absolute difference over twice the mean (Gini 1912)."""
    x = np.asarray(x, dtype=float)
    return np.abs(x[:, None] - x[None, :]).sum() / (2 * len(x) ** 2 * x.mean())


def test_gini_textbook_example():
    """Incomes 1..5: sum |xi - xj| over ordered pairs is 40, so G = 40 / (2 * 25 * 3) = 4/15."""
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(4 / 15)
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(3 / 4)  # all in one place: (n - 1) / n


def test_gini_matches_reference_formula_on_random_counts():
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.negative_binomial(1, 0.2, size=rng.integers(2, 80))
        if x.sum():
            assert gini(x) == pytest.approx(_gini_mean_difference(x))


def test_repeat_places_by_coordinates_with_tolerance():
    x = [0.0, 0.3, 100.0, 100.2, 100.4, 500.0]
    y = [0.0, 0.2, 0.0, 0.0, 0.1, 0.0]
    res = repeat_places(x, y, tolerance=1.0)
    assert isinstance(res, Result)
    assert res.n_places == 3 and res.n_repeat_places == 2
    assert res.counts.tolist() == [3, 2, 1]
    assert res.share_at_repeat_places == pytest.approx(5 / 6)
    assert res.estimate == pytest.approx(3 / 6)  # three of six incidents are repeats
    assert res.frequency == {1: 1, 2: 1, 3: 1}
    assert res.group.tolist() == [1, 1, 0, 0, 0, 2]


def test_repeat_places_by_key_and_victims():
    res = repeat_places(keys=["Storgatan 1", "storgatan 1 ", "Lillgatan 2"])
    assert res.counts.tolist() == [2, 1]
    victims = repeat_victims(["v1", "v2", "v1", "v1"])
    assert victims.counts.tolist() == [3, 1] and "victim" in victims.method.lower()
    with pytest.raises(ValueError):
        place_keys()


def test_concentration_top_shares_and_lorenz():
    # 20 places: one with 50 incidents, one with 30, the rest with 1 each (18): total 98.
    counts = [50, 30] + [1] * 18
    res = concentration(counts)
    assert res.estimate == pytest.approx(gini(counts))
    assert res.top_shares[0.05] == pytest.approx(50 / 98)  # top 5 % = 1 place
    assert res.top_shares[0.10] == pytest.approx(80 / 98)  # top 10 % = 2 places
    assert res.places_for_half == pytest.approx(0.05 * 49 / 50)
    assert res.lorenz_places[0] == 0 and res.lorenz_incidents[-1] == pytest.approx(1)
    assert np.all(np.diff(res.lorenz_incidents) >= 0)
    # Counting crime-free places raises concentration (Weisburd 2015 counts all places).
    wider = concentration(counts, n_places=100)
    assert wider.gini > res.gini and wider.n_places == 100
    assert wider.top_shares[0.05] == pytest.approx((50 + 30 + 3) / 98)


def test_time_to_repeat_histogram():
    keys = ["a", "a", "a", "b", "b", "c"]
    t = np.array(
        ["2024-01-01", "2024-01-03", "2024-01-20", "2024-02-01", "2024-02-01", "2024-03-01"],
        dtype="datetime64[D]",
    )
    res = time_to_repeat(keys, t, edges=[0, 1, 7, 30, np.inf])
    assert sorted(res.intervals.tolist()) == [0, 2, 17]
    assert res.counts.tolist() == [1, 1, 1, 0]
    assert res.estimate == 2
    assert res.share.sum() == pytest.approx(1)
    empty = time_to_repeat(["a"], [3.0])
    assert np.isnan(empty.estimate)
