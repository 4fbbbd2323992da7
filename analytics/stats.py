"""Statistics for cross-tabulated survey answers.

Pure functions over arrays of counts (numpy and scipy only). Every result is a small frozen
dataclass whose fields never hold NaN or inf: a test that cannot be done has ``None`` fields and
a ``reason`` in plain English.

The distribution functions come from ``scipy.special`` (``chdtrc``, ``ndtri``, ``xlogy``),
which loads in a fraction of a second; ``scipy.stats`` is imported only for Fisher's exact
test and the Monte Carlo tables. scipy.stats takes one to two seconds to import (it parses
its own docstrings), which was most of an ``analyze`` run, so the textbook sums it would
wrap (Pearson's X², G², the Wilson interval, Benjamini–Hochberg) are written out here;
tests/analytics/test_stats.py checks each against scipy.stats and R.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# R's chisq.test(simulate.p.value=TRUE) counts a simulated table as at least as extreme when
# X*² >= (1 - 64 eps) X², so that ties lost to rounding still count; we do the same.
_ALMOST_ONE = 1 - 64 * np.finfo(float).eps

_P_ADJUST_METHODS = ("bh", "holm", "none")


@dataclass(frozen=True, eq=False)  # eq=False: == on ndarray fields would be ambiguous
class TwoWayTest:
    """Chi-squared test of independence of an r×c contingency table, with effect sizes."""

    table: IntArray
    dropped_rows: tuple[int, ...]
    dropped_columns: tuple[int, ...]
    n: int
    reason: str | None = None
    statistic: float | None = None
    df: int | None = None
    p: float | None = None
    g2: float | None = None
    g2_p: float | None = None
    cramers_v: float | None = None
    cramers_v_corrected: float | None = None
    expected: FloatArray | None = None
    min_expected: float | None = None
    cells_expected_below_5: int | None = None
    cells_expected_below_1: int | None = None
    share_expected_below_5: float | None = None
    cochran_ok: bool | None = None
    yates_statistic: float | None = None
    yates_p: float | None = None
    fisher_p: float | None = None
    p_exact: float | None = None
    permutations: int | None = None
    adjusted_residuals: FloatArray | None = None
    row_percent: FloatArray | None = None
    column_percent: FloatArray | None = None


@dataclass(frozen=True)
class Frequency:
    """How often one answer choice was given, in percent of respondents and of mentions."""

    count: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    percent_of_mentions: float | None


def two_way_test(table: ArrayLike, *, permutations: int = 10_000, seed: int = 0) -> TwoWayTest:
    """Test independence of the rows and columns of a contingency table of counts.

    Rows and columns with a zero total are dropped first. Pearson's X² = Σ (O − E)² / E and
    the likelihood ratio G² = 2 Σ O ln(O / E), E = row total · column total / n, are referred
    to χ² with (r − 1)(c − 1) df (Agresti 2013, *Categorical Data Analysis*, 3rd ed., §3.2),
    without continuity correction. For 2×2 tables Yates' corrected X² and Fisher's exact p are
    added. When Cochran's rule fails, a Monte Carlo p over ``permutations`` random tables with
    the observed margins is added, as R's ``chisq.test(simulate.p.value=TRUE)`` does
    (Hope 1968, JRSS B 30:582–598). Raises ValueError for tables that are not 2-D counts.
    """
    observed = _as_counts(table, ndim=2)
    if permutations < 1:
        raise ValueError(f"permutations must be at least 1, got {permutations}")
    rows_kept, columns_kept = observed.sum(axis=1) > 0, observed.sum(axis=0) > 0
    kept = observed[np.ix_(rows_kept, columns_kept)]
    n = int(kept.sum())
    dropped_rows = tuple(int(i) for i in np.flatnonzero(~rows_kept))
    dropped_columns = tuple(int(i) for i in np.flatnonzero(~columns_kept))
    reason = _untestable_reason(kept)
    if reason is not None:
        return TwoWayTest(kept, dropped_rows, dropped_columns, n, reason=reason)
    return _independence_test(kept, dropped_rows, dropped_columns, permutations, seed)


def _independence_test(
    table: IntArray,
    dropped_rows: tuple[int, ...],
    dropped_columns: tuple[int, ...],
    permutations: int,
    seed: int,
) -> TwoWayTest:
    """All fields of ``two_way_test`` for a table with at least two rows and two columns."""
    expected = expected_counts(table)
    statistic, n, df = pearson_statistic(table, expected), int(table.sum()), _df(table)
    g2 = likelihood_ratio_statistic(table, expected)
    below_5, below_1 = int((expected < 5).sum()), int((expected < 1).sum())
    cochran_ok = below_1 == 0 and 5 * below_5 <= expected.size
    yates_statistic, yates_p, fisher_p = _two_by_two(table)
    v, v_corrected = _cramers_v(statistic, n, *table.shape)
    return TwoWayTest(
        table=table,
        dropped_rows=dropped_rows,
        dropped_columns=dropped_columns,
        n=n,
        statistic=statistic,
        df=df,
        p=chi2_upper_tail(statistic, df),
        g2=g2,
        g2_p=chi2_upper_tail(g2, df),
        cramers_v=v,
        cramers_v_corrected=v_corrected,
        expected=expected,
        min_expected=float(expected.min()),
        cells_expected_below_5=below_5,
        cells_expected_below_1=below_1,
        share_expected_below_5=below_5 / expected.size,
        cochran_ok=cochran_ok,
        yates_statistic=yates_statistic,
        yates_p=yates_p,
        fisher_p=fisher_p,
        p_exact=None if cochran_ok else _monte_carlo_p(table, expected, permutations, seed),
        permutations=None if cochran_ok else permutations,
        adjusted_residuals=_adjusted_residuals(table, expected),
        row_percent=100 * table / table.sum(axis=1, keepdims=True),
        column_percent=100 * table / table.sum(axis=0, keepdims=True),
    )


def expected_counts(table: IntArray) -> FloatArray:
    """E_ij = row total_i · column total_j / n (Agresti 2013, §2.4.3)."""
    observed = table.astype(np.float64)
    expected: FloatArray = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    return expected


def pearson_statistic(observed: ArrayLike, expected: FloatArray) -> float:
    """Pearson's X² = Σ (O − E)² / E (Pearson 1900; Agresti 2013, eq. 3.10)."""
    return float(((np.asarray(observed, dtype=np.float64) - expected) ** 2 / expected).sum())


