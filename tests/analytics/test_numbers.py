"""Number questions' statistics (analytics/numbers.py) against numpy, scipy and R."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from analytics.numbers import SortedAnswers, kruskal_wallis, number_descriptives
from tests.analytics.r_reference import r_numbers, requires_r

# R's airquality: Ozone (NA left out) by Month, 5 to 9 (R 4.x, datasets package).
OZONE = [
    41,
    36,
    12,
    18,
    28,
    23,
    19,
    8,
    7,
    16,
    11,
    14,
    18,
    14,
    34,
    6,
    30,
    11,
    1,
    11,
    4,
    32,
    23,
    45,
    115,
    37,
    29,
    71,
    39,
    23,
    21,
    37,
    20,
    12,
    13,
    135,
    49,
    32,
    64,
    40,
    77,
    97,
    97,
    85,
    10,
    27,
    7,
    48,
    35,
    61,
    79,
    63,
    16,
    80,
    108,
    20,
    52,
    82,
    50,
    64,
    59,
    39,
    9,
    16,
    78,
    35,
    66,
    122,
    89,
    110,
    44,
    28,
    65,
    22,
    59,
    23,
    31,
    44,
    21,
    9,
    45,
    168,
    73,
    76,
    118,
    84,
    85,
    96,
    78,
    73,
    91,
    47,
    32,
    20,
    23,
    21,
    24,
    44,
    21,
    28,
    9,
    13,
    46,
    18,
    13,
    24,
    16,
    13,
    23,
    36,
    7,
    14,
    30,
    14,
    18,
    20,
]
MONTH_SIZES = {5: 26, 6: 9, 7: 26, 8: 26, 9: 29}


def airquality() -> tuple[np.ndarray, np.ndarray]:
    months = np.repeat(list(MONTH_SIZES), list(MONTH_SIZES.values()))
    return np.array(OZONE, dtype=float), months - 5


def test_it_gives_the_published_kruskal_wallis_of_ozone_by_month():
    """R: kruskal.test(Ozone ~ Month, data = airquality): H = 29.267, df = 4, p = 6.901e-06."""
    ozone, month = airquality()
    test = kruskal_wallis(SortedAnswers.of(ozone), month, 5)
    assert test.n == 116
    assert test.statistic == pytest.approx(29.2665763061169, rel=1e-12)
    assert test.df == 4
    assert test.p == pytest.approx(6.90071411854678e-06, rel=1e-9)
    assert test.epsilon_squared == pytest.approx(29.2665763061169 / 115, rel=1e-12)


@requires_r
def test_it_agrees_with_r_on_the_airquality_example():
    (found,) = r_numbers(
        "k <- kruskal.test(Ozone ~ Month, data = airquality)\n"
        "cat(k$statistic, k$parameter, k$p.value, '\\n')"
    )
    ozone, month = airquality()
    test = kruskal_wallis(SortedAnswers.of(ozone), month, 5)
    assert [test.statistic, test.df, test.p] == pytest.approx(found, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(6, 300),
    k=st.integers(2, 6),
    distinct=st.integers(2, 40),
)
def test_it_agrees_with_scipy_kruskal_on_random_tied_data(seed, n, k, distinct):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, distinct, n).astype(float)
    groups = rng.integers(0, k, n)
    values[rng.random(n) < 0.1] = np.nan  # not answered: left out
    test = kruskal_wallis(SortedAnswers.of(values), groups, k)
    kept = ~np.isnan(values)
    samples = [values[kept & (groups == g)] for g in range(k)]
    samples = [sample for sample in samples if len(sample)]
    if len(samples) < 2 or len(np.unique(values[kept])) < 2:
        assert test.statistic is None and test.reason
        return
    expected = stats.kruskal(*samples)
    assert test.statistic == pytest.approx(expected.statistic, rel=1e-9)
    assert test.p == pytest.approx(expected.pvalue, rel=1e-7, abs=1e-300)
    assert test.df == len(samples) - 1
    assert test.n == int(kept.sum())


def test_it_leaves_out_respondents_without_a_group_and_empty_groups():
    values = np.array([1.0, 2, 3, 4, 5, 6, 7])
    groups = np.array([0, 0, 2, 2, -1, -2, 2])  # −1 no answer, −2 not asked; group 1 empty
    test = kruskal_wallis(SortedAnswers.of(values), groups, 3)
    expected = stats.kruskal([1.0, 2], [3.0, 4, 7])
    assert test.n == 5 and test.df == 1
    assert test.statistic == pytest.approx(expected.statistic)
    assert test.groups[1].n == 0 and test.groups[1].median is None
    assert test.groups[2].median == 4.0


def test_it_refuses_a_test_of_identical_values_with_a_reason():
    test = kruskal_wallis(SortedAnswers.of(np.array([3.0, 3, 3, 3])), np.array([0, 1, 0, 1]), 2)
    assert test.statistic is None and test.p is None
    assert test.reason == "every answer is the same value"


def test_it_describes_a_number_question_like_numpy_and_r_type_7():
    rng = np.random.default_rng(3)
    values = rng.normal(50, 10, 401)
    values[::7] = np.nan
    answered = values[~np.isnan(values)]
    found = number_descriptives(values)
    assert found.n == len(answered)
    assert found.mean == pytest.approx(answered.mean())
    assert found.sd == pytest.approx(stats.tstd(answered))
    assert found.median == pytest.approx(np.median(answered))
    assert (found.q1, found.q3) == pytest.approx(tuple(np.percentile(answered, [25, 75])))
    assert (found.minimum, found.maximum) == (answered.min(), answered.max())
    assert sum(found.histogram.counts) == found.n
    assert found.histogram.rule == "freedman-diaconis"
    assert len(found.histogram.edges) == len(found.histogram.counts) + 1


@requires_r
def test_it_gives_r_quartiles_and_sd():
    values = np.array([2.0, 4, 4, 5, 7, 9, 10, 13, 21])
    (found,) = r_numbers(
        "x <- c(2, 4, 4, 5, 7, 9, 10, 13, 21)\ncat(quantile(x, c(.25, .5, .75), type = 7), sd(x))"
    )
    described = number_descriptives(values)
    assert [described.q1, described.median, described.q3, described.sd] == pytest.approx(found)


def test_it_describes_no_answers_and_one_answer_without_inventing_numbers():
    assert number_descriptives(np.array([np.nan])).mean is None
    one = number_descriptives(np.array([4.0]))
    assert (one.n, one.mean, one.sd, one.histogram.counts) == (1, 4.0, None, (1,))


def test_it_falls_back_to_sturges_when_the_quartiles_coincide():
    values = np.array([1.0] * 40 + [2.0, 3.0, 9.0])
    found = number_descriptives(values)
    assert found.histogram.rule == "sturges"
    assert len(found.histogram.counts) == int(np.ceil(np.log2(43))) + 1


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), n=st.integers(1, 200), distinct=st.integers(1, 30))
def test_it_gives_numpys_quartiles_and_scipys_midranks(seed, n, distinct):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, distinct, n).astype(float) / 4
    found = number_descriptives(values)
    assert [found.q1, found.median, found.q3] == pytest.approx(
        list(np.quantile(values, [0.25, 0.5, 0.75]))
    )
    groups = rng.integers(0, 2, n)
    test = kruskal_wallis(SortedAnswers.of(values), groups, 2)
    if test.statistic is not None:
        expected = stats.kruskal(values[groups == 0], values[groups == 1])
        assert test.statistic == pytest.approx(expected.statistic, rel=1e-9)
