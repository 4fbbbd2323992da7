"""Association of two ordinal questions, from their r×c table of counts.

Pure numpy/scipy. Rows and columns are the choices in their questionnaire order; the
scores are equally spaced, 1, 2, … by choice position (an empty choice keeps its place).
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Measure:
    """An ordinal measure with its asymptotic standard error and a two-sided z-test of
    "no association" (None where undefined)."""

    estimate: float | None
    ase: float | None = None
    z: float | None = None
    p: float | None = None

    def to_json(self) -> dict:
        return {"estimate": self.estimate, "ase": self.ase, "z": self.z, "p": self.p}


@dataclass(frozen=True)
class OrdinalAssociation:
    """The linear-by-linear test and γ, τ-b and Spearman's ρ of one table."""

    n: int
    linear_by_linear: float | None
    linear_by_linear_p: float | None
    gamma: Measure
    tau_b: Measure
    spearman: Measure
    reason: str | None = None

    def to_json(self) -> dict:
        return {
            "linear_by_linear": {
                "statistic": self.linear_by_linear,
                "df": 1,
                "p": self.linear_by_linear_p,
            },
            "gamma": self.gamma.to_json(),
            "tau_b": self.tau_b.to_json(),
            "spearman": self.spearman.to_json(),
        }


def ordinal_association(table: ArrayLike) -> OrdinalAssociation:
    counts = np.asarray(table, dtype=np.float64)
    n = int(counts.sum())
    rows, columns = counts.sum(axis=1), counts.sum(axis=0)
    if n < 3 or (rows > 0).sum() < 2 or (columns > 0).sum() < 2:
        empty = Measure(None)
        return OrdinalAssociation(
            n, None, None, empty, empty, empty, reason="fewer than two answered rows or columns"
        )
    statistic, p = linear_by_linear(counts)
    concordant, discordant = _pairs_with(counts)
    return OrdinalAssociation(
        n=n,
        linear_by_linear=statistic,
        linear_by_linear_p=p,
        gamma=goodman_kruskal_gamma(counts, concordant, discordant),
        tau_b=kendall_tau_b(counts, concordant, discordant),
        spearman=spearman_rho(counts),
    )


def linear_by_linear(counts: FloatArray) -> tuple[float, float]:
    """M² = (n − 1) r² on 1 df, r the Pearson correlation of the row and column scores
    (Agresti 2013, Categorical Data Analysis, 3rd ed., §3.4.1, eq. 3.15; SPSS's
    "Linear-by-Linear Association"; R's ``coin::lbl_test``, whose conditional variance
    gives the same (n − 1))."""
    from scipy.special import chdtrc

    n = counts.sum()
    correlation = _correlation(counts, _scores(counts.shape[0]), _scores(counts.shape[1]))
    statistic = (n - 1) * correlation**2
    return float(statistic), float(chdtrc(1, statistic))


def _scores(size: int) -> FloatArray:
    return np.arange(1, size + 1, dtype=np.float64)


def _correlation(counts: FloatArray, u: FloatArray, v: FloatArray) -> float:
    n = counts.sum()
    mean_u = (counts.sum(axis=1) @ u) / n
    mean_v = (counts.sum(axis=0) @ v) / n
    du, dv = u - mean_u, v - mean_v
    covariance = du @ counts @ dv
    spread = math.sqrt((counts.sum(axis=1) @ du**2) * (counts.sum(axis=0) @ dv**2))
    return float(covariance / spread) if spread else 0.0


def _pairs_with(counts: FloatArray) -> tuple[FloatArray, FloatArray]:
    """For each cell, the respondents concordant with it (both answers higher, or both
    lower) and discordant with it (one higher, the other lower)."""
    r, c = counts.shape
    concordant, discordant = np.zeros_like(counts), np.zeros_like(counts)
    for i in range(r):
        for j in range(c):
            concordant[i, j] = counts[i + 1 :, j + 1 :].sum() + counts[:i, :j].sum()
            discordant[i, j] = counts[i + 1 :, :j].sum() + counts[:i, j + 1 :].sum()
    return concordant, discordant


