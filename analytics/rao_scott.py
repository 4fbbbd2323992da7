"""Design-based analysis of weighted counts: Rao–Scott tests and weighted shares.

Pure numpy/scipy. The design is the one R's ``survey`` package builds with
``svydesign(ids = ~1, weights = ~w, data = d)``: the weights treated as fixed sampling
weights of an unclustered with-replacement design, variances by linearisation (Lumley 2010,
Complex Surveys, §2.2 and §6.2; Binder 1983, Int. Stat. Rev. 51:279–292). Everything here
needs, per cell of a table, only Σw, Σw² and the number of respondents n, which the
snapshot's counts by weighting cell give (analytics/weighted.py), so no respondent is read.

For a respondent i with weight w_i and 0/1 indicator y_i of a cell, the linearised
variance of the estimated share p̂ = Σ w_i y_i / Σ w_i is
    V(p̂) = n / (n − 1) · Σ w_i² (y_i − p̂)² / (Σ w_i)²,
and for the vector of cell shares the covariance is
    V = n / (n − 1) · (diag(S) − S p̂ᵀ − p̂ Sᵀ + ΣS · p̂ p̂ᵀ) / (Σ w)²,  S = Σw² per cell
(``svymean``'s ``svyrecvar`` for one stage without strata: n/(n − 1) times the crossproduct
of the centred influence values).
"""

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
SINGULAR = (
    "the design effects cannot be estimated: too many empty cells "
    "(svychisq stops with a singular system here too)"
)


@dataclass(frozen=True, eq=False)
class WeightedTable:
    """Σw (``totals``) and Σw² (``squares``) per cell, and n respondents in the table."""

    totals: FloatArray
    squares: FloatArray
    n: int


@dataclass(frozen=True)
class RaoScottTest:
    """Pearson's X² of the weighted table scaled to n, with the Rao–Scott corrections.

    ``f`` = X² / Σδ on (d₀, d₀ (n − 1)) df, the second-order correction (the shown p);
    ``chisq`` = X² / δ̄ on (r − 1)(c − 1) df, the first-order one; δ are the generalised
    design effects, the eigenvalues of Δ. Rao & Scott 1981, JASA 76:221–230; 1984, Ann.
    Stat. 12:46–60; Thomas & Rao 1987, JASA 82:630–636; R's ``svychisq(statistic = "F")``
    and ``statistic = "Chisq"`` (survey 4.1)."""

    n: int
    pearson: float | None = None
    df: int | None = None
    f: float | None = None
    ndf: float | None = None
    ddf: float | None = None
    p_f: float | None = None
    chisq: float | None = None
    p_chisq: float | None = None
    mean_design_effect: float | None = None
    design_effects: tuple[float, ...] = ()
    reason: str | None = None

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "pearson": self.pearson,
            "df": self.df,
            "f": self.f,
            "ndf": self.ndf,
            "ddf": self.ddf,
            "p_f": self.p_f,
            "chisq": self.chisq,
            "p_chisq": self.p_chisq,
            "mean_design_effect": self.mean_design_effect,
            "design_effects": list(self.design_effects),
            "reason": self.reason,
        }


@dataclass(frozen=True)
class WeightedShare:
    """A weighted share in percent, its linearised standard error (in points) and its 95 %
    interval on the logit scale, logit(p̂) ± t₀.₉₇₅,ₙ₋₁ · SE(p̂) / (p̂ (1 − p̂)), back-
    transformed: R's ``svyciprop(method = "logit")`` (Korn & Graubard 1998, Surv.
    Methodol. 24:193–201), whose ``svyglm`` intercept has exactly that delta-method SE."""

    percent: float | None
    standard_error: float | None
    ci_low: float | None
    ci_high: float | None

    def to_json(self) -> dict:
        return {
            "weighted_percent": self.percent,
            "weighted_se": self.standard_error,
            "weighted_ci_low": self.ci_low,
            "weighted_ci_high": self.ci_high,
        }


def weighted_table(totals: ArrayLike, squares: ArrayLike, n: int) -> WeightedTable:
    return WeightedTable(
        np.asarray(totals, dtype=np.float64), np.asarray(squares, dtype=np.float64), int(n)
    )


