"""The typed analysis results: the one shown p, the pair lookup, and the cache's pickling."""

import pickle

import numpy as np

from analytics.multiple_response import single_by_multi_test
from analytics.power import PairPower, table_power
from analytics.results import (
    Analysis,
    AnalysisOptions,
    ItemResult,
    MultipleResponsePair,
    TwoWayPair,
)
from analytics.stats import two_way_test

AGRESTI = [[762, 327, 468], [484, 239, 477]]  # Cochran's rule holds
SMALL = [[3, 1], [1, 3]]  # every expected count below 5


def two_way_pair(table) -> TwoWayPair:
    test = two_way_test(table, permutations=500)
    rows, columns = np.shape(table)
    return TwoWayPair(
        a="q1",
        b="q2",
        kind="single×single",
        test=test,
        power=table_power(test.n, rows, columns, alpha=0.05),
        rows=tuple(f"r{k}" for k in range(rows)),
        columns=tuple(f"c{k}" for k in range(columns)),
        dropped_rows=(),
        dropped_columns=(),
    )


def mixed_pair(groups, selections) -> MultipleResponsePair:
    test = single_by_multi_test(groups, selections)
    items = tuple(ItemResult(item, f"o{item.b_item}") for item in test.items)
    return MultipleResponsePair(
        a="q1", b="q3", kind="single×multi", test=test, power=PairPower(n=test.n), items=items
    )


def analysis(*pairs) -> Analysis:
    return Analysis(
        survey="s", watermark=7, n=20, options=AnalysisOptions(), questions=(), pairs=pairs
    )


def test_it_shows_the_asymptotic_p_where_cochrans_rule_holds():
    pair = two_way_pair(AGRESTI)
    assert pair.test.cochran_ok and pair.shown_p == pair.test.p


def test_it_shows_the_monte_carlo_p_where_cochrans_rule_fails():
    pair = two_way_pair(SMALL)
    assert pair.test.cochran_ok is False
    assert pair.test.p_exact != pair.test.p
    assert pair.shown_p == pair.test.p_exact


def test_it_shows_the_rao_scott_p_of_a_multiple_response_pair():
    rng = np.random.default_rng(1)
    pair = mixed_pair(rng.integers(0, 3, 60), rng.integers(0, 2, (60, 3)))
    assert pair.test.rs2_p is not None
    assert pair.shown_p == pair.test.rs2_p


def test_it_shows_the_bonferroni_p_when_the_rao_scott_p_is_undefined():
    pair = mixed_pair([0] * 10 + [1] * 10, [[1, 0]] * 10 + [[0, 1]] * 10)
    assert (pair.test.rs2_p, pair.test.p_bonferroni is None) == (None, False)
    assert pair.shown_p == pair.test.p_bonferroni


def test_it_finds_a_pair_given_in_either_order():
    first, second = two_way_pair(AGRESTI), mixed_pair([0, 1, 0, 1], [[1], [0], [0], [1]])
    found = analysis(first, second)
    assert found.pair("q2", "q1") is found.pair("q1", "q2") is first
    assert found.pair("q3", "q1") is second
    assert found.pair("q2", "q3") is None


def test_it_gives_the_same_json_after_a_pickle_round_trip():
    original = analysis(two_way_pair(SMALL), mixed_pair([0] * 5 + [1] * 5, [[1, 0], [0, 1]] * 5))
    assert pickle.loads(pickle.dumps(original)).to_json() == original.to_json()
