"""The analysis as typed results, and the one JSON form of them (``analyze --json``, the API).

Pure: frozen dataclasses around the frozen test results of stats.py and multiple_response.py.
Every consumer reads attributes; ``to_json`` is the one place they become the JSON of the
contract (docs/architecture.md#contracts). Its values are never NaN or inf: a number that
cannot be computed is None (null), with a ``reason``.
"""

from dataclasses import dataclass

import numpy as np

from analytics.letters import ColumnLetters
from analytics.multiple_response import ItemTest, MultipleResponseTest
from analytics.numbers import KruskalWallisTest, NumberDescriptives
from analytics.ordinal import OrdinalAssociation
from analytics.power import PairPower, SharePrecision
from analytics.rao_scott import WeightedShare, WeightedTable
from analytics.stats import FloatArray, TwoWayTest
from analytics.weighted import WeightedPair
from analytics.weights import Weights

ADJUST_METHODS = ("bh", "holm", "none")
LETTER_ADJUSTMENTS = ("bh", "bonferroni")


@dataclass(frozen=True)
class AnalysisOptions:
    permutations: int = 10_000
    seed: int = 0
    adjust: str = "bh"
    alpha: float = 0.05
    significance_adjusted: bool = False  # the article judged on unadjusted p
    bootstrap: int = 0  # resamples for a bootstrap p of multiple-response tests (0: none)
    weighted: bool = False  # with the survey's weighting scheme (analytics/weighting.py)
    letters_adjust: str = "bh"  # column-proportion letters: "bh" or "bonferroni" in a row

    def to_json(self) -> dict:
        """The options that shape every pair (the bootstrap shows in ``p_bootstrap``)."""
        return {
            "permutations": self.permutations,
            "seed": self.seed,
            "adjust": self.adjust,
            "alpha": self.alpha,
            "significance_adjusted": self.significance_adjusted,
            "weighted": self.weighted,
            "letters_adjust": self.letters_adjust,
        }


