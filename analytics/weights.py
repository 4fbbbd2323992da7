"""Survey weights by raking (iterative proportional fitting), with optional trimming.

Pure numpy. Raking works on the cell counts of the weighting questions, not on
respondents: every respondent in the same combination of answers (one cell of the joint
table of the weighting questions) gets the same weight, so the weights are a function of
that small table, which the snapshot keeps up to date (analytics/counts.py, ``cells``).
A refresh re-rakes a table of a few dozen cells, however many responses there are.

Raking: Deming & Stephan (1940), Ann. Math. Stat. 11:427–444; the same fixed point as R's
``survey::rake`` (Lumley 2010, Complex Surveys, §7.3), which iterates ``postStratify`` over
the margins. Trimming: bounds relative to the mean weight, then raking again from the
trimmed weights, until both the margins and the bounds hold (Battaglia et al. 2009, Survey
Practice 2(5), "Practical considerations in raking survey data").
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

TOLERANCE = 1e-10  # largest |weighted margin − target| allowed, as a share of the total
MAX_SWEEPS = 10_000
MAX_TRIM_ROUNDS = 200
# Weights exactly at a bound, after raking again, may overshoot by rounding alone.
TRIM_SLACK = 1e-6


class RakingFailed(ValueError):
    """The margins (or the trim bounds) cannot be met; the message says why."""


@dataclass(frozen=True, eq=False)
class Weights:
    """The weight of a respondent in each cell of the weighting questions' joint table, and
    what they do to the sample: Kish's effective n = (Σw)² / Σw² (Kish 1965, Survey
    Sampling, §11.7), the design effect n / n_eff, and the weights' distribution over
    respondents (R's default ``quantile``, type 7)."""

    cells: FloatArray
    sweeps: int
    n: int
    n_effective: float
    design_effect: float
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "n_effective": self.n_effective,
            "design_effect": self.design_effect,
            "min": self.minimum,
            "q1": self.lower_quartile,
            "median": self.median,
            "q3": self.upper_quartile,
            "max": self.maximum,
            "sweeps": self.sweeps,
        }


def rake(
    counts: np.ndarray,
    targets: list[FloatArray],
    trim: tuple[float, float] | None = None,
) -> Weights:
    """Raking weights for a joint table of cell counts (one axis per weighting question)
    so that the weighted margin of axis d equals ``targets[d]`` (totals; each must sum to
    the same total). Every category of every margin must hold respondents and a positive
    target: the caller checks both with names. Raises RakingFailed if IPF does not converge
    within MAX_SWEEPS or the trim bounds cannot be met."""
    counts = np.asarray(counts, dtype=np.float64)
    factors, sweeps = _ipf(counts, targets, np.ones_like(counts))
    if trim is not None:
        factors, sweeps = _trimmed(counts, targets, factors, trim, sweeps)
    return weights_describe(factors, counts, sweeps)


def _ipf(counts: FloatArray, targets: list[FloatArray], start: FloatArray):
    factors = start.copy()
    total = float(targets[0].sum())
    for sweep in range(1, MAX_SWEEPS + 1):
        for axis, target in enumerate(targets):
            factors *= _expand(target / _margin(factors * counts, axis), axis, counts.ndim)
        gap = max(
            float(np.abs(_margin(factors * counts, axis) - target).max())
            for axis, target in enumerate(targets)
        )
        if gap <= TOLERANCE * total:
            return factors, sweep
    raise RakingFailed(
        f"raking did not converge in {MAX_SWEEPS} sweeps (the margins are still "
        f"{gap / total:.2g} of the total apart); check that the margins are consistent."
    )


def _trimmed(counts, targets, factors, trim: tuple[float, float], sweeps: int):
    low, high = trim
    n = counts.sum()
    for _ in range(MAX_TRIM_ROUNDS):
        mean = float((factors * counts).sum() / n)
        occupied = counts > 0
        ratio = factors[occupied] / mean
        if ratio.min() >= low * (1 - TRIM_SLACK) and ratio.max() <= high * (1 + TRIM_SLACK):
            return factors, sweeps
        factors = np.clip(factors, low * mean, high * mean)
        factors, more = _ipf(counts, targets, factors)
        sweeps += more
    raise RakingFailed(
        f"the trim bounds [{low:g}, {high:g}] cannot be met together with the margins: after "
        f"{MAX_TRIM_ROUNDS} rounds of trimming and raking the weights still run from "
        f"{ratio.min():.3g} to {ratio.max():.3g} times the mean; widen the bounds."
    )


def _margin(table: FloatArray, axis: int) -> FloatArray:
    others = tuple(k for k in range(table.ndim) if k != axis)
    return table.sum(axis=others)


def _expand(values: FloatArray, axis: int, ndim: int) -> FloatArray:
    shape = [1] * ndim
    shape[axis] = len(values)
    return values.reshape(shape)


def weights_describe(cells: FloatArray, counts: FloatArray, sweeps: int = 0) -> Weights:
    """Kish's effective n, the design effect and the quartiles of weights given per cell."""
    flat_weights, flat_counts = cells.ravel(), counts.ravel()
    n = int(round(float(flat_counts.sum())))
    total = float((flat_weights * flat_counts).sum())
    squares = float((flat_weights**2 * flat_counts).sum())
    n_effective = total**2 / squares if squares else 0.0
    quartiles = [_quantile(flat_weights, flat_counts, share) for share in (0, 0.25, 0.5, 0.75, 1)]
    return Weights(
        cells=cells,
        sweeps=sweeps,
        n=n,
        n_effective=n_effective,
        design_effect=n / n_effective if n_effective else 0.0,
        minimum=quartiles[0],
        lower_quartile=quartiles[1],
        median=quartiles[2],
        upper_quartile=quartiles[3],
        maximum=quartiles[4],
    )


def _quantile(values: FloatArray, counts: FloatArray, share: float) -> float:
    """R's type-7 quantile of ``values`` repeated ``counts`` times (Hyndman & Fan 1996,
    Am. Stat. 50:361–365), without repeating them."""
    occupied = counts > 0
    if not occupied.any():
        return 0.0
    order = np.argsort(values[occupied], kind="stable")
    sorted_values = values[occupied][order]
    ends = np.cumsum(counts[occupied][order])
    position = (ends[-1] - 1) * share
    below = int(np.floor(position))
    lower = sorted_values[np.searchsorted(ends, below, side="right")]
    upper = sorted_values[np.searchsorted(ends, min(below + 1, ends[-1] - 1), side="right")]
    return float(lower + (position - below) * (upper - lower))
