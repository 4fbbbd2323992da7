"""Tests of analytics.stats against published reference values (R 4.2, SPSS, Newcombe 1998)."""

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as scipy_stats

from analytics.stats import (
    adjust_p_values,
    choice_frequencies,
    two_way_test,
    wilson_interval,
)

REFERENCE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "two_way_reference.json").read_text()
)
STATISTICS = {"statistic", "g2", "yates_statistic", "min_expected"}
P_VALUES = {"p", "g2_p", "yates_p", "fisher_p"}
EFFECT_SIZES = {"cramers_v", "cramers_v_corrected"}
NOT_RESULTS = {"table", "rows", "source"}


def mod10_mod4_table() -> np.ndarray:
    """The 150 observations of the ClickHouse example: observation i is (i mod 10, i mod 4)."""
    table = np.zeros((10, 4), dtype=int)
    i = np.arange(150)
    np.add.at(table, (i % 10, i % 4), 1)
    return table


def reference_table(case: str) -> np.ndarray:
    return mod10_mod4_table() if case == "mod10_mod4_n150" else np.array(REFERENCE[case]["table"])


def assert_matches(field: str, actual: object, expected: object) -> None:
    """Compare one result field with the house tolerances."""
    if field in STATISTICS:
        assert actual == pytest.approx(expected, rel=1e-6)
    elif field in P_VALUES:
        assert actual == pytest.approx(expected, rel=1e-4)
    elif field in EFFECT_SIZES:
        assert actual == pytest.approx(expected, abs=1e-4)
    elif field == "adjusted_residuals":  # published rounded to 6 decimals
        np.testing.assert_allclose(actual, expected, rtol=0, atol=1e-6)
    else:
        assert actual == expected


REFERENCE_FIELDS = [
    pytest.param(case, field, id=f"{case}-{field}")
    for case, values in REFERENCE.items()
    if not case.startswith("_")
    for field in values
    if field not in NOT_RESULTS
]


@pytest.mark.parametrize(("case", "field"), REFERENCE_FIELDS)
def test_it_reproduces_the_reference_value(case: str, field: str) -> None:
    result = two_way_test(reference_table(case))
    assert_matches(field, getattr(result, field), REFERENCE[case][field])


AGRESTI = [[762, 327, 468], [484, 239, 477]]
GSS = [[279, 73, 225], [165, 47, 191]]
SMALL_2X2 = [[6, 2], [4, 11]]
YATES_2X2 = [[12, 7], [5, 7]]
ISSUE_VALUES = [
    (AGRESTI, "statistic", 30.070149),
    (AGRESTI, "df", 2),
    (AGRESTI, "p", 2.95359e-07),
    (AGRESTI, "g2", 30.016693),
    (AGRESTI, "cramers_v", 0.10444),
    (AGRESTI, "cramers_v_corrected", 0.10092),
    (GSS, "statistic", 7.009544),
    (GSS, "p", 0.0300536),
    (GSS, "g2", 7.002594),
    (GSS, "g2_p", 0.0301582),
    (GSS, "cramers_v", 0.08457),
    (SMALL_2X2, "statistic", 4.959744),
    (SMALL_2X2, "p", 0.0259441),
    (SMALL_2X2, "yates_statistic", 3.187933),
    (SMALL_2X2, "yates_p", 0.0741838),
    (SMALL_2X2, "fisher_p", 0.0393054),
    (SMALL_2X2, "cells_expected_below_5", 2),
    (SMALL_2X2, "cochran_ok", False),
    (YATES_2X2, "yates_statistic", 0.641120),
    (YATES_2X2, "yates_p", 0.423305),
    (mod10_mod4_table(), "cramers_v", 0.5798088),
    (mod10_mod4_table(), "cramers_v_corrected", 0.5305113),
]


@pytest.mark.parametrize(("table", "field", "expected"), ISSUE_VALUES)
def test_it_reproduces_the_values_quoted_in_the_issue(table, field: str, expected) -> None:
    assert_matches(field, getattr(two_way_test(table), field), expected)


def test_it_reproduces_the_min_expected_quoted_in_the_issue() -> None:
    assert two_way_test(SMALL_2X2).min_expected == pytest.approx(3.4783, abs=5e-5)


