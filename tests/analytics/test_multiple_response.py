"""Tests of the marginal-independence tests for multiple-response questions.

Published values: Bilder & Loughin (2004), data ``farmer1`` of the R package MRCV, as printed by
``MI.test(farmer1, I = 1, J = 5)`` (tests/fixtures/farmer1.csv).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from analytics.multiple_response import (
    MultipleResponseTest,
    multi_by_multi_test,
    single_by_multi_test,
    single_by_multi_test_from_counts,
)

FARMER1 = np.loadtxt(
    Path(__file__).parent.parent / "fixtures" / "farmer1.csv",
    delimiter=",",
    skiprows=1,
    dtype=np.int64,
)
EDUCATION, STORAGE = FARMER1[:, 0] - 1, FARMER1[:, 1:]


def _farmer1() -> MultipleResponseTest:
    return single_by_multi_test(EDUCATION, STORAGE)


def _correlated_items(rng: np.random.Generator, n: int, shares: list[float]) -> np.ndarray:
    """0/1 items that share a latent factor, so that they are dependent within respondents."""
    latent = rng.normal(size=(n, 1)) + rng.normal(size=(n, len(shares)))
    return (latent < stats.norm.ppf(shares) * np.sqrt(2)).astype(np.int64)


def _numbers(result: MultipleResponseTest) -> list[float | None]:
    """Every numeric field of a result and of its items."""
    fields = [result.statistic, result.p_bonferroni, result.rs2_statistic, result.rs2_df]
    fields += [result.rs2_p, result.p_bootstrap]
    for item in result.items:
        fields += [item.statistic, item.p, item.p_adjusted]
    return fields


def _present(result: MultipleResponseTest) -> list[float]:
    return [value for value in _numbers(result) if value is not None]


def test_it_reproduces_the_published_item_statistics() -> None:
    statistics = [item.statistic for item in _farmer1().items]
    assert statistics == pytest.approx([5.96, 7.89, 4.62, 1.42, 10.95], abs=0.01)
    assert {item.df for item in _farmer1().items} == {4}


def test_it_reproduces_the_published_sum_statistic() -> None:
    assert _farmer1().statistic == pytest.approx(30.84, abs=0.01)


def test_it_reproduces_the_published_bonferroni_p_values() -> None:
    result = _farmer1()
    adjusted = [item.p_adjusted for item in result.items]
    assert adjusted == pytest.approx([1, 0.4778, 1, 1, 0.1357], abs=0.0005)
    assert result.p_bonferroni == pytest.approx(0.1357, abs=0.0005)


def test_it_reproduces_the_published_rao_scott_adjustment() -> None:
    result = _farmer1()
    assert result.rs2_statistic == pytest.approx(28.68, abs=0.01)
    assert result.rs2_df == pytest.approx(18.6, abs=0.1)
    assert result.rs2_p == pytest.approx(0.0632, abs=0.0005)
    assert result.reason is None


def test_it_gives_the_same_result_from_co_selection_counts() -> None:
    onehot = (EDUCATION[:, None] == np.arange(5)).astype(np.int64)
    joint = np.einsum("ng,nj,nk->gjk", onehot, STORAGE, STORAGE)
    assert single_by_multi_test_from_counts(joint, onehot.sum(axis=0)) == _farmer1()


def test_it_reports_raw_counts_in_item_tables() -> None:
    table = _farmer1().items[0].table
    assert table == ((19, 69), (2, 14), (1, 30), (19, 94), (3, 11))


def test_it_adds_one_half_to_a_zero_cell_before_computing_pearson() -> None:
    groups = np.repeat([0, 1, 2], 4)
    selections = np.array([[0], [0], [0], [0], [1], [0], [1], [1], [1], [1], [0], [1]])
    item = single_by_multi_test(groups, selections).items[0]
    adjusted = stats.chi2_contingency([[0.5, 4], [3, 1], [3, 1]], correction=False)
    assert item.table == ((0, 4), (3, 1), (3, 1))
    assert item.statistic == pytest.approx(adjusted.statistic)


def test_it_drops_empty_groups_and_reports_them() -> None:
    relabelled = np.where(EDUCATION >= 2, EDUCATION + 1, EDUCATION)
    result = single_by_multi_test(relabelled, STORAGE, n_groups=7)
    assert result.dropped_groups == (2, 6)
    assert result.rs2_statistic == pytest.approx(_farmer1().rs2_statistic)


def test_it_gives_a_reason_when_an_item_is_never_chosen() -> None:
    selections = np.column_stack([STORAGE, np.zeros(len(STORAGE), dtype=np.int64)])
    result = single_by_multi_test(EDUCATION, selections)
    assert result.statistic is None and result.rs2_p is None
    assert "never or always" in (result.reason or "")
    assert result.items[5].statistic is None and result.items[0].statistic is not None


def test_it_gives_a_reason_with_fewer_than_two_groups() -> None:
    result = single_by_multi_test(np.full(len(STORAGE), 3), STORAGE)
    assert result.statistic is None and result.dropped_groups == (0, 1, 2)
    assert result.reason == "fewer than 2 groups have respondents"


def test_it_gives_a_reason_without_respondents() -> None:
    result = single_by_multi_test(np.zeros(0, dtype=np.int64), np.zeros((0, 3)), n_groups=2)
    assert result.n == 0 and result.statistic is None
    assert result.reason == "there are no respondents"


def test_it_gives_a_reason_when_answers_are_alike_within_every_group() -> None:
    result = single_by_multi_test(np.repeat([0, 1], 5), np.repeat([[1, 0], [0, 1]], 5, axis=0))
    assert result.statistic is not None and result.rs2_statistic is None
    assert "covariance is zero" in (result.reason or "")


def test_it_rejects_selections_other_than_zero_and_one() -> None:
    with pytest.raises(ValueError, match="only 0 and 1"):
        single_by_multi_test([0, 1], [[0, 2], [1, 0]])


def test_it_rejects_selections_of_another_length() -> None:
    with pytest.raises(ValueError, match="one entry per row"):
        single_by_multi_test([0, 1, 1], [[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="same number of rows"):
        multi_by_multi_test([[0, 1], [1, 0]], [[1]])


def test_it_rejects_groups_outside_the_group_count() -> None:
    with pytest.raises(ValueError, match="0..n_groups"):
        single_by_multi_test([0, 2], [[0], [1]], n_groups=2)


def test_it_rejects_a_negative_bootstrap_count() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        single_by_multi_test(EDUCATION, STORAGE, bootstrap=-1)


def test_it_rejects_counts_that_cannot_come_from_respondents() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        single_by_multi_test_from_counts([[[3]], [[1]]], [2, 2])


def test_it_leaves_the_bootstrap_p_out_unless_asked() -> None:
    assert _farmer1().p_bootstrap is None


def test_it_repeats_the_bootstrap_p_for_a_seed() -> None:
    first = single_by_multi_test(EDUCATION, STORAGE, bootstrap=99, seed=7)
    second = single_by_multi_test(EDUCATION, STORAGE, bootstrap=99, seed=7)
    assert first.p_bootstrap == second.p_bootstrap
    assert first.p_bootstrap is not None and 0.01 <= first.p_bootstrap <= 0.2


def test_it_gives_the_smallest_bootstrap_p_for_strong_dependence() -> None:
    rng = np.random.default_rng(3)
    a = _correlated_items(rng, 300, [0.3, 0.5])
    b = np.column_stack([a[:, 0], rng.integers(0, 2, 300)])
    assert multi_by_multi_test(a, b, bootstrap=49).p_bootstrap == pytest.approx(1 / 50)


def test_it_matches_single_by_multi_item_statistics_for_a_binary_group() -> None:
    binary = (EDUCATION >= 3).astype(np.int64)
    single = single_by_multi_test(binary, STORAGE)
    multi = multi_by_multi_test(STORAGE, binary[:, None])
    assert [i.statistic for i in multi.items] == pytest.approx([i.statistic for i in single.items])
    assert multi.statistic == pytest.approx(single.statistic)
    assert multi.p_bonferroni == pytest.approx(single.p_bonferroni)


def test_it_matches_single_by_multi_rao_scott_for_two_equal_groups() -> None:
    # Σ of multi × multi exceeds that of single × multi by (a₁ − a₂)² δδ' (δ the difference of
    # the groups' item proportions), which vanishes when the two groups are equally large.
    rng = np.random.default_rng(5)
    binary = np.repeat([0, 1], 150)
    selections = _correlated_items(rng, 300, [0.2, 0.5, 0.6])
    single = single_by_multi_test(binary, selections)
    multi = multi_by_multi_test(selections, binary[:, None])
    assert (multi.rs2_statistic, multi.rs2_df) == pytest.approx(
        (single.rs2_statistic, single.rs2_df), rel=1e-9
    )


def test_it_labels_item_pairs_row_by_row() -> None:
    result = multi_by_multi_test(STORAGE[:, :2], STORAGE[:, 2:])
    pairs = [(item.a_item, item.b_item) for item in result.items]
    assert pairs == [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]
    assert result.items[1].table == ((19, 25), (112, 106))


@pytest.mark.parametrize("kind", ["single", "multi"])
def test_it_holds_its_size_under_independence(kind: str) -> None:
    rng = np.random.default_rng(11)
    rejections = 0
    for _ in range(200):
        b = _correlated_items(rng, 400, [0.2, 0.4, 0.5, 0.7])
        if kind == "single":
            result = single_by_multi_test(rng.integers(0, 3, 400), b, n_groups=3)
        else:
            result = multi_by_multi_test(_correlated_items(rng, 400, [0.3, 0.6]), b)
        assert result.rs2_p is not None
        rejections += result.rs2_p < 0.05
    assert 0.02 <= rejections / 200 <= 0.09


def test_it_detects_strong_dependence() -> None:
    rng = np.random.default_rng(13)
    a = _correlated_items(rng, 300, [0.3, 0.5, 0.4])
    noise = rng.random((300, 3)) < 0.15
    result = multi_by_multi_test(a, a ^ noise)
    assert result.rs2_p is not None and result.rs2_p < 1e-6
    assert result.p_bonferroni is not None and result.p_bonferroni < 1e-6


def test_it_ignores_the_order_of_respondents() -> None:
    order = np.random.default_rng(17).permutation(len(STORAGE))
    shuffled = multi_by_multi_test(STORAGE[order, :2], STORAGE[order, 2:])
    original = multi_by_multi_test(STORAGE[:, :2], STORAGE[:, 2:])
    assert shuffled.items == original.items
    assert _present(shuffled) == pytest.approx(_present(original), rel=1e-12)
    single = single_by_multi_test(EDUCATION[order], STORAGE[order])
    assert _present(single) == pytest.approx(_present(_farmer1()), rel=1e-12)


_SMALL = st.integers(0, 8).flatmap(
    lambda n: st.tuples(
        arrays(np.int64, (n,), elements=st.integers(0, 2)),
        st.integers(0, 3).flatmap(lambda c: arrays(np.int64, (n, c), elements=st.integers(0, 1))),
        st.integers(0, 3).flatmap(lambda r: arrays(np.int64, (n, r), elements=st.integers(0, 1))),
    )
)


@pytest.mark.fuzzing
@settings(max_examples=300, deadline=None)
@given(_SMALL)
def test_it_never_returns_nan_or_inf(data: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    groups, b, a = data
    single = single_by_multi_test(groups, b, n_groups=3, bootstrap=5)
    multi = multi_by_multi_test(a, b, bootstrap=5)
    for value in _numbers(single) + _numbers(multi):
        assert value is None or math.isfinite(value)


@pytest.mark.fuzzing
@settings(max_examples=300, deadline=None)
@given(_SMALL)
def test_it_gives_a_reason_whenever_a_result_is_missing(
    data: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> None:
    groups, b, a = data
    single = single_by_multi_test(groups, b, n_groups=3, bootstrap=3)
    for result in (single, multi_by_multi_test(a, b, bootstrap=3)):
        missing = None in (result.statistic, result.p_bonferroni, result.rs2_p, result.p_bootstrap)
        assert missing == (result.reason is not None)