def goodman_kruskal_gamma(counts, concordant, discordant) -> Measure:
    """γ = (P − Q) / (P + Q), P and Q twice the concordant and discordant pairs; ASE₁ =
    4 / (P + Q)² · √(Σ n_ij (Q C_ij − P D_ij)²) (Goodman & Kruskal 1972, JASA 67:415–421;
    Agresti 2013, §3.4.4; SPSS's asymptotic standard error); the z-test uses the null ASE₀ =
    2 / (P + Q) · √(Σ n_ij (C_ij − D_ij)² − (P − Q)² / n) (SPSS "Approx. T")."""
    p, q = float((counts * concordant).sum()), float((counts * discordant).sum())
    if p + q == 0:
        return Measure(None)
    gamma = (p - q) / (p + q)
    ase = 4 / (p + q) ** 2 * math.sqrt((counts * (q * concordant - p * discordant) ** 2).sum())
    return Measure(gamma, ase, *_z_test(gamma, _null_ase(counts, concordant, discordant, p + q)))


def _null_ase(counts, concordant, discordant, scale: float) -> float:
    difference = concordant - discordant
    n = counts.sum()
    inside = (counts * difference**2).sum() - (counts * difference).sum() ** 2 / n
    return 2 / scale * math.sqrt(max(float(inside), 0.0))


def kendall_tau_b(counts, concordant, discordant) -> Measure:
    """τ-b = (P − Q) / √((n² − Σ n_i+²)(n² − Σ n_+j²)) with the ASE₁ of Agresti 2013 §3.4.4
    (Brown & Benedetti 1977, Psychometrika 42:347–355; SPSS). Its z and p are those of R's
    ``cor.test(method = "kendall", exact = FALSE)``: S = C − D over the null standard
    deviation of S with ties (Kendall 1970, Rank Correlation Methods, 4th ed., eq. 4.3)."""
    n = counts.sum()
    rows, columns = counts.sum(axis=1), counts.sum(axis=0)
    row_pairs, column_pairs = n**2 - (rows**2).sum(), n**2 - (columns**2).sum()
    if row_pairs == 0 or column_pairs == 0:
        return Measure(None)
    p, q = float((counts * concordant).sum()), float((counts * discordant).sum())
    scale = math.sqrt(row_pairs * column_pairs)
    tau = (p - q) / scale
    v = rows[:, None] * column_pairs + columns[None, :] * row_pairs
    inside = (counts * (2 * scale * (concordant - discordant) + tau * v) ** 2).sum()
    inside -= n**3 * tau**2 * (row_pairs + column_pairs) ** 2
    ase = math.sqrt(max(float(inside), 0.0)) / scale**2
    s = (p - q) / 2
    z, p_value = _z_test(s, math.sqrt(_kendall_null_variance(n, rows, columns)))
    return Measure(tau, ase, z, p_value)


def _kendall_null_variance(n: float, rows: FloatArray, columns: FloatArray) -> float:
    def ties(t: FloatArray, k: int) -> float:
        return float(sum(np.prod([t - m for m in range(k)], axis=0)))

    base = n * (n - 1) * (2 * n + 5)
    row_term = float((rows * (rows - 1) * (2 * rows + 5)).sum())
    column_term = float((columns * (columns - 1) * (2 * columns + 5)).sum())
    return (
        (base - row_term - column_term) / 18
        + ties(rows, 2) * ties(columns, 2) / (2 * n * (n - 1))
        + ties(rows, 3) * ties(columns, 3) / (9 * n * (n - 1) * (n - 2))
    )


def spearman_rho(counts: FloatArray) -> Measure:
    """Spearman's ρ: the Pearson correlation of the answers' mid-ranks. Its test is R's
    ``cor.test(method = "spearman", exact = FALSE)``: t = ρ √((n − 2) / (1 − ρ²)) on n − 2 df."""
    from scipy.special import stdtr

    rho = _correlation(counts, _mid_ranks(counts.sum(axis=1)), _mid_ranks(counts.sum(axis=0)))
    n = counts.sum()
    if abs(rho) >= 1:
        return Measure(rho)
    t = rho * math.sqrt((n - 2) / (1 - rho**2))
    return Measure(rho, None, t, float(2 * stdtr(n - 2, -abs(t))))


def _mid_ranks(totals: FloatArray) -> FloatArray:
    ends = np.cumsum(totals)
    return ends - (totals - 1) / 2


def _z_test(estimate: float, standard_error: float) -> tuple[float | None, float | None]:
    from scipy.special import ndtr

    if standard_error <= 0:
        return None, None
    z = estimate / standard_error
    return z, float(2 * ndtr(-abs(z)))