def test_it_reports_dropped_empty_rows_and_columns_by_original_index() -> None:
    result = two_way_test([[0, 0, 0, 0], [6, 0, 2, 0], [4, 0, 11, 0]])
    assert (result.dropped_rows, result.dropped_columns) == ((0,), (1, 3))


def test_it_tests_the_table_without_its_empty_rows_and_columns() -> None:
    result = two_way_test([[0, 0, 0, 0], [6, 0, 2, 0], [4, 0, 11, 0]])
    np.testing.assert_array_equal(result.table, SMALL_2X2)
    assert (result.df, result.statistic) == (1, pytest.approx(4.9597435897435895, rel=1e-6))


def test_it_gives_a_reason_and_no_test_for_a_single_row_table() -> None:
    result = two_way_test([[0, 0, 0], [3, 5, 2]])
    assert "only one non-empty row" in result.reason
    assert (result.statistic, result.p, result.cramers_v, result.p_exact) == (None,) * 4
    assert (result.n, result.dropped_rows) == (10, (0,))


def test_it_gives_a_reason_and_no_test_for_a_single_column_table() -> None:
    result = two_way_test([[4], [7]])
    assert "only one non-empty column" in result.reason
    assert result.statistic is None


def test_it_gives_a_reason_and_no_test_for_an_all_zero_table() -> None:
    result = two_way_test([[0, 0], [0, 0]])
    assert "n = 0" in result.reason
    assert (result.n, result.dropped_rows, result.dropped_columns) == (0, (0, 1), (0, 1))


