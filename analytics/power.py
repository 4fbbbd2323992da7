"""Power of the chi-square test of independence, and the precision of a choice share.

Pure (numpy, scipy; no Django): the numbers of the power and precision monitor, from the
counts an analysis already has. Every result is a small frozen dataclass whose fields are
never NaN or inf: a number that cannot be computed is None, and the pair's ``reason`` says
why. scipy is imported inside the functions, as in stats.py.

Power (Cohen 1988, *Statistical Power Analysis for the Behavioral Sciences*, 2nd ed., §7):
a dependence of Cramér's V = v in an r×c table is Cohen's effect size w = v·√(min(r, c) − 1);
the test statistic of n respondents is then non-central χ² with df = (r − 1)(c − 1) and
non-centrality λ = n·w², so the power at level α is P(χ²_{df,λ} > χ²_{df,1−α}), as R's
``pwr::pwr.chisq.test`` computes it. The n needed for a given power is, like pwr's ``N``,
the real n at which the power equals it (report ⌈n⌉ as a count of responses): since the
power depends on n and w only through λ, it is λ*(df, α, power) / w², with λ* found once
per df and α (Cohen's N = λ/w², from which his table 7.4.6 of N is made).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from statistics import NormalDist

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# Cohen's small, medium and large effects, as Cramér's V (= w in a 2-column table).
EFFECT_SIZES = (0.1, 0.3, 0.5)
TARGET_POWER = 0.8
_Z_95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class PairPower:
    """The power of one pair's test at its current n for each of ``EFFECT_SIZES``, and the
    real n needed for ``TARGET_POWER``; ``df`` and ``alpha`` are those of the χ² test it
    is the power of (for a multiple-response pair: one option's table at α/m)."""

    n: int
    df: int | None = None
    alpha: float | None = None
    power: tuple[float, ...] | None = None
    n_for_power: tuple[float, ...] | None = None

    def to_json(self) -> dict:
        return {
            "power": _by_effect(self.power),
            "n_for_power": _by_effect(self.n_for_power),
            "power_df": self.df,
            "power_alpha": self.alpha,
        }


@dataclass(frozen=True)
class SharePrecision:
    """How precisely a choice's share is known: the half-width of its 95 % Wilson interval
    now (percentage points) and the n needed for ±3 and ±5 points."""

    ci_half_width: float | None
    n_for_3_points: int
    n_for_5_points: int

    def to_json(self) -> dict:
        return {
            "ci_half_width": self.ci_half_width,
            "n_for_3_points": self.n_for_3_points,
            "n_for_5_points": self.n_for_5_points,
        }


def _by_effect(values: tuple[float, ...] | None) -> dict[str, float | None]:
    """One value per effect size under its key ("0.1", "0.3", "0.5"); null when unknown."""
    return {str(v): None if values is None else values[k] for k, v in enumerate(EFFECT_SIZES)}


def chisq_power(w: float, n: float, df: int, alpha: float) -> float:
    """Power of the χ² test of independence to detect effect size w with n respondents:
    P(χ²_{df, λ = n w²} > χ²_{df, 1 − α}) (Cohen 1988, §7.2; R's ``pwr.chisq.test``)."""
    return float(_power(np.array([n * w * w]), df, alpha)[0])


def chisq_n_for_power(w: float, df: int, alpha: float, power: float = TARGET_POWER) -> float:
    """The real n at which the χ² test detects effect size w > 0 with this power, as ``N``
    of R's ``pwr.chisq.test(w, df = df, sig.level = alpha, power = power)``: λ*/w², where
    λ* is the non-centrality at which the power is reached (Cohen 1988, §7.4, N = λ/w²)."""
    if not w > 0:
        raise ValueError(f"the effect size w must be positive, got {w}")
    return _noncentrality_for_power(df, alpha, power) / (w * w)


def _power(noncentrality: FloatArray, df: int, alpha: float) -> FloatArray:
    """P(χ²_{df,λ} > χ²_{df,1−α}) for each λ, by the χ² distribution functions of
    scipy.special (the same as scipy.stats.chi2 / ncx2, without their per-call overhead:
    the monitor evaluates this for every pair on every refresh)."""
    from scipy import special

    _check_level(df, alpha)
    critical = special.chdtri(df, alpha)
    return np.clip(1 - special.chndtr(critical, df, noncentrality), 0.0, 1.0)


@lru_cache(maxsize=256)
def _noncentrality_for_power(df: int, alpha: float, power: float) -> float:
    """λ at which the power at level α is ``power``; it depends on no data, so it is found
    once per process for each df and α."""
    from scipy import optimize

    if not alpha < power < 1:
        raise ValueError(f"the power must lie between alpha = {alpha} and 1, got {power}")

    def shortfall(noncentrality: float) -> float:
        return float(_power(np.array([noncentrality]), df, alpha)[0]) - power

    upper = 1.0
    while shortfall(upper) < 0:
        upper *= 2
    return float(optimize.brentq(shortfall, 0.0, upper, xtol=1e-12, rtol=1e-14))


def _check_level(df: int, alpha: float) -> None:
    if df < 1:
        raise ValueError(f"df must be at least 1, got {df}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha}")


def table_power(n: int, rows: int, columns: int, alpha: float, tests: int = 1) -> PairPower:
    """The power of a χ² test of an r×c table (empty rows and columns already dropped) of n
    respondents, for a dependence of Cramér's V = each of ``EFFECT_SIZES``.

    ``tests`` > 1: one of the m tables of a multiple-response pair (Bilder & Loughin 2004),
    tested at the Bonferroni level α/m — the power of the pair's Bonferroni p to find a
    dependence of that V in one given option (or option pair). Every option's table has
    the same n and df, so this is the power for each of them, and the least. The shown
    Rao–Scott p has no non-central χ² of known λ, so its power is not claimed.
    """
    df = (rows - 1) * (columns - 1)
    if n == 0 or df < 1:
        return PairPower(n=n)
    level = alpha / tests
    w = np.array(EFFECT_SIZES) * math.sqrt(min(rows, columns) - 1)
    return PairPower(
        n=n,
        df=df,
        alpha=level,
        power=tuple(_power(n * w * w, df, level).tolist()),
        n_for_power=tuple(chisq_n_for_power(float(v), df, level) for v in w),
    )


def share_precision(count: int, n: int, interval: tuple[float, float] | None) -> SharePrecision:
    """The precision of the share count / n. ``interval``: its Wilson 95 % interval in percent
    (stats.wilson_interval, as the analysis gives it), None when n = 0.

    n needed for ±d: z² p (1 − p) / d² (normal approximation, z = 1.96), at the current share
    p = count / n, or p = 0.5 (the most needed) when nobody answered yet; rounded up. At a
    share of 0 or 100 % it is 0: the approximation says nothing there, the interval does."""
    share = count / n if n else 0.5
    half_width = None if interval is None else (interval[1] - interval[0]) / 2
    return SharePrecision(half_width, _n_for_margin(share, 3), _n_for_margin(share, 5))


def _n_for_margin(share: float, points: int) -> int:
    """n for a 95 % interval of ± ``points`` percentage points around ``share``."""
    margin = points / 100
    # A hair off before rounding up, so that float noise cannot add a respondent.
    return math.ceil(_Z_95**2 * share * (1 - share) / margin**2 - 1e-9)
