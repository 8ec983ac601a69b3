"""Repeat places and victims, crime concentration (Lorenz, Gini) and time to repeat."""

from __future__ import annotations

import numpy as np
import pytest

from samverkan.analysis.repeats import (
    concentration,
    gini,
    normalise_place_name,
    place_groups,
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


# --------------------------------------------------------------- places as people report them


def _true_places(rng, n_places=6, per_place=8, sd=10.0):
    """Reports tapped on a phone map: normal error (sd metres) around true places 300 m apart."""
    centres = np.array([[i * 300.0, (i % 2) * 300.0] for i in range(n_places)])
    truth = np.repeat(np.arange(n_places), per_place)
    xy = centres[truth] + rng.normal(0.0, sd, size=(len(truth), 2))
    return xy, truth


def test_jittered_reports_are_grouped_into_their_true_places():
    rng = np.random.default_rng(20261204)
    hits = total = 0
    for _ in range(20):
        xy, truth = _true_places(rng)
        res = repeat_places(xy[:, 0], xy[:, 1], radius=25.0)
        # No group ever mixes two true places.
        for g in np.unique(res.group):
            assert len(set(truth[res.group == g].tolist())) == 1
        # Nearly every report lands in its true place's largest group.
        for p in np.unique(truth):
            labels = res.group[truth == p]
            hits += np.bincount(labels).max()
            total += len(labels)
    assert hits / total >= 0.95
    # Snapping to a grid splits the same places (the old rule this replaces).
    xy, truth = _true_places(np.random.default_rng(1))
    assert repeat_places(xy[:, 0], xy[:, 1], tolerance=25.0).n_places > 6 + 6
    assert repeat_places(xy[:, 0], xy[:, 1], radius=25.0).n_places <= 6 + 3


def test_same_name_thirty_metres_apart_is_one_place():
    res = repeat_places(
        [0.0, 30.0], [0.0, 0.0], radius=25.0, names=["Vivallagatan 12", "vivallagatan 12 "]
    )
    assert res.n_places == 1 and res.counts.tolist() == [2] and res.n_repeat_places == 1
    # Without the names, 30 m is beyond the radius.
    assert repeat_places([0.0, 30.0], [0.0, 0.0], radius=25.0).n_places == 2


def test_different_places_sixty_metres_apart_are_two():
    res = repeat_places(
        [0.0, 60.0], [0.0, 0.0], radius=25.0, names=["Vivallagatan 12", "Vivallagatan 14"]
    )
    assert res.n_places == 2 and res.n_repeat_places == 0


def test_a_chain_of_reports_does_not_become_one_place():
    """Reports every 10 m along 500 m of street: single linkage alone would make one place."""
    x = np.arange(0.0, 501.0, 10.0)
    y = np.zeros_like(x)
    res = repeat_places(x, y, radius=25.0)
    assert res.counts.max() < len(x)
    assert res.n_places >= 500 / 50  # every group fits within 2 x radius
    for g in np.unique(res.group):
        xs = x[res.group == g]
        assert xs.max() - xs.min() <= 50.0


def test_a_group_narrower_than_twice_the_radius_is_kept_whole():
    # Five taps around a stairwell, 40 m across: one place, not split by the guard.
    x = [0.0, 20.0, 40.0, 10.0, 30.0]
    y = [0.0, 0.0, 0.0, 5.0, -5.0]
    assert repeat_places(x, y, radius=25.0).counts.tolist() == [5]


def test_names_join_only_within_one_area_and_within_name_radius():
    names = ["Skolgården", "skolgården", "Skolgården"]
    x, y = [0.0, 100.0, 2000.0], [0.0, 0.0, 0.0]
    res = repeat_places(x, y, radius=25.0, names=names, areas=["Vivalla", "Vivalla", "Vivalla"])
    assert res.counts.tolist() == [2, 1]  # 2 km away is beyond name_radius
    res = repeat_places(x, y, radius=25.0, names=names, areas=["Vivalla", "Baronbackarna", "V"])
    assert res.counts.tolist() == [1, 1, 1]
    res = repeat_places(x, y, radius=25.0, names=names, name_radius=None)
    assert res.counts.tolist() == [3]
    # A report without a point joins by its name alone.
    res = repeat_places([0.0, np.nan], [0.0, np.nan], radius=25.0, names=["Torget", "torget"])
    assert res.counts.tolist() == [2]


def test_normalise_place_name():
    same = ["Vivallagatan 12", "vivallagatan 12 ", "VIVALLAGATAN  12,", "Vivallag. 12"]
    assert {normalise_place_name(s) for s in same} == {"vivallagatan 12"}
    assert normalise_place_name("Storgatan 12 A") == normalise_place_name("storgatan 12a")
    assert normalise_place_name("Karl Johans gt. 5") == "karl johans gate 5"
    assert normalise_place_name("Kungsv. 3") == "kungsvägen 3"
    assert normalise_place_name("Ågatan 4") != normalise_place_name("Agatan 4")
    assert normalise_place_name("Øvre gate") == "øvre gate"
    assert normalise_place_name("Vivallagatan 12") != normalise_place_name("Vivallagatan 14")
    assert normalise_place_name(None) == normalise_place_name("  ,. ") == ""


def test_place_groups_labels_and_validation():
    labels = place_groups([0.0, 500.0, 10.0], [0.0, 0.0, 0.0], radius=25.0)
    assert labels.tolist() == [0, 1, 0]
    with pytest.raises(ValueError):
        place_groups([0.0], [0.0], radius=0.0)
    with pytest.raises(ValueError):
        place_groups([0.0, 1.0], [0.0, 1.0], names=["a"])
