"""Column-proportion letters of a crosstab, as SPSS Custom Tables and Q show them.

Pure numpy/scipy. Every column gets a letter (A, B, …). Within each row, every pair of
columns is compared by a two-sided z-test of their column proportions; the p-values of a
row are adjusted together (Benjamini–Hochberg, or Bonferroni as SPSS CTABLES offers); a
cell shows the letters of the columns whose proportion it is significantly higher than.
"""

import string
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike

from analytics.rao_scott import WeightedTable


@dataclass(frozen=True)
class ColumnComparison:
    row: int
    higher: int
    lower: int
    z: float
    p: float
    p_adjusted: float


@dataclass(frozen=True)
class ColumnLetters:
    """``letters[i][j]``: the letters of the columns that cell (i, j) is higher than."""

    column_letters: tuple[str, ...]
    letters: tuple[tuple[str, ...], ...]
    comparisons: tuple[ColumnComparison, ...]
    adjust: str
    alpha: float

    def to_json(self) -> dict:
        return {
            "column_letters": list(self.column_letters),
            "letters": [list(row) for row in self.letters],
            "adjust": self.adjust,
            "alpha": self.alpha,
        }


def column_letters(
    table: ArrayLike, *, adjust: str = "bh", alpha: float = 0.05, weighted=None
) -> ColumnLetters:
    """Letters of an r×c table of counts. Unweighted, the z-test pools the two columns'
    proportion: z² is the X² of R's ``prop.test(correct = FALSE)`` on the 2×2 sub-table
    (Newcombe 1998, Stat. Med. 17:873–890). With ``weighted`` (a ``WeightedTable`` of the
    same shape) the proportions are weighted and z = (p̂_j − p̂_k) / √(V_j + V_k), the
    linearised variances of two domain shares, whose covariance is 0 in a with-replacement
    design (Lumley 2010, §2.2; R's ``svyby(…, svymean)`` with ``svycontrast``)."""
    from scipy.special import ndtr

    counts = np.asarray(table, dtype=np.float64)
    rows, columns = counts.shape
    pairs = list(combinations(range(columns), 2))
    z = _z_pooled(counts, pairs) if weighted is None else _z_design(weighted, pairs)
    p = 2 * ndtr(-np.abs(z))
    found: list[ColumnComparison] = []
    for row in range(rows):
        tested = np.flatnonzero(np.isfinite(z[row]))
        adjusted = _adjust(p[row, tested], adjust)
        for index, p_adjusted in zip(tested.tolist(), adjusted.tolist(), strict=True):
            j, k = pairs[index]
            higher, lower = (j, k) if z[row, index] > 0 else (k, j)
            found.append(
                ColumnComparison(
                    row, higher, lower, float(abs(z[row, index])), float(p[row, index]), p_adjusted
                )
            )
    names = tuple(_letter(k) for k in range(columns))
    marks = [[""] * columns for _ in range(rows)]
    for test in found:
        if test.p_adjusted < alpha:
            marks[test.row][test.higher] += names[test.lower]
    return ColumnLetters(names, tuple(tuple(row) for row in marks), tuple(found), adjust, alpha)


def _z_pooled(counts: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """z of each row (axis 0) and column pair (axis 1); NaN where undefined."""
    totals = counts.sum(axis=0)
    j, k = (np.array([pair[side] for pair in pairs], dtype=int) for side in (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = counts / totals
        pooled = (counts[:, j] + counts[:, k]) / (totals[j] + totals[k])
        spread = pooled * (1 - pooled) * (1 / totals[j] + 1 / totals[k])
        z = (shares[:, j] - shares[:, k]) / np.sqrt(spread)
    return np.where(spread > 0, z, np.nan)


def _z_design(weighted: WeightedTable, pairs: list[tuple[int, int]]) -> np.ndarray:
    """z with the linearised variance of each column's share, n/(n − 1) · (S_cell (1 − p̂)²
    + (S − S_cell) p̂²) / W² (analytics/rao_scott.share_variance)."""
    totals, squares, n = weighted.totals, weighted.squares, weighted.n
    column_totals, column_squares = totals.sum(axis=0), squares.sum(axis=0)
    j, k = (np.array([pair[side] for pair in pairs], dtype=int) for side in (0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = totals / column_totals
        spread = squares * (1 - shares) ** 2 + (column_squares - squares) * shares**2
        variance = n / (n - 1) * spread / column_totals**2
        both = variance[:, j] + variance[:, k]
        z = (shares[:, j] - shares[:, k]) / np.sqrt(both)
    return np.where((both > 0) & (n > 1), z, np.nan)


def _adjust(p_values: np.ndarray, method: str) -> np.ndarray:
    """Within one row: Bonferroni, or Benjamini & Hochberg 1995 (R's ``p.adjust``)."""
    m = len(p_values)
    if method == "bonferroni" or m == 0:
        return np.minimum(1.0, p_values * m)
    order = np.argsort(p_values, kind="stable")
    steps = p_values[order] * m / np.arange(1, m + 1)
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(np.minimum.accumulate(steps[::-1])[::-1], 1.0)
    return adjusted


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]
