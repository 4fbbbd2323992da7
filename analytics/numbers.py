"""Statistics of number questions: descriptives with a histogram, and the Kruskal–Wallis
test of a number question across the groups of a single-choice (or ordinal) question.

Pure numpy and scipy: arrays in, frozen results out. A number that cannot be computed is
None, with a ``reason``.

A number question is not tested against a multi-choice question (a respondent may be in
several of its groups, which the Kruskal–Wallis test does not allow) nor against another
number question (a correlation, not a test of groups, which this analysis does not offer):
those cells of the dependence matrix are shown as not tested.
"""

from dataclasses import dataclass, replace

import numpy as np

MAX_BINS = 50  # a histogram of more bars says no more and draws slowly


@dataclass(frozen=True)
class Histogram:
    edges: tuple[float, ...]  # len(counts) + 1 bin edges; the last bin includes its right edge
    counts: tuple[int, ...]
    rule: str  # "freedman-diaconis" or "sturges"

    def to_json(self) -> dict:
        return {"edges": list(self.edges), "counts": list(self.counts), "rule": self.rule}


@dataclass(frozen=True)
class NumberDescriptives:
    """n, mean, standard deviation (n − 1), median and quartiles (R's type 7, numpy's
    "linear": Hyndman & Fan 1996), minimum and maximum of the answers."""

    n: int
    mean: float | None
    sd: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    histogram: Histogram | None = None

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "median": self.median,
            "q1": self.q1,
            "q3": self.q3,
            "min": self.minimum,
            "max": self.maximum,
            "quantile_definition": "R type 7 (linear)",
            "histogram": self.histogram.to_json() if self.histogram else None,
        }


def number_descriptives(values: np.ndarray, *, histogram: bool = True) -> NumberDescriptives:
    """The descriptives of the answers (NaN: no answer, left out).

    SD with n − 1 in the denominator (the sample SD; None below two answers); quartiles by
    linear interpolation between order statistics, R's ``quantile(type = 7)`` (Hyndman &
    Fan 1996, definition 7), numpy's default."""
    return sorted_descriptives(np.sort(values[~np.isnan(values)]), histogram=histogram)


def sorted_descriptives(answered: np.ndarray, *, histogram: bool = True) -> NumberDescriptives:
    """``number_descriptives`` of answers already sorted, without NaN: no sort needed."""
    n = len(answered)
    if n == 0:
        return NumberDescriptives(0, None, None, None, None, None, None, None, None)
    q1, median, q3 = (_quantile_sorted(answered, p) for p in (0.25, 0.5, 0.75))
    return NumberDescriptives(
        n=n,
        mean=float(answered.mean()),
        sd=float(answered.std(ddof=1)) if n > 1 else None,
        median=median,
        q1=q1,
        q3=q3,
        minimum=float(answered[0]),
        maximum=float(answered[-1]),
        histogram=number_histogram(answered, q3 - q1) if histogram else None,
    )


def _quantile_sorted(answered: np.ndarray, p: float) -> float:
    """Type 7: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]) with h = (n − 1)p (0-based)."""
    h = (len(answered) - 1) * p
    low = int(np.floor(h))
    high = min(low + 1, len(answered) - 1)
    return float(answered[low] + (h - low) * (answered[high] - answered[low]))


def number_histogram(answered: np.ndarray, iqr: float) -> Histogram:
    """Bins of width 2·IQR·n^(−1/3) (Freedman & Diaconis 1981, "On the histogram as a
    density estimator: L2 theory", Z. Wahrscheinlichkeitstheorie 57), robust to outliers;
    where the IQR is 0, ⌈log2 n⌉ + 1 bins (Sturges 1926, JASA 21). At most MAX_BINS."""
    n, low, high = len(answered), float(answered[0]), float(answered[-1])
    if high == low:
        return Histogram((low, high), (n,), "sturges")
    if iqr > 0:
        width = 2 * iqr * n ** (-1 / 3)
        bins, rule = int(np.ceil((high - low) / width)), "freedman-diaconis"
    else:
        bins, rule = int(np.ceil(np.log2(n))) + 1, "sturges"
    counts, edges = np.histogram(answered, bins=min(max(bins, 1), MAX_BINS), range=(low, high))
    return Histogram(tuple(float(e) for e in edges), tuple(int(c) for c in counts), rule)


