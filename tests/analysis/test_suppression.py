"""Small-count suppression: examples, and random tables attacked by an independent LP."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from samverkan.analysis.suppression import protect, suppress
from tests.lp_attack import Attack


def attack_table(r, k=3) -> Attack:
    """The reader's attack on a suppressed table and its published totals."""
    a = Attack(k)
    est = np.asarray(r.estimate, dtype=object)
    if est.ndim == 1:
        cells = [a.figure(f"c{i}", v) for i, v in enumerate(est)]
        if r.total is not None:
            a.total(a.figure("total", r.total), cells)
        return a
    n_rows, n_cols = est.shape
    cells = [[a.figure(f"c{i}.{j}", est[i, j]) for j in range(n_cols)] for i in range(n_rows)]
    rows = [a.figure(f"r{i}", v) for i, v in enumerate(r.row_totals)]
    cols = [a.figure(f"k{j}", v) for j, v in enumerate(r.col_totals)]
    grand = a.figure("g", r.grand_total)
    for i in range(n_rows):
        a.total(rows[i], cells[i])
    for j in range(n_cols):
        a.total(cols[j], [cells[i][j] for i in range(n_rows)])
    a.total(grand, rows)
    a.total(grand, cols)
    return a


def test_one_dimensional_with_total():
    r = suppress([10, 2, 7, 0, 15])
    # 2 and 7 alone would leave 7 in [7, 8]: the 10 goes too.
    assert r.estimate.tolist() == ["..", "<3", "..", 0, 15]
    assert r.primary.tolist() == [False, True, False, False, False]
    assert r.secondary.tolist() == [True, False, True, False, False]
    assert r.total == 34


def test_two_small_cells_summing_to_their_least_are_not_pinned():
    # Two "<3" cells summing to 12 - 10 = 2 would both be 1.
    r = suppress([1, 1, 10])
    assert r.estimate.tolist() == ["<3", "<3", ".."]
    assert attack_table(r).breaches() == []


def test_a_small_total_of_small_cells_is_shown_as_hidden():
    # "<3" for the total with two "<3" cells pins both to 1: the total becomes "..".
    r = suppress([1, 1])
    assert r.estimate.tolist() == ["<3", "<3"] and r.total == ".."
    assert attack_table(r).breaches() == []


def test_zero_is_not_suppressed_unless_asked():
    assert suppress([0, 5, 6], totals=False).estimate.tolist() == [0, 5, 6]
    assert suppress([0, 5, 6], totals=False, suppress_zero=True).estimate.tolist() == ["<3", 5, 6]


def test_two_dimensional_example():
    table = np.array([[20, 1, 30], [15, 12, 40], [9, 8, 50]])
    r = suppress(table)
    assert r.estimate[0, 1] == "<3"
    assert all(v in (".", "..") for v in r.estimate[r.secondary])
    assert r.grand_total == 185
    assert attack_table(r).breaches() == []


def test_secondary_cells_are_labelled_dots_never_small():
    r = suppress([4, 1, 30])
    assert r.estimate[1] == "<3"
    assert "<3" not in [r.estimate[i] for i in np.flatnonzero(r.secondary)]


def test_linked_tables_share_their_total():
    # Two breakdowns of the same total 12: categories [1, 1, 10] and areas [6, 6].
    values = [12, 1, 1, 10, 6, 6]
    eqs = [{0: 1, 1: -1, 2: -1, 3: -1}, {0: 1, 4: -1, 5: -1}]
    r = protect(values, eqs, cost=[8, 1, 1, 1, 1, 1])
    assert r.protected
    assert r.estimate[:4].tolist() == [12, "<3", "<3", ".."]


tables = arrays(
    np.int64,
    st.tuples(st.integers(1, 5), st.integers(1, 5)),
    elements=st.sampled_from([0, 0, 1, 2, 3, 4, 5, 8, 13, 40]),
)


@settings(max_examples=60, deadline=None)
@given(tables, st.integers(2, 5))
def test_random_tables_resist_the_lp_attack(table, k):
    r = suppress(table, k)
    small = (table >= 1) & (table < k)
    assert np.array_equal(r.primary, small)
    shown = ~r.mask
    assert all(r.estimate[shown] == table[shown])
    assert all(v in (f"<{k}", "..") for v in r.estimate[r.mask])
    assert all(v == ".." for v in r.estimate[r.secondary])
    assert attack_table(r, k).breaches() == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(2, 5))