def likelihood_ratio_statistic(observed: ArrayLike, expected: FloatArray) -> float:
    """G² = 2 Σ O ln(O / E), with 0 · ln 0 = 0 (Agresti 2013, eq. 3.11)."""
    from scipy.special import xlogy

    counts = np.asarray(observed, dtype=np.float64)
    return float(2 * xlogy(counts, counts / expected).sum())


def chi2_upper_tail(statistic: float, df: float) -> float:
    """P(χ²_df ≥ statistic): the regularised upper incomplete gamma function Q(df/2, x/2)
    (Abramowitz & Stegun 1964, 26.4.19), scipy.special.chdtrc, which scipy.stats.chi2.sf
    also calls."""
    from scipy.special import chdtrc

    return float(chdtrc(df, statistic))


def _df(table: IntArray) -> int:
    return (table.shape[0] - 1) * (table.shape[1] - 1)


def _monte_carlo_p(table: IntArray, expected: FloatArray, permutations: int, seed: int) -> float:
    """Monte Carlo p of Pearson's X² given both margins, as R's chisq.test simulates it.

    Draws B = ``permutations`` tables with the observed margins (Patefield 1981, AS 159, via
    ``scipy.stats.random_table``) and returns p = (1 + #{X*² ≥ X²}) / (B + 1) (Davison &
    Hinkley 1997, *Bootstrap Methods*, §4.2.1). Same table and seed give the same p.
    """
    from scipy import stats

    statistic = ((table - expected) ** 2 / expected).sum()
    random_tables = stats.random_table(table.sum(axis=1), table.sum(axis=0))
    simulated = random_tables.rvs(permutations, random_state=np.random.default_rng(seed))
    simulated_statistics = ((simulated - expected) ** 2 / expected).sum(axis=(1, 2))
    extreme = np.count_nonzero(simulated_statistics >= _ALMOST_ONE * statistic)
    return (1 + extreme) / (permutations + 1)


