"""The ``weight`` column of every responses export, and its codebook entry.

A respondent's weight depends only on their answers to the weighting questions
(analytics/weighting.py), so the column is a lookup from those answers to the weight of
their cell: in Python for the Python-written files, as a CASE expression for the CSV that
PostgreSQL writes. Both write the same text (Python's shortest round-trip repr of the
float), and an empty cell for a respondent without a weight (one who skipped a weighting
question). Without a scheme, or when its weights cannot be computed now, there is no column.
"""

from dataclasses import dataclass
from itertools import product

import numpy as np
from psycopg2 import sql

from analytics.models import WeightingScheme
from analytics.selectors import current_weights
from analytics.snapshot import snapshot_current
from analytics.weighting import Scheme, WeightsUnavailable
from analytics.weights import Weights
from surveys import csv_format
from surveys.models import Survey
from surveys.questionnaire import QuestionnaireSpec


@dataclass(frozen=True)
class WeightColumn:
    """Weights by combination of answers to the weighting questions (as text cells)."""

    codes: tuple[str, ...]
    cells: dict[tuple[str, ...], str]
    scheme: Scheme
    weights: Weights

    def cell(self, answers: dict) -> str:
        return self.cells.get(tuple(str(answers.get(code)) for code in self.codes), "")

    def value(self, answers: dict) -> float | None:
        text = self.cell(answers)
        return float(text) if text else None

    def expression(self) -> sql.Composable:
        """The weight as SQL text over the ``answers`` column ('' when there is none)."""
        branches = [
            sql.SQL("WHEN {} THEN {}").format(
                sql.SQL(" AND ").join(
                    sql.SQL("(answers->>{}) = {}").format(sql.Literal(code), sql.Literal(choice))
                    for code, choice in zip(self.codes, combination, strict=True)
                ),
                sql.Literal(text),
            )
            for combination, text in self.cells.items()
        ]
        return sql.SQL("CASE {} ELSE '' END").format(sql.SQL(" ").join(branches))

    def codebook(self) -> dict:
        return {
            "column": csv_format.WEIGHT_COLUMN,
            "method": "raking",
            "margins": {code: list(shares) for code, shares in self.scheme.margins},
            "trim": list(self.scheme.trim) if self.scheme.trim else None,
            "description": (
                "Raking weight of the response (mean 1 over weighted respondents) to the "
                f"population margins of {', '.join(self.codes)}; empty: no weight (a "
                "weighting question was skipped)."
            ),
        } | self.weights.to_json()


def weight_column(survey: Survey, spec: QuestionnaireSpec) -> WeightColumn | None:
    """The survey's weight column now, or None without a usable weighting scheme (then
    without refreshing the counts' snapshot, which only the weights need)."""
    if not WeightingScheme.objects.filter(survey=survey).exists():
        return None
    current = snapshot_current(survey)
    if current.scheme is None:
        return None
    try:
        weights = current_weights(current)
    except WeightsUnavailable:
        return None
    questions = {q.code: q for q in spec.questions}
    codes = current.scheme.codes
    combinations = product(*(questions[code].choice_codes for code in codes))
    flat = np.asarray(weights.cells[:-1])
    cells = {combination: repr(float(w)) for combination, w in zip(combinations, flat, strict=True)}
    return WeightColumn(codes, cells, current.scheme, weights)