@dataclass(frozen=True)
class ChoiceFrequency:
    """How often one choice was given: count, percent of respondents with its Wilson 95 %
    interval and how precise that is, and, for a multi-choice question, percent of
    mentions."""

    choice: str
    count: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    percent_of_mentions: float | None
    precision: SharePrecision
    weighted: WeightedShare | None = None

    def to_json(self, *, multi: bool) -> dict:
        shown = {
            "choice": self.choice,
            "count": self.count,
            "percent": self.percent,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        } | self.precision.to_json()
        if self.weighted is not None:
            shown |= self.weighted.to_json()
        if not multi:
            return shown
        return shown | {"percent_of_mentions": self.percent_of_mentions}


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers: how many answered, how many were asked and gave no answer,
    how many were not asked (skipped by design: its condition was false), and the
    frequency of each choice."""

    code: str
    kind: str
    n_answered: int
    n_unanswered: int
    frequencies: tuple[ChoiceFrequency, ...]
    n_not_asked: int = 0

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "n_answered": self.n_answered,
            "n_unanswered": self.n_unanswered,
            "n_not_asked": self.n_not_asked,
            "frequencies": [row.to_json(multi=self.kind == "multi") for row in self.frequencies],
        }


@dataclass(frozen=True)
class NumberResult:
    """A number question's answers: the same three counts as a choice question and the
    descriptives of the answers, always unweighted."""

    code: str
    n_answered: int
    n_unanswered: int
    n_not_asked: int
    descriptives: NumberDescriptives
    kind: str = "number"

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "n_answered": self.n_answered,
            "n_unanswered": self.n_unanswered,
            "n_not_asked": self.n_not_asked,
            "weighted": False,
            "descriptives": self.descriptives.to_json(),
        }


@dataclass(frozen=True, kw_only=True)
class PairResult:
    """What a question pair has whatever its kind: the questions (``a`` before ``b`` in
    questionnaire order), its test, the power of that test, and the verdict reached
    across all pairs."""

    a: str
    b: str
    kind: str
    test: TwoWayTest | MultipleResponseTest
    power: PairPower
    p_adjusted: float | None = None
    significant: bool | None = None
    # Anytime-valid p, the running minimum over the whole stream (anytime.py); None if filtered.
    p_anytime: float | None = None
    weighted: WeightedPair | None = None  # the design-based tests, in a weighted analysis
    ordinal: OrdinalAssociation | None = None  # two ordinal questions: their association
    # Respondents not asked a, and not asked b (skip logic): not in the pair's n.
    not_asked: tuple[int, int] = (0, 0)

    @property
    def shown_p(self) -> float | None:
        """The p the dashboards, findings, tables and exports show, that ``significant`` judges
        and ``p_adjusted`` adjusts. Weighted: the second-order Rao–Scott p (with a multi-choice
        question, the Bonferroni p of its options' Rao–Scott tests). Otherwise, two ordinal
        questions: the linear-by-linear p; single × single: the Monte Carlo p where Cochran's
        rule fails (it is computed only then), else the asymptotic p. With a multi-choice
        question: the second-order Rao–Scott p, else (when it is undefined) the Bonferroni p."""
        test = self.test
        if self.weighted is not None:
            return self.weighted.shown_p
        if self.ordinal is not None and self.ordinal.linear_by_linear_p is not None:
            return self.ordinal.linear_by_linear_p
        if isinstance(test, TwoWayTest):
            return test.p_exact if test.p_exact is not None else test.p
        return test.rs2_p if test.rs2_p is not None else test.p_bonferroni

    def _names(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "kind": self.kind,
            "not_asked": {self.a: self.not_asked[0], self.b: self.not_asked[1]},
        }

    def _verdict(self) -> dict:
        shown: dict[str, object] = {
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
            "p_anytime": self.p_anytime,
            "shown_p": self.shown_p,
        }
        if self.weighted is not None:
            shown["rao_scott"] = self.weighted.to_json()
        return shown


# The scalar fields of a TwoWayTest, in the order of the JSON contract.
TWO_WAY_SCALARS = (
    "n",
    "statistic",
    "df",
    "p",
    "g2",
    "g2_p",
    "cramers_v",
    "cramers_v_corrected",
    "min_expected",
    "cells_expected_below_5",
    "cells_expected_below_1",
    "share_expected_below_5",
    "cochran_ok",
    "yates_statistic",
    "yates_p",
    "fisher_p",
    "p_exact",
    "permutations",
    "reason",
)


@dataclass(frozen=True, kw_only=True)
class TwoWayPair(PairResult):
    """Two single-choice questions: the r×c test, with its rows and columns as choice codes
    (empty rows and columns dropped before testing, and named)."""

    test: TwoWayTest
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    dropped_rows: tuple[str, ...]
    dropped_columns: tuple[str, ...]
    letters: ColumnLetters | None = None  # column-proportion letters of ``test.table``

    @property
    def df(self) -> int | None:
        return self.test.df

    def weighted_kept(self) -> WeightedTable | None:
        """The weighted table (Σw, Σw² per cell) of the rows and columns ``test.table``
        keeps, in a weighted analysis."""
        if self.weighted is None or self.weighted.table is None:
            return None
        table = self.weighted.table
        keep = np.ix_(
            [k for k in range(table.totals.shape[0]) if k not in self.test.dropped_rows],
            [k for k in range(table.totals.shape[1]) if k not in self.test.dropped_columns],
        )
        return WeightedTable(table.totals[keep], table.squares[keep], table.n)

    @property
    def cramers_v_corrected(self) -> float | None:
        return self.test.cramers_v_corrected

    @property
    def cochran_ok(self) -> bool | None:
        return self.test.cochran_ok

    def to_json(self) -> dict:
        test = self.test
        codes = {
            "rows": list(self.rows),
            "columns": list(self.columns),
            "dropped_rows": list(self.dropped_rows),
            "dropped_columns": list(self.dropped_columns),
        }
        tables = {
            "table": test.table.tolist(),
            "expected": rounded(test.expected),
            "adjusted_residuals": rounded(test.adjusted_residuals),
            "row_percent": rounded(test.row_percent),
            "column_percent": rounded(test.column_percent),
        }
        scalars = {name: getattr(test, name) for name in TWO_WAY_SCALARS}
        extra = {
            "ordinal": self.ordinal is not None,
            "letters": self.letters.to_json() if self.letters else None,
        }
        if self.ordinal is not None:
            extra |= self.ordinal.to_json()
        shown = self._names() | scalars | codes | tables | extra | self._verdict()
        return shown | self.power.to_json()


@dataclass(frozen=True)
class ItemResult:
    """One 2-column table of a multiple-response pair, named by choice codes: ``choice`` is the
    option of the multi-choice question (single × multi) or of ``b`` (multi × multi, where
    ``a_choice`` is the option of ``a``)."""

    test: ItemTest
    choice: str
    a_choice: str | None = None

    def to_json(self) -> dict:
        if self.a_choice is None:
            names = {"choice": self.choice}
        else:
            names = {"a_choice": self.a_choice, "b_choice": self.choice}
        return names | {
            "statistic": self.test.statistic,
            "p": self.test.p,
            "p_adjusted": self.test.p_adjusted,
            "table": [list(row) for row in self.test.table],
        }


@dataclass(frozen=True, kw_only=True)
class MultipleResponsePair(PairResult):
    """A pair with a multi-choice question (single × multi or multi × multi): the
    marginal-independence test, and one item per option (or option pair)."""

    test: MultipleResponseTest
    items: tuple[ItemResult, ...]

    @property
    def df(self) -> float | None:
        """The Rao–Scott df: the df of the asymptotic p of a multiple-response pair."""
        return self.test.rs2_df

    @property
    def cramers_v_corrected(self) -> None:
        """Cramér's V is not defined for a multiple-response pair."""
        return None

    @property
    def cochran_ok(self) -> None:
        """Cochran's rule does not apply: the Rao–Scott test is not an r×c χ² test."""
        return None

    def to_json(self) -> dict:
        test = self.test
        return (
            self._names()
            | {
                "n": test.n,
                "statistic": test.statistic,
                "df": test.rs2_df,
                "p": test.rs2_p,
                "p_bonferroni": test.p_bonferroni,
                "p_bootstrap": test.p_bootstrap,
                "rs2_statistic": test.rs2_statistic,
                "rs2_df": test.rs2_df,
                "rs2_p": test.rs2_p,
                "p_exact": None,
                "cochran_ok": None,
                "reason": test.reason,
                "items": [item.to_json() for item in self.items],
            }
            | self._verdict()
            | self.power.to_json()
        )


Pair = TwoWayPair | MultipleResponsePair


@dataclass(frozen=True, kw_only=True)
class NumberPair:
    """A number question and a single-choice (or ordinal) question: the Kruskal–Wallis test
    of the number across the choice's groups (analytics/numbers.py), ε² its effect size.
    ``a`` comes before ``b`` in questionnaire order; ``number`` says which one is the
    number question. Unweighted, also in a weighted analysis."""

    a: str
    b: str
    number: str
    test: KruskalWallisTest
    groups: tuple[str, ...]  # the choice codes of the groups, in order
    not_asked: tuple[int, int] = (0, 0)
    p_adjusted: float | None = None
    significant: bool | None = None

    @property
    def kind(self) -> str:
        return "number×single" if self.number == self.a else "single×number"

    @property
    def grouping(self) -> str:
        return self.b if self.number == self.a else self.a

    @property
    def shown_p(self) -> float | None:
        return self.test.p

    @property
    def df(self) -> int | None:
        return self.test.df

    def to_json(self) -> dict:
        test = self.test.to_json()
        groups = [{"choice": c} | g for c, g in zip(self.groups, test.pop("groups"), strict=True)]
        return (
            {"a": self.a, "b": self.b, "kind": self.kind, "number": self.number}
            | {"not_asked": {self.a: self.not_asked[0], self.b: self.not_asked[1]}}
            | test
            | {"groups": groups, "weighted": False, "shown_p": self.shown_p}
            | {"p_adjusted": self.p_adjusted, "significant": self.significant}
        )


@dataclass(frozen=True)
class Analysis:
    """The full analysis of a survey's responses (those that passed a filter) at a
    watermark: every question's frequencies and every pair's test, in questionnaire order."""

    survey: str
    watermark: int
    n: int
    options: AnalysisOptions
    questions: tuple[QuestionResult, ...]  # the choice questions
    pairs: tuple[Pair, ...]  # of two choice questions
    weights: Weights | None = None  # the weights of a weighted analysis
    numbers: tuple[NumberResult, ...] = ()  # the number questions
    number_pairs: tuple[NumberPair, ...] = ()  # number × single or ordinal

    def pair(self, a: str, b: str) -> Pair | None:
        """The pair of these two questions, given in either order; None if there is none."""
        return next((pair for pair in self.pairs if {pair.a, pair.b} == {a, b}), None)

    def number_pair(self, a: str, b: str) -> NumberPair | None:
        """The number pair of these two questions, in either order; None if not tested."""
        return next((pair for pair in self.number_pairs if {pair.a, pair.b} == {a, b}), None)

    def question(self, code: str) -> QuestionResult:
        return next(question for question in self.questions if question.code == code)

    def number(self, code: str) -> NumberResult:
        return next(number for number in self.numbers if number.code == code)

    def to_json(self) -> dict:
        return {
            "survey": self.survey,
            "watermark": self.watermark,
            "n": self.n,
            "options": self.options.to_json(),
            "weighted": self.weights is not None,
            "weights": self.weights.to_json() if self.weights is not None else None,
            "questions": [question.to_json() for question in self.questions]
            + [number.to_json() for number in self.numbers],
            "pairs": [pair.to_json() for pair in self.pairs]
            + [pair.to_json() for pair in self.number_pairs],
        }


def rounded(values: FloatArray | None) -> list | None:
    """A derived table (expected counts, residuals, percentages) as nested lists, rounded to
    10 decimals as the JSON, the tables and the pages show it: no float noise."""
    return None if values is None else np.round(values, 10).tolist()