def _adjusted_residuals(table: IntArray, expected: FloatArray) -> FloatArray:
    """Adjusted standardized residuals (O − E) / √(E (1 − row share)(1 − column share)).

    Haberman 1973, Biometrics 29:205–220; equal to R's ``chisq.test()$stdres``.
    """
    n = table.sum()
    row_share = table.sum(axis=1, keepdims=True) / n
    column_share = table.sum(axis=0, keepdims=True) / n
    residuals: FloatArray = (table - expected) / np.sqrt(
        expected * (1 - row_share) * (1 - column_share)
    )
    return residuals


def _cramers_v(statistic: float, n: int, r: int, c: int) -> tuple[float, float]:
    """Cramér's V = √(X² / (n · min(r − 1, c − 1))) and Bergsma's bias-corrected Ṽ.

    Bergsma 2013, J. Korean Stat. Soc. 42:323–328: φ̃² = max(0, X²/n − (r − 1)(c − 1)/(n − 1)),
    r̃ = r − (r − 1)²/(n − 1), c̃ = c − (c − 1)²/(n − 1), Ṽ = √(φ̃² / min(r̃ − 1, c̃ − 1)),
    taken as 0 when min(r̃ − 1, c̃ − 1) ≤ 0 (every respondent alone in a row or column).
    """
    v = math.sqrt(statistic / (n * min(r - 1, c - 1)))
    phi2 = max(0.0, statistic / n - (r - 1) * (c - 1) / (n - 1))
    r_tilde = r - (r - 1) ** 2 / (n - 1)
    c_tilde = c - (c - 1) ** 2 / (n - 1)
    dimension = min(r_tilde - 1, c_tilde - 1)
    return v, math.sqrt(phi2 / dimension) if dimension > 0 else 0.0


def _two_by_two(table: IntArray) -> tuple[float | None, float | None, float | None]:
    """Yates' corrected X², its p, and Fisher's exact two-sided p for a 2×2 table, else Nones.

    Yates subtracts min(0.5, |O − E|) from every |O − E|, as R's ``chisq.test(correct=TRUE)``.
    """
    if table.shape != (2, 2):
        return None, None, None
    from scipy import stats

    expected = expected_counts(table)
    gap = expected - table
    corrected = table + np.sign(gap) * np.minimum(0.5, np.abs(gap))
    yates = pearson_statistic(corrected, expected)
    fisher = stats.fisher_exact(table)
    return yates, chi2_upper_tail(yates, 1), float(fisher.pvalue)


def _untestable_reason(table: IntArray) -> str | None:
    """Why a table (empty rows and columns already dropped) cannot be tested, or None."""
    if table.size == 0:
        return "no respondents: the table is empty (n = 0)"
    problems = []
    if table.shape[0] < 2:
        problems.append(
            "only one non-empty row: every respondent gave the same answer to the first question"
        )
    if table.shape[1] < 2:
        problems.append(
            "only one non-empty column: every respondent gave the same answer to the second "
            "question"
        )
    return "; ".join(problems) or None


def _as_counts(values: ArrayLike, *, ndim: int) -> IntArray:
    """``values`` as an int array of counts, or ValueError if it is not ``ndim``-D counts."""
    array = np.asarray(values, dtype=float)
    if array.ndim != ndim:
        raise ValueError(f"expected a {ndim}-D array of counts, got {array.ndim}-D")
    if not np.isfinite(array).all() or (array != np.round(array)).any():
        raise ValueError("counts must be whole numbers")
    if (array < 0).any():
        raise ValueError("counts must not be negative")
    return array.astype(np.int64)


