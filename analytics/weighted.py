"""The weighted half of an analysis: weighted shares and Rao–Scott tests, from the counts.

Pure. A respondent's weight depends only on their cell of the weighting questions
(analytics/weighting.py), and the snapshot counts every table per cell (analytics/counts.py),
so Σw and Σw² of any cell of any table are those counts times the cell weights and their
squares: no respondent is read. The design is that of analytics/rao_scott.py, with n the
respondents of the analysis who have a weight (those who skipped a weighting question have
none and are left out), as R's ``svydesign(ids = ~1, weights = ~w)`` on them.
"""

from dataclasses import dataclass

import numpy as np

from analytics.anytime import option_pair_tables
from analytics.counts import Counts
from analytics.rao_scott import (
    RaoScottTest,
    WeightedShare,
    WeightedTable,
    rao_scott_tests,
    weighted_shares,
)
from surveys.questionnaire import QuestionSpec


@dataclass(frozen=True, eq=False)
class WeightedPair:
    """A pair's weighted tests: one Rao–Scott test of the r×c table (two single or ordinal
    questions), or one per option's r×2 table or option pair's 2×2 table (with a
    multi-choice question) with their Bonferroni p; ``table`` is the weighted r×c table."""

    test: RaoScottTest | None = None
    items: tuple[RaoScottTest, ...] = ()
    p_bonferroni: float | None = None
    table: WeightedTable | None = None

    @property
    def shown_p(self) -> float | None:
        """The second-order Rao–Scott p, or for a multi-choice pair its Bonferroni p."""
        return self.test.p_f if self.test is not None else self.p_bonferroni

    def to_json(self) -> dict:
        if self.test is not None:
            return self.test.to_json()
        return {
            "p_bonferroni": self.p_bonferroni,
            "items": [item.to_json() for item in self.items],
        }


def design_size(counts: Counts, cell_weights: np.ndarray) -> int:
    """Respondents of the analysis who have a weight."""
    return int(counts.tables["cells"][cell_weights > 0].sum())


def question_shares(
    question: QuestionSpec, counts: Counts, cell_weights: np.ndarray, n: int
) -> tuple[WeightedShare, ...]:
    """The weighted share of each choice among those who answered (``svymean`` of the
    question with ``na.rm = TRUE``, ``svyciprop(method = "logit")``)."""
    by_cell = counts.tables[f"wfreq:{question.code}"]
    if not question.is_multi:
        return tuple(weighted_shares(_sums(cell_weights, by_cell[:, 1:], n)))
    answered = by_cell[:, -1]
    shares = []
    for option in range(by_cell.shape[1] - 1):
        ticked = by_cell[:, option]
        table = np.stack([ticked, answered - ticked], axis=-1)
        shares.append(weighted_shares(_sums(cell_weights, table, n))[0])
    return tuple(shares)


def pairs_weighted(
    pairs: list[tuple[QuestionSpec, QuestionSpec]],
    counts: Counts,
    cell_weights: np.ndarray,
    n: int,
) -> list[WeightedPair]:
    """The weighted tests of these question pairs. The r×c tables of the same shape are
    tested as one stack (``rao_scott_tests``), which is most of the time a refresh spends."""
    found: dict[int, WeightedPair] = {}
    two_way: dict[tuple[int, ...], list[tuple[int, WeightedTable]]] = {}
    for index, (a, b) in enumerate(pairs):
        if a.is_multi or b.is_multi:
            found[index] = _multiple_response_weighted(a, b, counts, cell_weights, n)
        else:
            table = _sums(cell_weights, counts.tables[f"wpair:{a.code}:{b.code}"], n)
            two_way.setdefault(table.totals.shape, []).append((index, table))
    for tables in two_way.values():
        tests = rao_scott_tests(
            np.stack([table.totals for _index, table in tables]),
            np.stack([table.squares for _index, table in tables]),
            n,
        )
        for (index, table), test in zip(tables, tests, strict=True):
            found[index] = WeightedPair(test=test, table=table)
    return [found[index] for index in range(len(pairs))]


def _multiple_response_weighted(
    a: QuestionSpec, b: QuestionSpec, counts: Counts, cell_weights: np.ndarray, n: int
) -> WeightedPair:
    key = f"{a.code}:{b.code}"
    if a.is_multi and b.is_multi:
        by_cell = np.stack([option_pair_tables(c) for c in counts.tables[f"wcooccur:{key}"]])
    else:
        joint = counts.tables[f"wjoint:{key}"]  # (cells, groups, options + 1)
        ticked, sizes = joint[..., :-1], joint[..., -1:]
        by_cell = np.stack([ticked, sizes - ticked], axis=-1).swapaxes(1, 2)
    every = _sums(cell_weights, by_cell, n)
    items = rao_scott_tests(every.totals, every.squares, n)
    return WeightedPair(items=items, p_bonferroni=_bonferroni(items))


def _sums(cell_weights: np.ndarray, by_cell: np.ndarray, n: int) -> WeightedTable:
    """Σw and Σw² of each cell of a table counted per weighting cell (first axis)."""
    weights = np.asarray(cell_weights, dtype=np.float64)
    flat = by_cell.reshape(len(weights), -1).astype(np.float64)
    both = np.stack([weights, weights**2]) @ flat
    shape = by_cell.shape[1:]
    return WeightedTable(both[0].reshape(shape), both[1].reshape(shape), n)


def _bonferroni(items: tuple[RaoScottTest, ...]) -> float | None:
    p_values = [item.p_f for item in items if item.p_f is not None]
    return min(1.0, len(p_values) * min(p_values)) if p_values else None