@pytest.mark.parametrize(
    ("table", "message"),
    [([[1, -1], [2, 3]], "negative"), ([[1.5, 1], [2, 3]], "whole"), ([1, 2, 3], "2-D")],
)
def test_it_raises_for_invalid_tables(table, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        two_way_test(table)


def test_it_leaves_yates_and_fisher_empty_beyond_2x2() -> None:
    result = two_way_test(AGRESTI)
    assert (result.yates_statistic, result.yates_p, result.fisher_p) == (None, None, None)


def test_it_gives_percentages_of_rows_and_columns() -> None:
    result = two_way_test(SMALL_2X2)
    np.testing.assert_allclose(result.row_percent, [[75, 25], [400 / 15, 1100 / 15]])
    np.testing.assert_allclose(result.column_percent, [[60, 200 / 13], [40, 1100 / 13]])


def test_it_counts_the_share_of_cells_expected_below_5() -> None:
    assert two_way_test(SMALL_2X2).share_expected_below_5 == 0.5


def test_it_sets_corrected_v_to_zero_when_its_dimension_is_not_positive() -> None:
    # r = n = 2, so r - (r - 1)² / (n - 1) - 1 = 0: Bergsma's denominator vanishes.
    assert two_way_test([[1, 0], [0, 1]]).cramers_v_corrected == 0.0


def test_it_skips_the_monte_carlo_p_when_cochran_holds() -> None:
    result = two_way_test(AGRESTI)
    assert (result.p_exact, result.permutations) == (None, None)


def test_it_adds_the_monte_carlo_p_when_cochran_fails() -> None:
    result = two_way_test(SMALL_2X2, permutations=2000)
    assert result.permutations == 2000
    assert 1 / 2001 <= result.p_exact <= 1


def test_it_reproduces_the_monte_carlo_p_for_a_fixed_seed() -> None:
    first = two_way_test(SMALL_2X2, permutations=2000, seed=7)
    assert two_way_test(SMALL_2X2, permutations=2000, seed=7).p_exact == first.p_exact


def test_it_keeps_the_monte_carlo_p_within_its_possible_range() -> None:
    p_exact = two_way_test(mod10_mod4_table(), permutations=500).p_exact
    assert 1 / 501 <= p_exact <= 1


def test_it_approximates_the_exact_conditional_p_by_monte_carlo() -> None:
    # Exact P(X*² >= X²) given the margins of [[6, 2], [4, 11]]: the top-left cell is
    # hypergeometric; extreme values are those at least as far from E = 80/23 as 6 is.
    top_left = np.arange(9)
    extreme = np.abs(top_left - 80 / 23) >= abs(6 - 80 / 23) - 1e-9
    exact = scipy_stats.hypergeom(23, 10, 8).pmf(top_left)[extreme].sum()
    assert exact == pytest.approx(0.0393054, rel=1e-4)  # equals Fisher's p for this table
    assert two_way_test(SMALL_2X2, permutations=20_000).p_exact == pytest.approx(exact, abs=0.01)


small_tables = arrays(
    np.int64,
    st.tuples(st.integers(1, 5), st.integers(1, 5)),
    elements=st.integers(0, 12),
)


def assert_same_statistics(table: np.ndarray, rearranged: np.ndarray) -> None:
    """X², p, V and Ṽ agree; or both tables are untestable (all four None)."""
    fields = ("statistic", "p", "cramers_v", "cramers_v_corrected")
    original, other = (
        two_way_test(table, permutations=100),
        two_way_test(rearranged, permutations=100),
    )
    if original.reason is not None:
        assert other.reason is not None
        assert [getattr(other, field) for field in fields] == [None] * len(fields)
    else:
        expected = [getattr(original, field) for field in fields]
        actual = [getattr(other, field) for field in fields]
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(deadline=None)
@given(small_tables)
def test_it_is_invariant_to_transposing_the_table(table: np.ndarray) -> None:
    assert_same_statistics(table, table.T)


@settings(deadline=None)
@given(small_tables, st.data())
def test_it_is_invariant_to_the_order_of_rows_and_columns(table: np.ndarray, data) -> None:
    rows = data.draw(st.permutations(range(table.shape[0])))
    columns = data.draw(st.permutations(range(table.shape[1])))
    assert_same_statistics(table, table[np.ix_(rows, columns)])


@settings(deadline=None)
@given(small_tables)
def test_it_never_returns_nan_or_inf(table: np.ndarray) -> None:
    result = two_way_test(table, permutations=100)
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        if isinstance(value, (float, np.ndarray)):
            assert np.isfinite(value).all(), field.name
    for p in (result.p, result.p_exact):
        assert p is None or 0 <= p <= 1


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), method)
        ("bh", [0.05, 0.05, 0.05, 0.05, 0.05]),
        ("holm", [0.05, 0.08, 0.09, 0.09, 0.09]),
        ("none", [0.01, 0.02, 0.03, 0.04, 0.05]),
    ],
)
def test_it_adjusts_p_values_like_r_p_adjust(method: str, expected: list[float]) -> None:
    adjusted = adjust_p_values([0.01, 0.02, 0.03, 0.04, 0.05], method)
    assert adjusted == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), method): unsorted input, ties after adjusting
        ("bh", [0.02, 0.04, 0.04, 0.02]),
        ("holm", [0.03, 0.06, 0.06, 0.02]),
    ],
)
def test_it_adjusts_unsorted_p_values_like_r_p_adjust(method: str, expected: list[float]) -> None:
    adjusted = adjust_p_values([0.01, 0.04, 0.03, 0.005], method)
    assert adjusted == pytest.approx(expected, rel=1e-12)


def test_it_caps_adjusted_p_values_at_1() -> None:
    assert adjust_p_values([0.6, 0.7], "holm") == [1.0, 1.0]  # R: p.adjust(c(.6, .7), "holm")


def test_it_keeps_none_entries_and_excludes_them_from_the_count() -> None:
    adjusted = adjust_p_values([0.01, None, 0.02, None, 0.03, 0.04, 0.05], "holm")
    assert (adjusted[1], adjusted[3]) == (None, None)
    present = [p for p in adjusted if p is not None]
    assert present == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09], rel=1e-12)


def test_it_rejects_an_unknown_adjustment_method() -> None:
    with pytest.raises(ValueError, match="bh, holm, none"):
        adjust_p_values([0.01], "bonferroni")


