"""Small-count suppression: properties checked with hypothesis on random tables."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from samverkan.analysis.suppression import suppress


def test_one_dimensional_with_total():
    r = suppress([10, 2, 7, 0, 15])
    assert r.estimate.tolist() == [10, "<3", "<3", 0, 15]
    assert r.primary.tolist() == [False, True, False, False, False]
    assert r.secondary.tolist() == [False, False, True, False, False]
    assert r.total == 34


def test_zero_is_not_suppressed_unless_asked():
    assert suppress([0, 5, 6], totals=False).estimate.tolist() == [0, 5, 6]
    assert suppress([0, 5, 6], totals=False, suppress_zero=True).estimate.tolist() == ["<3", 5, 6]


def test_two_dimensional_example():
    table = np.array([[20, 1, 30], [15, 12, 40], [9, 8, 50]])
    r = suppress(table)
    # The 1 is alone in its row and column: the 20 (smallest in row 0) and the 8
    # (smallest in column 1) are suppressed; then row 2 and column 0 have one each, so
    # the 9 follows; all lines end with 0 or >= 2 suppressed cells.
    assert r.mask.tolist() == [
        [True, True, False],
        [False, False, False],
        [True, True, False],
    ]
    assert r.row_totals.tolist() == [51, 67, 67]


def test_small_total_is_suppressed():
    r = suppress([1, 0, 1])
    assert r.total == "<3"
    assert r.estimate.tolist() == ["<3", 0, "<3"]


tables = arrays(
    np.int64,
    st.tuples(st.integers(1, 6), st.integers(1, 6)),
    elements=st.sampled_from([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]),
)


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(2, 5), st.booleans())
def test_no_line_can_be_recovered_from_its_total(table, k, suppress_zero):
    r = suppress(table, k, suppress_zero=suppress_zero)
    mask = r.mask
    low = 0 if suppress_zero else 1
    small = (table >= low) & (table < k)
    # Every primary small count is suppressed.
    assert np.all(mask[small])
    assert np.array_equal(r.primary, small)
    # No published total leaves exactly one suppressed cell in its line.
    for i in range(table.shape[0]):
        if mask[i].sum() == 1:
            assert r.row_totals[i] == r.label
    for j in range(table.shape[1]):
        if mask[:, j].sum() == 1:
            assert r.col_totals[j] == r.label
    shown = ~mask
    assert all(r.estimate[shown] == table[shown])
    assert all(v == r.label for v in r.estimate[mask])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(2, 5))
def test_one_dimensional_property(values, k):
    r = suppress(values, k)
    values = np.array(values)
    assert np.all(r.mask[(values >= 1) & (values < k)])
    if r.mask.sum() == 1:
        assert r.total == r.label


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        suppress([1.5, 2])
    with pytest.raises(ValueError):
        suppress([-1, 2])