@dataclass(frozen=True)
class KruskalWallisTest:
    """H (corrected for ties), its df and p (χ² approximation), and the effect size
    ε² = H / ((n² − 1)/(n + 1)); with the descriptives of each group (None: an empty group,
    left out of the test)."""

    n: int
    statistic: float | None
    df: int | None
    p: float | None
    epsilon_squared: float | None
    groups: tuple[NumberDescriptives, ...]
    reason: str | None = None

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "statistic": self.statistic,
            "df": self.df,
            "p": self.p,
            "epsilon_squared": self.epsilon_squared,
            "reason": self.reason,
            "groups": [group.to_json() for group in self.groups],
        }


@dataclass(frozen=True, eq=False)
class SortedAnswers:
    """The answers to a number question in increasing order (no NaN) and the row of the
    respondent who gave each: sorted once, then every Kruskal–Wallis test of the question
    takes its respondents in order without sorting again."""

    values: np.ndarray
    rows: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray) -> "SortedAnswers":
        answered = np.flatnonzero(~np.isnan(values))
        order = answered[np.argsort(values[answered], kind="stable")]
        return cls(values[order], order)


def kruskal_wallis(answers: SortedAnswers, groups: np.ndarray, n_groups: int) -> KruskalWallisTest:
    """The Kruskal–Wallis test of the answers across ``groups`` (each respondent's group,
    0..n_groups−1; a negative group, no answer or not asked, leaves the respondent out).

    H = 12/(N(N+1)) Σ R_i²/n_i − 3(N+1), divided by the tie correction
    1 − Σ(t³ − t)/(N³ − N) (Kruskal & Wallis 1952, JASA 47, eqs. 1.1 and 1.2), ranks of tied
    values their mean; df = k − 1 over the k groups with answers; p from the χ²
    distribution, as R's ``kruskal.test`` and ``scipy.stats.kruskal``. Effect size
    ε² = H/((N² − 1)/(N + 1)) (Tomczak & Tomczak 2014, "The need to report effect size
    estimates revisited", Trends in Sport Sciences 21, eq. 7)."""
    from scipy.stats import chi2

    grouped = groups[answers.rows].astype(np.int64)
    kept = grouped >= 0
    values, grouped = answers.values[kept], grouped[kept]  # still in increasing order
    described = tuple(
        sorted_descriptives(values[grouped == g], histogram=False) for g in range(n_groups)
    )
    n, sizes = len(values), np.bincount(grouped, minlength=n_groups)
    k = int((sizes > 0).sum())
    untested = KruskalWallisTest(n, None, None, None, None, described)
    if k < 2:
        return _with_reason(untested, "fewer than two groups have answers")
    ranks, ties = _midranks(values)
    correction = 1 - float(np.sum(ties**3 - ties)) / (n**3 - n)
    if correction <= 0:
        return _with_reason(untested, "every answer is the same value")
    sums = np.bincount(grouped, weights=ranks, minlength=n_groups)[sizes > 0]
    h = 12 / (n * (n + 1)) * float(np.sum(sums**2 / sizes[sizes > 0])) - 3 * (n + 1)
    h /= correction
    return KruskalWallisTest(
        n=n,
        statistic=h,
        df=k - 1,
        p=float(chi2.sf(h, k - 1)),
        epsilon_squared=h / ((n**2 - 1) / (n + 1)),
        groups=described,
    )


def _midranks(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ranks (1-based, ties their mean) of values in increasing order, and the size of
    each run of tied values."""
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ties = np.diff(np.r_[starts, len(ordered)]).astype(np.float64)
    return np.repeat(starts + (ties + 1) / 2, ties.astype(np.int64)), ties


def _with_reason(test: KruskalWallisTest, reason: str) -> KruskalWallisTest:
    return replace(test, reason=reason)