def test_random_lists_resist_the_lp_attack(values, k):
    r = suppress(values, k)
    values = np.array(values)
    assert np.all(r.mask[(values >= 1) & (values < k)])
    assert attack_table(r, k).breaches() == []


def test_a_cell_pinned_by_a_combination_of_totals_is_protected():
    # Found by the property test below. Once row 3 (total 4), column 2 (total 4), their
    # crossing (0) and the grand total (9) were all that was published, the sixteen cells
    # outside that row and column summed to 9 - 4 - 4 + 0 = 1: each was pinned to [0, 1]
    # though none of its own lines published anything left to hide.
    table = np.array(
        [[1, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 2, 0, 0], [1, 3, 0, 0, 0], [0, 0, 2, 0, 0]]
    )
    r = suppress(table, 3)
    assert attack_table(r, 3).breaches() == []


sparse_tables = arrays(
    np.int64,
    st.tuples(st.integers(2, 5), st.integers(2, 5)),
    elements=st.sampled_from([0, 0, 0, 0, 0, 0, 1, 2, 3, 5]),
)


@settings(max_examples=80, deadline=None)
@given(sparse_tables, st.integers(2, 5))
def test_sparse_tables_resist_the_lp_attack(table, k):
    # Mostly zeros: the tables of a small municipality's month, where cells are pinned by
    # combinations of lines rather than by one line.
    assert attack_table(suppress(table, k), k).breaches() == []


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        suppress([1.5, 2])
    with pytest.raises(ValueError):
        suppress([-1, 2])


def _list_attack(estimate, k=3) -> Attack:
    a = Attack(k)
    cells = [a.figure(f"c{i}", v) for i, v in enumerate(estimate[:-1])]
    a.total(a.figure("total", estimate[-1]), cells)
    return a


def test_figures_released_with_primary_suppression_only_are_protected_after():
    # Published before the LP audit: the "<3" is 34 - 10 - 7 - 0 - 15 = 2.
    released = [10, "<3", 7, 0, 15, 34]
    assert _list_attack(released).breaches() != []
    eqs = [{5: 1, 0: -1, 1: -1, 2: -1, 3: -1, 4: -1}]
    labels = [v if isinstance(v, str) else None for v in released]
    values = [0 if isinstance(v, str) else v for v in released]
    r = protect(values, eqs, labels=labels, cost=[1, 1, 1, 1, 1, 8])
    # What suppress() publishes for the true table [10, 2, 7, 0, 15].
    assert r.estimate.tolist() == ["..", "<3", "..", 0, 15, 34]
    assert r.protected
    assert _list_attack(r.estimate.tolist()).breaches() == []
    # The hidden count's value is never read: the reader does not know it either.
    unread = protect([10, 99, 7, 0, 15, 34], eqs, labels=labels, cost=[1, 1, 1, 1, 1, 8])
    assert unread.estimate.tolist() == r.estimate.tolist()


def test_a_released_dots_label_stays_dots_when_it_is_pinned():
    # ".." hid the 1 of [5, 1, 7] under a published total of 13: pinned to 1.
    labels = [None, "..", None, None]
    r = protect([5, 0, 7, 13], [{3: 1, 0: -1, 1: -1, 2: -1}], labels=labels, cost=[1, 1, 1, 8])
    assert r.estimate[1] == ".."
    assert r.estimate.tolist().count("..") == 2
    assert _list_attack(r.estimate.tolist()).breaches() == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.integers(2, 5))
def test_any_released_list_is_protected_by_what_it_publishes(values, k):
    # The weakest earlier release: small counts labelled, nothing else hidden.
    total = sum(values)
    released = [f"<{k}" if 1 <= v < k else v for v in [*values, total]]
    labels = [v if isinstance(v, str) else None for v in released]
    eqs = [{len(values): 1, **{i: -1 for i in range(len(values))}}]
    r = protect(
        [0 if lab else v for v, lab in zip([*values, total], labels, strict=True)],
        eqs,
        k=k,
        labels=labels,
        cost=[1] * len(values) + [8],
    )
    estimate = r.estimate.tolist()
    for before, after in zip(released, estimate, strict=True):
        # A published value stays or is hidden; a "<k" stays or is weakened to "..".
        assert after in (before, "..")
    assert _list_attack(estimate, k).breaches() == []
