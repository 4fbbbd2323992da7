"""Column-proportion letters of a crosstab, as SPSS Custom Tables and Q show them.

Pure numpy/scipy. Every column gets a letter (A, B, …). Within each row, every pair of
columns is compared by a two-sided z-test of their column proportions; the p-values of a
row are adjusted together (Benjamini–Hochberg, or Bonferroni as SPSS CTABLES offers); a
cell shows the letters of the columns whose proportion it is significantly higher than.
"""

import math
import string
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike

from analytics.rao_scott import WeightedTable, share_variance
from analytics.stats import adjust_p_values


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
    counts = np.asarray(table, dtype=np.float64)
    rows, columns = counts.shape
    found: list[ColumnComparison] = []
    for row in range(rows):
        tests = [_test(counts, weighted, row, j, k) for j, k in combinations(range(columns), 2)]
        kept = [test for test in tests if test is not None]
        adjusted = _adjust([p for *_, p in kept], adjust)
        for (higher, lower, z, p), p_adj in zip(kept, adjusted, strict=True):
            found.append(ColumnComparison(row, higher, lower, z, p, p_adj))
    names = tuple(_letter(k) for k in range(columns))
    marks = [[""] * columns for _ in range(rows)]
    for test in found:
        if test.p_adjusted < alpha:
            marks[test.row][test.higher] += names[test.lower]
    return ColumnLetters(names, tuple(tuple(row) for row in marks), tuple(found), adjust, alpha)


def _test(counts, weighted: WeightedTable | None, row: int, j: int, k: int):
    """(higher column, lower column, |z|, p) or None where the test is undefined."""
    from scipy.special import ndtr

    if weighted is None:
        z = _pooled_z(counts[row, j], counts[:, j].sum(), counts[row, k], counts[:, k].sum())
    else:
        z = _design_z(weighted, row, j, k)
    if z is None:
        return None
    higher, lower = (j, k) if z > 0 else (k, j)
    return higher, lower, abs(z), float(2 * ndtr(-abs(z)))


def _pooled_z(x1: float, n1: float, x2: float, n2: float) -> float | None:
    if n1 == 0 or n2 == 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    return (x1 / n1 - x2 / n2) / math.sqrt(spread) if spread > 0 else None


def _design_z(weighted: WeightedTable, row: int, j: int, k: int) -> float | None:
    shares, variances = [], []
    for column in (j, k):
        part = WeightedTable(weighted.totals[:, column], weighted.squares[:, column], weighted.n)
        total = float(part.totals.sum())
        if total <= 0 or weighted.n < 2:
            return None
        shares.append(float(part.totals[row]) / total)
        variances.append(share_variance(part, float(part.totals[row]), float(part.squares[row])))
    spread = variances[0] + variances[1]
    return (shares[0] - shares[1]) / math.sqrt(spread) if spread > 0 else None


def _adjust(p_values: list[float], method: str) -> list[float]:
    if method == "bonferroni":
        return [min(1.0, p * len(p_values)) for p in p_values]
    return [float(p) for p in adjust_p_values(p_values, "bh") if p is not None]


def _letter(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]