def adjust_p_values(p_values: Sequence[float | None], method: str = "bh") -> list[float | None]:
    """Adjust p-values for multiple testing, as R's ``p.adjust``; None entries stay None.

    "bh": Benjamini & Hochberg 1995, JRSS B 57:289–300 (p_(i) · m / i, running minimum from
    the largest); "holm": Holm 1979, Scand. J. Stat. 6:65–70 (p_(i) · (m − i + 1), running
    maximum from the smallest); "none": unchanged. m counts only the non-None entries;
    adjusted values are capped at 1.
    """
    if method not in _P_ADJUST_METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(_P_ADJUST_METHODS)}")
    present = [i for i, p in enumerate(p_values) if p is not None]
    raw = np.array([p_values[i] for i in present], dtype=float)
    if not ((raw >= 0) & (raw <= 1)).all():
        raise ValueError("p-values must lie between 0 and 1")
    order = np.argsort(raw, kind="stable")
    adjusted = np.empty_like(raw)
    if method == "bh":
        steps = raw[order] * raw.size / np.arange(1, raw.size + 1)
        adjusted[order] = np.minimum(np.minimum.accumulate(steps[::-1])[::-1], 1.0)
    elif method == "holm":
        steps = np.maximum.accumulate((raw.size - np.arange(raw.size)) * raw[order])
        adjusted[order] = np.minimum(steps, 1.0)
    else:
        adjusted = raw
    result: list[float | None] = [None] * len(p_values)
    for i, value in zip(present, adjusted.tolist(), strict=True):
        result[i] = value
    return result


def wilson_interval(count: int, n: int, confidence: float = 0.95) -> tuple[float, float] | None:
    """Wilson score interval for the proportion count / n, as proportions 0..1; None if n = 0.

    (p̂ + z²/2n ± z √(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), Wilson 1927, JASA 22:209–212;
    method 3 of Newcombe 1998, Stat. Med. 17:857–872; R's ``prop.test(correct=FALSE)``. As
    scipy's ``binomtest(…).proportion_ci(method="wilson")``, the bound is exactly 0 when
    count = 0 and exactly 1 when count = n.
    """
    from scipy.special import ndtri

    if n == 0:
        return None
    if not 0 <= count <= n:
        raise ValueError(f"count must lie between 0 and n = {n}, got {count}")
    z = float(ndtri(0.5 + 0.5 * confidence))
    share = count / n
    centre = (2 * n * share + z**2) / (2 * (n + z**2))
    half_width = z / (2 * (n + z**2)) * math.sqrt(4 * n * share * (1 - share) + z**2)
    low = 0.0 if count == 0 else centre - half_width
    high = 1.0 if count == n else centre + half_width
    return low, high


def choice_frequencies(counts: ArrayLike, n_answered: int, *, multi: bool) -> list[Frequency]:
    """Per-choice count, percent of respondents with Wilson 95 % interval, percent of mentions.

    ``percent`` = 100 · count / n_answered; ``ci_low``/``ci_high`` are the Wilson interval
    (see ``wilson_interval``) in percent. For multi-choice questions ``percent_of_mentions`` =
    100 · count / Σ counts. Percentages are None when their denominator is 0.
    """
    values = _as_counts(counts, ndim=1)
    if n_answered < 0 or (values > n_answered).any():
        raise ValueError(f"each count must lie between 0 and n_answered = {n_answered}")
    mentions = int(values.sum())
    if not multi and mentions > n_answered:
        raise ValueError(f"single-choice counts sum to {mentions} > n_answered = {n_answered}")
    frequencies = []
    for count in values.tolist():
        interval = wilson_interval(count, n_answered)
        frequencies.append(
            Frequency(
                count=count,
                percent=100 * count / n_answered if n_answered else None,
                ci_low=100 * interval[0] if interval else None,
                ci_high=100 * interval[1] if interval else None,
                percent_of_mentions=100 * count / mentions if multi and mentions else None,
            )
        )
    return frequencies
