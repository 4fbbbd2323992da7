"""Marginal-independence tests for multiple-response ("choose all that apply") questions.

Pure numpy/scipy implementations of the tests of Bilder & Loughin (2004), "Testing for marginal
independence between two categorical variables with multiple responses", Biometrics 60:241–248:
the modified Pearson statistic X²_S (the sum of one Pearson X² per item, or per item pair),
with Bonferroni, second-order Rao–Scott and bootstrap p-values. A zero cell of an item's table is
replaced by 0.5 before its X² is computed, as in the published method. No field of a result is
ever NaN or inf: a test that cannot be done has ``None`` fields and a ``reason``. The χ²
tail comes from stats.chi2_upper_tail (scipy.special), which keeps start-up fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import ArrayLike, NDArray

from analytics.stats import chi2_upper_tail

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# A resampled X²_S counts as at least as extreme when X*_S >= (1 - 64 eps) X_S, so that ties
# lost to rounding still count.
_ALMOST_ONE = 1 - 64 * np.finfo(float).eps
# Σλ² at or below this means the estimated covariance is zero (up to rounding): RS2 undefined.
_ZERO_SUM_SQUARES = 1e-20


@dataclass(frozen=True)
class ItemTest:
    """Pearson X² of one item's table (single × multi) or one item pair's 2×2 table."""

    a_item: int | None
    b_item: int
    statistic: float | None
    df: int
    p: float | None
    p_adjusted: float | None
    table: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class MultipleResponseTest:
    """Test of marginal independence involving a multiple-response variable."""

    n: int
    statistic: float | None
    p_bonferroni: float | None
    rs2_statistic: float | None
    rs2_df: float | None
    rs2_p: float | None
    p_bootstrap: float | None
    items: tuple[ItemTest, ...]
    dropped_groups: tuple[int, ...]
    reason: str | None


def single_by_multi_test(
    groups: ArrayLike,
    selections: ArrayLike,
    *,
    n_groups: int | None = None,
    bootstrap: int = 0,
    seed: int = 0,
) -> MultipleResponseTest:
    """Test multiple marginal independence of a single-response and a multiple-response variable.

    ``groups`` holds each respondent's group 0..r−1 (r = ``n_groups``, default max + 1);
    ``selections`` is the (n, c) 0/1 matrix of chosen items. Builds the per-group co-selection
    counts and delegates to :func:`single_by_multi_test_from_counts`. With ``bootstrap`` = B > 0,
    also p_boot = (1 + #{X*_S ≥ X_S}) / (B' + 1): the item vectors are resampled with replacement
    independently of the (fixed) group labels, as in Bilder & Loughin (2004); the B' resamples
    in which every item is both chosen and not chosen are used.
    """
    y = _binary(selections, "selections")
    labels, r = _group_labels(groups, len(y), n_groups)
    joint = np.zeros((r, y.shape[1], y.shape[1]), dtype=np.int64)
    for group in range(r):
        joint[group] = _cross(y[labels == group], y[labels == group])
    sizes = np.bincount(labels, minlength=r)
    result = single_by_multi_test_from_counts(joint, sizes)
    kept = labels[:, None] == np.flatnonzero(sizes)[None, :]

    def resample(rng: np.random.Generator) -> IntArray:
        return _group_tables(kept, y[rng.integers(0, len(y), len(y))])

    return _with_bootstrap(result, resample, bootstrap, seed)


def single_by_multi_test_from_counts(
    joint_counts: ArrayLike, group_sizes: ArrayLike
) -> MultipleResponseTest:
    """The test of :func:`single_by_multi_test` from sufficient statistics.

    ``joint_counts[g, j, k]`` is the number of respondents of group g who chose both items j and
    k (diagonal: item counts); ``group_sizes[g]`` the number of respondents of group g. Groups
    without respondents are dropped and listed in ``dropped_groups``; the rows of each item's
    table are the remaining groups in order, its columns (chosen, not chosen).

    X²_S = Σ_j X²_j over the c item tables (df r − 1 each). Bonferroni: p_j·c, overall
    c·min_j p_j, capped at 1. Second-order Rao–Scott (Bilder & Loughin 2004):
    X²_RS2 = k·X²_S / Σλ² on k² / Σλ² df, k = (r − 1)c, λ the eigenvalues of D⁻¹Σ with
    D = diag(1/a) ⊗ diag(π̄(1 − π̄)) and Σ the asymptotic covariance of √n(π̂_g − π̄), derived by
    the delta method from the multinomial distribution of the item-response patterns in each
    group: it needs only each group's item covariance, hence only these pairwise counts.
    """
    joint, sizes = _check_counts(joint_counts, group_sizes)
    keep = sizes > 0
    joint, sizes = joint[keep], sizes[keep]
    chosen = np.diagonal(joint, axis1=1, axis2=2)
    tables = np.stack([chosen, sizes[:, None] - chosen], axis=-1).transpose(1, 0, 2)
    n, (r, c) = int(sizes.sum()), chosen.shape
    reason = _empty_reason(n, c) or ("fewer than 2 groups have respondents" if r < 2 else None)
    return _assemble(
        tables,
        n=n,
        a_items=[None] * c,
        b_items=list(range(c)),
        covariance=lambda: _group_covariance(joint, sizes),
        dropped=tuple(np.flatnonzero(~keep).tolist()),
        reason=reason,
    )


def multi_by_multi_test(
    selections_a: ArrayLike, selections_b: ArrayLike, *, bootstrap: int = 0, seed: int = 0
) -> MultipleResponseTest:
    """Test simultaneous pairwise marginal independence of two multiple-response variables.

    ``selections_a`` (n, r) and ``selections_b`` (n, c) are 0/1. For every item pair (i, j) the
    2×2 table of A_i by B_j gives a Pearson X²_ij (df 1); X²_S = Σ X²_ij, Bonferroni over the
    r·c pairs. Second-order Rao–Scott (Bilder & Loughin 2004): X²_RS2 = k·X²_S / Σλ²
    on k² / Σλ² df, k = rc, λ the eigenvalues of D⁻¹Σ with D = diag(π̂_A(1 − π̂_A)) ⊗
    diag(π̂_B(1 − π̂_B)) and Σ the delta-method covariance of √n(π̂_ij − π̂_i π̂_j) under the
    multinomial of the joint (A, B) response patterns: the empirical covariance of
    (A_i − π̂_i)(B_j − π̂_j), which needs four-way co-selections, hence the raw rows. With
    ``bootstrap`` = B > 0, the A and B vectors are resampled independently with replacement.
    """
    a, b = _binary(selections_a, "selections_a"), _binary(selections_b, "selections_b")
    if len(a) != len(b):
        raise ValueError("selections_a and selections_b must have the same number of rows")
    n, r, c = len(a), a.shape[1], b.shape[1]
    result = _assemble(
        _pair_tables(a, b),
        n=n,
        a_items=np.repeat(np.arange(r), c).tolist(),
        b_items=np.tile(np.arange(c), r).tolist(),
        covariance=lambda: _pair_covariance(a, b),
        dropped=(),
        reason=_empty_reason(n, r * c),
    )

    def resample(rng: np.random.Generator) -> IntArray:
        return _pair_tables(a[rng.integers(0, n, n)], b[rng.integers(0, n, n)])

    return _with_bootstrap(result, resample, bootstrap, seed)


def _assemble(
    tables: IntArray,
    *,
    n: int,
    a_items: Sequence[int | None],
    b_items: Sequence[int],
    covariance: Callable[[], FloatArray],
    dropped: tuple[int, ...],
    reason: str | None,
) -> MultipleResponseTest:
    """Per-table X², Bonferroni and Rao–Scott p-values from the stacked (m, R, C) tables."""
    m, df = len(tables), (tables.shape[1] - 1) * (tables.shape[2] - 1)
    valid = _testable(tables) & (df > 0)
    x2 = np.zeros(m)
    x2[valid] = _pearson(tables[valid])
    items = tuple(
        _item_test(a_items[t], b_items[t], tables[t], df, x2[t] if valid[t] else None, m)
        for t in range(m)
    )
    if reason is None and not valid.all():
        reason = "an item is never or always chosen, so its table has an empty row or column"
    if reason is not None:
        return MultipleResponseTest(n, None, None, None, None, None, None, items, dropped, reason)
    statistic = float(x2.sum())
    p_bonferroni = min(1.0, m * chi2_upper_tail(float(x2.max()), df))
    rs2 = _rao_scott(statistic, m * df, covariance())
    if rs2 is None:
        reason = "the estimated covariance is zero, so the Rao–Scott adjustment is undefined"
    rs2_statistic, rs2_df, rs2_p = rs2 if rs2 is not None else (None, None, None)
    return MultipleResponseTest(
        n, statistic, p_bonferroni, rs2_statistic, rs2_df, rs2_p, None, items, dropped, reason
    )


def _item_test(
    a_item: int | None, b_item: int, table: IntArray, df: int, x2: float | None, m: int
) -> ItemTest:
    """One table's result; statistic and p-values None when it cannot be tested."""
    as_tuple = tuple(tuple(row) for row in table.tolist())
    if x2 is None:
        return ItemTest(a_item, b_item, None, df, None, None, as_tuple)
    p = chi2_upper_tail(x2, df)
    return ItemTest(a_item, b_item, float(x2), df, p, min(1.0, m * p), as_tuple)


def _rao_scott(statistic: float, k: int, m: FloatArray) -> tuple[float, float, float] | None:
    """Second-order Rao–Scott (statistic, df, p), m = D^{-1/2} Σ D^{-1/2} (same λ as D⁻¹Σ).

    Σλ² = tr((D⁻¹Σ)²) = ‖m‖²_F; None when it is zero.
    """
    sum_squares = float(np.sum(m * m))
    if sum_squares <= _ZERO_SUM_SQUARES:
        return None
    rs2, df = k * statistic / sum_squares, k * k / sum_squares
    return rs2, df, chi2_upper_tail(rs2, df)


def _group_covariance(joint: IntArray, sizes: IntArray) -> FloatArray:
    """D^{-1/2} Σ D^{-1/2} for single × multi, indexed (group, item).

    The item covariance in group g is V_g = G(diag(τ̂_g) − τ̂_g τ̂_g')G' = J_g/n_g − π̂_g π̂_g'
    (τ̂_g the response-pattern shares, G the pattern-to-item matrix, J_g the co-selection
    counts), so Cov(√n π̂) = blockdiag(V_g / a_g); with π̂_g − π̄ = Σ_l C_gl π̂_l, C = I − 1a',
    Σ = (C ⊗ I) blockdiag(V_g / a_g) (C ⊗ I)'.
    """
    n, (r, c) = sizes.sum(), joint.shape[:2]
    chosen = np.diagonal(joint, axis1=1, axis2=2)
    # Exact integer numerator, so that a group whose answers are all alike gives exactly 0.
    within = (sizes[:, None, None] * joint - chosen[:, :, None] * chosen[:, None, :]) / (
        sizes[:, None, None] ** 2
    )
    a = sizes / n
    contrast = np.eye(r) - a[None, :]
    sigma = np.einsum("gl,hl,ljk->gjhk", contrast, contrast, within / a[:, None, None])
    pooled = chosen.sum(axis=0) / n
    scale = np.sqrt(np.outer(a, 1 / (pooled * (1 - pooled)))).reshape(-1)
    return sigma.reshape(r * c, r * c) * np.outer(scale, scale)


def _pair_covariance(a: IntArray, b: IntArray) -> FloatArray:
    """D^{-1/2} Σ D^{-1/2} for multi × multi, indexed (A item, B item)."""
    ca, cb = a - a.mean(axis=0), b - b.mean(axis=0)
    z = (ca[:, :, None] * cb[:, None, :]).reshape(len(a), -1)
    z -= z.mean(axis=0)
    scale = 1 / np.sqrt(np.outer(a.var(axis=0), b.var(axis=0)).reshape(-1))
    return (z.T @ z / len(a)) * np.outer(scale, scale)


def _pearson(tables: IntArray) -> FloatArray:
    """Pearson X² = Σ (O − E)² / E of each (R, C) table, zero cells replaced by 0.5."""
    observed = np.where(tables == 0, 0.5, tables.astype(float))
    total = observed.sum(axis=(1, 2), keepdims=True)
    expected = observed.sum(axis=2, keepdims=True) * observed.sum(axis=1, keepdims=True) / total
    result: FloatArray = np.sum((observed - expected) ** 2 / expected, axis=(1, 2))
    return result


def _testable(tables: IntArray) -> NDArray[np.bool_]:
    """Whether each table has no empty row and no empty column."""
    return (tables.sum(axis=2) > 0).all(axis=1) & (tables.sum(axis=1) > 0).all(axis=1)


def _empty_reason(n: int, items: int) -> str | None:
    """Why a test without respondents or without items cannot be done."""
    return "there are no respondents" if n == 0 else "there are no items" if items == 0 else None


def _with_bootstrap(
    result: MultipleResponseTest,
    resample: Callable[[np.random.Generator], IntArray],
    count: int,
    seed: int,
) -> MultipleResponseTest:
    """``result`` with p_boot = (1 + #{X*_S ≥ X_S}) / (B' + 1) over the B' testable resamples."""
    if count < 0:
        raise ValueError("bootstrap must be a non-negative number of resamples")
    if count == 0 or result.statistic is None:
        return result
    rng = np.random.default_rng(seed)
    draws = (resample(rng) for _ in range(count))
    resampled = [float(_pearson(t).sum()) for t in draws if _testable(t).all()]
    if not resampled:
        reason = "in every bootstrap resample some item was never or always chosen"
        return replace(result, reason=result.reason or reason)
    extreme = sum(x >= result.statistic * _ALMOST_ONE for x in resampled)
    return replace(result, p_bootstrap=(1 + extreme) / (len(resampled) + 1))


def _group_tables(onehot: NDArray[np.bool_], y: IntArray) -> IntArray:
    """(c, r, 2) tables of chosen / not chosen by group."""
    chosen = _cross(onehot, y)
    sizes = onehot.sum(axis=0)[:, None]
    return np.stack([chosen, sizes - chosen], axis=-1).transpose(1, 0, 2)


def _pair_tables(a: IntArray, b: IntArray) -> IntArray:
    """(r·c, 2, 2) tables [[both, A only], [B only, neither]] for every item pair."""
    both = _cross(a, b)
    only_a = a.sum(axis=0)[:, None] - both
    only_b = b.sum(axis=0)[None, :] - both
    neither = len(a) - both - only_a - only_b
    return np.stack([both, only_a, only_b, neither], axis=-1).reshape(-1, 2, 2)


def _cross(x: ArrayLike, y: ArrayLike) -> IntArray:
    """x'y for 0/1 matrices, through floating-point BLAS (exact for counts below 2**53)."""
    product = np.asarray(x, dtype=float).T @ np.asarray(y, dtype=float)
    return np.rint(product).astype(np.int64)


def _binary(values: ArrayLike, name: str) -> IntArray:
    """``values`` as an (n, items) int array of 0/1; ValueError otherwise."""
    array = np.asarray(values)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (respondents × items)")
    if not np.isin(array, (0, 1)).all():
        raise ValueError(f"{name} must contain only 0 and 1")
    return array.astype(np.int64)


def _group_labels(groups: ArrayLike, n: int, n_groups: int | None) -> tuple[IntArray, int]:
    """(labels, r) for groups 0..r−1; ValueError on invalid labels."""
    g = np.asarray(groups)
    if g.shape != (n,):
        raise ValueError("groups must be 1-D with one entry per row of selections")
    if n and not np.issubdtype(g.dtype, np.integer):
        raise ValueError("groups must be integers")
    r = n_groups if n_groups is not None else int(g.max()) + 1 if n else 0
    if r < 0 or (n and (g.min() < 0 or g.max() >= r)):
        raise ValueError("groups must lie in 0..n_groups − 1")
    return g.astype(np.int64), r


def _check_counts(joint_counts: ArrayLike, group_sizes: ArrayLike) -> tuple[IntArray, IntArray]:
    """Validated (joint counts, group sizes) as int arrays; ValueError otherwise."""
    joint, sizes = np.asarray(joint_counts), np.asarray(group_sizes)
    if joint.ndim != 3 or joint.shape[1] != joint.shape[2] or sizes.shape != joint.shape[:1]:
        raise ValueError("joint_counts must be (r, c, c) and group_sizes (r,)")
    joint_int, sizes_int = joint.astype(np.int64), sizes.astype(np.int64)
    if (joint_int != joint).any() or (sizes_int != sizes).any():
        raise ValueError("counts must be whole numbers")
    chosen = np.diagonal(joint_int, axis1=1, axis2=2)
    if (joint_int < 0).any() or (joint_int != joint_int.transpose(0, 2, 1)).any():
        raise ValueError("joint_counts must be non-negative and symmetric in its last two axes")
    if (chosen > sizes_int[:, None]).any() or (joint_int > chosen[:, :, None]).any():
        raise ValueError("a count exceeds its group size or item count")
    return joint_int, sizes_int