def share_variance(part: WeightedTable, cell: float, cell_squares: float) -> float:
    """V(p̂) of the share of one cell (Σw = ``cell``, Σw² = ``cell_squares``) among all of
    ``part``: n/(n − 1) · (S_cell (1 − p̂)² + (S − S_cell) p̂²) / W²."""
    total, squares, n = float(part.totals.sum()), float(part.squares.sum()), part.n
    share = cell / total
    spread = cell_squares * (1 - share) ** 2 + (squares - cell_squares) * share**2
    return n / (n - 1) * spread / total**2


def weighted_shares(part: WeightedTable) -> list[WeightedShare]:
    """The weighted share of every cell of ``part`` (e.g. every choice of a question, among
    those who answered it), as ``svymean`` and ``svyciprop(method = "logit")``."""
    from scipy.special import expit, logit, stdtrit

    total = float(part.totals.sum())
    if part.n < 2 or total <= 0:
        return [WeightedShare(None, None, None, None) for _ in part.totals]
    quantile = float(stdtrit(part.n - 1, 0.975))
    shares = []
    for cell, cell_squares in zip(part.totals.tolist(), part.squares.tolist(), strict=True):
        share = cell / total
        error = math.sqrt(share_variance(part, cell, cell_squares))
        if 0 < share < 1:
            half = quantile * error / (share * (1 - share))
            low, high = float(expit(logit(share) - half)), float(expit(logit(share) + half))
            shares.append(WeightedShare(100 * share, 100 * error, 100 * low, 100 * high))
        else:
            shares.append(WeightedShare(100 * share, 100 * error, None, None))
    return shares


def rao_scott_test(totals: ArrayLike, squares: ArrayLike, n: int) -> RaoScottTest:
    """Rao–Scott tests of independence of an r×c weighted table (Σw and Σw² per cell, n
    respondents in it). Rows and columns without weight are dropped, as ``svychisq`` sees
    only the categories present."""
    table = weighted_table(totals, squares, n)
    keep_rows = table.totals.sum(axis=1) > 0
    keep_columns = table.totals.sum(axis=0) > 0
    totals_kept = table.totals[keep_rows][:, keep_columns]
    squares_kept = table.squares[keep_rows][:, keep_columns]
    rows, columns = totals_kept.shape
    if n < 2 or rows < 2 or columns < 2:
        return RaoScottTest(n=n, reason="fewer than two answered rows or columns")
    return _corrected(totals_kept, squares_kept, n)


def rao_scott_tests(totals: ArrayLike, squares: ArrayLike, n: int) -> tuple[RaoScottTest, ...]:
    """``rao_scott_test`` of each table along the first axis (e.g. every option's r×2 table
    of a pair with a multi-choice question). Tables without empty rows or columns are
    computed together, numpy's linear algebra taking the whole stack at once."""
    stack = np.asarray(totals, dtype=np.float64)
    stack_squares = np.asarray(squares, dtype=np.float64)
    full = (stack.sum(axis=2) > 0).all(axis=1) & (stack.sum(axis=1) > 0).all(axis=1)
    found: dict[int, RaoScottTest] = {}
    rows, columns = stack.shape[1:]
    if full.any() and n >= 2 and rows >= 2 and columns >= 2:
        try:
            deltas = _delta_matrix(stack[full], stack_squares[full], n)
        except np.linalg.LinAlgError:
            deltas = None
        if deltas is not None:
            tests = _from_deltas(stack[full], deltas, n)
            found = dict(zip(np.flatnonzero(full).tolist(), tests, strict=True))
    return tuple(
        found[k] if k in found else rao_scott_test(stack[k], stack_squares[k], n)
        for k in range(len(stack))
    )


def _corrected(totals: FloatArray, squares: FloatArray, n: int) -> RaoScottTest:
    try:
        delta = _delta_matrix(totals[None], squares[None], n)[0]
    except np.linalg.LinAlgError:
        delta = np.full((1, 1), np.nan)
    return _from_delta(totals, delta, n)


def _from_delta(totals: FloatArray, delta: FloatArray, n: int) -> RaoScottTest:
    return _from_deltas(totals[None], delta[None], n)[0]


