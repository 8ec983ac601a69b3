"""The county map's rate classes span the rates shown, not zero to the top."""

from __future__ import annotations

from samverkan.county.charts import _class_of, classes


def test_classes_start_at_the_lowest_rate_on_a_round_step():
    # Rates of a county that all lie far above zero.
    rates = [912.4, 1004.0, 1187.5, 1399.9, None]
    bins = classes(rates)
    assert bins == [(900, 1000), (1000, 1100), (1100, 1200), (1200, 1300), (1300, 1400)]
    assert [_class_of(r, bins) for r in rates if r is not None] == [0, 1, 2, 4]


def test_every_rate_falls_in_a_class_and_the_classes_are_equal():
    rates = [3.2, 7.9, 55.0, 61.3]
    bins = classes(rates)
    assert bins[0][0] <= min(rates) and bins[-1][1] >= max(rates)
    widths = {round(hi - lo, 9) for lo, hi in bins}
    assert len(widths) == 1 and len(bins) == 5


def test_one_rate_or_none():
    assert classes([None, None]) == []
    assert classes([0, 0]) == []
    bins = classes([250.0])
    assert bins[0][0] <= 250.0 <= bins[-1][1]


def test_a_single_rate_is_a_single_class():
    # One municipality shared its picture: one class, not four colours no area has.
    assert classes([16.9, None, None]) == [(0, 20)]
    assert classes([16.9, 16.9]) == [(0, 20)]
    assert len(classes([16.9, 25.0])) == 5
