"""Anytime-valid p-values of independence: safe to look at after every response.

Pure numpy/scipy over counts (no Django). The e-value of an r×c table of counts n_ij is the
universal-inference ratio (Wasserman, Ramdas & Balakrishnan 2020, "Universal inference",
PNAS 117:16880–16890; Ramdas, Grünwald, Vovk & Shafer 2023, "Game-theoretic statistics and
safe anytime-valid inference", Statistical Science 38:576–601)

    E = M / L₀,
    M  = Γ(rc/2) / Γ(rc/2 + n) · Π Γ(n_ij + ½) / Γ(½)      (Dirichlet(½, …, ½) marginal),
    L₀ = Π_i (n_i· / n)^{n_i·} · Π_j (n_·j / n)^{n_·j}     (independence, maximised; 0⁰ = 1),

and p = min(1, 1/E): under independence P(E ever ≥ 1/α) ≤ α, however often it is looked at
(docs/statistics.md). r and c are the numbers of choices in the questionnaire, empty rows and
columns included: a prior whose dimension followed the data would break the guarantee.
scipy is imported where it is called, as in stats.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class AnytimeTest:
    """An e-value (as its natural log) and its anytime-valid p = min(1, 1/E)."""

    e_value_log: float
    p: float


def e_values_log(tables: ArrayLike) -> FloatArray:
    """log E = log M − log L₀ of each r×c table in a stack of shape (..., r, c).

    M is the Dirichlet(½, …, ½)-multinomial marginal likelihood of the cell counts,
    Γ(rc/2) / Γ(rc/2 + n) · Π Γ(n_ij + ½) / Γ(½), and L₀ the likelihood maximised under
    independence, Π_i (n_i·/n)^{n_i·} · Π_j (n_·j/n)^{n_·j} (Wasserman et al. 2020, PNAS
    117:16880, §3). In log space with ``scipy.special.gammaln``; an empty table has E = 1."""
    from scipy.special import gammaln

    counts = np.asarray(tables, dtype=np.float64)
    half = counts.shape[-1] * counts.shape[-2] / 2
    n = counts.sum(axis=(-2, -1))
    log_m = (
        gammaln(half)
        - gammaln(half + n)
        + (gammaln(counts + 0.5) - gammaln(0.5)).sum(axis=(-2, -1))
    )
    log_l0 = _xlogx(counts.sum(axis=-1)) + _xlogx(counts.sum(axis=-2)) - 2 * _xlogx(n[..., None])
    return log_m - log_l0


def _xlogx(totals: FloatArray) -> FloatArray:
    """Σ t·log t over the last axis, with 0·log 0 = 0."""
    return np.where(totals > 0, totals * np.log(np.where(totals > 0, totals, 1)), 0).sum(axis=-1)


def anytime_test(table: ArrayLike) -> AnytimeTest:
    """The e-value and anytime-valid p of one r×c table (see :func:`e_values_log`)."""
    return _test(float(e_values_log(table)))


def anytime_test_mean(tables: ArrayLike) -> AnytimeTest:
    """The mean of the e-values of a stack of tables (m, r, c), and p = min(1, 1/mean E).

    A multiple-response pair has one table per option (or option pair); an average of
    e-values is an e-value (Ramdas et al. 2023, Statistical Science 38:576, §4), so the
    mean is valid whatever the dependence between the tables. No tables: E = 1."""
    from scipy.special import logsumexp

    logs = e_values_log(tables)
    if logs.size == 0:
        return _test(0.0)
    return _test(float(logsumexp(logs) - math.log(logs.size)))


def _test(e_value_log: float) -> AnytimeTest:
    return AnytimeTest(e_value_log=e_value_log, p=min(1.0, math.exp(-e_value_log)))


Tables = Mapping[str, NDArray[np.int64]]


def pair_anytime(a: str, b: str, kinds: tuple[str, str], tables: Tables) -> AnytimeTest:
    """The anytime test of questions a and b from the counts (analytics/counts.py), O(cells):
    the full questionnaire table (single × single), each option's r×2 table (single × multi)
    or each option pair's 2×2 table (multi × multi). An ordinal question counts as single."""
    multi = (kinds[0] == "multi", kinds[1] == "multi")
    if multi == (False, False):
        return anytime_test(tables[f"pair:{a}:{b}"])
    if multi == (True, True):
        return anytime_test_mean(option_pair_tables(tables[f"cooccur:{a}:{b}"]))
    joint, sizes = tables[f"joint:{a}:{b}"], tables[f"sizes:{a}:{b}"]
    chosen = np.diagonal(joint, axis1=1, axis2=2)
    return anytime_test_mean(np.stack([chosen, sizes[:, None] - chosen], axis=-1).swapaxes(0, 1))


def option_pair_tables(cooccur: ArrayLike) -> NDArray[np.int64]:
    """The (ca·cb, 2, 2) tables [[both, a only], [b only, neither]] of every option pair
    from the (ca + 1, cb + 1) co-selection counts whose last row and column are the option
    totals and whose corner is the number of respondents (counts.py, ``cooccur:A:B``)."""
    counts = np.asarray(cooccur, dtype=np.int64)
    both, a_total, b_total = counts[:-1, :-1], counts[:-1, -1:], counts[-1:, :-1]
    neither = counts[-1, -1] - a_total - b_total + both
    tables = np.stack([both, a_total - both, b_total - both, neither], axis=-1)
    return tables.reshape(-1, 2, 2)


def anytime_minimum_update(
    codes: Sequence[str], kinds: Sequence[str], tables: Tables, minimum: Mapping[str, float]
) -> dict[str, float]:
    """The running minimum of every pair's anytime p (keyed "a:b", questionnaire order) after
    these counts: the minimum over the looks is valid too, since P(sup E ≥ 1/α) ≤ α, and it
    never rises."""
    updated = {}
    for i, j in combinations(range(len(codes)), 2):
        key = f"{codes[i]}:{codes[j]}"
        found = pair_anytime(codes[i], codes[j], (kinds[i], kinds[j]), tables)
        updated[key] = min(minimum.get(key, 1.0), found.p)
    return updated