def _from_deltas(tables: FloatArray, deltas: FloatArray, n: int) -> list[RaoScottTest]:
    """The tests of a stack of tables from their Δ matrices, all at once."""
    from scipy.special import chdtrc, fdtrc

    rows, columns = tables.shape[1:]
    df = (rows - 1) * (columns - 1)
    trace = np.einsum("bii->b", deltas)
    trace_squared = np.einsum("bij,bji->b", deltas, deltas)
    usable = np.isfinite(trace) & (trace > 0) & (trace_squared > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        d0 = trace**2 / trace_squared
        pearson = np.array([_pearson(table * n / table.sum()) for table in tables])
        f, first_order = pearson / trace, pearson / (trace / df)
        p_f, p_chisq = fdtrc(d0, d0 * (n - 1), f), chdtrc(df, first_order)
    effects = np.zeros((len(tables), 0))
    if usable.all():
        effects = np.sort(np.linalg.eigvals(deltas).real, axis=1)[:, ::-1]
    found = []
    for k in range(len(tables)):
        if not usable[k]:
            found.append(RaoScottTest(n=n, reason=SINGULAR))
            continue
        values = effects[k] if effects.size else np.sort(np.linalg.eigvals(deltas[k]).real)[::-1]
        found.append(
            RaoScottTest(
                n=n,
                pearson=float(pearson[k]),
                df=df,
                f=float(f[k]),
                ndf=float(d0[k]),
                ddf=float(d0[k] * (n - 1)),
                p_f=float(p_f[k]),
                chisq=float(first_order[k]),
                p_chisq=float(p_chisq[k]),
                mean_design_effect=float(trace[k] / df),
                design_effects=tuple(float(value) for value in values),
            )
        )
    return found


def _delta_matrix(totals: FloatArray, squares: FloatArray, n: int) -> FloatArray:
    """Δ = (C' D⁻¹ C / n)⁻¹ C' D⁻¹ V D⁻¹ C, C the interaction contrasts of the saturated
    model made orthogonal to the main effects, D = diag(p̂), V the covariance of the cell
    shares (Rao & Scott 1984, §4; ``svychisq``'s ``Delta``), for a stack of r×c tables."""
    stack, rows, columns = totals.shape
    sums = totals.sum(axis=(1, 2))[:, None]
    shares = totals.reshape(stack, -1) / sums
    cell_squares = squares.reshape(stack, -1) / sums**2
    covariance = (
        cell_squares[:, :, None] * np.eye(rows * columns)
        - cell_squares[:, :, None] * shares[:, None, :]
        - shares[:, :, None] * cell_squares[:, None, :]
        + cell_squares.sum(axis=1)[:, None, None] * shares[:, :, None] * shares[:, None, :]
    ) * (n / (n - 1))
    contrasts = _interaction_contrasts(rows, columns)
    inverse = np.where(shares > 0, 1 / np.where(shares > 0, shares, 1), 0.0)
    scaled = contrasts[None] * inverse[:, :, None]
    denominator = contrasts.T[None] @ scaled / n
    numerator = scaled.transpose(0, 2, 1) @ covariance @ scaled
    return np.linalg.solve(denominator, numerator)


@cache
def _interaction_contrasts(rows: int, columns: int) -> FloatArray:
    """The (r − 1)(c − 1) row × column interaction dummies of a row-major r×c table, minus
    their projection on the intercept and the row and column dummies."""
    row_of = np.repeat(np.arange(rows), columns)
    column_of = np.tile(np.arange(columns), rows)
    main = np.column_stack(
        [np.ones(rows * columns)]
        + [(row_of == i).astype(float) for i in range(1, rows)]
        + [(column_of == j).astype(float) for j in range(1, columns)]
    )
    interaction = np.column_stack(
        [
            ((row_of == i) & (column_of == j)).astype(float)
            for i in range(1, rows)
            for j in range(1, columns)
        ]
    )
    fitted = main @ np.linalg.lstsq(main, interaction, rcond=None)[0]
    contrasts = interaction - fitted
    contrasts.flags.writeable = False  # cached: shared by every table of this shape
    return contrasts


def _pearson(table: FloatArray) -> float:
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    return float(((table - expected) ** 2 / expected).sum())