@pytest.mark.parametrize(
    ("count", "n", "low", "high"),
    # Newcombe 1998, Stat. Med. 17:857-872, worked examples, method 3 (Wilson score, no correction)
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_it_matches_newcombes_published_wilson_intervals(count, n, low, high) -> None:
    assert wilson_interval(count, n) == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(("count", "n", "confidence"), [(81, 263, 0.95), (3, 7, 0.99), (7, 7, 0.9)])
def test_it_matches_the_closed_form_wilson_interval(count, n, confidence) -> None:
    z = scipy_stats.norm.ppf(1 - (1 - confidence) / 2)
    p = count / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half_width = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    expected = (centre - half_width, centre + half_width)
    assert wilson_interval(count, n, confidence) == pytest.approx(expected, rel=1e-9)


def test_it_gives_no_wilson_interval_without_respondents() -> None:
    assert wilson_interval(0, 0) is None


def test_it_rejects_a_count_above_n_for_the_wilson_interval() -> None:
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(5, 4)


def test_it_gives_choice_percent_with_a_wilson_interval_in_percent() -> None:
    frequency = choice_frequencies([81, 182], 263, multi=False)[0]
    assert (frequency.count, frequency.percent) == (81, pytest.approx(100 * 81 / 263))
    assert (frequency.ci_low, frequency.ci_high) == pytest.approx((25.53, 36.62), abs=5e-3)


def test_it_gives_percent_of_mentions_only_for_multi_choice() -> None:
    multi = choice_frequencies([30, 10], 35, multi=True)
    single = choice_frequencies([25, 10], 35, multi=False)
    assert [f.percent_of_mentions for f in multi] == [75.0, 25.0]
    assert [f.percent_of_mentions for f in single] == [None, None]


def test_it_leaves_choice_percents_empty_when_nobody_answered() -> None:
    frequency = choice_frequencies([0, 0], 0, multi=True)[0]
    assert (frequency.percent, frequency.ci_low, frequency.ci_high) == (None, None, None)
    assert frequency.percent_of_mentions is None


@pytest.mark.parametrize(
    ("counts", "multi"), [([5, 1], True), ([3, 2], False)], ids=["count-above-n", "sum-above-n"]
)
def test_it_rejects_choice_counts_that_exceed_the_respondents(counts, multi) -> None:
    with pytest.raises(ValueError, match="n_answered"):
        choice_frequencies(counts, 4, multi=multi)


@settings(deadline=None, max_examples=200)
@given(small_tables)
def test_it_computes_what_scipy_stats_computes(table: np.ndarray) -> None:
    """The sums written out in stats.py (to keep scipy.stats out of start-up) agree with
    scipy.stats' chi2_contingency and binomtest on any testable table."""
    ours = two_way_test(table, permutations=10)
    if ours.reason is not None:
        return
    pearson = scipy_stats.chi2_contingency(ours.table, correction=False)
    g = scipy_stats.chi2_contingency(ours.table, correction=False, lambda_="log-likelihood")
    assert ours.statistic == pytest.approx(pearson.statistic, rel=1e-12, abs=1e-12)
    assert ours.p == pytest.approx(pearson.pvalue, rel=1e-12, abs=1e-15)
    assert ours.g2 == pytest.approx(g.statistic, rel=1e-12, abs=1e-12)
    assert ours.g2_p == pytest.approx(g.pvalue, rel=1e-12, abs=1e-15)
    assert ours.expected == pytest.approx(pearson.expected_freq, rel=1e-12)
    if ours.table.shape == (2, 2):
        yates = scipy_stats.chi2_contingency(ours.table, correction=True)
        assert (ours.yates_statistic, ours.yates_p) == pytest.approx(
            (yates.statistic, yates.pvalue), rel=1e-12, abs=1e-15
        )
    n = int(ours.table.sum())
    for count in ours.table.sum(axis=1).tolist():
        interval = scipy_stats.binomtest(count, n).proportion_ci(0.95, method="wilson")
        assert wilson_interval(count, n) == pytest.approx((interval.low, interval.high), abs=1e-14)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=50))
def test_it_adjusts_like_scipy_false_discovery_control(p_values: list[float]) -> None:
    expected = scipy_stats.false_discovery_control(p_values, method="bh")
    assert adjust_p_values(p_values, "bh") == pytest.approx(list(expected), rel=1e-12, abs=1e-15)
